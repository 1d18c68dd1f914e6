"""Corrections: fixes people make to the automatic analysis, pinned and auditable.

Every correction is one numbered entry in the store's corrections log (who, when,
what, its arguments as JSON). Nothing here edits the clustering's own state: the
automatic stages run as they always do, and `apply` then lays the active
corrections over their output. The pipeline calls `apply` after every ingest
batch (after the events and storylines stages) and after the lazy analysis, so
re-ingesting, ingesting new articles or re-running with other settings never
undoes a correction:

- `event.merge`: the events' documents are pinned to the surviving event, the
  others redirect to it, and documents the clusterer later puts in a merged-away
  event follow the redirect;
- `event.split`: the listed documents are pinned to a new event (they do not
  drift back);
- `document.move`: one document pinned to an event;
- `storyline.rename`, `quote.speaker`, `flag.add` / `flag.clear`: a value pinned
  on a record or a document;
- `document.delete`: the document and what was derived from it alone are gone,
  and ingesting it again is refused until the deletion is undone;
- `alias.merge` / `alias.veto`: the entity linker's name aliases (`curation.py`).

For each value it overrides, `apply` remembers what it set and the automatic
value underneath (store state `correction_applied`). When a later run changes the
automatic value, the new one is remembered instead; when a correction is undone
(`undo`), the automatic value comes back.

Example:
    with open_store("news.db") as store:
        merge_events(store, ["ev-1a2b", "ev-3c4d"], by="ana")
        move_document(store, "article-17", "ev-1a2b")
        undo(store, 1)
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any, Iterable

from .errors import ConfigError, NotFound
from .model import Flag
from .stores.base import Store

ACTIONS = ("event.merge", "event.split", "document.move", "storyline.rename", "quote.speaker",
           "flag.add", "flag.clear", "document.delete", "alias.merge", "alias.veto")
STATE_NS = "correction_applied"
FLAG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TITLE_CHARS = 300
_AUTO = object()


def current_user(by: str | None = None) -> str:
    """Who makes a correction: `by` if given, else $USER (or $USERNAME), else 'unknown'."""
    return (by or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown").strip() or "unknown"


# --- recording corrections ---------------------------------------------------------

def _event(store: Store, event_id: str) -> dict[str, Any]:
    """The event record behind an id (redirects followed); NotFound with a hint."""
    try:
        return store.get_record("event", event_id)
    except NotFound:
        raise NotFound(explain_missing(store, event_id, "event")
                       or f"no event '{event_id}' (list events with `storyline stories`)") from None


def _document(store: Store, doc_id: str):
    try:
        return store.get_document(doc_id)
    except NotFound:
        raise NotFound(explain_missing(store, doc_id, "document")
                       or f"no document '{doc_id}' (find documents with `storyline search`)") from None


def explain_missing(store: Store, any_id: str, kind: str | None = None) -> str | None:
    """'X was deleted by correction N' when a deletion explains a missing document or event id."""
    if not hasattr(store, "corrections"):
        return None
    for c in reversed(store.corrections(active=True)):
        if c["action"] != "document.delete":
            continue
        for d in c["args"].get("documents", []):
            if kind in (None, "document") and d["id"] == any_id:
                return (f"document '{any_id}' was deleted by correction {c['id']} "
                        f"(undo it with `storyline corrections undo {c['id']}`)")
            if kind in (None, "event") and d.get("event") == any_id:
                return (f"event '{any_id}' is gone: its last document '{d['id']}' was deleted by correction "
                        f"{c['id']} (undo it with `storyline corrections undo {c['id']}`)")
    return None


def _one_line(value: str | None, what: str) -> str:
    """A user-given name or title on one line; ConfigError when empty or too long."""
    value = " ".join((value or "").split())
    if not value:
        raise ConfigError(f"{what} is empty")
    if len(value) > MAX_TITLE_CHARS:
        raise ConfigError(f"{what} is longer than {MAX_TITLE_CHARS} characters")
    return value


def _record(store: Store, action: str, target: str, args: dict[str, Any], by: str | None) -> dict[str, Any]:
    correction = store.add_correction(action, target, args, current_user(by))
    apply(store)
    return correction


def merge_events(store: Store, event_ids: list[str], *, by: str | None = None) -> dict[str, Any]:
    """Merge events into the first one: their documents are pinned to it, the others redirect to it.

    Raises:
        NotFound: an unknown event id.
        ConfigError: fewer than two distinct events.
    """
    ids = list(dict.fromkeys(_event(store, e)["id"] for e in event_ids))
    if len(ids) < 2:
        raise ConfigError("give at least two different events to merge (the first one survives)")
    survivor, absorbed = ids[0], ids[1:]
    documents = sorted(d.id for e in ids for d in store.iter_documents(event=e))
    return _record(store, "event.merge", survivor,
                   {"survivor": survivor, "absorbed": absorbed, "documents": documents}, by)


def split_event(store: Store, event_id: str, doc_ids: Iterable[str], *, by: str | None = None) -> dict[str, Any]:
    """Move some documents of an event to a new event of their own (pinned there).

    Returns the correction; `args.new_event` is the new event's id.

    Raises:
        NotFound: unknown event or document.
        ConfigError: no documents, a document not in the event, or all of them.
    """
    event = _event(store, event_id)
    wanted = sorted(dict.fromkeys(d.strip() for d in doc_ids if d and d.strip()))
    if not wanted:
        raise ConfigError("name the documents that leave the event: --documents DOC,DOC")
    members = {d.id: d for d in store.iter_documents(event=event["id"])}
    for doc_id in wanted:
        if doc_id not in members:
            doc = _document(store, doc_id)
            raise ConfigError(f"document '{doc_id}' is in event '{doc.event}', not '{event['id']}'")
    if len(wanted) == len(members):
        raise ConfigError(f"that would take every document out of '{event['id']}'; "
                          "to rename it or move it use `storyline document move`")
    new_id = "ev-s" + hashlib.sha1(f"split\x00{event['id']}\x00{','.join(wanted)}".encode()).hexdigest()[:10]
    first = min((members[d] for d in wanted), key=lambda d: (d.published or "9999", d.id))
    title = first.title or (first.text or "").strip().split("\n", 1)[0][:120] or new_id
    dates = sorted(members[d].published[:10] for d in wanted if members[d].published)
    return _record(store, "event.split", event["id"],
                   {"event": event["id"], "documents": wanted, "new_event": new_id, "title": title,
                    "date": dates[0] if dates else None}, by)


def move_document(store: Store, doc_id: str, event_id: str, *, by: str | None = None) -> dict[str, Any]:
    """Pin a document to another event.

    Raises:
        NotFound: unknown document or event.
        ConfigError: the document is already there.
    """
    doc = _document(store, doc_id)
    target = _event(store, event_id)["id"]
    if doc.event == target:
        raise ConfigError(f"document '{doc_id}' is already in event '{target}'")
    return _record(store, "document.move", doc_id, {"document": doc_id, "event": target, "from": doc.event}, by)


def rename_storyline(store: Store, storyline_id: str, title: str, *, by: str | None = None) -> dict[str, Any]:
    """Give a storyline a title that later runs keep."""
    title = _one_line(title, "the new title")
    try:
        record = store.get_record("storyline", storyline_id)
    except NotFound:
        raise NotFound(f"no storyline '{storyline_id}' (list them with `storyline stories`)") from None
    return _record(store, "storyline.rename", record["id"],
                   {"storyline": record["id"], "title": title, "previous": record.get("title")}, by)


def set_quote_speaker(store: Store, quote_id: str, speaker: str, *, by: str | None = None) -> dict[str, Any]:
    """Attribute a quote to `speaker` (a canonical name) in this and every later run.

    The quote is found again by id, or when re-analysis renamed it, by its first mention.
    """
    speaker = _one_line(speaker, "the speaker's name")
    try:
        record = store.get_record("quote", quote_id)
    except NotFound:
        raise NotFound(f"no quote '{quote_id}' (quote ids are in `storyline show STORYLINE` and the export)") from None
    anchor = [{k: m.get(k) for k in ("document", "start", "end")} for m in record.get("mentions", [])[:3]]
    return _record(store, "quote.speaker", record["id"],
                   {"quote": record["id"], "speaker": speaker, "previous": record.get("speaker"),
                    "anchor": anchor, "text": (record.get("text") or "")[:200]}, by)


def flag_document(store: Store, doc_id: str, flag: str, *, add: bool = True, by: str | None = None) -> dict[str, Any]:
    """Set (`add`) or clear a quality flag on a document, over what the stages decide."""
    flag = (flag or "").strip()
    if not FLAG_NAME.match(flag):
        raise ConfigError(f"flag names are lower-case words with '_' (e.g. machine_translated), not {flag!r}")
    _document(store, doc_id)
    return _record(store, "flag.add" if add else "flag.clear", doc_id, {"document": doc_id, "flag": flag}, by)


def record_alias_correction(store: Store, alias: dict[str, Any], *, by: str | None = None) -> dict[str, Any]:
    """Log an entity alias (made by `curation.record_alias`) in the corrections log."""
    return store.add_correction(f"alias.{alias['action']}", alias["canonical"],
                                {"alias": alias["id"], "variant": alias["variant"], "canonical": alias["canonical"]},
                                current_user(by))


def list_corrections(store: Store, *, active: bool | None = None) -> list[dict[str, Any]]:
    """The corrections log, oldest first, each with a one-line `summary`."""
    return [{**c, "summary": summary(c)} for c in store.corrections(active=active)]


def summary(c: dict[str, Any]) -> str:
    a = c["args"]
    text = {
        "event.merge": lambda: f"merge {', '.join(a.get('absorbed', []))} into {a.get('survivor')}",
        "event.split": lambda: f"split {', '.join(a.get('documents', []))} off {a.get('event')} "
                               f"into {a.get('new_event')}",
        "document.move": lambda: f"move {a.get('document')} to {a.get('event')}",
        "storyline.rename": lambda: f"rename {a.get('storyline')} to {a.get('title')!r}",
        "quote.speaker": lambda: f"quote {a.get('quote')} spoken by {a.get('speaker')}",
        "flag.add": lambda: f"flag {a.get('document')} {a.get('flag')}",
        "flag.clear": lambda: f"clear flag {a.get('flag')} on {a.get('document')}",
        "document.delete": lambda: "delete " + ", ".join(d["id"] for d in a.get("documents", [])),
        "alias.merge": lambda: f"alias {a.get('variant')} → {a.get('canonical')}",
        "alias.veto": lambda: f"never alias {a.get('variant')} → {a.get('canonical')}",
    }.get(c["action"], lambda: c["action"])()
    return text + ("" if c.get("active", True) else " (undone)")


# --- undo --------------------------------------------------------------------------

def undo(store: Store, number: int, *, by: str | None = None, settings=None) -> dict[str, Any]:
    """Mark correction `number` undone; its effect reverts now and in every later run.

    Undoing a deletion ingests the document's kept raw input again.

    Raises:
        NotFound: no such correction.
        ConfigError: it was undone already.
    """
    correction = store.get_correction(number)
    if not correction["active"]:
        raise ConfigError(f"correction {number} was already undone at {correction['undone_at']}")
    with store.transaction():
        correction = store.undo_correction(number, current_user(by))
        if correction["action"] == "event.merge":
            still = {a for c in store.corrections(active=True) if c["action"] == "event.merge"
                     for a in c["args"].get("absorbed", [])}
            for absorbed in correction["args"].get("absorbed", []):
                if absorbed not in still:
                    store.remove_redirect("event", absorbed)
        elif correction["action"] == "document.delete":  # the emptied events come back
            for old in correction["args"].get("redirects") or {}:
                store.remove_redirect("event", old)
        elif correction["action"].startswith("alias."):
            store.delete_records("correction", [correction["args"].get("alias")])
    if correction["action"] == "document.delete":
        _restore_deleted(store, correction, settings)
    apply(store)
    return correction


def _restore_deleted(store: Store, correction: dict[str, Any], settings) -> None:
    from .model import Document
    from .pipeline import ingest_items

    docs = []
    for d in correction["args"].get("documents", []):
        try:
            raw = store.get_raw(d["raw_sha256"])
        except NotFound:
            continue
        doc = Document(id=d["id"], raw=raw, raw_sha256=d["raw_sha256"], origin=d.get("origin") or d["id"],
                       format=d.get("format") or "text")
        for key in ("title", "source", "url", "author", "published", "fetched_at"):
            if d.get(key) is not None:
                setattr(doc, key, d[key])
        if d.get("record") is not None:
            doc.extra["record"] = d["record"]
        docs.append(doc)
    if docs:
        ingest_items(store, docs, settings, engine="serial")


# --- deletion ----------------------------------------------------------------------

def delete_documents(store: Store, doc_ids: Iterable[str], settings=None, *, by: str | None = None) -> dict[str, Any]:
    """Delete documents and what was derived from them alone; log it as one correction.

    Their quote and figure mentions, entity mentions and briefing sentences go; a
    quote, figure or entity left with no mention goes too; an event left empty is
    removed and redirects to the nearest event of its storyline (when there is one).
    Records of other documents are edited only to drop the deleted ones' mentions,
    and their storylines are not re-analysed for it. The raw input is kept (for
    audit and for `undo`), and ingesting the same id again is refused while the
    deletion stands.

    Raises:
        NotFound: an unknown document (nothing is deleted then).
    """
    from .pipeline import analyze, analysis_stamp
    from .settings import load_settings

    settings = settings or load_settings()
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        raise ConfigError("name at least one document to delete")
    docs = [_document(store, d) for d in ids]
    storylines = sorted({d.storyline for d in docs if d.storyline})
    if storylines:  # everything derived is in the records first, so it can be taken out precisely
        analyze(store, settings, storylines=storylines)
        docs = [store.get_document(d) for d in ids]
    args = {"documents": [{"id": d.id, "version": d.version, "raw_sha256": d.raw_sha256, "origin": d.origin,
                           "format": d.format, "event": d.event, "storyline": d.storyline, "title": d.title,
                           "source": d.source, "url": d.url, "author": d.author, "published": d.published,
                           "fetched_at": d.fetched_at, "record": d.extra.get("record")} for d in docs]}
    gone = set(ids)
    stamp = analysis_stamp(settings)
    with store.transaction():
        redirects = {}
        for doc in docs:
            store.delete_document(doc.id)
        for storyline in storylines:
            _drop_mentions(store, storyline, gone)
        for event_id in sorted({d.event for d in docs if d.event}):
            redirects.update(_drop_from_event(store, event_id, gone))
        _drop_from_entities(store, gone)
        for storyline in storylines:  # its other documents' analysis stays as it was
            _restamp(store, storyline, stamp)
        args["redirects"] = redirects
        correction = store.add_correction("document.delete", ",".join(ids), args, current_user(by))
    apply(store)
    return correction


def _drop_mentions(store: Store, storyline: str, gone: set[str]) -> None:
    for kind in ("quote", "figure"):
        keep, drop = [], []
        for record in store.iter_records(kind, storyline=storyline):
            mentions = [m for m in record.get("mentions", []) if m.get("document") not in gone]
            if len(mentions) == len(record.get("mentions", [])):
                continue
            if mentions:
                record["mentions"] = mentions
                keep.append(record)
            else:
                drop.append(record["id"])
        store.put_records(kind, keep)
        store.delete_records(kind, drop)
    briefings = []
    for record in store.iter_records("briefing", storyline=storyline):
        sentences = [s for s in record.get("sentences", []) if s.get("document") not in gone]
        if len(sentences) != len(record.get("sentences", [])):
            record["sentences"] = sentences
            briefings.append(record)
    store.put_records("briefing", briefings)


def _drop_from_event(store: Store, event_id: str, gone: set[str]) -> dict[str, str]:
    try:
        record = store.get_record("event", event_id)
    except NotFound:
        return {}
    if any(True for _ in store.iter_documents(event=record["id"])):
        if record.get("reports"):
            reports = []
            for r in record["reports"]:
                members = [m for m in [r["original"], *r.get("copies", [])] if m not in gone]
                if members:
                    reports.append({"original": members[0], "copies": members[1:]})
            record["reports"] = reports
        if record.get("date_evidence"):
            record["date_evidence"] = [e for e in record["date_evidence"]
                                       if not (isinstance(e, dict) and e.get("document") in gone)]
        store.put_records("event", [record])
        return {}
    # Left empty: it disappears, and its id leads to the nearest event of its storyline.
    siblings = [r for r in store.iter_records("event", storyline=record.get("storyline")) if r["id"] != record["id"]
                and any(True for _ in store.iter_documents(event=r["id"]))] if record.get("storyline") else []
    store.delete_records("event", [record["id"]])
    store.delete_records("briefing", [record["id"]])
    if not siblings:
        return {}
    date = record.get("date") or ""
    nearest = min(siblings, key=lambda r: (abs(_days(r.get("date")) - _days(date)), r["id"]))
    store.redirect("event", record["id"], nearest["id"])
    return {record["id"]: nearest["id"]}


def _days(date: str | None) -> int:
    from datetime import date as _date
    try:
        return _date.fromisoformat((date or "")[:10]).toordinal()
    except ValueError:
        return 0


def _drop_from_entities(store: Store, gone: set[str]) -> None:
    keep, drop = [], []
    for record in store.iter_records("entity"):
        documents = record.get("documents", [])
        if not gone & set(documents):
            continue
        record["documents"] = [d for d in documents if d not in gone]
        if record["documents"]:
            keep.append(record)
        else:
            drop.append(record["id"])
    store.put_records("entity", keep)
    store.delete_records("entity", drop)


def _restamp(store: Store, storyline: str, stamp: str) -> None:
    """Mark a storyline analysed for its remaining members when it was before the deletion."""
    import hashlib as _h
    import json

    rows = sorted((d.id, d.version, d.event) for d in store.iter_documents(storyline=storyline))
    if not rows:
        store.delete_state("storyline_stamp", [storyline])
        return
    if any(store.get_analysis_stamps([r[0] for r in rows]).get(r[0]) != stamp for r in rows):
        return
    digest = _h.sha256(json.dumps([stamp, [list(r) for r in rows]]).encode()).hexdigest()[:16]
    store.put_state("storyline_stamp", {storyline: digest})


def deleted_ids(store: Store) -> dict[str, int]:
    """Document id -> the number of the active correction that deleted it."""
    out: dict[str, int] = {}
    for c in store.corrections(active=True):
        if c["action"] == "document.delete":
            for d in c["args"].get("documents", []):
                out[d["id"]] = c["id"]
    return out


# --- applying ----------------------------------------------------------------------

class Plan:
    """The active corrections, compiled: what each document, event, record should be."""

    def __init__(self, corrections: list[dict[str, Any]]):
        self.pins: dict[str, tuple[str, int]] = {}  # doc -> (event, correction)
        self.merges: dict[str, str] = {}  # absorbed event -> survivor
        self.splits: dict[str, dict[str, Any]] = {}  # new event id -> its correction's args
        self.titles: dict[str, tuple[str, int]] = {}
        self.speakers: dict[str, tuple[dict[str, Any], int]] = {}
        self.flags: dict[str, dict[str, tuple[bool, int, str]]] = {}
        self.marks: dict[str, dict[str, list[int]]] = {k: {} for k in
                                                       ("document", "event", "storyline", "quote")}
        for c in corrections:
            n, a, action = c["id"], c["args"], c["action"]
            if action == "event.merge":
                self.merges.pop(a["survivor"], None)
                for absorbed in a["absorbed"]:
                    self.merges[absorbed] = a["survivor"]
                for doc in a.get("documents", []):
                    self.pins[doc] = (a["survivor"], n)
                self._mark("event", a["survivor"], n)
                self._mark("document", a.get("documents", []), n)
            elif action == "event.split":
                self.splits[a["new_event"]] = {**a, "correction": n}
                for doc in a["documents"]:
                    self.pins[doc] = (a["new_event"], n)
                self._mark("event", [a["event"], a["new_event"]], n)
                self._mark("document", a["documents"], n)
            elif action == "document.move":
                self.pins[a["document"]] = (a["event"], n)
                self._mark("event", [e for e in (a["event"], a.get("from")) if e], n)
                self._mark("document", a["document"], n)
            elif action == "storyline.rename":
                self.titles[a["storyline"]] = (a["title"], n)
                self._mark("storyline", a["storyline"], n)
            elif action == "quote.speaker":
                self.speakers[a["quote"]] = (a, n)
                self._mark("quote", a["quote"], n)
            elif action in ("flag.add", "flag.clear"):
                self.flags.setdefault(a["document"], {})[a["flag"]] = (action == "flag.add", n, c.get("by") or "")
                self._mark("document", a["document"], n)

    def _mark(self, kind: str, ids, n: int) -> None:
        for i in [ids] if isinstance(ids, str) else ids:
            numbers = self.marks[kind].setdefault(i, [])
            if n not in numbers:
                numbers.append(n)

    def follow(self, store: Store, event_id: str | None) -> str | None:
        """An event id after merges (ours, then the store's redirects)."""
        seen: set[str] = set()
        while event_id and event_id not in seen:
            seen.add(event_id)
            nxt = self.merges.get(event_id) or store.resolve("event", event_id)
            if nxt == event_id:
                break
            event_id = nxt
        return event_id


def _settle(entry: dict[str, Any] | None, current: Any, wanted: Any) -> tuple[Any, dict[str, Any] | None]:
    """What a value should be, and what to remember about it.

    `entry` is what we remembered: the value we set and the automatic one beneath.
    When the stored value is no longer ours, a run replaced it: that is the new
    automatic value. `wanted` is the corrected value, or _AUTO for none.
    """
    auto = entry["auto"] if entry is not None and entry["set"] == current else current
    desired = auto if wanted is _AUTO else wanted
    return desired, (None if desired == auto else {"set": desired, "auto": auto})


def apply(store: Store) -> dict[str, int]:
    """Lay the active corrections over the automatic results; returns what it changed.

    Cheap when there are no corrections (two small queries): the pipeline calls it
    after every ingest batch and after each lazy analysis run.
    """
    active = store.corrections(active=True)
    applied = store.get_states(STATE_NS)
    if not active and not applied:
        return {}
    plan = Plan(active)
    changes = {"documents": 0, "flags": 0, "records": 0}
    with store.transaction():
        remember: dict[str, Any] = {}
        forget: list[str] = []
        _apply_events(store, plan, applied, remember, forget, changes)
        _apply_flags(store, plan, applied, remember, forget, changes)
        _apply_titles(store, plan, applied, remember, forget, changes)
        _apply_speakers(store, plan, applied, remember, forget, changes)
        if remember:
            store.put_state(STATE_NS, remember)
        if forget:
            store.delete_state(STATE_NS, forget)
    return changes


def _keep(key: str, entry, applied, remember, forget) -> None:
    if entry is not None:
        if applied.get(key) != entry:
            remember[key] = entry
    elif key in applied:
        forget.append(key)


def _storyline_of(store: Store, event_id: str | None) -> str | None:
    if not event_id:
        return None
    try:
        storyline = store.get_record("event", event_id).get("storyline")
    except NotFound:
        return None
    return store.resolve("storyline", storyline) if storyline else None


def _apply_events(store, plan: Plan, applied, remember, forget, changes) -> None:
    # Merged-away events keep redirecting to their survivor, whatever a run wrote since.
    for absorbed in sorted(plan.merges):
        survivor = plan.follow(store, absorbed)
        if survivor != absorbed and store.resolve("event", absorbed) != survivor:
            store.redirect("event", absorbed, survivor)
    for new_id, split in sorted(plan.splits.items()):
        _ensure_split_event(store, plan, new_id, split)
    ids = set(plan.pins) | {k[4:] for k in applied if k.startswith("doc:")}
    docs = {d.id: d for d in store.iter_documents(sorted(ids))}
    for absorbed in sorted(plan.merges):
        docs.update({d.id: d for d in store.iter_documents(event=absorbed)})
    for key in [k for k in applied if k.startswith("doc:") and k[4:] not in docs]:
        forget.append(key)  # deleted since
    moved = []
    for doc_id, doc in sorted(docs.items()):
        key = "doc:" + doc_id
        current = [doc.event, doc.storyline]
        entry = applied.get(key)
        auto = entry["auto"] if entry is not None and entry["set"] == current else current
        target = plan.follow(store, plan.pins[doc_id][0] if doc_id in plan.pins else auto[0])
        wanted = _AUTO if target == auto[0] else [target, _storyline_of(store, target)]
        desired, entry = _settle(applied.get(key), current, wanted)
        if desired != current:
            doc.event, doc.storyline = desired
            moved.append(doc)
        _keep(key, entry, applied, remember, forget)
    store.update_documents(moved, ("event", "storyline"))
    changes["documents"] += len(moved)


def _ensure_split_event(store: Store, plan: Plan, new_id: str, split: dict[str, Any]) -> None:
    source = plan.follow(store, split["event"])
    storyline = _storyline_of(store, source)
    try:
        record = store.get_record("event", new_id)
    except NotFound:
        record = {"id": new_id, "title": split.get("title") or new_id, "date": split.get("date"),
                  "storyline": storyline}
        store.put_records("event", [record])
        return
    if record.get("storyline") and store.resolve("storyline", record["storyline"]) != record["storyline"]:
        record["storyline"] = store.resolve("storyline", record["storyline"])
        store.put_records("event", [record])
    elif not record.get("storyline") and storyline:
        record["storyline"] = storyline
        store.put_records("event", [record])


def _flag_value(flag: Flag | None) -> dict[str, Any] | None:
    return None if flag is None else {"score": flag.score, "evidence": list(flag.evidence)}


def _apply_flags(store, plan: Plan, applied, remember, forget, changes) -> None:
    wanted_by_doc: dict[str, dict[str, Any]] = {}
    for doc_id, flags in plan.flags.items():
        for name, (add, n, by) in flags.items():
            wanted_by_doc.setdefault(doc_id, {})[name] = (
                {"score": 1.0, "evidence": [f"set by correction {n}" + (f" ({by})" if by else "")]} if add else None)
    for key in applied:
        if key.startswith("flag:"):
            doc_id, name = key[5:].rsplit(":", 1)
            wanted_by_doc.setdefault(doc_id, {}).setdefault(name, _AUTO)
    if not wanted_by_doc:
        return
    docs = {d.id: d for d in store.iter_documents(sorted(wanted_by_doc))}
    changed = []
    for doc_id, wanted in sorted(wanted_by_doc.items()):
        doc = docs.get(doc_id)
        if doc is None:
            forget.extend(f"flag:{doc_id}:{name}" for name in wanted if f"flag:{doc_id}:{name}" in applied)
            continue
        touched = False
        for name, value in sorted(wanted.items()):
            key = f"flag:{doc_id}:{name}"
            current = _flag_value(doc.flags.get(name))
            desired, entry = _settle(applied.get(key), current, value)
            if desired != current:
                if desired is None:
                    doc.flags.pop(name, None)
                else:
                    doc.flags[name] = Flag(name, desired["score"], list(desired["evidence"]))
                touched = True
            _keep(key, entry, applied, remember, forget)
        if touched:
            changed.append(doc)
    store.update_documents(changed, ("flags",))
    changes["flags"] += len(changed)


def _apply_titles(store, plan: Plan, applied, remember, forget, changes) -> None:
    wanted = {sl: title for sl, (title, _n) in plan.titles.items()}
    for key in applied:
        if key.startswith("title:"):
            wanted.setdefault(key[6:], _AUTO)
    for storyline, title in sorted(wanted.items()):
        key = "title:" + storyline
        try:
            record = store.get_record("storyline", storyline)
        except NotFound:
            continue  # the storyline may come back; keep what we remembered
        desired, entry = _settle(applied.get(key), record.get("title"), title)
        if desired != record.get("title"):
            record["title"] = desired
            store.put_records("storyline", [record])
            changes["records"] += 1
        _keep(key, entry, applied, remember, forget)


def _find_quote(store: Store, quote_id: str, args: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return store.get_record("quote", quote_id)
    except NotFound:
        pass
    anchors = {(a["document"], a["start"], a["end"]) for a in args.get("anchor", [])}
    if not anchors:
        return None
    storylines = store.storylines_of_documents([a[0] for a in anchors]) if hasattr(store, "storylines_of_documents") \
        else {d.id: d.storyline for d in store.iter_documents([a[0] for a in anchors])}
    for storyline in sorted({s for s in storylines.values() if s}):
        for record in store.iter_records("quote", storyline=storyline):
            if any((m.get("document"), m.get("start"), m.get("end")) in anchors for m in record.get("mentions", [])):
                return record
    return None


def _apply_speakers(store, plan: Plan, applied, remember, forget, changes) -> None:
    wanted = {q: (args, args["speaker"]) for q, (args, _n) in plan.speakers.items()}
    for key in applied:
        if key.startswith("speaker:"):
            wanted.setdefault(key[8:], ({}, _AUTO))
    for quote_id, (args, speaker) in sorted(wanted.items()):
        key = "speaker:" + quote_id
        record = _find_quote(store, quote_id, args)
        if record is None:
            continue
        desired, entry = _settle(applied.get(key), record.get("speaker"), speaker)
        if desired != record.get("speaker"):
            record["speaker"] = desired
            store.put_records("quote", [record])
            changes["records"] += 1
        if record["id"] != quote_id and entry is not None:
            plan.marks["quote"].setdefault(record["id"], plan.marks["quote"].get(quote_id, []))
        _keep(key, entry, applied, remember, forget)


# --- reading -----------------------------------------------------------------------

def corrected_marks(store: Store) -> dict[str, dict[str, list[int]]]:
    """kind ('document', 'event', 'storyline', 'quote') -> id -> numbers of the active
    corrections that shaped it, for the export's `corrected` keys."""
    plan = Plan(store.corrections(active=True))
    marks = plan.marks
    for storyline in list(marks["storyline"]):
        resolved = store.resolve("storyline", storyline)
        if resolved != storyline:
            marks["storyline"].setdefault(resolved, marks["storyline"][storyline])
    for event in list(marks["event"]):
        resolved = plan.follow(store, event)
        if resolved and resolved != event:
            marks["event"].setdefault(resolved, marks["event"][event])
    for quote_id, (args, n) in plan.speakers.items():
        record = _find_quote(store, quote_id, args)
        if record is not None and record["id"] != quote_id:
            marks["quote"].setdefault(record["id"], [n])
    return marks


def annotate(items: list[dict[str, Any]], marks: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Add `corrected: [N, ...]` to the items a correction shaped (in place)."""
    for item in items:
        numbers = marks.get(item.get("id"))
        if numbers:
            item["corrected"] = sorted(numbers)
    return items
