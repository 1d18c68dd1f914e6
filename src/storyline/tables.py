"""Researcher exports: one CSV file per table, and documents as streamed JSON lines.

The CSV tables are the JSON export (`export.export_json`) flattened: same records,
same ids, one row per record or per mention, with the column names in `TABLES`
(documented in docs/export.md; they only ever grow). List values (flags, variants,
outlet names) are JSON arrays in one cell; a missing value is an empty cell.

`iter_jsonl` yields one document (the JSON export's `documents[]` shape, which
carries its `event` and `storyline` ids) at a time from the store's iterator, so an
archive of any size streams in bounded memory.

Example:
    export_csv(store, "tables/")            # tables/documents.csv, tables/events.csv, ...
    with open("docs.jsonl", "w") as fh:
        write_jsonl(store, fh)
"""

from __future__ import annotations

import csv
import json
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from .errors import ExportError
from .pipeline import analysis_stamp
from .settings import Settings, load_settings
from .stores.base import Store
from .views import _light_documents, document_dict, ensure_analysis, event_dict

TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("id", "version", "source", "title", "language", "published", "published_confidence",
                  "published_evidence", "url", "author", "fetched_at", "raw_sha256", "duplicate_of", "flags",
                  "event", "storyline", "format", "origin", "text"),
    "events": ("id", "storyline", "title", "date", "date_confidence", "independent_reports", "outlets",
               "outlet_names", "document_count"),
    "event_documents": ("event", "document", "report", "copy"),
    "storylines": ("id", "title", "first_date", "last_date", "event_count", "document_count"),
    "entities": ("id", "name", "type", "variants", "document_count"),
    "entity_mentions": ("entity", "document", "start", "end", "text", "label"),
    "quotes": ("id", "storyline", "speaker", "text", "mention_count", "verbatim_outlets", "paraphrase_outlets"),
    "quote_mentions": ("quote", "document", "start", "end", "verbatim", "direct", "speaker_start", "speaker_end"),
    "figures": ("id", "storyline", "what", "value", "unit", "agreement", "mention_count"),
    "figure_mentions": ("figure", "document", "start", "end", "value", "unit"),
}
CHUNK = 500


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


class _TableWriter:
    """One CSV file written under a temporary name and renamed into place when complete."""

    def __init__(self, directory: Path, name: str):
        self.columns = TABLES[name]
        self.target = directory / f"{name}.csv"
        self.tmp = directory / f".{name}.csv.{os.getpid()}.tmp"
        self.fh = self.tmp.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)
        self.writer.writerow(self.columns)
        self.rows = 0

    def write(self, row: dict[str, Any]) -> None:
        self.writer.writerow([_cell(row.get(c)) for c in self.columns])
        self.rows += 1

    def close(self, ok: bool) -> None:
        self.fh.close()
        if ok:
            os.replace(self.tmp, self.target)
        else:
            self.tmp.unlink(missing_ok=True)


