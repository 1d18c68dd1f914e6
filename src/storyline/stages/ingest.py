"""ingest: turn files, folders, JSONL dumps and feeds into Documents with their raw bytes.

Reading (`iter_inputs`) walks the paths and splits containers (JSONL lines, feed
entries) into one raw item each; the `ingest` stage then decodes each item and fills
the metadata it carries. Anything unusable becomes a `Rejected` with one short reason;
nothing raises for bad input.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import InputError
from ..model import Document
from ..registry import stage
from .clean.metadata import split_title

# Extensions stripped from a file name to make its id (contract: "Document ids").
ID_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".xml", ".json", ".gz", ".jsonl", ".rss", ".atom", ".text", ".xhtml")
TEXT_EXTENSIONS = {".txt", ".md", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
FEED_EXTENSIONS = {".rss", ".atom", ".xml"}
URL_LIST_EXTENSIONS = {".urls"}

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]")
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_URL_LINE = re.compile(r"^\s*https?://\S+\s*$", re.I)
_WEAK_MAGIC = {b"MZ", b"BZh"}
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_MAGIC = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP archive", b"\x7fELF": "an executable",
    b"MZ": "a Windows executable", b"\x1f\x8b": "gzip data", b"BZh": "bzip2 data",
    b"SQLite format 3": "a SQLite database", b"\xd0\xcf\x11\xe0": "an MS Office document",
}
JSONL_FIELDS = ("id", "title", "text", "html", "url", "source", "published", "author", "fetched_at")


@dataclass
class Rejected:
    """An input that could not be used, with one short reason; its bytes are kept."""

    origin: str
    reason: str
    doc_id: str | None = None
    raw: bytes | None = None


def sanitize_id(value: str) -> str:
    """Keep letters, digits, '.', '_', '-'; replace anything else with '_'.

    The result is never empty, never made of dots only ('.', '..' would be paths if a
    writer ever made file names from ids) and at most 120 characters.
    """
    clean = _UNSAFE_ID.sub("_", unicodedata.normalize("NFC", value.strip()))
    if not clean.strip("."):
        clean = "_" * max(1, len(clean))
    if len(clean) > 120:  # long ids (URLs as guids) keep a readable head and a hash
        clean = clean[:100] + "-" + hashlib.sha1(clean.encode()).hexdigest()[:12]
    return clean


def display_path(path: str | os.PathLike) -> str:
    """A path as one printable line: undecodable bytes and control characters escaped.

    File names are bytes on POSIX; one that is not UTF-8 (an old Latin-1 archive) would
    otherwise carry lone surrogates that no store or terminal can encode.
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace") if not isinstance(path, str) or \
        _SURROGATE.search(path) else path
    return _PATH_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def doc_id_from_path(path: str | os.PathLike) -> str:
    """`36_1ecb.txt` -> `36_1ecb`, `a1b2.html.gz` -> `a1b2` (every known extension stripped)."""
    name = Path(path).name
    lowered = name.lower()
    stripped = True
    while stripped:
        stripped = False
        for ext in ID_EXTENSIONS:
            if lowered.endswith(ext) and len(lowered) > len(ext):
                name, lowered = name[: -len(ext)], lowered[: -len(ext)]
                stripped = True
    return sanitize_id(name)


def _kind(name: str) -> tuple[str, bool]:
    """(format, gzipped) guessed from the file name."""
    lowered = name.lower()
    gz = lowered.endswith(".gz")
    if gz:
        lowered = lowered[:-3]
    suffix = os.path.splitext(lowered)[1]
    for fmt, exts in (("text", TEXT_EXTENSIONS), ("html", HTML_EXTENSIONS), ("jsonl", JSONL_EXTENSIONS),
                      ("feed", FEED_EXTENSIONS), ("urls", URL_LIST_EXTENSIONS), ("json", {".json"})):
        if suffix in exts:
            return fmt, gz
    return "unknown", gz


def _iter_files(paths: Iterable[str | os.PathLike], skip: frozenset[str]) -> Iterator[Path | Rejected]:
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    # realpath, not Path.resolve(): a symlink loop must be a reject, not a crash.
                    if not name.startswith(".") and os.path.realpath(os.path.join(root, name)) not in skip:
                        yield Path(root) / name
        elif path.is_file():
            yield path
        elif not path.exists():
            yield Rejected(display_path(path), "no such file or folder")
        else:
            yield Rejected(display_path(path), "not a regular file")


