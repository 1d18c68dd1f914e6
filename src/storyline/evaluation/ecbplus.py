"""Read an ECB+ corpus folder into `Document`s with gold event and topic labels.

Layout (any topics, any count): `<root>/<topic>/<topic>_<n>ecb.xml` and
`<root>/<topic>/<topic>_<n>ecbplus.xml`, each a tokenised `<Document>` whose
`<token sentence=.. number=..>` elements hold the words. `root` may also be the
folder above `ECB+/`. The gold event of a file is its topic plus its half
(`ecb` or `ecbplus`: two different happenings of one kind); its gold topic is
the topic alone.

`build_document` is the single place a file becomes a `Document`, so the
evaluation can later switch to the real ingest stages without touching the
rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import InputError
from storyline.model import Document

__all__ = ["EcbFile", "find_files", "build_document", "load", "parse_topics"]

_NAME = re.compile(r"^(?P<topic>\d+)_(?P<n>\d+)(?P<half>ecbplus|ecb)\.xml$")
# No space before these tokens, none after the opening ones.
_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "}", "%", "''", "'s", "'", "n't", "'re",
                    "'ve", "'ll", "'d", "'m", "..."}
_NO_SPACE_AFTER = {"(", "[", "{", "``", "$", "#"}
_GLUE = {"-", "/"}  # ECB+ splits "90-day" into three tokens
_URL_LINE = re.compile(r"^https?\s*:")


@dataclass(frozen=True)
class EcbFile:
    path: Path
    topic: str
    half: str  # "ecb" | "ecbplus"

    @property
    def doc_id(self) -> str:
        return self.path.name[: -len(".xml")]

    @property
    def event(self) -> str:
        return f"{self.topic}{self.half}"


def parse_topics(spec: str | None) -> set[str] | None:
    """'1-20,25' -> {'1', ..., '20', '25'}; None or '' -> None (all topics)."""
    if not spec:
        return None
    out: set[str] = set()
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            out.update(str(i) for i in range(int(lo), int(hi) + 1))
        elif part:
            out.add(str(int(part)))
    return out


def find_files(root: str | Path, topics: set[str] | None = None) -> list[EcbFile]:
    """Every `<topic>_<n>ecb[plus].xml` under `root`, sorted by topic then name.

    Raises:
        InputError: `root` does not exist or holds no ECB+ file.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(str(root), "not a folder")
    if (root / "ECB+").is_dir():
        root = root / "ECB+"
    files = []
    for path in root.rglob("*.xml"):
        m = _NAME.match(path.name)
        if not m or (topics is not None and m["topic"] not in topics):
            continue
        files.append(EcbFile(path, m["topic"], m["half"]))
    if not files:
        raise InputError(str(root), "no ECB+ files (<topic>_<n>ecb.xml / ecbplus.xml) found")
    files.sort(key=lambda f: (int(f.topic), f.path.name))
    return files


def _detokenize(tokens: list[str]) -> str:
    """Join tokens with the spacing a writer would use ('U.S. TV show , ' -> 'U.S. TV show,')."""
    out: list[str] = []
    glue = True
    quote_open = False
    for tok in tokens:
        if tok == '"':
            quote_open = not quote_open
            no_before = not quote_open
        else:
            no_before = tok in _NO_SPACE_BEFORE or tok in _GLUE
        if out and not glue and not no_before:
            out.append(" ")
        out.append(tok)
        glue = tok in _NO_SPACE_AFTER or tok in _GLUE or (tok == '"' and quote_open)
    return "".join(out).replace("``", "\u201c").replace("''", "\u201d")


def build_document(file: EcbFile) -> Document:
    """Rebuild one file's text as a `Document` (id = file stem, one line per sentence).

    A leading URL line (the ecbplus half starts with its source URL) goes to
    `Document.url`, not the text: ingest would read it as metadata too.

    Raises:
        InputError: the file is not well-formed XML.
    """
    try:
        root = ET.parse(file.path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(str(file.path), f"cannot read ECB+ XML: {exc}", file.doc_id) from exc
    sentences: dict[int, list[tuple[int, str]]] = {}
    for tok in root.iter("token"):
        try:
            s, n = int(tok.get("sentence", 0)), int(tok.get("number", 0))
        except ValueError:
            continue
        sentences.setdefault(s, []).append((n, tok.text or ""))
    lines = [_detokenize([t for _, t in sorted(sentences[s])]) for s in sorted(sentences)]
    url = None
    if lines and _URL_LINE.match(lines[0]):
        url = lines.pop(0).replace(" ", "")
    text = "\n".join(line for line in lines if line)
    return Document(id=file.doc_id, format="text", origin=str(file.path), url=url, body=text, text=text)


def load(root: str | Path, topics: set[str] | None = None) -> tuple[list[Document], dict[str, str], dict[str, str]]:
    """Documents under `root` with gold labels.

    Returns:
        (documents, gold_event, gold_topic), the last two mapping doc id -> label.
    """
    files = find_files(root, topics)
    docs = [build_document(f) for f in files]
    return docs, {f.doc_id: f.event for f in files}, {f.doc_id: f.topic for f in files}
