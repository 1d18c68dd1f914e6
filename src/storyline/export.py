"""Exports: the JSON contract other tools read (see docs/export.md)."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from .corrections import annotate, corrected_marks, list_corrections
from .errors import NotFound
from .pipeline import analysis_stamp
from .provenance import provenance, run_configurations
from .settings import Settings, load_settings
from .stores.base import Store
from .views import document_dict, ensure_analysis, event_dict, storylines

SCHEMA_VERSION = 1


def export_json(store: Store, settings: Settings | None = None, progress=None) -> dict[str, Any]:
    """Everything ingested and its full analysis as one JSON-ready dict.

    Runs any pending lazy analysis first, so the export is complete, then reads
    everything from one snapshot, so an ingest writing meanwhile cannot tear it.
    """
    settings = settings or load_settings()
    tries = 3
    while True:
        tries -= 1
        ensure_analysis(store, settings, progress=progress)
        with getattr(store, "snapshot", nullcontext)():
            # An ingest may have committed between the analysis and the snapshot: analyse
            # that too (a few times at most; a non-stop writer gets a consistent, slightly
            # incomplete export rather than none).
            if not tries or not store.stale_analysis(analysis_stamp(settings)):
                return _collect(store, settings)


def _collect(store: Store, settings: Settings | None = None) -> dict[str, Any]:
    stories = storylines(store)
    events = [e for s in stories for e in s["event_details"]]
    documents = list(store.iter_documents())
    # Events not (yet) linked into a storyline, e.g. halfway through an ingest: their
    # documents are exported, so they are too.
    listed = {e["id"] for e in events}
    for event_id in sorted({d.event for d in documents if d.event and d.event not in listed}):
        try:
            record = store.get_record("event", event_id)
        except NotFound:
            continue
        events.append(event_dict(record, [d for d in documents if d.event == event_id]))
    out = {
        "schema_version": SCHEMA_VERSION,
        "documents": [document_dict(d) for d in documents],
        "events": events,
        "storylines": [{"id": s["id"], "title": s["title"], "events": s["events"]} for s in stories],
        "entities": list(store.iter_records("entity")),
        "quotes": list(store.iter_records("quote")),
        "figures": list(store.iter_records("figure")),
        "briefings": list(store.iter_records("briefing")),
        "rejects": store.rejects(),
    }
    if hasattr(store, "corrections"):
        _trace(store, settings or load_settings(), out)
    return out


def _trace(store: Store, settings: Settings, out: dict[str, Any]) -> None:
    """Corrections, provenance, and on each record the run that wrote it and the
    corrections that shaped it."""
    marks = corrected_marks(store)
    out["corrections"] = list_corrections(store)
    out["provenance"] = provenance(store, settings)
    for key, kind in (("documents", "document"), ("events", "event"), ("storylines", "storyline"),
                      ("quotes", "quote")):
        annotate(out[key], marks[kind])
    runs = {"documents": store.document_runs()}
    for key, kind in (("events", "event"), ("storylines", "storyline"), ("entities", "entity"),
                      ("quotes", "quote"), ("figures", "figure"), ("briefings", "briefing")):
        runs[key] = store.record_runs(kind)
    configuration = run_configurations(store)  # stable across re-runs, unlike run numbers
    for key, by_id in runs.items():
        for item in out[key]:
            run = by_id.get(item.get("id"))
            item["run"] = configuration.get(run) if run is not None else None
