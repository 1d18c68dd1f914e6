"""Self-contained HTML reports: one file, no external assets, readable offline.

A report shows, per storyline, the timeline chart (inline SVG), the events with their
independent-report counts, the briefing whose citations show their source sentence
(on hover, and in a popover or the numbered source list on click), quotes grouped by
speaker, figures with their agreement, the coverage table and the quality flags. It
is rendered by the same templates as the web pages (`web/templates/_parts.html`), so
there is one HTML renderer; `storyline brief --format html` uses it too.

Example:
    with open_store("news.db") as store:
        Path("report.html").write_text(render_report(store), encoding="utf-8")
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from markupsafe import Markup

from . import __version__, views
from .errors import NotFound
from .settings import Settings, load_settings
from .stores.base import Store
from .web.render import STATIC_DIR, context_of, make_env, safe_url, timeline_layout


@dataclass
class Report:
    """A rendered report and the Content-Security-Policy its inline style and script need."""

    html: str
    csp: str


class ReportCiter:
    """Numbers each cited span of one storyline and links it to its entry in the source list."""

    def __init__(self, prefix: str, docs: dict[str, dict[str, Any]], text_of: Callable[[str], str | None]):
        self.prefix = prefix
        self.docs = docs
        self.text_of = text_of
        self._numbers: dict[tuple[str, int, int], int] = {}

    def _number(self, doc: str, start: int, end: int) -> int:
        key = (str(doc), int(start), int(end))
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
        return self._numbers[key]

    def href(self, doc: str, start: int, end: int) -> str:
        return f"#{self.prefix}src-{self._number(doc, start, end)}"

    def title(self, doc: str, start: int, end: int, text: str | None = None) -> str:
        if text:
            return text
        full = self.text_of(doc)
        return full[int(start):int(end)] if full else ""

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for (doc, start, end), n in sorted(self._numbers.items(), key=lambda item: item[1]):
            info = self.docs.get(doc, {})
            text = self.text_of(doc) or ""
            before, cited, after = context_of(text, start, end) if end <= len(text) else ("", "", "")
            out.append({"n": n, "document": doc, "start": start, "end": end, "before": before, "cited": cited,
                        "after": after, "title": info.get("title"), "outlet": info.get("source"),
                        "published": info.get("published"), "url": safe_url(info.get("url"))})
        return out


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _asset(name: str) -> str:
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    if "</" in text:  # would close the inline <style>/<script> early
        raise ValueError(f"{name} must not contain '</' to be inlined")
    return text


def render_report_document(store: Store, storylines: list[str] | None = None, settings: Settings | None = None,
                           *, title: str | None = None, engine=None) -> Report:
    """Render the report of `storylines` (ids; all storylines, latest first, when None).

    Returns:
        Report(html, csp): the HTML page and the policy it declares in its own <meta>.

    Raises:
        NotFound: an id that names no storyline.
    """
    settings = settings or load_settings()
    if storylines is None:
        storylines = [s["id"] for s in views.list_storylines(store, limit=None)[0]]
    texts: dict[str, str | None] = {}

    def text_of(doc_id: str) -> str | None:
        if doc_id not in texts:
            try:
                texts[doc_id] = store.get_document(doc_id).text
            except NotFound:
                texts[doc_id] = None
        return texts[doc_id]

    stories = []
    seen_docs: set[str] = set()
    for number, storyline_id in enumerate(storylines, start=1):
        view = views.storyline_detail(store, storyline_id, settings, engine=engine)
        docs = {d["id"]: d for d in view["documents"]}
        seen_docs.update(docs)
        prefix = f"s{number}-" if len(storylines) > 1 else ""
        stories.append({"view": view, "docs": docs, "prefix": prefix,
                        "cite": ReportCiter(prefix, docs, text_of),
                        "chart": timeline_layout(view["events"], view["documents"])})
    css, js = _asset("style.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    if title is None:
        title = stories[0]["view"]["title"] if len(stories) == 1 else "storyline report"
    html = make_env().get_template("report.html").render(
        title=title or "storyline report", stories=stories, css=Markup(css), js=Markup(js), csp=csp,
        version=__version__, n_documents=len(seen_docs),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    return Report(html, csp)


def render_report(store: Store, storylines: list[str] | None = None, settings: Settings | None = None,
                  *, title: str | None = None) -> str:
    """The report as one HTML string (see `render_report_document`)."""
    return render_report_document(store, storylines, settings, title=title).html
