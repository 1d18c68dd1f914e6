"""Read-side views of the store, shared by the CLI, the export and the web app.

Every view first brings the lazy analysis up to date for what it shows, so a
reader never sees a storyline without its quotes or briefing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .errors import NotFound
from .model import Document
from .pipeline import analyze
from .settings import Settings, load_settings
from .stores.base import Store

DOC_FIELDS = ("id", "source", "title", "language", "published", "url", "author", "text", "raw_sha256",
              "duplicate_of", "version", "fetched_at", "published_confidence", "published_evidence",
              "event", "storyline", "format", "origin")


def ensure_analysis(store: Store, settings: Settings | None = None, storylines: list[str] | None = None,
                    progress=None) -> None:
    """Run the deep-analysis stages wherever their cached results are stale."""
    analyze(store, settings or load_settings(), storylines=storylines, progress=progress)


def document_dict(doc: Document, *, body: bool = False) -> dict[str, Any]:
    out = {f: getattr(doc, f) for f in DOC_FIELDS}
    out["flags"] = sorted(doc.flags)
    out["flag_details"] = {n: {"score": f.score, "evidence": f.evidence} for n, f in sorted(doc.flags.items())}
    if body:
        out["body"] = doc.body
        out["removed"] = [{"start": r.start, "end": r.end, "reason": r.reason} for r in doc.removed]
    return out


def _events_by_storyline(store: Store) -> dict[str | None, list[dict[str, Any]]]:
    members: dict[str, list[Document]] = {}
    for doc in store.iter_documents():
        if doc.event:
            members.setdefault(doc.event, []).append(doc)
    out: dict[str | None, list[dict[str, Any]]] = {}
    for record in store.iter_records("event"):
        docs = members.get(record["id"], [])
        if not docs:
            continue
        out.setdefault(record.get("storyline"), []).append(event_dict(record, docs))
    for events in out.values():
        events.sort(key=lambda e: (e["date"] or "9999", e["id"]))
    return out


def event_dict(record: dict[str, Any], docs: list[Document]) -> dict[str, Any]:
    docs = sorted(docs, key=lambda d: (d.published or "9999", d.id))
    reports = record.get("reports") or [{"original": d.id, "copies": []} for d in docs]
    outlets = sorted({d.source for d in docs if d.source})
    return {
        "id": record["id"], "title": record.get("title") or (docs[0].title if docs else ""),
        "storyline": record.get("storyline"), "documents": [d.id for d in docs],
        "date": record.get("date"), "date_confidence": record.get("date_confidence", 0.0),
        "date_evidence": record.get("date_evidence", []),
        "independent_reports": len(reports), "reports": reports,
        "outlets": len(outlets) or len(docs), "outlet_names": outlets,
    }


def storylines(store: Store) -> list[dict[str, Any]]:
    """All storylines with their events, newest activity first."""
    by_storyline = _events_by_storyline(store)
    out = []
    for record in store.iter_records("storyline"):
        events = by_storyline.get(record["id"], [])
        if not events:
            continue
        dates = [e["date"] for e in events if e["date"]]
        out.append({"id": record["id"], "title": record.get("title") or events[0]["title"],
                    "events": [e["id"] for e in events], "event_details": events,
                    "documents": sum(len(e["documents"]) for e in events),
                    "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None})
    out.sort(key=lambda s: (s["last_date"] or "", s["documents"]), reverse=True)
    return out


def find_kind(store: Store, any_id: str) -> str:
    """Which kind of record `any_id` names: document, event, storyline, entity, quote or figure."""
    for kind in ("storyline", "event", "entity", "quote", "figure"):
        try:
            store.get_record(kind, any_id)
            return kind
        except NotFound:
            pass
    try:
        store.get_document(any_id)
        return "document"
    except NotFound:
        raise NotFound(f"no document, event, storyline, entity or quote with id '{any_id}' "
                       "(list them with `storyline stories` or find them with `storyline search`)") from None


def storyline_view(store: Store, storyline_id: str, settings: Settings | None = None) -> dict[str, Any]:
    """One storyline with everything a reader needs: events, briefing, quotes, figures, entities."""
    storyline_id = store.resolve("storyline", storyline_id)
    record = store.get_record("storyline", storyline_id)
    ensure_analysis(store, settings, [storyline_id])
    docs = list(store.iter_documents(storyline=storyline_id))
    events = _events_by_storyline(store).get(storyline_id, [])
    doc_ids = {d.id for d in docs}
    entities = [e for e in store.iter_records("entity") if doc_ids & set(e.get("documents", []))]
    entities.sort(key=lambda e: -len(doc_ids & set(e["documents"])))
    return {
        "id": storyline_id, "title": record.get("title") or (events[0]["title"] if events else ""),
        "events": events,
        "briefing": _briefing(store, storyline_id),
        "quotes": list(store.iter_records("quote", storyline=storyline_id)),
        "figures": list(store.iter_records("figure", storyline=storyline_id)),
        "entities": entities,
        "documents": [document_dict(d) for d in sorted(docs, key=lambda d: (d.published or "9999", d.id))],
        "coverage": coverage(store, docs),
    }


def _briefing(store: Store, storyline_id: str) -> dict[str, Any] | None:
    try:
        return store.get_record("briefing", storyline_id)
    except NotFound:
        return None


def coverage(store: Store, docs: list[Document]) -> list[dict[str, Any]]:
    """Per outlet: documents, publication dates, and which quotes and figures it carries."""
    rows: dict[str, dict[str, Any]] = {}
    analysis = store.get_analysis([d.id for d in docs])
    for doc in docs:
        outlet = doc.source or doc.id
        row = rows.setdefault(outlet, {"outlet": outlet, "documents": [], "published": [],
                                       "quotes": set(), "figures": set(), "entities": Counter()})
        row["documents"].append(doc.id)
        if doc.published:
            row["published"].append(doc.published)
        payload = analysis.get(doc.id, {})
        row["quotes"].update(q["quote"] for q in payload.get("quotes", []) if q.get("quote"))
        row["figures"].update(f["figure"] for f in payload.get("figures", []) if f.get("figure"))
        row["entities"].update(e["entity"] for e in payload.get("entities", []) if e.get("entity"))
    out = []
    for row in rows.values():
        row["quotes"], row["figures"] = sorted(row["quotes"]), sorted(row["figures"])
        row["entities"] = [e for e, _ in row["entities"].most_common(10)]
        out.append(row)
    return sorted(out, key=lambda r: r["outlet"])


# --- web views ----------------------------------------------------------------------
# Read-only views for the web app and HTTP API. Unlike `storylines`/`storyline_view`
# above, these query by storyline/event/id (SQLStore's "web queries"), so showing one
# storyline costs the same in a 100-document store as in a 100k-document one.

import threading  # noqa: E402  (kept with the section it serves)

def storyline_is_fresh(store: Store, settings: Settings, storyline_id: str) -> bool:
    """True when `analyze` would do nothing for this storyline (checked without loading documents).

    Mirrors the stamp `pipeline._analyze_storylines` records per storyline; a test
    (`test_web_views_freshness_follows_the_pipeline`) fails if the two drift apart.
    """
    import hashlib
    import json

    from .pipeline import analysis_stamp

    stamp = analysis_stamp(settings)
    if store.stale_in_storyline(storyline_id, stamp):
        return False
    rows = sorted(store.storyline_members(storyline_id))
    digest = hashlib.sha256(json.dumps([stamp, rows]).encode()).hexdigest()[:16]
    return store.get_state("storyline_stamp", storyline_id) == digest


_ANALYSIS_LOCK = threading.Lock()


def ensure_storyline_analysis(store: Store, settings: Settings | None, storyline_id: str, engine=None) -> bool:
    """Bring one storyline's lazy analysis up to date; returns True when it had to run.

    Concurrent callers in one process (web requests) wait for one run instead of racing.
    `engine` is passed to `analyze` (the web app uses a SerialEngine: no fork from a
    threaded server).
    """
    settings = settings or load_settings()
    if storyline_is_fresh(store, settings, storyline_id):
        return False
    with _ANALYSIS_LOCK:
        if storyline_is_fresh(store, settings, storyline_id):
            return False
        analyze(store, settings, storylines=[storyline_id], engine=engine)
    return True


class _LightDocument:
    """The few Document attributes `event_dict` and `coverage` read; cheaper than a Document."""

    __slots__ = ("id", "title", "source", "published", "language", "event", "storyline", "duplicate_of")

    def __init__(self, summary: dict[str, Any]):
        for name in self.__slots__:
            setattr(self, name, summary[name])


def _light_documents(summaries: list[dict[str, Any]]) -> list[Any]:
    """Documents carrying only metadata, for helpers that need ids, outlets and dates."""
    return [_LightDocument(s) for s in summaries]


def _dates(events: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    dates = [e["date"] for e in events if e["date"]]
    return (min(dates), max(dates)) if dates else (None, None)


def storyline_detail(store: Store, storyline_id: str, settings: Settings | None = None, *,
                     texts: bool = False, engine=None) -> dict[str, Any]:
    """One storyline for a page or the API: the keys of `storyline_view`, queried per storyline.

    `documents` are metadata summaries (add `texts=True` for the clean texts); `entities`
    are the entities the storyline's outlets mention most.

    Raises:
        NotFound: no storyline with that id (redirects left by merges are followed).
    """
    storyline_id = store.resolve("storyline", storyline_id)
    record = store.get_record("storyline", storyline_id)
    ensure_storyline_analysis(store, settings, storyline_id, engine)
    summaries = store.document_summaries(storyline=storyline_id)
    docs = _light_documents(summaries)
    by_event: dict[str, list[Document]] = {}
    for doc in docs:
        if doc.event:
            by_event.setdefault(doc.event, []).append(doc)
    events = [event_dict(r, by_event[r["id"]]) for r in store.scoped_records("event", storyline=storyline_id)
              if r["id"] in by_event]
    events.sort(key=lambda e: (e["date"] or "9999", e["id"]))
    cover = coverage(store, docs)
    mentioned = Counter(e for row in cover for e in row["entities"])
    entities = []
    for entity_id, _ in mentioned.most_common(30):
        try:
            entities.append(store.get_record("entity", entity_id))
        except NotFound:
            continue
    if texts:
        text_of = {d.id: d.text for d in store.iter_documents([s["id"] for s in summaries])}
        for s in summaries:
            s["text"] = text_of.get(s["id"], "")
    first, last = _dates(events)
    return {
        "id": storyline_id, "title": record.get("title") or (events[0]["title"] if events else ""),
        "first_date": first, "last_date": last,
        "events": events,
        "briefing": _briefing(store, storyline_id),
        "quotes": store.scoped_records("quote", storyline=storyline_id),
        "figures": store.scoped_records("figure", storyline=storyline_id),
        "entities": entities,
        "documents": summaries,
        "coverage": cover,
    }


def event_detail(store: Store, event_id: str, settings: Settings | None = None, *, engine=None) -> dict[str, Any]:
    """One event: `event_dict` plus its documents, its quotes and figures, and its briefing if any.

    Raises:
        NotFound: no event with that id.
    """
    record = store.get_record("event", event_id)
    storyline_id = record.get("storyline")
    if storyline_id:
        ensure_storyline_analysis(store, settings, storyline_id, engine)
        record = store.get_record("event", record["id"])
    summaries = store.document_summaries(event=record["id"])
    out = event_dict(record, _light_documents(summaries))
    doc_ids = {s["id"] for s in summaries}

    def cites_event(item: dict[str, Any]) -> bool:
        return any(m.get("document") in doc_ids for m in item.get("mentions", []))

    quotes = figures = []
    if storyline_id:
        quotes = [q for q in store.scoped_records("quote", storyline=storyline_id) if cites_event(q)]
        figures = [f for f in store.scoped_records("figure", storyline=storyline_id) if cites_event(f)]
    briefings = store.scoped_records("briefing", event=record["id"])
    storyline_title = None
    if storyline_id:
        try:
            storyline_title = store.get_record("storyline", storyline_id).get("title")
        except NotFound:
            pass
    return {**out, "storyline_title": storyline_title, "document_details": summaries,
            "quotes": quotes, "figures": figures, "briefing": briefings[0] if briefings else None}


def document_detail(store: Store, doc_id: str, settings: Settings | None = None,
                    version: int | None = None, *, engine=None) -> dict[str, Any]:
    """One document with body, removed spans, versions and its analysis mentions.

    The mentions (entities, quotes, figures, dates) describe the current version only.

    Raises:
        NotFound: no document (or no such version).
    """
    doc = store.get_document(doc_id, version)
    versions = store.document_versions(doc.id)
    current = max(v["version"] for v in versions if v["current"]) if versions else doc.version
    out = document_dict(doc, body=True)
    out["versions"] = versions
    out["current"] = doc.version == current
    mentions: dict[str, Any] = {"entities": [], "quotes": [], "figures": [], "dates": []}
    if doc.version == current:
        if doc.storyline:
            ensure_storyline_analysis(store, settings, doc.storyline, engine)
        payload = store.get_analysis([doc.id]).get(doc.id, {})
        mentions = {k: payload.get(k, []) for k in mentions}
    out.update(mentions)
    out["event_title"] = out["storyline_title"] = None
    for kind, key in (("event", "event_title"), ("storyline", "storyline_title")):
        if out[kind]:
            try:
                out[key] = store.get_record(kind, out[kind]).get("title")
            except NotFound:
                pass
    return out


def entity_detail(store: Store, entity_id: str, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One entity with a page of the documents that mention it and the storylines they belong to.

    Raises:
        NotFound: no entity with that id.
    """
    record = store.get_record("entity", entity_id)
    doc_ids = list(record.get("documents", []))
    page, total = store.web_documents(only=set(doc_ids), limit=limit, offset=offset)
    per_storyline = Counter(s for s in store.storylines_of_documents(doc_ids).values() if s)
    storylines_out = []
    for storyline_id, count in per_storyline.most_common(50):
        try:
            title = store.get_record("storyline", storyline_id).get("title")
        except NotFound:
            title = None
        storylines_out.append({"id": storyline_id, "title": title, "documents": count})
    return {**record, "document_details": page, "documents_total": total, "storylines": storylines_out}