def _read(path: Path, limit: int) -> bytes | Rejected:
    origin = display_path(path)
    try:
        info = path.stat()
        # A FIFO would block the run on open(), a device (/dev/zero) would never end.
        if not stat.S_ISREG(info.st_mode):
            return Rejected(origin, "not a regular file (a pipe, device or socket)")
        if info.st_size > limit:
            return Rejected(origin, f"too large ({info.st_size / 1e6:.1f} MB > ingest.max_bytes "
                                    f"{limit / 1e6:.1f} MB); raise the limit to accept it",
                            doc_id_from_path(path))
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)  # the file may have grown since stat()
        if len(raw) > limit:
            return Rejected(origin, f"too large (> ingest.max_bytes {limit / 1e6:.1f} MB); raise the limit "
                                    "to accept it", doc_id_from_path(path))
        return raw
    except (OSError, RuntimeError) as exc:
        return Rejected(origin, f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def _gunzip(raw: bytes, origin: str, limit: int) -> bytes | Rejected:
    # Decompress incrementally so a zip bomb stops at the limit instead of filling memory.
    try:
        out = io.BytesIO()
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
            while chunk := fh.read(1 << 20):
                out.write(chunk)
                if out.tell() > limit:
                    return Rejected(origin, f"decompressed size exceeds ingest.max_bytes ({limit / 1e6:.1f} MB)")
        return out.getvalue()
    except (OSError, EOFError, zlib.error) as exc:
        return Rejected(origin, f"broken gzip data: {exc}")


def iter_inputs(paths: Iterable[str | os.PathLike], *, max_bytes: int = 10_000_000,
                skip: Iterable[str | os.PathLike] = ()) -> Iterator[Document | Rejected]:
    """Yield one raw Document (or Rejected) per article found under `paths`, streaming.

    Files are visited in sorted order; containers are split: a JSONL file gives one
    document per line, a feed one per entry. Files in `skip` (the store's own files)
    are passed over when a folder is walked.
    """
    skipped = frozenset(os.path.realpath(p) for p in skip)
    for item in _iter_files(paths, skipped):
        if isinstance(item, Rejected):
            yield item
            continue
        origin = display_path(item)
        fmt, gz = _kind(item.name)
        if fmt == "jsonl" and not gz:
            yield from _iter_jsonl_file(item, origin, max_bytes)
            continue
        raw = _read(item, max_bytes)
        if isinstance(raw, Rejected):
            yield raw
            continue
        if gz:
            raw = _gunzip(raw, origin, max_bytes)
            if isinstance(raw, Rejected):
                yield raw
                continue
        if fmt == "unknown":
            fmt = _sniff(raw)
        if fmt == "jsonl":
            yield from _iter_jsonl_lines(io.BytesIO(raw), origin, max_bytes)
        elif fmt == "json":
            yield from _iter_json(raw, origin)
        elif fmt == "feed":
            yield from iter_feed(raw, origin)
        elif fmt == "urls" or (fmt == "text" and _is_url_list(raw)):
            yield from _iter_urls(raw, origin)
        elif fmt in ("text", "html"):
            yield raw_document(doc_id_from_path(item), raw, origin, fmt)
        else:
            yield Rejected(origin, "unsupported file type (expected .txt, .md, .html, .jsonl, .rss/.atom/.xml feed)",
                           doc_id_from_path(item), raw)


def raw_document(doc_id: str, raw: bytes, origin: str, fmt: str, **fields: Any) -> Document:
    doc = Document(id=doc_id, raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest(), origin=origin, format=fmt)
    for key, value in fields.items():
        setattr(doc, key, value)
    return doc


def _sniff(raw: bytes) -> str:
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<rss", b"<feed")) and (b"<rss" in head or b"<feed" in head or b"<rdf" in head):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"["):
        return "json"
    return "text"


def _is_url_list(raw: bytes) -> bool:
    lines = [line for line in raw[:200_000].decode("utf-8", "replace").splitlines() if line.strip()]
    return bool(lines) and all(_URL_LINE.match(line) for line in lines)


def _iter_urls(raw: bytes, origin: str) -> Iterator[Rejected]:
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), start=1):
        if line.strip():
            yield Rejected(f"{origin}:{number}", f"not fetched: {line.strip()} (fetching URLs is not "
                                                 "supported by `ingest`; save the pages and ingest the files)")


