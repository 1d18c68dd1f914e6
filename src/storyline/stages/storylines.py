"""The `storylines` stage: events threaded over time into storylines.

A *storyline* is a chain of events linked by who and where, not by kind: a
visit and the next visit to the same capitals by the same office, a verdict and
its appeal, an earthquake and its rebuilding. Two earthquakes in different
countries are two storylines; so are an election and a flood in one country.

Criterion (separate from event identity, which asks "is this the same
happening?"): an event joins the storyline whose profile it is closest to when
all of these hold

1. **Shared specifics**: they share at least `min_shared_names` distinct name
   keys (capitalised words: people, organisations, places) that are not
   *common* in the archive (a name in more than `common_name_share` of the
   documents once the archive has `common_after` of them, e.g. a country
   everyone writes about). One shared country name is never enough.
2. **Participants and places overlap**: the IDF-weighted cosine of their name
   profiles reaches `name_threshold`.
3. **A common thread**: the cosine of their IDF-weighted term profiles reaches
   `term_threshold`, so names alone (two unrelated stories about one
   president) do not link.

An event that meets no storyline founds `sl-<hash of its id>`. Once an event
shares its storyline with another event it stays there (ids are stable); an
event still alone in its storyline is looked at again when it grows. When
events merge, the survivor keeps its storyline; a storyline left empty
redirects to the survivor's.

Storyline state lives in the same `EventState` as the events: profiles with ids
`sl-...` and postings under keys `sl|<name>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storyline.errors import NotFound
from storyline.model import Document
from storyline.registry import Batch, Stage, stage
from storyline.stages.embed import EMBED_KEY
from storyline.stages.events import (NAME_PREFIX, EventIndex, EventProfile, EventState, _add, _dot,
                                     _norm, _short_hash, _top, _unit)

__all__ = ["StorylineSettings", "StorylineProfile", "StorylineIndex"]

POSTING_PREFIX = "sl|"


@dataclass(frozen=True)
class StorylineSettings:
    """Knobs of the storyline linker (see the module docstring for the criterion)."""

    min_shared_names: int = 3
    name_threshold: float = 0.30
    term_threshold: float = 0.20
    common_name_share: float = 0.05
    common_after: int = 200  # below this many documents no name counts as common
    index_names: int = 12
    posting_limit: int = 100
    max_candidates: int = 30
    lookup_depth: int = 30  # most recent storylines read from each posting list
    profile_terms: int = 400
    profile_names: int = 120


@dataclass
class StorylineProfile:
    id: str
    founder: str  # event that founded it
    events: list[str] = field(default_factory=list)
    names: dict[str, float] = field(default_factory=dict)  # sum of member events' unit name vectors
    terms: dict[str, float] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    kind: str = "storyline"

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.copy() if isinstance(v, (dict, list)) else v) for k, v in vars(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StorylineProfile":
        return cls(**data)  # no copies: a changed profile is saved (copied) by `to_dict`


class StorylineIndex:
    """Links events into storylines; state shared with an `EventIndex`.

    Example:
        >>> events = EventIndex()
        >>> storylines = StorylineIndex(events)
        >>> assignments = events.assign(docs)               # doctest: +SKIP
        >>> storylines.link(docs)                           # doctest: +SKIP
        {'ev-…': 'sl-…', ...}
    """

    def __init__(self, events: EventIndex, settings: StorylineSettings | None = None):
        self.events = events
        self.state: EventState = events.state
        self.settings = settings or StorylineSettings()
        self.regrouped: set[str] = set()  # events whose storyline was renamed by the last `link`
        self.renamed: dict[str, str] = {}  # storylines the last `link` renamed or emptied -> where they went
        self._emptied: dict[str, str] = {}  # storyline left without events -> the event its last one merged into

    def link(self, docs: Iterable[Document] | None = None, event_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Place the events of `docs` (or `event_ids`) in storylines; sets `doc.storyline`.

        Handles the merges of the `EventIndex`'s last batch first. Returns event id ->
        storyline id for the events looked at.
        """
        docs = list(docs or [])
        ids = set(event_ids or []) | {d.event for d in docs if d.event}
        self._emptied, self.renamed = {}, {}
        for merge in self.events.merges:
            self._event_merged(merge.absorbed, merge.survivor, merge.absorbed_storyline)
            ids.add(merge.survivor)
        profiles = {p.id: p for p in self.events.profiles(sorted(ids)).values()}
        out: dict[str, str] = {}
        # Earlier events first, so a storyline is named after where it began.
        order = sorted(profiles, key=lambda e: (profiles[e].first or "", profiles[e].founder, e))
        # The storylines hold each event's vectors as of its last placement: bring those of
        # the events looked at up to date first, so none is placed against what another
        # event held before this batch (which depends on the order documents came in).
        fresh: set[str] = set()
        for eid in order:
            ev = profiles[eid]
            current = self._load(self._line(ev))
            if current is not None and ev.id in current.events:
                self._refresh(current, ev, *self._vectors(ev))
                fresh.add(eid)
        for eid in order:
            out[eid] = self._place(profiles[eid], refreshed=eid in fresh)
        for old, survivor in sorted(self._emptied.items()):
            line = self._storyline_of(survivor)
            if line and line != old:  # an id once handed out keeps resolving
                self.state.redirect(old, line)
                self.renamed[old] = line
        self.regrouped = self._name_after_first(out)
        for d in docs:
            if d.event:
                ev = self.events.state.resolve([d.event])[d.event]
                line = out.get(ev)
                d.storyline = self.state.resolve([line])[line] if line else self._storyline_of(ev)
        return {e: self.state.resolve([sl])[sl] for e, sl in out.items()}

    def storyline_of(self, event_ids: Iterable[str]) -> dict[str, str]:
        """event id -> current storyline id (redirects followed)."""
        return {e: self._storyline_of(e) for e in event_ids}

    # -- steps ----------------------------------------------------------------------------------

    def _storyline_of(self, event_id: str) -> str | None:
        prof = self.events.profiles([event_id]).get(event_id)
        return self._line(prof) if prof else None

    def _line(self, ev: EventProfile) -> str | None:
        """The storyline `ev` is in now (its recorded one, redirects followed)."""
        return self.state.resolve([ev.storyline])[ev.storyline] if ev.storyline else None

    def _name_after_first(self, placed: dict[str, str]) -> set[str]:
        """Rename the storylines events were just placed in (`placed`: event -> storyline) to
        `sl-<hash of their earliest event>` (published date, founding document, id: the
        order `link` places events in), as the all-at-once run names them, when another
        event founded one (a batch fed out of date order) or its founding event merged
        away. The old id redirects. Returns the events of the renamed storylines (their
        documents must follow)."""
        resolve = self.state.resolve
        by_line: dict[str, list[str]] = {}
        for eid, sid in placed.items():
            by_line.setdefault(resolve([sid])[sid], []).append(eid)

        def key(p: EventProfile) -> tuple[str, str, str]:
            return p.first or "", p.founder, p.id

        moved: set[str] = set()
        for sid in sorted(by_line):
            sl = self._load(sid)
            if sl is None:
                continue

            def members(ids):
                return [p for p in self.events.profiles(ids).values()
                        if self._line(p) == sid]

            founder = members([sl.founder]) if sl.founder else []
            if not founder or founder[0].id != sl.founder or sl.founder in by_line[sid]:
                candidates = members(sl.events)  # the founding event changed: look at them all
            else:  # it was the earliest: only the events placed now can be earlier
                candidates = founder + members(by_line[sid])
            if not candidates:
                continue
            first = min(candidates, key=key)
            new = "sl-" + _short_hash(first.id)
            if new == sl.id or self._load(new) is not None:
                continue
            old = sl.id
            events = members(sl.events)
            self.state.repost(sl.keys, old, new)
            self.state.delete_profiles([old])
            for eid in sl.events:
                self._move_part(f"{old}/{eid}", f"{new}/{eid}")
            sl.id, sl.founder = new, first.id
            self.state.put_profiles([sl.to_dict()])
            if self.state.resolve([new])[new] != new:
                self.state.redirect(new, new)  # a storyline once merged away is named again
                self.renamed.pop(new, None)
            self.state.redirect(old, new)
            self.renamed[old] = new
            for ev in events:
                ev.storyline = new
                self.state.put_profiles([ev.to_dict()])
                moved.add(ev.id)
        return moved

    def _move_part(self, old: str, new: str) -> None:
        """Store an event's part of a storyline (`<storyline>/<event>`) under its new id."""
        part = self.state.get_profiles([old]).get(old)
        if part:
            self.state.delete_profiles([old])
            self.state.put_profiles([{**part, "id": new}])

    def _vectors(self, ev: EventProfile) -> tuple[dict[str, float], dict[str, float]]:
        return _unit(ev.names), _unit(ev.terms)

    def _place(self, ev: EventProfile, refreshed: bool = False) -> str:
        """Place `ev` (`refreshed`: its part of its storyline is already up to date)."""
        current = self._line(ev)
        cur_prof = self._load(current) if current else None
        names, terms = self._vectors(ev)
        if cur_prof is not None and len(cur_prof.events) > 1:
            if not (refreshed and ev.id in cur_prof.events):
                self._refresh(cur_prof, ev, names, terms)
            return cur_prof.id
        best = self._best(ev, names, terms, exclude=current)
        if best is not None:
            if cur_prof is not None:  # leave the storyline it had alone
                self.state.delete_profiles([cur_prof.id])
                self.state.unpost({k: [cur_prof.id] for k in cur_prof.keys})
                self.state.redirect(cur_prof.id, best.id)
            target = best
        elif cur_prof is not None:
            target = cur_prof
        else:
            target = StorylineProfile(id="sl-" + _short_hash(ev.id), founder=ev.id)
        self._refresh(target, ev, names, terms)
        return target.id

    def _refresh(self, sl: StorylineProfile, ev: EventProfile, names, terms) -> None:
        """(Re)write event `ev`'s contribution to storyline `sl` and save both."""
        s = self.settings
        if ev.id not in sl.events:
            sl.events.append(ev.id)
        # An event's vectors change as it grows: the storyline keeps one unit vector per event,
        # so it stores the per-event parts and rebuilds the sum.
        parts = self.state.get_profiles([f"{sl.id}/{ev.id}"]).get(f"{sl.id}/{ev.id}")
        if parts:
            _add(sl.names, parts["names"], -1.0)
            _add(sl.terms, parts["terms"], -1.0)
        _add(sl.names, names)
        _add(sl.terms, terms)
        sl.names = {k: v for k, v in _top(sl.names, s.profile_names).items() if abs(v) > 1e-9}
        sl.terms = {k: v for k, v in _top(sl.terms, s.profile_terms).items() if abs(v) > 1e-9}
        self.state.put_profiles([{"id": f"{sl.id}/{ev.id}", "kind": "storyline-part",
                                  "names": _top(names, s.profile_names), "terms": _top(terms, s.profile_terms)}])
        keys = [POSTING_PREFIX + k for k in sorted(names, key=lambda k: (-names[k], k))[: s.index_names]]
        new = [k for k in keys if k not in sl.keys]
        sl.keys.extend(new)
        self.state.post({k: [sl.id] for k in keys}, s.posting_limit)
        self.state.put_profiles([sl.to_dict()])
        if ev.storyline != sl.id:
            ev.storyline = sl.id
            self.state.put_profiles([ev.to_dict()])

    def _common(self, names: Iterable[str]) -> set[str]:
        """Names too common in the archive to tie two events together."""
        s = self.settings
        n = self.state.n_docs()
        if n < s.common_after:
            return set()
        names = list(names)
        df = self.state.df(NAME_PREFIX + k for k in names)
        return {k for k in names if df.get(NAME_PREFIX + k, 0) > s.common_name_share * n}

    def _best(self, ev: EventProfile, names, terms, exclude: str | None) -> StorylineProfile | None:
        s = self.settings
        keys = [POSTING_PREFIX + k for k in sorted(names, key=lambda k: (-names[k], k))[: s.index_names * 2]]
        hits: dict[str, int] = {}
        for ids in self.state.candidates(keys).values():
            for i in set(ids[-s.lookup_depth:]):
                hits[i] = hits.get(i, 0) + 1
        ranked = sorted(hits, key=lambda i: (-hits[i], i))[: s.max_candidates]
        resolved = self.state.resolve(ranked)
        best, best_score = None, -1.0
        common = self._common(names)  # once per event, not per candidate
        for sid in sorted(set(resolved.values()) - {exclude}):
            sl = self._load(sid)
            if sl is None or not sl.events or sl.events == [ev.id]:
                continue
            score = self._match(names, terms, sl, common)
            if score is not None and score > best_score:
                best, best_score = sl, score
        return best

    def _match(self, names, terms, sl: StorylineProfile, common: set[str]) -> float | None:
        """The criterion of the module docstring (`common`: the archive's common names among
        `names`); the name cosine when it holds, else None."""
        s = self.settings
        got = sl.names.get
        shared = {k for k in names if got(k, 0.0) > 1e-9}
        if len(shared) < s.min_shared_names:
            return None
        specific = shared - common
        if len(specific) < s.min_shared_names:
            return None
        nn, nt = _norm(sl.names), _norm(sl.terms)
        cn = _dot(names, sl.names) / nn if nn else 0.0
        ct = _dot(terms, sl.terms) / nt if nt else 0.0
        if cn < s.name_threshold or ct < s.term_threshold:
            return None
        return cn + ct

    def _event_merged(self, absorbed: str, survivor: str, storyline: str | None) -> None:
        """Event `absorbed` merged into `survivor`: take it out of its storyline."""
        sl = self._load(self.state.resolve([storyline])[storyline] if storyline else None)
        if sl is None:
            return
        surv = self.events.profiles([survivor]).get(survivor)
        if surv and surv.id not in sl.events and self._line(surv) == sl.id:
            # A rename (the event is now named after its earliest document): same place.
            self._move_part(f"{sl.id}/{absorbed}", f"{sl.id}/{surv.id}")
            sl.events = [surv.id if e == absorbed else e for e in sl.events]
            if sl.founder == absorbed:
                sl.founder = surv.id
            self.state.put_profiles([sl.to_dict()])
            return
        part_id = f"{sl.id}/{absorbed}"
        parts = self.state.get_profiles([part_id]).get(part_id)
        if parts:
            _add(sl.names, parts["names"], -1.0)
            _add(sl.terms, parts["terms"], -1.0)
            self.state.delete_profiles([part_id])
        sl.events = [e for e in sl.events if e != absorbed]
        if sl.events:
            self.state.put_profiles([sl.to_dict()])
            return
        surv = self.events.profiles([survivor]).get(survivor)
        self.state.delete_profiles([sl.id])
        self.state.unpost({k: [sl.id] for k in sl.keys})
        if surv and surv.storyline and surv.storyline != sl.id:
            self.state.redirect(sl.id, surv.storyline)
        elif surv:  # placed later in `link`: the emptied storyline then redirects to its storyline
            self._emptied[sl.id] = surv.id

    def _load(self, sid: str | None) -> StorylineProfile | None:
        if not sid:
            return None
        got = self.state.get_profiles([sid]).get(sid)
        return StorylineProfile.from_dict(got) if got else None


