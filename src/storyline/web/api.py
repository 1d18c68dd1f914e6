"""The JSON API under /api. Shapes are documented in docs/api.md.

Lists answer `{"ok": true, "items": [...], "total": N, "limit", "offset", "next", "prev"}`
(`next`/`prev` are relative URLs or null; `total` is null where counting would cost a
second search). Single items answer `{"ok": true, "<kind>": {...}}`. Errors answer
`{"ok": false, "error": "...", "status": N}`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .. import __version__, views
from ..curation import alias_corrections, record_alias
from .app import WebState

router = APIRouter(prefix="/api")

MAX_LIMIT = 200
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json",
               "text/plain", "application/octet-stream")


class Problem(BaseModel):
    """Every error: a message for a person, and the HTTP status again."""

    ok: bool = False
    error: str
    status: int


class AliasAction(BaseModel):
    action: Literal["merge", "veto"] = Field(description="merge: the variant names this entity; "
                                                          "veto: it names someone else")
    variant: str = Field(min_length=1, max_length=200, description="the surface form, as seen in the text")
    canonical: str | None = Field(None, max_length=200, description="the entity's name (default: its current name)")


ERRORS = {404: {"model": Problem, "description": "no such item"},
          422: {"model": Problem, "description": "bad parameters"}}


def get_state(request: Request) -> WebState:
    return request.app.state.web


def page(request: Request, items: list[Any], total: int | None, limit: int, offset: int) -> JSONResponse:
    """The list envelope with relative `next`/`prev` links that keep the other parameters.

    Handlers return JSONResponse themselves: the values are already plain JSON, and
    FastAPI's generic encoder costs ~1 s on a 2,000-document storyline.
    """
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]

    def link(new_offset: int) -> str:
        return request.url.path + "?" + urlencode([*params, ("offset", str(new_offset))])

    more = (offset + len(items) < total) if total is not None else len(items) == limit
    return JSONResponse({"ok": True, "items": items, "total": total, "limit": limit, "offset": offset,
                         "next": link(offset + limit) if more and items else None,
                         "prev": link(max(0, offset - limit)) if offset > 0 else None})


class Filters:
    """Query parameters shared by the storyline, event and document listings."""

    def __init__(self,
                 date_from: date | None = Query(None, alias="from", description="on or after this date (YYYY-MM-DD)"),
                 date_to: date | None = Query(None, alias="to", description="on or before this date (YYYY-MM-DD)"),
                 entity: str | None = Query(None, max_length=200, description="entity id: only items mentioning it"),
                 outlet: str | None = Query(None, max_length=300, description="outlet name (documents' `source`)"),
                 language: str | None = Query(None, max_length=20, description="language code, e.g. en"),
                 q: str | None = Query(None, max_length=500, description="full-text query over titles and texts"),
                 limit: int = Query(20, ge=1, le=MAX_LIMIT),
                 offset: int = Query(0, ge=0, le=10_000_000)):
        self.date_from = date_from.isoformat() if date_from else None
        self.date_to = date_to.isoformat() if date_to else None
        self.entity = entity or None
        self.outlet = outlet or None
        self.language = language or None
        self.q = q or None
        self.limit = limit
        self.offset = offset

    def kwargs(self) -> dict[str, Any]:
        return {"date_from": self.date_from, "date_to": self.date_to, "entity": self.entity,
                "outlet": self.outlet, "language": self.language, "q": self.q,
                "limit": self.limit, "offset": self.offset}


@router.get("/health", summary="Is the server up?")
def health(state: WebState = Depends(get_state)):
    """`{ok, version, documents, ingest}`; used by scripts to wait for readiness."""
    return JSONResponse({"ok": True, "version": __version__, "documents": state.store().count_documents(),
                         "ingest": state.allow_ingest})


@router.get("/storylines", summary="List storylines", responses=ERRORS)
def list_storylines(request: Request, filters: Filters = Depends(), state: WebState = Depends(get_state)):
    """Storylines with an event matching the filters, latest activity first.

    Item: `{id, title, events, documents, first_date, last_date}` (counts of the whole storyline).
    """
    items, total = views.list_storylines(state.store(), **filters.kwargs())
    return page(request, items, total, filters.limit, filters.offset)


@router.get("/storylines/{storyline_id}", summary="One storyline with its analysis", responses=ERRORS)
def get_storyline(storyline_id: str, texts: bool = Query(False, description="include each document's clean text"),
                  state: WebState = Depends(get_state)):
    """`{ok, storyline: {id, title, first_date, last_date, events, briefing, quotes, figures, entities,
    documents, coverage}}`, the export contract's shapes; `documents` omit `text` unless `texts=true`."""
    view = views.storyline_detail(state.store(), storyline_id, state.settings, texts=texts, engine=state.engine)
    return JSONResponse({"ok": True, "storyline": view})