def _iter_jsonl_file(path: Path, origin: str, max_bytes: int) -> Iterator[Document | Rejected]:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            yield Rejected(origin, "not a regular file (a pipe, device or socket)")
            return
        with path.open("rb") as fh:
            yield from _iter_jsonl_lines(fh, origin, max_bytes)
    except (OSError, RuntimeError) as exc:
        yield Rejected(origin, f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def _iter_jsonl_lines(fh, origin: str, max_bytes: int) -> Iterator[Document | Rejected]:
    stem = doc_id_from_path(origin)
    head = fh.read(8192)
    fh.seek(0)
    # One reason for the whole file, not one "invalid JSON" per accidental line break.
    if any(head.startswith(bom) for bom, name in _BOMS if name != "utf-8-sig"):
        yield Rejected(origin, "JSONL must be UTF-8 (this file is UTF-16/32); convert it first", None)
        return
    kind = binary_kind(head)
    if kind:
        yield Rejected(origin, f"binary file ({kind}), not JSONL", None)
        return
    number = records = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            break
        number += 1
        where = f"{origin}:{number}"
        if len(line) > max_bytes:
            while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                line = fh.readline(1 << 20)
            records += 1
            yield Rejected(where, f"line longer than ingest.max_bytes ({max_bytes / 1e6:.1f} MB)")
            continue
        if not line.strip():
            continue
        records += 1
        yield record_document(line.strip(), where, f"{stem}-{number}")
    if not records:
        yield Rejected(origin, "empty JSONL file (no records)", None)


def _iter_json(raw: bytes, origin: str) -> Iterator[Document | Rejected]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Rejected(origin, f"invalid JSON: {exc}", doc_id_from_path(origin), raw)
        return
    except RecursionError:
        yield Rejected(origin, "invalid JSON (nested too deeply)", doc_id_from_path(origin), raw)
        return
    records = data.get("articles", [data]) if isinstance(data, dict) else data
    if not isinstance(records, list):
        yield Rejected(origin, "JSON must be an article object, a list of them, or {\"articles\": [...]}", None, raw)
        return
    if not records:
        yield Rejected(origin, "empty JSON list (no articles)", None, raw)
        return
    stem = doc_id_from_path(origin)
    for number, record in enumerate(records, start=1):
        where = f"{origin}[{number}]"
        try:
            line = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        except RecursionError:
            yield Rejected(where, "invalid JSON (nested too deeply)", None)
            continue
        yield record_document(line, where, f"{stem}-{number}")


def record_document(line: bytes, where: str, fallback_id: str) -> Document | Rejected:
    """One JSON article record; `raw` is the record's own bytes, so re-ingest is a no-op."""
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Rejected(where, "line is not valid UTF-8 JSON", None, line)
    except json.JSONDecodeError as exc:
        return Rejected(where, f"invalid JSON ({exc.msg} at column {exc.colno})", None, line)
    except RecursionError:  # [[[[... thousands deep: the parser gives up, so do we
        return Rejected(where, "invalid JSON (nested too deeply)", None, line)
    if not isinstance(record, dict):
        return Rejected(where, f"expected a JSON object, got {type(record).__name__}", None, line)
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        return Rejected(where, f"'id' must be a string or an integer, got {type(raw_id).__name__}", None, line)
    doc_id = sanitize_id(str(raw_id)) if raw_id not in (None, "") else fallback_id
    fields = {}
    for key in ("title", "text", "html", "url", "source", "published", "author", "fetched_at"):
        value = record.get(key)
        if value is None:
            continue
        # Numbers are fine as metadata (a numeric date, a title "1984"), not as the article.
        allowed = (str,) if key in ("text", "html") else (str, int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            return Rejected(where, f"'{key}' must be a string, got {type(value).__name__}", doc_id, line)
        fields[key] = str(value)
    if not fields.get("text", "").strip() and not fields.get("html", "").strip():
        return Rejected(where, "record has neither 'text' nor 'html'", doc_id, line)
    doc = raw_document(doc_id, line, where, "jsonl")
    doc.extra["record"] = fields
    return doc


def iter_feed(raw: bytes, origin: str) -> Iterator[Document | Rejected]:
    import feedparser

    try:
        parsed = feedparser.parse(raw)
    except Exception as exc:  # a third-party parser on hostile bytes: whatever it raises is a reject
        yield Rejected(origin, f"not a readable RSS/Atom feed ({type(exc).__name__}: {exc})"[:300],
                       doc_id_from_path(origin), raw)
        return
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"not a readable RSS/Atom feed ({problem})" if problem else "feed has no entries"
        yield Rejected(origin, reason, doc_id_from_path(origin), raw)
        return
    feed_title = (parsed.get("feed") or {}).get("title")
    for number, entry in enumerate(entries, start=1):
        content = ""
        if entry.get("content"):
            content = max((c.get("value") or "" for c in entry["content"]), key=len)
        content = content or entry.get("summary") or ""
        key = entry.get("id") or entry.get("link") or f"{doc_id_from_path(origin)}-{number}"
        fields = {
            "title": entry.get("title"), "html": content, "url": entry.get("link"),
            "source": feed_title, "author": entry.get("author"),
            "published": entry.get("published") or entry.get("updated"),
        }
        fields = {k: scrub(str(v)) for k, v in fields.items() if v}
        where = f"{origin}#{number}"
        if not content.strip():
            yield Rejected(where, "feed entry has no content", sanitize_id(key))
            continue
        line = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
        doc = raw_document(sanitize_id(key), line, where, "feed")
        doc.extra["record"] = fields
        yield doc


# --- decoding -----------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = (*range(0, 9), *range(14, 32), 127)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def binary_kind(raw: bytes) -> str | None:
    """Name the binary format of `raw`, or None when it may be text."""
    for magic, kind in _MAGIC.items():
        # Short ASCII signatures also start real text ("MZ Holdings said..."): those
        # count only when binary bytes follow (an MZ header is full of NULs).
        if raw.startswith(magic) and (magic not in _WEAK_MAGIC or _CONTROL_BYTE.search(raw[:64])):
            return kind
    if any(raw.startswith(bom) for bom, _ in _BOMS):
        return None
    head = raw[:8192]
    if not head:
        return None
    # UTF-16 without a BOM has a NUL in every other byte of ASCII text; that is text
    # (but a run of NULs, zeros in both halves, is not).
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if max(odd, even) > len(head) * 0.4 and min(odd, even) < len(head) * 0.05:
        return None
    controls = sum(head.count(bytes([c])) for c in _CONTROL_BYTES)
    # A few stray NULs or control bytes are damage we can strip; many mean binary.
    if head.count(0) > len(head) * 0.003 + 2 or controls > len(head) * 0.05:
        return "binary data"
    return None


# Code pages of Latin-script languages: on short text the detector confuses them with
# each other, and Windows-1252 is by far the likeliest in news archives. Cyrillic,
# Greek, Hebrew or Arabic code pages are never swapped for it.
_LATIN_CODEPAGES = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_1", "iso8859_2", "iso8859_3",
                    "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
                    "iso8859_16", "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "cp850", "cp437"}

# Old Mac code pages are rare in news archives and the detector picks them for their
# Windows siblings on short text (Russian cp1251 read as mac_cyrillic turns "Г" into "√").
_WINDOWS_FOR_MAC = {"mac_cyrillic": "cp1251", "mac_greek": "cp1253"}


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL pattern of BOM-less UTF-16 text shows."""
    head = raw[:8192]
    if len(head) < 4 or len(raw) % 2:
        return None
    if head[1::2].count(0) > len(head) * 0.4 and not head[0::2].count(0):
        return "utf-16-le"
    if head[0::2].count(0) > len(head) * 0.4 and not head[1::2].count(0):
        return "utf-16-be"
    return None


def _mostly_utf8(raw: bytes) -> bool:
    """UTF-8 with a few damaged bytes (a cut-off download, one bad paste), not a legacy code page.

    Legacy single-byte text almost never contains valid multi-byte UTF-8 sequences, so
    many of those and few invalid bytes mean UTF-8.
    """
    text = raw.decode("utf-8", "surrogateescape")
    bad = len(_SURROGATE.findall(text))
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 4 * bad


def decode_bytes(raw: bytes, origin: str = "", declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes: BOM, then the declared charset, then UTF-8, then a detected one.

    Returns (text, encoding). Line ends become '\\n' and control characters are dropped.

    Raises:
        InputError: binary data or bytes no encoding explains.
    """
    kind = binary_kind(raw)
    if kind:
        raise InputError(origin, f"binary file ({kind}), not an article")
    text = encoding = None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            text, encoding = raw.decode(name, "replace"), name
            break
    if text is None and declared:
        try:
            text, encoding = raw.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None and (utf16 := _utf16_without_bom(raw)):
        try:
            text, encoding = raw.decode(utf16), utf16
        except UnicodeDecodeError:
            text = None
    if text is None:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = None
    if text is None and _mostly_utf8(raw):
        text, encoding = raw.decode("utf-8", "replace"), "utf-8"
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:1_000_000]).best()
        if best is None or best.encoding is None:
            # No encoding explains every byte: text with scattered damage reads best as
            # UTF-8 with a few replacement characters; mostly damage is not text.
            text, encoding = raw.decode("utf-8", "replace"), "utf-8"
            if text.count("\ufffd") > len(text) * 0.05:
                raise InputError(origin, "undecodable bytes (no text encoding fits)")
            return normalize_text(text), encoding
        encoding = best.encoding
        preferred = "cp1252" if encoding in _LATIN_CODEPAGES else _WINDOWS_FOR_MAC.get(encoding)
        if preferred:
            try:
                raw.decode(preferred)
                encoding = preferred
            except UnicodeDecodeError:
                pass
        text = raw.decode(encoding, "replace")
    return normalize_text(text), encoding