# ---------------------------------------------------------------------------------------------
# The stage: link, then bring stored documents and records in line with the index.

@stage("storylines", requires=["doc.event"], assigns=["doc.storyline"])
class Storylines(Stage):
    def process_batch(self, batch: Batch) -> None:
        events: EventIndex = batch.notes["event_index"]
        tuned = StorylineSettings(term_threshold=self.settings.storylines.threshold)
        # Events this batch re-formed out of older documents only (a split of a reopened
        # event) have no document in the batch, yet need a storyline too; and an event that
        # gained or lost older documents has other vectors: its part of its storyline is
        # rewritten (left stale, a later event matched what the event no longer holds).
        index = StorylineIndex(events, tuned)
        reformed = events.profiles({e for _doc, frm, to in events.moves for e in (frm, to)})
        index.link(batch.documents, event_ids={p.id for p in reformed.values()})
        sync_store(batch, events, tuned, also=index.regrouped, gone_lines=index.renamed)


def sync_store(batch: Batch, events: EventIndex, settings: StorylineSettings | None = None,
               also: Iterable[str] = (), gone_lines: Iterable[str] = ()) -> None:
    """After a batch: move stored documents whose event or storyline changed (merges,
    re-formed events, renamed storylines: `also`), write the event and storyline
    records, drop the records of storylines that now redirect (`gone_lines`; their
    successors are analysed afresh), save the index state."""
    store, state = batch.store, events.state
    for line in sorted(gone_lines):
        store.delete_records("storyline", [line])
        for kind in ("quote", "figure", "briefing"):
            store.delete_records(kind, storyline=line)
    storylines = StorylineIndex(events, settings)
    touched = {d.event for d in batch.documents if d.event} | set(also)
    touched |= {m.survivor for m in events.merges} | {m.absorbed for m in events.merges}
    touched |= {frm for _doc, frm, _to in events.moves} | {to for _doc, frm, to in events.moves}
    in_batch = {d.id for d in batch.documents}
    # Stored documents that may have moved: the index re-assigned them (re-formed events),
    # or their event merged away, or their event changed storyline.
    candidates = store.assignments(events=touched)
    reassigned = set(getattr(state, "changed_docs", lambda: ())()) - in_batch - set(candidates)
    candidates.update(store.assignments(ids=reassigned))
    now = events.event_of(sorted(candidates))
    moved: list[Document] = []
    for doc_id, (old_event, old_line) in sorted(candidates.items()):
        if doc_id in in_batch:
            continue
        event = now.get(doc_id, old_event)
        line = storylines.storyline_of([event]).get(event)
        if (event, line) != (old_event, old_line):
            moved.append(Document(id=doc_id, event=event, storyline=line))
    store.update_documents(moved, ("event", "storyline"))
    for doc in batch.documents:
        doc.extra.pop(EMBED_KEY, None)  # the index keeps the features it needs
    _write_records(batch, events, storylines, touched)
    state.flush()