def _events_and_storylines(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Events and storylines as the JSON export has them, from document metadata only (no texts)."""
    members: dict[str, list[Any]] = {}
    for doc in _light_documents(store.document_summaries()):
        if doc.event:
            members.setdefault(doc.event, []).append(doc)
    by_storyline: dict[str | None, list[dict[str, Any]]] = {}
    for record in store.iter_records("event"):
        docs = members.get(record["id"])
        if docs:
            by_storyline.setdefault(record.get("storyline"), []).append(event_dict(record, docs))
    storylines = []
    for record in store.iter_records("storyline"):
        items = sorted(by_storyline.get(record["id"], []), key=lambda e: (e["date"] or "9999", e["id"]))
        if not items:
            continue
        dates = [e["date"] for e in items if e["date"]]
        storylines.append({"id": record["id"], "title": record.get("title") or items[0]["title"],
                           "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None,
                           "event_count": len(items), "document_count": sum(len(e["documents"]) for e in items),
                           "items": items})
    # The JSON export's order (views.storylines): latest activity first.
    storylines.sort(key=lambda s: (s["last_date"] or "", s["document_count"]), reverse=True)
    events = [e for s in storylines for e in s.pop("items")]
    return events, storylines


def _write_tables(store: Store, directory: Path, progress=None) -> dict[str, int]:
    writers: dict[str, _TableWriter] = {}
    ok = False
    try:
        for name in TABLES:
            writers[name] = _TableWriter(directory, name)
        ids = store.document_ids()
        for doc in store.iter_documents():
            row = document_dict(doc)
            writers["documents"].write(row)
            if progress and writers["documents"].rows % CHUNK == 0:
                progress("export documents", CHUNK, len(ids))
        events, storylines = _events_and_storylines(store)
        for event in events:
            writers["events"].write({**event, "document_count": len(event["documents"])})
            copy_of = {c: r["original"] for r in event["reports"] for c in r.get("copies", [])}
            for doc_id in event["documents"]:
                writers["event_documents"].write({"event": event["id"], "document": doc_id,
                                                  "report": copy_of.get(doc_id, doc_id), "copy": doc_id in copy_of})
        for storyline in storylines:
            writers["storylines"].write(storyline)
        entity_ids = set()
        for entity in store.iter_records("entity"):
            entity_ids.add(entity["id"])
            writers["entities"].write({**entity, "document_count": len(entity.get("documents", []))})
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            payloads = store.get_analysis(chunk)
            for doc_id in chunk:
                for m in payloads.get(doc_id, {}).get("entities", []):
                    if m.get("entity") in entity_ids:
                        writers["entity_mentions"].write({**m, "document": doc_id})
        for quote in store.iter_records("quote"):
            mentions = quote.get("mentions", [])
            writers["quotes"].write({**quote, "mention_count": len(mentions)})
            for m in mentions:
                writers["quote_mentions"].write({**m, "quote": quote["id"]})
        for figure in store.iter_records("figure"):
            mentions = figure.get("mentions", [])
            writers["figures"].write({**figure, "mention_count": len(mentions)})
            for m in mentions:
                writers["figure_mentions"].write({**m, "figure": figure["id"]})
        ok = True
    finally:
        for writer in writers.values():
            writer.close(ok)
    return {name: w.rows for name, w in writers.items()}


def export_csv(store: Store, directory: str | Path, settings: Settings | None = None,
               progress=None) -> dict[str, int]:
    """Write one CSV file per table of `TABLES` into `directory` (created if missing).

    Runs pending lazy analysis first (the tables are complete, like the JSON export) and
    reads from one snapshot. Each file appears only once complete.

    Returns:
        Rows written per table.

    Raises:
        ExportError: the folder cannot be created or written.
    """
    settings = settings or load_settings()
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create folder {directory}: {exc.strerror or exc}") from exc
    tries = 3
    while True:
        tries -= 1
        ensure_analysis(store, settings, progress=progress)
        with getattr(store, "snapshot", nullcontext)():
            if not tries or not store.stale_analysis(analysis_stamp(settings)):
                try:
                    return _write_tables(store, directory, progress)
                except OSError as exc:
                    raise ExportError(f"cannot write into {directory}: {exc.strerror or exc}") from exc


def iter_jsonl(store: Store, ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Documents one at a time (the JSON export's `documents[]` shape, with `event` and
    `storyline` ids), straight from the store's iterator: memory stays bounded."""
    for doc in store.iter_documents(ids):
        yield document_dict(doc)


def write_jsonl(store: Store, target: str | Path | IO[str] = "-") -> int:
    """Stream every current document as one compact JSON object per line.

    `target` is a file path (written under a temporary name, then renamed), an open
    text stream, or "-" for stdout. Returns the number of lines written.

    Raises:
        ExportError: the file cannot be written.
    """
    if target == "-":
        target = sys.stdout
    if not isinstance(target, (str, Path)):
        return _write_lines(store, target)
    path = Path(target)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            count = _write_lines(store, fh)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return count


def _write_lines(store: Store, fh: IO[str]) -> int:
    count = 0
    for row in iter_jsonl(store):
        fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
        count += 1
    return count