def normalize_text(text: str) -> str:
    """'\\n' line ends, no control characters or lone surrogates, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", scrub(text))


def scrub(text: str) -> str:
    """Replace lone surrogates (from JSON escapes like \\ud800), which no store can encode."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# --- dates ----------------------------------------------------------------------

def normalize_date(value: str | None) -> str | None:
    """ISO 8601 from a metadata date string, or None when absent or absurd (year 0, 9999)."""
    if not value or not str(value).strip():
        return None
    value = scrub(str(value)).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = _dateparser(value)
    if parsed is None:
        return None
    if not 1800 <= parsed.year <= datetime.now(timezone.utc).year + 1:
        return None
    if (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) and len(value) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat()


def _dateparser(value: str) -> datetime | None:
    import dateparser

    try:
        return dateparser.parse(value[:100], settings={"STRICT_PARSING": True})
    except Exception:  # a third-party parser on hostile strings: any failure means "no date"
        return None


# --- the stage ------------------------------------------------------------------

@stage("ingest", requires=["doc.raw", "doc.format"],
       assigns=["doc.body", "doc.title", "doc.url", "doc.source", "doc.author", "doc.published"])
def ingest(doc: Document, settings) -> Document:
    """Decode the raw item and copy the metadata it carries; HTML stays for `clean`."""
    if doc.format in ("jsonl", "feed"):
        record = doc.extra.pop("record", None) or json.loads(doc.raw)
        for key in ("title", "url", "source", "author", "fetched_at"):
            if record.get(key) and getattr(doc, key) is None:
                setattr(doc, key, _single_line(record[key]))
        doc.published = normalize_date(record.get("published"))
        if doc.published:
            doc.published_confidence, doc.published_evidence = 1.0, "metadata"
        if record.get("text", "").strip():
            doc.body = normalize_text(record["text"])
        else:
            doc.extra["html"] = scrub(record["html"])
        return doc
    if doc.format == "html":
        kind = binary_kind(doc.raw)
        if kind:
            raise InputError(doc.origin, f"binary file ({kind}), not an HTML page", doc.id)
        return doc
    text = decode_bytes(doc.raw, doc.origin)[0]
    if not text.strip():
        raise InputError(doc.origin, "empty document (no text)", doc.id)
    title, doc.body = split_title(text)  # the first line may be the headline
    doc.title = doc.title or title
    return doc


def _single_line(value: str) -> str:
    return " ".join(normalize_text(str(value)).split())[:1000]