@router.get("/events", summary="List events", responses=ERRORS)
def list_events(request: Request, filters: Filters = Depends(),
                storyline: str | None = Query(None, max_length=200, description="storyline id"),
                state: WebState = Depends(get_state)):
    """Events with a document matching the filters, newest first; items have the export's event shape."""
    items, total = views.list_events(state.store(), storyline=storyline, **filters.kwargs())
    return page(request, items, total, filters.limit, filters.offset)


@router.get("/events/{event_id}", summary="One event", responses=ERRORS)
def get_event(event_id: str, state: WebState = Depends(get_state)):
    """`{ok, event: {...export event fields, storyline_title, document_details, quotes, figures, briefing}}`."""
    view = views.event_detail(state.store(), event_id, state.settings, engine=state.engine)
    return JSONResponse({"ok": True, "event": view})


@router.get("/documents", summary="List documents", responses=ERRORS)
def list_documents(request: Request, filters: Filters = Depends(),
                   storyline: str | None = Query(None, max_length=200),
                   event: str | None = Query(None, max_length=200),
                   state: WebState = Depends(get_state)):
    """Document metadata (no text), newest first; `from`/`to` apply to `published`."""
    items, total = views.list_documents(state.store(), storyline=storyline, event=event, **filters.kwargs())
    return page(request, items, total, filters.limit, filters.offset)


@router.get("/documents/{doc_id}", summary="One document", responses=ERRORS)
def get_document(doc_id: str, version: int | None = Query(None, ge=1), state: WebState = Depends(get_state)):
    """`{ok, document: {...export document fields, body, removed, versions, entities, quotes, figures, dates}}`."""
    view = views.document_detail(state.store(), doc_id, state.settings, version, engine=state.engine)
    return JSONResponse({"ok": True, "document": view})


@router.get("/entities", summary="List entities", responses=ERRORS)
def list_entities(request: Request, q: str | None = Query(None, max_length=200, description="text in the name or variants"),
                  limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0),
                  state: WebState = Depends(get_state)):
    """Entity records `{id, name, type, variants, documents}`, by id."""
    store = state.store()
    state.ensure_all_analysis(store)
    items, total = store.web_records("entity", q=q, limit=limit, offset=offset)
    return page(request, items, total, limit, offset)


@router.get("/entities/{entity_id}", summary="One entity", responses=ERRORS)
def get_entity(entity_id: str, limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0),
               state: WebState = Depends(get_state)):
    """`{ok, entity: {id, name, type, variants, documents, document_details (a page), documents_total,
    storylines, corrections}}`."""
    store = state.store()
    state.ensure_all_analysis(store)
    entity = views.entity_detail(store, entity_id, limit=limit, offset=offset)
    entity["corrections"] = alias_corrections(store, [entity["name"], *entity.get("variants", [])])
    return JSONResponse({"ok": True, "entity": entity})


def _records(kind: str):
    def list_records(request: Request, storyline: str | None = Query(None, max_length=200),
                     q: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=MAX_LIMIT),
                     offset: int = Query(0, ge=0), state: WebState = Depends(get_state)):
        store = state.store()
        if storyline:
            views.ensure_storyline_analysis(store, state.settings, store.resolve("storyline", storyline),
                                            state.engine)
        else:
            state.ensure_all_analysis(store)
        items, total = store.web_records(kind, storyline=storyline, q=q, limit=limit, offset=offset)
        return page(request, items, total, limit, offset)

    def get_record(record_id: str, state: WebState = Depends(get_state)):
        store = state.store()
        state.ensure_all_analysis(store)
        return JSONResponse({"ok": True, kind: store.get_record(kind, record_id)})

    return list_records, get_record


for _kind, _plural in (("quote", "quotes"), ("figure", "figures")):
    _list, _get = _records(_kind)
    router.add_api_route(f"/{_plural}", _list, methods=["GET"], summary=f"List {_plural}", responses=ERRORS,
                         description=f"{_kind.title()} records of the export contract, by id; `storyline` "
                                     "and `q` (text in the record) filter them.")
    router.add_api_route(f"/{_plural}/{{record_id}}", _get, methods=["GET"], summary=f"One {_kind}",
                         responses=ERRORS, description=f"`{{ok, {_kind}: {{...}}}}`.")


