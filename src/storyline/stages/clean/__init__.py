"""The `clean` stage: article body, clean text, removed spans and page metadata.

Input (from `ingest`): `doc.format` ("html" | "text" | "jsonl" | "feed"),
`doc.raw` (the input's bytes), and for non-HTML formats a decoded `doc.body`
with the headline already split off into `doc.title` (see `split_title`).
A JSONL record that carries HTML instead of text puts it in `doc.extra["html"]`.

Output: `doc.body` (article text without headline), `doc.text` (the clean
text: `body` minus the `doc.removed` spans), metadata fields that were still
empty, and the flags `boilerplate_removed` and `paywall`.

    >>> from storyline.model import Document
    >>> doc = Document(id="a", body="Share on Facebook\\n\\nThe port reopened on Monday, officials said.")
    >>> clean(doc).text
    'The port reopened on Monday, officials said.'
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from storyline.model import Document, Removed
from storyline.registry import Stage, stage
from storyline.stages.clean.html import (
    DEFAULT_MAX_HTML_BYTES,
    DEFAULT_MAX_HTML_ELEMENTS,
    Extraction,
    decode_html,
    extract_html,
)
from storyline.stages.clean.lines import (
    body_to_clean_offset,
    clean_lines,
    clean_to_body_offset,
    line_key,
    repeated_lines,
)
from storyline.stages.clean.metadata import Dateline, find_dateline, find_published, split_title

__all__ = [
    "CleanSettings",
    "Dateline",
    "Extraction",
    "body_to_clean_offset",
    "clean",
    "clean_lines",
    "clean_to_body_offset",
    "decode_html",
    "extract_html",
    "find_dateline",
    "find_published",
    "line_key",
    "repeated_lines",
    "split_title",
]

NAME = "clean"
REQUIRES = ("doc.raw", "doc.format")
ASSIGNS = ("doc.body", "doc.text", "doc.removed", "doc.title", "doc.published", "doc.flags")

# Reasons whose removal says the page sits behind a paywall (or a meter).
PAYWALL_REASONS = frozenset({"paywall"})
# How many removed lines to quote as evidence in the boilerplate flag.
EVIDENCE_LINES = 5
EVIDENCE_CHARS = 80


@dataclass
class CleanSettings:
    """Settings of the clean stage ([stages.clean] in settings.toml).

    Attributes:
        max_html_bytes: refuse HTML pages larger than this (UTF-8 bytes).
        max_html_elements: refuse HTML pages with more elements than this.
        remove_boilerplate_lines: run the line-level cleaner (off: text == body).
    """

    max_html_bytes: int = DEFAULT_MAX_HTML_BYTES
    max_html_elements: int = DEFAULT_MAX_HTML_ELEMENTS
    remove_boilerplate_lines: bool = True


def _page_html(doc: Document) -> str | None:
    """The HTML to extract from, if this document has any."""
    if doc.format == "html":
        return decode_html(doc.raw) if doc.raw else (doc.extra.get("html") or None)
    html = doc.extra.get("html")
    return html if isinstance(html, str) and html.strip() else None


def _url_like(value: str | None) -> str | None:
    return value if value and value.startswith(("http://", "https://")) else None


def _apply_extraction(doc: Document, ex: Extraction) -> None:
    doc.body = ex.body
    doc.title = doc.title or ex.title
    doc.author = doc.author or ex.author
    doc.source = doc.source or ex.sitename
    doc.url = doc.url or _url_like(ex.url)
    if doc.published is None and ex.published:
        doc.published = ex.published
        doc.published_confidence = ex.published_confidence
        doc.published_evidence = ex.published_evidence
    info = doc.extra.setdefault("clean", {})
    info["language_hint"] = ex.language_hint
    if ex.description:
        info["description"] = ex.description
    if ex.notes:
        info["repairs"] = list(ex.notes)


def _evidence(body: str, removed: list[Removed]) -> list[str]:
    lines = []
    for span in removed[:EVIDENCE_LINES]:
        snippet = " ".join(body[span.start : span.end].split())
        if len(snippet) > EVIDENCE_CHARS:
            snippet = snippet[: EVIDENCE_CHARS - 1] + "…"
        lines.append(f"{span.reason}: {snippet}")
    return lines


def clean(doc: Document, settings: CleanSettings | None = None, *, repeated: Collection[str] = ()) -> Document:
    """Fill `doc.body`, `doc.text`, `doc.removed`, metadata and quality flags.

    Args:
        doc: a document from `ingest`.
        settings: stage settings; defaults when None.
        repeated: lines seen in >= 3 other documents of the same outlet (see
            `repeated_lines`); they are removed as "repeated-in-source".

    Returns:
        The same document, cleaned.

    Raises:
        InputError: an HTML page over the size or element limits.
    """
    settings = settings or CleanSettings()
    # Re-running the stage must not keep results of an earlier run.
    for name in ("boilerplate_removed", "paywall"):
        doc.flags.pop(name, None)
    doc.extra.pop("clean", None)
    html = _page_html(doc)
    page_paywall: list[str] = []
    if html is not None:
        ex = extract_html(
            html,
            url=_url_like(doc.url) or _url_like(doc.origin),
            max_bytes=settings.max_html_bytes,
            max_elements=settings.max_html_elements,
        )
        _apply_extraction(doc, ex)
        page_paywall = ex.paywall_evidence
    elif not doc.body and doc.raw and doc.format == "text":
        # Ingest normally decodes and splits text files; be useful without it.
        title, doc.body = split_title(decode_html(doc.raw).replace("\r\n", "\n"))
        doc.title = doc.title or title

    if doc.published is None and doc.body:
        found = find_published(doc.body)
        if found:
            doc.published, doc.published_confidence, doc.published_evidence = found

    if settings.remove_boilerplate_lines:
        doc.text, doc.removed = clean_lines(doc.body, language=doc.language, repeated=repeated)
    else:
        doc.text, doc.removed = doc.body, []

    dateline = find_dateline(doc.text)
    if dateline is not None:
        doc.extra.setdefault("clean", {})["dateline"] = {
            "place": dateline.place,
            "region": dateline.region,
            "agency": dateline.agency,
            "start": dateline.start,
            "end": dateline.end,
        }

    if doc.removed:
        share = sum(r.end - r.start for r in doc.removed) / max(len(doc.body), 1)
        doc.flag("boilerplate_removed", min(1.0, share), _evidence(doc.body, doc.removed))
    paywall_lines = [r for r in doc.removed if r.reason in PAYWALL_REASONS]
    if page_paywall or paywall_lines:
        evidence = list(page_paywall) + _evidence(doc.body, paywall_lines)
        # Markup that says "not free" is explicit; a meter line ("3 free
        # articles left") only says a paywall exists, the text may be whole.
        score = 0.9 if any(e.startswith("json-ld") for e in page_paywall) else 0.6
        doc.flag("paywall", score, evidence)
    return doc


# --- the stage -------------------------------------------------------------------

@stage(NAME, requires=["doc.raw", "doc.format", "doc.body"],
       assigns=["doc.text", "doc.removed", "doc.title", "doc.published", "doc.flags"])
class Clean(Stage):
    def __init__(self, settings):
        super().__init__(settings)
        self.options = CleanSettings(max_html_bytes=settings.clean.max_html_bytes)

    def process(self, doc: Document) -> Document:
        return clean(doc, self.options)