def matching_documents(store: Store, *, entity: str | None = None, q: str | None = None) -> set[str] | None:
    """Ids of documents an entity filter and/or a text query allow (None: no such filter).

    A text query keeps its 5,000 best matches.

    Raises:
        NotFound: the entity does not exist.
    """
    allowed: set[str] | None = None
    if entity:
        allowed = set(store.get_record("entity", entity).get("documents", []))
    if q and q.strip():
        hits = set(store.search_document_ids(q))
        allowed = hits if allowed is None else allowed & hits
    return allowed


def list_storylines(store: Store, *, entity: str | None = None, q: str | None = None,
                    limit: int | None = 20, offset: int = 0, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """A page of storylines (latest activity first) and the total matching the filters.

    Filters: `date_from`/`date_to` (event dates, ISO), `outlet`, `language`, `entity` (id), `q` (text).
    """
    docs = matching_documents(store, entity=entity, q=q)
    only = None if docs is None else {s for s in store.storylines_of_documents(docs).values() if s}
    return store.web_storylines(only=only, limit=limit, offset=offset, **filters)


def list_events(store: Store, *, entity: str | None = None, q: str | None = None,
                limit: int | None = 50, offset: int = 0, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """A page of events (newest first, `event_dict` shape) and the total matching the filters."""
    docs = matching_documents(store, entity=entity, q=q)
    only = None if docs is None else {e for e in store.events_of_documents(docs).values() if e}
    rows, total = store.web_events(only=only, limit=limit, offset=offset, **filters)
    records = store.event_records(r["id"] for r in rows)
    members: dict[str, list[Any]] = {}
    for doc in _light_documents(store.document_summaries(events=[r["id"] for r in rows])):
        members.setdefault(doc.event, []).append(doc)
    return [event_dict(records[r["id"]], members.get(r["id"], [])) for r in rows if r["id"] in records], total


def list_documents(store: Store, *, entity: str | None = None, q: str | None = None,
                   limit: int | None = 50, offset: int = 0, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """A page of document summaries (newest first, no text) and the total matching the filters."""
    return store.web_documents(only=matching_documents(store, entity=entity, q=q), limit=limit,
                               offset=offset, **filters)