def _write_records(batch: Batch, events: EventIndex, storylines: "StorylineIndex", touched: set[str]) -> None:
    store = batch.store
    live = events.state.resolve(touched)
    gone = sorted(e for e, r in live.items() if r != e)
    store.delete_records("event", gone)
    titles = {d.event: d.title for d in reversed(batch.documents) if d.event and d.title}
    records, lines = [], {}
    for event_id in sorted(set(live.values())):
        profile = events.profiles([event_id]).get(event_id)
        if profile is None:
            continue
        record = _record_or_none(store, "event", event_id)
        if record is None or record.get("id") != event_id:  # (an id named again redirected until now)
            record = {"id": event_id, "title": titles.get(event_id) or _founder_title(store, batch, profile)}
        record["storyline"] = storylines.storyline_of([event_id]).get(event_id)
        record.setdefault("date", profile.first[:10] if profile.first else None)
        records.append(record)
        if record["storyline"]:
            lines[record["storyline"]] = record["title"]
    store.put_records("event", records)
    for storyline_id in sorted(lines):
        record = _record_or_none(store, "storyline", storyline_id)
        if record is None or record.get("id") != storyline_id:  # named after the event that founded it
            founder = (storylines._load(storyline_id) or StorylineProfile(storyline_id, "")).founder
            title = next((r["title"] for r in records if r["id"] == founder), None)
            founded = _record_or_none(store, "event", founder) if title is None and founder else None
            if founded is not None:
                title = founded["title"]
            store.put_records("storyline", [{"id": storyline_id, "title": title or lines[storyline_id]}])
            if record is not None:  # the record of the id it had (now a redirect here)
                store.delete_records("storyline", [record["id"]])


def _record_or_none(store, kind: str, record_id: str) -> dict | None:
    try:
        return store.get_record(kind, record_id)
    except NotFound:
        return None


def _founder_title(store, batch: Batch, profile: EventProfile) -> str:
    """The founding document's headline, else its first sentence (cut at 120 characters)."""
    doc = next((d for d in batch.documents if d.id == profile.founder), None)
    if doc is None:
        try:
            doc = store.get_document(profile.founder)
        except NotFound:
            return profile.id
    if doc.title:
        return doc.title
    first = (doc.text or "").strip().split("\n", 1)[0]
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
