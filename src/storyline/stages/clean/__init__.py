"""clean: article text without page junk; the removed stretches are kept as spans.

Placeholder until the extraction work lands: trafilatura for HTML, a few line
patterns for plain text.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ...model import Document, Removed
from ...registry import stage

_JUNK = re.compile(r"^(read also|sponsored content|follow .* on google news|latest news|more)\b", re.I)


def _fragment_text(html: str) -> str:
    import lxml.html

    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    blocks = [" ".join(el.text_content().split()) for el in root.iter("p", "h1", "h2", "h3", "li")]
    return "\n\n".join(b for b in blocks if b) or " ".join(root.text_content().split())


def _is_headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 25 and not line.rstrip().endswith((".", ",", ":", ";"))


@stage("clean", requires=["doc.body"], assigns=["doc.text", "doc.removed"])
def clean(doc: Document, settings) -> Document:
    if doc.format == "html" or "html" in doc.extra:
        import trafilatura

        html = doc.extra.get("html") or doc.raw.decode("utf-8", "replace")
        result = trafilatura.bare_extraction(html, with_metadata=True, url=doc.url)
        if (result is None or not (result.text or "").strip()) and "html" in doc.extra:
            result = None
            doc.body = _fragment_text(html)  # feed/JSONL fragments are too small for trafilatura
        elif result is None or not (result.text or "").strip():
            raise InputError(doc.origin, "no article text found in the HTML page", doc.id)
        if result is not None:
            doc.body = result.text
            doc.title = doc.title or result.title
            doc.author = doc.author or result.author
            doc.source = doc.source or result.sitename
            doc.published = doc.published or result.date
    doc.extra.pop("html", None)
    removed: list[Removed] = []
    kept: list[str] = []
    title_done = doc.title is not None
    for match in re.finditer(r"[^\n]+", doc.body):
        line = match.group().strip()
        if not line:
            continue
        if not title_done and doc.format == "text" and _is_headline(line):
            doc.title, title_done = line, True
            removed.append(Removed(match.start(), match.end(), "headline"))
            continue
        title_done = True
        if _JUNK.match(line):
            removed.append(Removed(match.start(), match.end(), "junk"))
            continue
        kept.append(line)
    doc.text = "\n\n".join(kept)
    doc.removed = removed
    if any(r.reason != "headline" for r in removed):
        doc.flag("boilerplate_removed", 1.0, [doc.body[r.start:r.end] for r in removed if r.reason != "headline"][:5])
    if not doc.text.strip():
        raise InputError(doc.origin, "no article text left after cleaning", doc.id)
    return doc
