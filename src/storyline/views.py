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
