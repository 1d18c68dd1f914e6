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
_URL_LINE = re.compile(r"^\s*https?://\S+\s*$", re.I)
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
    """Keep letters, digits, '.', '_', '-'; replace anything else with '_'."""
    clean = _UNSAFE_ID.sub("_", unicodedata.normalize("NFC", value.strip()))
    clean = clean.strip(".") or "_"  # no '.'/'..' ids: they would be paths
    if len(clean) > 120:  # long ids (URLs as guids) keep a readable head and a hash
        clean = clean[:100] + "-" + hashlib.sha1(clean.encode()).hexdigest()[:12]
    return clean


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


def _iter_files(paths: Iterable[str | os.PathLike], skip: frozenset[Path]) -> Iterator[Path | Rejected]:
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and (Path(root) / name).resolve() not in skip:
                        yield Path(root) / name
        elif path.is_file():
            yield path
        elif not path.exists():
            yield Rejected(str(path), "no such file or folder")
        else:
            yield Rejected(str(path), "not a regular file")


def _read(path: Path, limit: int) -> bytes | Rejected:
    try:
        size = path.stat().st_size
        if size > limit:
            return Rejected(str(path), f"too large ({size / 1e6:.1f} MB > ingest.max_bytes "
                                       f"{limit / 1e6:.1f} MB); raise the limit to accept it",
                            doc_id_from_path(path))
        with path.open("rb") as fh:
            return fh.read()
    except OSError as exc:
        return Rejected(str(path), f"cannot read: {exc.strerror or exc}")


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
    skipped = frozenset(Path(p).resolve() for p in skip)
    for item in _iter_files(paths, skipped):
        if isinstance(item, Rejected):
            yield item
            continue
        origin = str(item)
        fmt, gz = _kind(item.name)
        if fmt == "jsonl" and not gz:
            yield from _iter_jsonl_file(item, max_bytes)
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


def _iter_jsonl_file(path: Path, max_bytes: int) -> Iterator[Document | Rejected]:
    try:
        with path.open("rb") as fh:
            yield from _iter_jsonl_lines(fh, str(path), max_bytes)
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror or exc}")


def _iter_jsonl_lines(fh, origin: str, max_bytes: int) -> Iterator[Document | Rejected]:
    stem = doc_id_from_path(origin)
    number = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            break
        number += 1
        where = f"{origin}:{number}"
        if len(line) > max_bytes:
            while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                line = fh.readline(1 << 20)
            yield Rejected(where, f"line longer than ingest.max_bytes ({max_bytes / 1e6:.1f} MB)")
            continue
        if not line.strip():
            continue
        yield record_document(line.strip(), where, f"{stem}-{number}")


def _iter_json(raw: bytes, origin: str) -> Iterator[Document | Rejected]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Rejected(origin, f"invalid JSON: {exc}", doc_id_from_path(origin), raw)
        return
    records = data.get("articles", [data]) if isinstance(data, dict) else data
    if not isinstance(records, list):
        yield Rejected(origin, "JSON must be an article object, a list of them, or {\"articles\": [...]}", None, raw)
        return
    stem = doc_id_from_path(origin)
    for number, record in enumerate(records, start=1):
        line = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
        yield record_document(line, f"{origin}[{number}]", f"{stem}-{number}")


def record_document(line: bytes, where: str, fallback_id: str) -> Document | Rejected:
    """One JSON article record; `raw` is the record's own bytes, so re-ingest is a no-op."""
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Rejected(where, "line is not valid UTF-8 JSON", None, line)
    except json.JSONDecodeError as exc:
        return Rejected(where, f"invalid JSON ({exc.msg} at column {exc.colno})", None, line)
    if not isinstance(record, dict):
        return Rejected(where, f"expected a JSON object, got {type(record).__name__}", None, line)
    raw_id = record.get("id")
    if raw_id is not None and not isinstance(raw_id, (str, int)):
        return Rejected(where, f"'id' must be a string or number, got {type(raw_id).__name__}", None, line)
    doc_id = sanitize_id(str(raw_id)) if raw_id not in (None, "") else fallback_id
    fields = {}
    for key in ("title", "text", "html", "url", "source", "published", "author", "fetched_at"):
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, (str, int, float)):
            return Rejected(where, f"'{key}' must be a string, got {type(value).__name__}", doc_id, line)
        fields[key] = str(value)
    if not fields.get("text", "").strip() and not fields.get("html", "").strip():
        return Rejected(where, "record has neither 'text' nor 'html'", doc_id, line)
    doc = raw_document(doc_id, line, where, "jsonl")
    doc.extra["record"] = fields
    return doc


def iter_feed(raw: bytes, origin: str) -> Iterator[Document | Rejected]:
    import feedparser

    parsed = feedparser.parse(raw)
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
        fields = {k: str(v) for k, v in fields.items() if v}
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
        if raw.startswith(magic):
            return kind
    if any(raw.startswith(bom) for bom, _ in _BOMS):
        return None
    head = raw[:8192]
    if not head:
        return None
    # UTF-16 without a BOM has a NUL in every other byte of ASCII text; that is text.
    if head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4:
        return None
    controls = sum(head.count(bytes([c])) for c in _CONTROL_BYTES)
    # A few stray NULs or control bytes are damage we can strip; many mean binary.
    if head.count(0) > len(head) * 0.003 + 2 or controls > len(head) * 0.05:
        return "binary data"
    return None


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
    if text is None:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = None
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:1_000_000]).best()
        if best is None or best.encoding is None:
            raise InputError(origin, "undecodable bytes (no text encoding fits)")
        encoding = best.encoding
        # On short Latin text the detector picks among single-byte code pages almost at
        # random; Windows-1252 is by far the likeliest in news archives.
        if encoding.startswith(("cp12", "iso8859", "latin", "mac")):
            try:
                raw.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:
                pass
        text = raw.decode(encoding, "replace")
    return normalize_text(text), encoding


def normalize_text(text: str) -> str:
    """'\\n' line ends, no control characters or lone surrogates, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text
    return unicodedata.normalize("NFC", text)


# --- dates ----------------------------------------------------------------------

def normalize_date(value: str | None) -> str | None:
    """ISO 8601 from a metadata date string, or None when absent or absurd (year 0, 9999)."""
    if not value or not str(value).strip():
        return None
    value = str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
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
    except (ValueError, OverflowError, TypeError):
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
            doc.extra["html"] = record["html"]
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
    return " ".join(str(value).split())[:1000]