@router.get("/search", summary="Full-text search", responses=ERRORS)
def search(request: Request, q: str = Query(..., min_length=1, max_length=500,
                                            description='words (ANDed), "quoted phrases", prefix*'),
           limit: int = Query(20, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=100_000),
           state: WebState = Depends(get_state)):
    """Documents matching `q`, best first: `{document, title, snippet, score, source, published, event,
    storyline}`; `snippet` marks the matched words with `[[` and `]]`. `total` is null."""
    store = state.store()
    hits = store.search(q, limit=limit, offset=offset)
    meta = {d["id"]: d for d in store.document_summaries([h.document for h in hits])}
    items = []
    for h in hits:
        m = meta.get(h.document, {})
        items.append({"document": h.document, "title": h.title, "snippet": h.snippet, "score": round(h.score, 4),
                      "source": m.get("source"), "published": m.get("published"), "event": m.get("event"),
                      "storyline": m.get("storyline")})
    return page(request, items, None, limit, offset)


# --- writes (only with --allow-ingest, each with the bearer token) ----------------------

def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def _upload_name(name: str | None, fallback: str) -> str:
    """A file name safe to write in our temp folder; keeps the extension ingest reads."""
    base = Path((name or "").replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip("._")
    return base[:150] or fallback


def _ingest_folder(state: WebState, folder: Path) -> dict[str, Any]:
    from ..pipeline import ingest

    rejected: list[dict[str, str]] = []
    prefix = str(folder) + "/"

    def on_reject(item) -> None:
        rejected.append({"origin": item.origin.replace(prefix, ""), "reason": item.reason})

    with state.write_lock:
        report = ingest(state.store(), [str(folder)], state.settings, engine=state.engine, on_reject=on_reject)
    out = report.as_dict()
    out["rejected"] = rejected
    out["warnings"] = [w.replace(prefix, "") for w in report.warnings]
    out["ok"] = report.exit_code == 0
    return out


@router.post("/documents", summary="Ingest documents (token required)", status_code=200,
             responses={401: {"model": Problem}, 403: {"model": Problem}, 413: {"model": Problem},
                        422: {"model": Problem}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
                 "application/x-ndjson": {"schema": {"type": "string"},
                                          "example": '{"id": "a1", "title": "…", "text": "…", "source": "…"}'}}}})
async def upload_documents(request: Request, state: WebState = Depends(get_state)):
    """Ingest uploaded files (multipart field `files`: .txt, .html, .jsonl, feeds, …) or a JSONL
    body, exactly as `storyline ingest` would. Needs `--allow-ingest` and `Authorization: Bearer
    <token>`. Answers the ingest summary `{ok, stored, versions, unchanged, rejected: [{origin,
    reason}], problems, warnings, seconds, docs_per_s}`; 422 when nothing could be ingested."""
    state.check_token(bearer(request))
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    folder = Path(tempfile.mkdtemp(prefix="storyline-upload-"))
    try:
        if content_type == "multipart/form-data":
            form = await request.form(max_files=1000, max_fields=100)
            files = [f for f in form.getlist("files") if hasattr(f, "read")]
            if not files:
                return JSONResponse({"ok": False, "error": "no files: send them in the multipart field 'files'",
                                     "status": 422}, status_code=422)
            for number, upload in enumerate(files, start=1):
                name = _upload_name(upload.filename, f"upload-{number}.txt")
                target = folder / name
                if target.exists():
                    target = folder / f"{number}-{name}"
                target.write_bytes(await upload.read())
        elif content_type in JSONL_TYPES or not content_type:
            body = await request.body()
            if not body.strip():
                return JSONResponse({"ok": False, "error": "empty body: send JSONL (one article per line)",
                                     "status": 422}, status_code=422)
            suffix = ".json" if content_type == "application/json" and body.lstrip()[:1] == b"[" else ".jsonl"
            (folder / f"upload-{hashlib.sha256(body).hexdigest()[:10]}{suffix}").write_bytes(body)
        else:
            return JSONResponse({"ok": False, "error": f"unsupported content type {content_type!r}: send "
                                 "multipart/form-data files or an application/x-ndjson body", "status": 415},
                                status_code=415)
        result = await run_in_threadpool(_ingest_folder, state, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not result["ok"]:
        reasons = "; ".join(f"{r['origin']}: {r['reason']}" for r in result["rejected"][:5])
        return JSONResponse({**result, "error": f"nothing could be ingested ({reasons})", "status": 422},
                            status_code=422)
    return result


@router.post("/entities/{entity_id}/aliases", summary="Merge or veto a name variant (token required)",
             responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem},
                        422: {"model": Problem}})
def alias(request: Request, entity_id: str, body: AliasAction = Body(...), state: WebState = Depends(get_state)):
    """Record that `variant` names this entity (merge) or someone else (veto); the entity linker
    applies it on its next run. Answers `{ok, correction: {id, type, action, variant, canonical, at}}`."""
    state.check_token(bearer(request))
    store = state.store()
    entity = store.get_record("entity", entity_id)
    with state.write_lock:
        record = record_alias(store, body.action, body.variant, body.canonical or entity["name"])
    return JSONResponse({"ok": True, "correction": record})
