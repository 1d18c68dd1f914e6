"""The HTML pages: server-rendered templates over the same views as the API."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import views
from ..curation import alias_corrections, record_alias
from .api import get_state
from .app import WebState, page_context
from .render import segments

router = APIRouter(include_in_schema=False)

_HL = re.compile(r"^(\d{1,9})-(\d{1,9})$")


class WebCiter:
    """Citations on a page point at the document page with the span highlighted."""

    prefix = ""

    def href(self, doc: str, start: int, end: int) -> str:
        return f"/documents/{quote(str(doc), safe='')}?hl={int(start)}-{int(end)}#hl"

    def title(self, doc: str, start: int, end: int, text: str | None = None) -> str:
        return text or "show this passage in its article"


def render(request: Request, name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, page_context(request, **values),
                                                        status_code=status_code)


def pager(request: Request, total: int | None, limit: int, offset: int, count: int) -> dict[str, Any]:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset" and v != ""]

    def link(new_offset: int) -> str:
        query = urlencode([*params, ("offset", str(new_offset))] if new_offset else params)
        return request.url.path + ("?" + query if query else "")

    more = (offset + count < total) if total is not None else count == limit
    return {"total": total, "first": offset + 1 if count else 0, "last": offset + count,
            "next": link(offset + limit) if more and count else None,
            "prev": link(max(0, offset - limit)) if offset > 0 else None}


def _docs_by_id(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in documents}


@router.get("/", response_class=HTMLResponse)
def home(request: Request,
         date_from: date | None = Query(None, alias="from"), date_to: date | None = Query(None, alias="to"),
         outlet: str | None = Query(None, max_length=300), language: str | None = Query(None, max_length=20),
         text: str | None = Query(None, max_length=500), entity: str | None = Query(None, max_length=200),
         offset: int = Query(0, ge=0, le=10_000_000), state: WebState = Depends(get_state)):
    store = state.store()
    limit = 20
    filters = {"date_from": date_from.isoformat() if date_from else None,
               "date_to": date_to.isoformat() if date_to else None,
               "outlet": outlet or None, "language": language or None, "q": text or None, "entity": entity or None}
    items, total = views.list_storylines(store, limit=limit, offset=offset, **filters)
    return render(request, "home.html", items=items, filters=filters, filtered=any(filters.values()),
                  facets=state.facets(store), stats={"documents": store.count_documents()},
                  page=pager(request, total, limit, offset, len(items)))


# A storyline page lists at most this many events (the most recent) unless asked for all:
# the chart still draws every event.
EVENTS_ON_PAGE = 100


@router.get("/storylines/{storyline_id}", response_class=HTMLResponse)
def storyline_page(request: Request, storyline_id: str, events: str | None = Query(None, pattern="^all$"),
                   state: WebState = Depends(get_state)):
    from .render import timeline_layout

    store = state.store()
    view = views.storyline_detail(store, storyline_id, state.settings, engine=state.engine)
    if view["id"] != storyline_id:  # merged into another storyline: one canonical address
        return RedirectResponse(f"/storylines/{quote(view['id'], safe='')}", status_code=301)
    shown = view["events"] if events == "all" else view["events"][-EVENTS_ON_PAGE:]
    return render(request, "storyline.html", s=view, docs=_docs_by_id(view["documents"]), cite=WebCiter(),
                  chart=timeline_layout(view["events"], view["documents"]), events_shown=shown,
                  events_first=len(view["events"]) - len(shown) + 1)


@router.get("/storylines/{storyline_id}/report", response_class=HTMLResponse)
def storyline_report(request: Request, storyline_id: str, state: WebState = Depends(get_state)):
    from ..report import render_report_document

    store = state.store()
    storyline_id = store.resolve("storyline", storyline_id)
    report = render_report_document(store, [storyline_id], state.settings, engine=state.engine)
    # The report carries its own CSP (inline style and script allowed by hash only).
    return HTMLResponse(report.html, headers={"content-security-policy": report.csp})


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, state: WebState = Depends(get_state)):
    view = views.event_detail(state.store(), event_id, state.settings, engine=state.engine)
    return render(request, "event.html", e=view, docs=_docs_by_id(view["document_details"]), cite=WebCiter())


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str, hl: str | None = Query(None, max_length=40),
                  version: int | None = Query(None, ge=1), state: WebState = Depends(get_state)):
    d = views.document_detail(state.store(), doc_id, state.settings, version, engine=state.engine)
    spans: list[tuple[int, int, str]] = [(q["start"], q["end"], "quoted") for q in d["quotes"]]
    hl_start = None
    match = _HL.match(hl or "")
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        if 0 <= start < end <= len(d["text"]):
            spans.append((start, end, "hl"))
            hl_start = start
    counts = Counter((e.get("entity"), e["text"], e.get("label")) for e in d["entities"])
    entities = [{"entity": k[0], "text": k[1], "label": k[2], "count": n} for k, n in counts.most_common(40)]
    body_segments = segments(d["body"], [(r["start"], r["end"], r["reason"]) for r in d["removed"]])
    return render(request, "document.html", d=d, hl=hl_start is not None, hl_start=hl_start,
                  text_segments=segments(d["text"], spans), body_segments=body_segments, entities=entities)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str, offset: int = Query(0, ge=0, le=10_000_000),
                done: str | None = Query(None, max_length=10), state: WebState = Depends(get_state)):
    store = state.store()
    state.ensure_all_analysis(store)
    limit = 50
    e = views.entity_detail(store, entity_id, limit=limit, offset=offset)
    message = {"merge": "Recorded: the variant will be merged into this entity on the next analysis.",
               "veto": "Recorded: the variant will be kept apart from this entity on the next analysis."}.get(done or "")
    return render(request, "entity.html", e=e, message=message,
                  corrections=alias_corrections(store, [e["name"], *e.get("variants", [])]),
                  page=pager(request, e["documents_total"], limit, offset, len(e["document_details"])))


@router.post("/entities/{entity_id}/aliases")
def entity_alias_form(request: Request, entity_id: str, action: str = Form(..., max_length=10),
                      variant: str = Form(..., max_length=200), canonical: str = Form("", max_length=200),
                      token: str = Form("", max_length=500), state: WebState = Depends(get_state)):
    state.check_token(token)
    store = state.store()
    entity = store.get_record("entity", entity_id)
    with state.write_lock:
        record_alias(store, action, variant, canonical or entity["name"])
    return RedirectResponse(f"/entities/{quote(entity['id'], safe='')}?done={quote(action)}", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = Query("", max_length=500), offset: int = Query(0, ge=0, le=100_000),
                outlet: str | None = Query(None, max_length=300), state: WebState = Depends(get_state)):
    store = state.store()
    limit = 20
    hits = None
    if q.strip():
        found = store.search(q, limit=limit, offset=offset)
        meta = {d["id"]: d for d in store.document_summaries([h.document for h in found])}
        hits = [{"document": h.document, "title": h.title, "snippet": h.snippet,
                 "source": meta.get(h.document, {}).get("source"),
                 "published": meta.get(h.document, {}).get("published")} for h in found]
        return render(request, "search.html", hits=hits, q=q, outlet=None,
                      page=pager(request, None, limit, offset, len(hits)))
    if outlet:
        docs, total = views.list_documents(store, outlet=outlet, limit=limit, offset=offset)
        hits = [{"document": d["id"], "title": d["title"], "snippet": "", "source": d["source"],
                 "published": d["published"]} for d in docs]
        return render(request, "search.html", hits=hits, q="", outlet=outlet,
                      page=pager(request, total, limit, offset, len(hits)))
    return render(request, "search.html", hits=None, q="", outlet=None, page=pager(request, 0, limit, 0, 0))


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)
