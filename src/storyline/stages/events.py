"""The `events` stage: online clustering of documents into events.

An *event* is one happening reported by one or more articles (an earthquake,
a verdict, a visit). Documents arrive in batches; `EventIndex.assign` places
them and never re-clusters the archive, only the batch's neighbourhood:

1. The batch is sorted canonically (published date, then id), so the result
   does not depend on the order of the input list. Document frequencies are
   updated with the whole batch first; vectors are weighted by IDF
   (`1 + ln((N + 1) / (df + 1))`).
2. Candidate events come from an inverted index: a document's strongest name
   keys and shared terms look up the events posted under them (each posting list
   keeps only the `posting_limit` most recently active events), so the work per
   document is bounded whatever the archive size. Candidates a new document
   nearly reaches (`reopen_factor * threshold`) and that have at most
   `reopen_max_members` members are *reopened*: their members are clustered
   again together with the batch (each document reopens at most its
   `reopen_per_doc` closest events, the batch at most `reopen_budget` documents
   per new one, or `reopen_min_budget`). While the neighbourhood is small (batch
   and reopened members under `reopen_hop_limit` documents), the reopened events
   reopen the events their centroids reach in turn (`reopen_hops` steps), so the
   neighbourhood re-clustered is closer to what all at once would see. Stored documents that
   dedup now calls copies of a newer arrival stop counting as originals.
3. The open documents are seeded into clusters by average link over all their
   pairs (`link_method`, cut at `link_threshold`): it depends on the set of open
   documents only, not on their order, so batches cut or ordered differently
   meet the same seeds (the single pass in arrival order it replaced decided
   each document once, against clusters as they stood). Then `refine_rounds` rounds that
   split clusters holding two groups (2-means, halves below `split_threshold`)
   and move each open document to the centroid it now fits best (its own event
   scored without it, its vectors subtracted on the fly, so an event no document
   leaves stays as it was, remembered similarities and all; an event found whole
   is not split again until it changes); a document left
   alone then joins the larger event it fits (`adopt_singletons`); then changed
   events merge with their best candidate at `merge_threshold`.
4. A resulting cluster that holds exactly the documents of a reopened event
   keeps its id; any other is named after its earliest document (published
   date, then id): `ev-<hash of that id>`, so the same documents get the same id
   whatever order or batches they came in. A reopened event left
   empty redirects to where most of its documents went, recorded as a `Merge`,
   so an id once handed out always resolves. Documents the dedup stage marked
   `duplicate_of` an assigned document join that event.

Similarity of a document (or event) to an event is a weighted mean of four
centroid cosines over IDF-weighted vectors: all terms (stemmed words), lead
terms (headline and lede), name keys (capitalised words) and number anchors
(numbers, years, dates); a channel empty on either side is left out, and one
with little evidence (a single common number) counts less. Across
languages names and numbers decide alone, against `cross_lingual_threshold`;
different protagonists (each side's most-mentioned name absent from the other)
halve it; publication dates far apart decay it, and no event spans more than
`max_span_days` from its first to its last report.

Everything the index knows lives behind `EventState` (a small protocol of plain
dicts and strings); `MemoryState` implements it in memory and converts to and
from table rows, and a store can implement it over SQL tables.

Example:

    >>> from storyline.model import Document
    >>> from storyline.stages.embed import embed
    >>> index = EventIndex()
    >>> docs = [embed(Document(id=i, text=t)) for i, t in [
    ...     ("a", "Quake of magnitude 6.1 hits Lorvania; 312 dead in Tessel."),
    ...     ("b", "Lorvania quake: 312 people dead in Tessel after magnitude 6.1 shock.")]]
    >>> [a.event for a in index.assign(docs)] == ["ev-" + _short_hash("a")] * 2
    True
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as _date
from typing import Any, Protocol

from storyline.errors import NotFound
from storyline.model import Document
from storyline.registry import Batch, Stage, stage
from storyline.stages import profile_codec
from storyline.stages.embed import EMBED_KEY, embed

__all__ = ["EventSettings", "EventProfile", "Assignment", "Merge", "EventState", "MemoryState",
           "EventIndex", "cluster_events"]

NAME_PREFIX = "n:"
NUM_PREFIX = "#"
TERM_PREFIX = "t:"
COPY_OF = "copy_of"  # the stored features of a copy: only which original it follows


@dataclass(frozen=True)
class EventSettings:
    """Knobs of the event clusterer; defaults tuned on ECB+ topics 1-20 only."""

    threshold: float = 0.20  # join the best event at or above this similarity
    merge_threshold: float = 0.60  # merge (or keep split) two events at or above this
    cross_lingual_threshold: float = 0.35  # names+numbers similarity across languages
    # Shares of the four cosines in the similarity (they sum to 1): all words, headline + lede
    # words, name keys, number and date anchors.
    term_weight: float = 0.15
    lead_weight: float = 0.15
    name_weight: float = 0.40
    number_weight: float = 0.30
    # A sentence embedding of headline and lede, when the embed stage made one (the `embed`
    # extra, `embed.model`); without it the channel is absent and the others decide.
    dense_weight: float = 0.05
    # Sentence embeddings rate any two reports of one kind of happening alike (two quakes,
    # ~0.6-0.8): only the part of the cosine above this floor counts, rescaled to [0, 1].
    # At 0.6 the channel cost 0.011 F1 on ECB+ dev; at 0.9 it only speaks for near-copies.
    dense_floor: float = 0.9
    # A channel's share shrinks while its IDF-weighted evidence (norm before normalising) is
    # below this floor, in units of the IDF of a key seen once (so it scales with the
    # archive); 0 turns it off.
    term_floor: float = 0.0
    lead_floor: float = 0.0
    name_floor: float = 0.0
    number_floor: float = 1.0  # one common number ("2") no longer decides a pair
    refine_rounds: int = 2  # k-means style passes that may move this batch's documents
    adopt_singletons: bool = True  # after them, a document left alone joins the event it fits
    # Seed the open documents' clusters by average link over document pairs (order-free) at
    # this similarity, instead of one pass in arrival order; 0 turns it off.
    link_threshold: float = 0.16
    link_method: str = "weighted"  # scipy linkage: "average" (UPGMA) or "weighted" (WPGMA)
    link_max_docs: int = 3000  # above this many open documents, fall back to the single pass
    time_window_days: float = 3.0  # published dates this far outside an event's range cost nothing
    time_decay_days: float = 10.0  # beyond it, similarity decays by e every this many days
    # No event spans more days than this (first to last report): without a bound, formulaic
    # reports (a weekly market wrap, a re-run story) chain into one event across months.
    max_span_days: float = 30.0
    conflict_penalty: float = 0.5  # similarity factor when the main names differ (see _similarity)
    top_name_count: int = 5  # a text's main name must occur this often to count
    reopen_max_members: int = 200  # events up to this size are re-clustered with a new batch
    reopen_factor: float = 0.8  # reopen an event when a new document reaches this x threshold
    reopen_budget: int = 10  # reopened documents per new document, at most
    reopen_per_doc: int = 3  # events one new document may reopen, its closest first (0: no limit)
    # Reopened events reopen the events they reach (at `reopen_hop_factor * threshold`, centroid
    # to centroid) in turn, this many steps out, while the budget lasts: a neighbourhood cut
    # one step from the batch leaves documents placed against clusters the batch re-formed, so
    # the order they came in shows, most where a call brings a few documents (a last call with
    # one templated article reopened 3 events and left 17 of 76 documents where earlier calls
    # had put them). 1 step: determinism corpus, 8 shuffles of 9 files per ingest call, 3 -> 7
    # give the all-at-once events (16 shuffles: 9 -> 15).
    reopen_hops: int = 1
    reopen_hop_factor: float = 1.25
    # Only a neighbourhood (batch + reopened members) under this many documents takes the steps:
    # a bulk batch (256 documents reach ~700 at 10k synthetic over two years) already re-clusters
    # a wide one, and the step cost it +19 % events CPU (3.4 instead of 2.8 reopened documents
    # per new one); a small one stays cheap in absolute terms.
    reopen_hop_limit: int = 200
    reopen_min_budget: int = 200  # a small batch may still reopen this many documents
    split_threshold: float = 0.40  # split an event whose two halves are less similar than this
    split_seeds: int = 2  # 2-means starts tried per event
    split_min: int = 2  # smallest group of new documents that may split off an event
    profile_terms: int = 400  # terms kept per event centroid
    profile_names: int = 80
    # Merges compare two centroids, where numbers and dates (counts, tolls, days) tell two
    # happenings of one kind apart best; words are shared by both.
    merge_term_weight: float = 0.1
    merge_lead_weight: float = 0.1
    merge_dense_weight: float = 0.05
    merge_name_weight: float = 0.3
    merge_number_weight: float = 0.5
    index_names: int = 10  # a document's strongest names used to look up candidates
    index_terms: int = 10  # and its strongest terms seen in another document
    posting_limit: int = 100  # events kept per index key (most recently active)
    max_candidates: int = 40  # events scored per document, by shared keys
    lookup_depth: int = 30  # most recent events read from each posting list


@dataclass
class EventProfile:
    """What the index remembers about one event (JSON-serialisable via `to_dict`)."""

    id: str
    founder: str  # id of the document that founded it
    born: int  # batch number in which it was founded (older survives a merge)
    docs: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)  # sum of members' unit tf-idf vectors
    lead: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    nums: dict[str, float] = field(default_factory=dict)
    dense: Any = field(default_factory=dict)  # numpy sum of sentence vectors (embedding path), else {}
    keys: list[str] = field(default_factory=list)  # index keys it is posted under
    langs: dict[str, int] = field(default_factory=dict)
    first: str | None = None  # earliest / latest member publication date
    last: str | None = None
    storyline: str | None = None
    members: int = 0  # documents folded into the centroids (duplicates are not)

    def to_dict(self) -> dict[str, Any]:
        # Shallow copies of each container: `asdict`'s generic deep copy was a tenth of the run time.
        return {f: (v.copy() if isinstance(v, (dict, list)) or f == "dense" else v)
                for f, v in ((f, getattr(self, f)) for f in _PROFILE_FIELDS)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EventProfile":
        # No copies: most loaded profiles are only compared, and a changed one is saved
        # (copied by `to_dict`) before the batch ends.
        dense = data.get("dense")
        if isinstance(dense, dict) and dense:  # stored as dimension -> value by earlier versions
            data = {**data, "dense": _dense_from_dict(dense)}
        return cls(**data)

    def cache(self) -> dict:
        """What is remembered of this profile until it changes (`touch`): norms, the top
        name, documents' similarities to it, whether `_split` found it whole."""
        return self.__dict__.setdefault("_norms", {})

    def norm(self, channel: str) -> float:
        """L2 norm of one centroid, cached until the profile changes (`touch`)."""
        cache = self.cache()
        if channel not in cache:
            cache[channel] = _norm(getattr(self, channel))
        return cache[channel]

    def top_name(self) -> str | None:
        """The strongest name of the centroid, cached like `norm`."""
        cache = self.cache()
        if "_top" not in cache:
            cache["_top"] = max(self.names, key=lambda k: (self.names[k], k)) if self.names else None
        return cache["_top"]

    def touch(self) -> None:
        """Forget cached norms after the centroids changed."""
        self.__dict__.pop("_norms", None)

    @property
    def lang(self) -> str | None:
        return max(sorted(self.langs), key=self.langs.__getitem__) if self.langs else None


_PROFILE_FIELDS = tuple(EventProfile.__dataclass_fields__)


@dataclass(frozen=True)
class Assignment:
    """Where one document went: `event` is its final event id after this batch."""

    doc_id: str
    event: str
    new_event: bool  # the document founded its event
    score: float  # similarity to the event it joined (1.0 for founders and duplicates)


@dataclass(frozen=True)
class Merge:
    """Event `absorbed` was merged into `survivor`; `absorbed` now redirects there."""

    absorbed: str
    survivor: str
    score: float
    batch: int
    absorbed_storyline: str | None = None


class EventState(Protocol):
    """Persistence boundary of the clusterers: plain dicts, strings and numbers only.

    Profiles are `EventProfile.to_dict()` dicts (storyline profiles use the same
    calls); postings map an index key to ids, most recently active last.
    """

    def get_profiles(self, ids: Iterable[str]) -> dict[str, dict]: ...
    def put_profiles(self, profiles: Iterable[dict]) -> None: ...
    def delete_profiles(self, ids: Iterable[str]) -> None: ...
    def candidates(self, keys: Iterable[str]) -> dict[str, list[str]]: ...
    def post(self, postings: dict[str, list[str]], limit: int) -> None: ...
    def unpost(self, postings: dict[str, list[str]]) -> None: ...
    def repost(self, keys: Iterable[str], old: str, new: str) -> None: ...
    def redirect(self, old: str, new: str) -> None: ...
    def resolve(self, ids: Iterable[str]) -> dict[str, str]: ...
    def doc_events(self, doc_ids: Iterable[str]) -> dict[str, str]: ...
    def set_doc_events(self, mapping: dict[str, str]) -> None: ...
    def doc_features(self, doc_ids: Iterable[str]) -> dict[str, dict]: ...
    def put_doc_features(self, features: dict[str, dict]) -> None: ...
    def df(self, terms: Iterable[str]) -> dict[str, int]: ...
    def add_df(self, counts: dict[str, int], docs: int) -> None: ...
    def n_docs(self) -> int: ...
    def next_batch(self) -> int: ...


class MemoryState:
    """In-memory `EventState`; `to_rows()`/`from_rows()` give its tables as plain rows."""

    def __init__(self) -> None:
        self.profiles: dict[str, dict] = {}
        self.postings: dict[str, list[str]] = {}
        self.redirects: dict[str, str] = {}
        self.docs: dict[str, str] = {}
        self.features: dict[str, dict] = {}  # doc id -> embed features (originals only)
        self.doc_freq: Counter[str] = Counter()
        self.meta: dict[str, int] = {"docs": 0, "batch": 0}

    def get_profiles(self, ids: Iterable[str]) -> dict[str, dict]:
        return {i: self.profiles[i] for i in ids if i in self.profiles}

    def put_profiles(self, profiles: Iterable[dict]) -> None:
        for p in profiles:
            self.profiles[p["id"]] = p

    def delete_profiles(self, ids: Iterable[str]) -> None:
        for i in ids:
            self.profiles.pop(i, None)

    def candidates(self, keys: Iterable[str]) -> dict[str, list[str]]:
        return {k: self.postings[k] for k in keys if k in self.postings}

    def post(self, postings: dict[str, list[str]], limit: int) -> None:
        for key, ids in postings.items():
            lst = self.postings.setdefault(key, [])
            for i in ids:
                if i in lst:
                    lst.remove(i)
                lst.append(i)
            if len(lst) > limit:
                del lst[: len(lst) - limit]

    def unpost(self, postings: dict[str, list[str]]) -> None:
        for key, ids in postings.items():
            lst = self.postings.get(key)
            if lst:
                self.postings[key] = [i for i in lst if i not in ids]

    def repost(self, keys: Iterable[str], old: str, new: str) -> None:
        """Rename `old` to `new` in these posting lists, keeping its place (a rename is no activity)."""
        for key in keys:
            lst = self.postings.get(key)
            if lst and old in lst:
                self.postings[key] = [new if i == old else i for i in lst if i != new]

    def redirect(self, old: str, new: str) -> None:
        self.redirects[old] = new

    def resolve(self, ids: Iterable[str]) -> dict[str, str]:
        out = {}
        for i in ids:
            seen, cur = {i}, i
            while cur in self.redirects and self.redirects[cur] not in seen:
                cur = self.redirects[cur]
                seen.add(cur)
            out[i] = cur
        return out

    def doc_events(self, doc_ids: Iterable[str]) -> dict[str, str]:
        return {d: self.docs[d] for d in doc_ids if d in self.docs}

    def set_doc_events(self, mapping: dict[str, str]) -> None:
        self.docs.update(mapping)

    def doc_features(self, doc_ids: Iterable[str]) -> dict[str, dict]:
        return {d: self.features[d] for d in doc_ids if d in self.features}

    def put_doc_features(self, features: dict[str, dict]) -> None:
        self.features.update(features)

    def df(self, terms: Iterable[str]) -> dict[str, int]:
        return {t: self.doc_freq.get(t, 0) for t in terms}

    def add_df(self, counts: dict[str, int], docs: int) -> None:
        self.doc_freq.update(counts)
        self.meta["docs"] += docs

    def n_docs(self) -> int:
        return self.meta["docs"]

    def next_batch(self) -> int:
        self.meta["batch"] += 1
        return self.meta["batch"]

    def to_rows(self) -> dict[str, list]:
        """Tables as row lists: profiles(id, data), postings(key, position, id),
        redirects(old, new), doc_events(doc_id, event), doc_features(doc_id, data),
        df(term, df), meta(key, value)."""
        return {
            "profiles": [(i, p) for i, p in self.profiles.items()],
            "postings": [(k, n, i) for k, ids in self.postings.items() for n, i in enumerate(ids)],
            "redirects": list(self.redirects.items()),
            "doc_events": list(self.docs.items()),
            "doc_features": list(self.features.items()),
            "df": list(self.doc_freq.items()),
            "meta": list(self.meta.items()),
        }

    @classmethod
    def from_rows(cls, rows: dict[str, list]) -> "MemoryState":
        state = cls()
        state.profiles = {i: p for i, p in rows.get("profiles", [])}
        for key, _, i in sorted(rows.get("postings", []), key=lambda r: (r[0], r[1])):
            state.postings.setdefault(key, []).append(i)
        state.redirects = dict(rows.get("redirects", []))
        state.docs = dict(rows.get("doc_events", []))
        state.features = dict(rows.get("doc_features", []))
        state.doc_freq = Counter(dict(rows.get("df", [])))
        state.meta.update(dict(rows.get("meta", [])))
        return state


# ---------------------------------------------------------------------------------------------
# Vectors: plain dicts, cosine on the smaller side; the dense channel (a sentence vector, every
# dimension set) is a numpy array, where a dot product takes 1 us instead of 29 as a dict.
# An empty channel is `{}` (or an empty array): test with len(), not truth.


def _dense(values) -> Any:
    """A sentence vector as a float64 numpy array; `{}` when there is none (no numpy then)."""
    if not len(values):
        return {}
    import numpy as np

    return np.array(values, dtype=np.float64)


def _dense_from_dict(vec: dict[str, float]) -> Any:
    import numpy as np

    out = np.zeros(max(map(int, vec)) + 1)
    for k, v in vec.items():
        out[int(k)] = v
    return out


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _unit(vec: dict[str, float]) -> dict[str, float]:
    if not isinstance(vec, dict):  # the same sums in the same order as for a dict
        norm = math.sqrt(sum((vec * vec).tolist()))
        return vec / norm if norm else {}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    # The shared keys come from C (set intersection); fsum makes the result independent of
    # the set's hash-seeded order, so runs stay reproducible across processes.
    if not isinstance(a, dict):
        return float(a.dot(b)) if len(a) == len(b) else float(_pad(a, len(b)).dot(_pad(b, len(a))))
    if len(a) == len(b):
        # Same keys (sentence vectors: every dimension on both sides): no set to build,
        # 44 -> 25 us for 384 dimensions, and the same sum, as fsum is exactly rounded.
        try:
            return math.fsum(map(operator.mul, a.values(), map(b.__getitem__, a)))
        except KeyError:
            pass
    shared = a.keys() & b.keys()
    return math.fsum(map(operator.mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


def _norm(vec: dict[str, float]) -> float:
    return math.hypot(*(vec.values() if isinstance(vec, dict) else vec.tolist()))


def _pad(vec, n: int):
    """A dense vector with zeros up to `n` dimensions (one read from an older store may lack
    trailing dimensions that summed to ~0)."""
    import numpy as np

    return np.pad(vec, (0, n - len(vec))) if len(vec) < n else vec


def _cos(a: dict[str, float], b: dict[str, float], na: float | None = None, nb: float | None = None) -> float:
    na = _norm(a) if na is None else na
    nb = _norm(b) if nb is None else nb
    return _dot(a, b) / (na * nb) if na and nb else 0.0


def _add(into: dict[str, float], vec: dict[str, float], sign: float = 1.0) -> dict[str, float]:
    """`into` plus `sign` times `vec`, in place where it can be; returns the sum (assign it:
    an empty dense centroid is replaced by an array)."""
    if not isinstance(into, dict) or not isinstance(vec, dict):
        if not len(vec):
            return into
        if not len(into):
            return vec * sign if sign != 1.0 else vec.copy()
        if len(into) != len(vec):
            into, vec = _pad(into, len(vec)), _pad(vec, len(into))
        into += vec if sign == 1.0 else sign * vec
        return into
    # One `update` from C iterators instead of a Python loop: a quarter less time, and
    # x - v is exactly x + (-1.0 * v), so centroids are the same to the bit.
    get = into.get
    if sign == 1.0:
        into.update(zip(vec, map(operator.add, map(get, vec, itertools.repeat(0.0)), vec.values())))
    elif sign == -1.0:
        into.update(zip(vec, map(operator.sub, map(get, vec, itertools.repeat(0.0)), vec.values())))
    else:
        for k, v in vec.items():
            into[k] = get(k, 0.0) + sign * v
    return into


def _top(vec: dict[str, float], n: int) -> dict[str, float]:
    if len(vec) <= n:
        return vec
    return dict(sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


@dataclass
class _DocVec:
    """A document's IDF-weighted unit vectors and index keys, for one batch."""

    id: str
    terms: dict[str, float]
    lead: dict[str, float]
    names: dict[str, float]
    nums: dict[str, float]
    dense: dict[str, float]  # empty unless the embed stage made a sentence vector
    keys: list[str]
    lang: str | None
    date: str | None
    top_name: str | None = None  # the name the text mentions most (its main actor or place)
    last: str | None = None  # for a centroid: its latest date (`date` is the earliest)
    # How much each channel (in `_CHANNELS` order) can be trusted, in [0, 1]: a channel with
    # little evidence (one common number) must not decide the similarity. None: all 1.
    conf: tuple[float, ...] | None = None

    def weight(self, i: int) -> float:
        return self.conf[i] if self.conf else 1.0


_CHANNELS = ("terms", "lead", "names", "nums", "dense")


def _weights(s: "EventSettings", merge: bool = False) -> tuple[float, ...]:
    """The channels' weights, in `_CHANNELS` order."""
    if merge:
        return (s.merge_term_weight, s.merge_lead_weight, s.merge_name_weight, s.merge_number_weight,
                s.merge_dense_weight)
    return s.term_weight, s.lead_weight, s.name_weight, s.number_weight, s.dense_weight
_TEMP = "tmp:"  # ids of clusters made inside one `assign` call, renamed before it returns


def _sum_vecs(vecs: list[_DocVec], base: dict[str, dict[str, float]] | None = None) -> EventProfile:
    """A throw-away profile whose centroids are the sums of `vecs` (plus `base`)."""
    prof = EventProfile(id="", founder="", born=0)
    for ch in _CHANNELS:
        cent = base[ch].copy() if base else {}
        for v in vecs:
            cent = _add(cent, getattr(v, ch))
        setattr(prof, ch, cent)
    prof.members = len(vecs) + (1 if base else 0)
    return prof


def _unit_vec(prof: EventProfile) -> _DocVec:
    """A profile's centroids as unit vectors, to compare like a document."""
    return _DocVec(prof.id, *(_unit(getattr(prof, ch)) for ch in _CHANNELS), list(prof.keys), prof.lang,
                   prof.first, None, prof.last)


def _rescale(channel: str, cos: float, s: "EventSettings") -> float:
    """A channel's cosine as evidence: the dense one counts from `dense_floor` up."""
    if channel != "dense":
        return cos
    return max(0.0, (cos - s.dense_floor) / (1.0 - s.dense_floor))


def _pair_sim(a: _DocVec, b: _DocVec, s: EventSettings) -> float:
    """Similarity of two unit-vector sets with the join weights (channels both have)."""
    num = den = 0.0
    for i, (ch, w) in enumerate(zip(_CHANNELS, _weights(s))):
        x, y = getattr(a, ch), getattr(b, ch)
        if len(x) and len(y):
            w *= a.weight(i) * b.weight(i)
            num += w * _rescale(ch, _dot(x, y), s)
            den += w
    return num / den if den else 0.0


_BLOCK = 512  # rows per block in `_pair_matrix`


def _pair_matrix(vecs: list[_DocVec], s: EventSettings):
    """Similarity of every pair of documents (a float32 numpy array), with the adjustments
    of `EventIndex._similarity`: only channels both sides have count, different
    protagonists halve it, across languages names and numbers decide alone, dates far
    apart decay it. Sparse products, so the cost is n^2 floats, not n^2 dict lookups."""
    import numpy as np
    import scipy.sparse as sp

    n = len(vecs)
    f32 = np.float32
    num = np.zeros((n, n), f32)
    den = np.zeros((n, n), f32)
    multilingual = len({v.lang for v in vecs if v.lang}) > 1
    cross_num = np.zeros((n, n), f32) if multilingual else None
    cross_den = np.zeros((n, n), f32) if multilingual else None
    names_vocab: dict[str, int] = {}
    has_name = None
    for c, (ch, w) in enumerate(zip(_CHANNELS, _weights(s))):
        vocab: dict[str, int] = {}
        dense = [getattr(v, ch) for v in vecs] if ch == "dense" else []
        if any(len(d) for d in dense):  # sentence vectors: a dense product (BLAS), 5x the sparse one's speed
            x = np.zeros((n, max(map(len, dense))), f32)
            for r, d in enumerate(dense):
                x[r, :len(d)] = d
            xt = x.T
        else:
            # Columns numbered in order of first appearance, rows built in C: the Python loop
            # per (document, key) was half the time of this function.
            chans = [getattr(v, ch) for v in vecs]
            vocab = {k: c for c, k in enumerate(dict.fromkeys(itertools.chain.from_iterable(chans)))}
            cols = np.fromiter(map(vocab.__getitem__, itertools.chain.from_iterable(chans)), np.int64)
            rows = np.repeat(np.arange(n), list(map(len, chans)))
            vals = np.fromiter(itertools.chain.from_iterable(d.values() for d in chans), np.float64, len(cols))
            x = sp.csr_matrix((vals.astype(f32), (rows, cols)), shape=(n, max(1, len(vocab))), dtype=f32)
            xt = x.T.tocsc()
        # A channel's weight in a pair is scaled by both sides' confidence in it (0 when empty).
        present = np.array([v.weight(c) if len(getattr(v, ch)) else 0.0 for v in vecs], f32)
        # Row blocks keep the peak memory at a few n x n float32 arrays, whatever the vocabulary.
        for lo in range(0, n, _BLOCK):
            hi = min(n, lo + _BLOCK)
            both = np.outer(present[lo:hi], present)
            cos = x[lo:hi] @ xt
            cos = cos.toarray() if sp.issparse(cos) else cos
            if ch == "dense":
                cos = np.clip((cos - s.dense_floor) / (1.0 - s.dense_floor), 0.0, None)
            cos *= both
            num[lo:hi] += w * cos
            den[lo:hi] += w * both
            if multilingual and ch in ("names", "nums"):
                cross_num[lo:hi] += w * cos
                cross_den[lo:hi] += w * both
        if ch == "names":
            names_vocab, has_name = vocab, (x > 0).tocsc()
    sim = num
    np.divide(num, den, out=sim, where=den > 0)
    del den
    # Different protagonists: i's main name absent from j and j's strongest name absent from i.
    top = np.array([names_vocab.get(v.top_name, -1) if v.top_name else -1 for v in vecs])
    if has_name is not None and (top >= 0).any():
        strongest = np.array([names_vocab[max(v.names, key=lambda k: (v.names[k], k))] if v.names else -1
                              for v in vecs])
        named = np.array([bool(v.names) for v in vecs])
        j_has_top_i = has_name[:, np.maximum(top, 0)].toarray().T  # [i, j]: j mentions i's main name
        i_has_str_j = has_name[:, np.maximum(strongest, 0)].toarray()  # [i, j]: i mentions j's strongest
        conflict = (top >= 0)[:, None] & named[None, :] & ~j_has_top_i & ~i_has_str_j
        del j_has_top_i, i_has_str_j
        conflict |= conflict.T
        sim[conflict] *= s.conflict_penalty
        del conflict
    if multilingual:
        lang = np.array([v.lang or "" for v in vecs])
        other = (lang[:, None] != lang[None, :]) & (lang[:, None] != "") & (lang[None, :] != "")
        cross = np.divide(cross_num, cross_den, out=np.zeros_like(cross_num), where=cross_den > 0)
        cross *= s.threshold / s.cross_lingual_threshold
        np.maximum(sim, cross, out=sim, where=other)
        del cross, cross_num, cross_den, other
    days = []
    for v in vecs:
        try:
            days.append(float(_date.fromisoformat(v.date[:10]).toordinal()) if v.date else np.nan)
        except ValueError:
            days.append(np.nan)
    days = np.array(days, f32)
    if not np.isnan(days).all():
        gap = np.abs(days[:, None] - days[None, :])
        late = ~np.isnan(gap) & (gap > s.time_window_days)
        sim[late] *= np.exp(-(gap[late] - s.time_window_days) / s.time_decay_days)
        sim[~np.isnan(gap) & (gap > s.max_span_days)] = 0.0
    np.fill_diagonal(sim, 1.0)
    return sim


class _IdfCache(dict):
    """key -> `1 + ln((n + 1) / (df + 1))`, computed on first lookup from `df` as it is then."""

    def __init__(self, n: int, df: dict[str, int]) -> None:
        super().__init__()
        self.n, self.df = n, df

    def __missing__(self, key: str) -> float:
        value = self[key] = 1.0 + math.log((self.n + 1) / (self.df.get(key, 0) + 1))
        return value


class _Sides:
    """The two sides of 2-means partitions of `new` documents (side A over `base`, when
    given), remembered by side B: the iterations, the fit and the final check of `_split`
    ask the same partitions again (sums in the order of `new`, as computed afresh)."""

    def __init__(self, new: list[str], vecs: dict[str, _DocVec], base: dict | None, s: EventSettings) -> None:
        self.new, self.vecs, self.base, self.s = new, vecs, base, s
        self._sums: dict[tuple[frozenset[str], bool], EventProfile] = {}
        self._units: dict[tuple[frozenset[str], bool], _DocVec] = {}
        self._sims: dict[tuple[frozenset[str], bool], dict[str, float]] = {}

    def sum(self, side_b: frozenset[str], b: bool) -> EventProfile:
        key = (side_b, b)
        if key not in self._sums:
            docs = [d for d in self.new if (d in side_b) == b]
            self._sums[key] = _sum_vecs([self.vecs[d] for d in docs], None if b else self.base)
        return self._sums[key]

    def unit(self, side_b: frozenset[str], b: bool) -> _DocVec:
        key = (side_b, b)
        if key not in self._units:
            self._units[key] = _unit_vec(self.sum(side_b, b))
        return self._units[key]

    def sims(self, side_b: frozenset[str], b: bool) -> dict[str, float]:
        """`_pair_sim` of every document to side B's (`b`) or side A's unit centroid."""
        key = (side_b, b)
        if key not in self._sims:
            u = self.unit(side_b, b)
            self._sims[key] = {d: _pair_sim(self.vecs[d], u, self.s) for d in self.new}
        return self._sims[key]


def _link_groups(vecs: list[_DocVec], s: EventSettings) -> list[list[str]]:
    """Average-link groups of `vecs` at `s.link_threshold`; each group lists ids in the
    order given, groups ordered by their first member. Depends only on the set of
    documents, not on the order they came in (ties aside)."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = _pair_matrix(vecs, s)
    np.subtract(1.0, dist, out=dist)
    np.clip(dist, 0.0, None, out=dist)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method=s.link_method)
    labels = fcluster(tree, 1.0 - s.link_threshold, criterion="distance")
    groups: dict[int, list[str]] = {}
    for v, label in zip(vecs, labels):
        groups.setdefault(int(label), []).append(v.id)
    return list(groups.values())  # insertion order: by first member


@functools.lru_cache(maxsize=65536)
def _day(date: str) -> int | None:
    """Day number of an ISO date (its first ten characters); None when unreadable."""
    try:
        return _date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return None


def _days_outside(date: str, first: str, last: str) -> float:
    """Days from `date` to the range [first, last] (0 inside); 0 when a date is unreadable."""
    d, a, b = _day(date), _day(first), _day(last)
    if d is None or a is None or b is None:
        return 0.0
    return _outside(d, a, b)


def _outside(d: int, a: int, b: int) -> float:
    """Days from day `d` to the range of days [a, b] (0 inside)."""
    return float(a - d if d < a else d - b if d > b else 0)


def _span(vec: _DocVec, prof: EventProfile) -> float:
    """Days from the earliest to the latest date of a document (or centroid) and an event
    together; 0 when a date is missing or unreadable."""
    days = [_day(d) for d in (vec.date, vec.last, prof.first, prof.last) if d]
    if None in days or len(days) < 3:
        return 0.0
    return float(max(days) - min(days))


def _gap(vec: _DocVec, prof: EventProfile) -> float:
    """Days between a document's date (or a centroid's date range) and an event's range."""
    gap = _days_outside(vec.date, prof.first, prof.last)
    if vec.last:
        gap = min(gap, _days_outside(vec.last, prof.first, prof.last),
                  _days_outside(prof.first, vec.date, vec.last))
    return gap


def _gap_span(vec: _DocVec, prof: EventProfile) -> tuple[float, float]:
    """(`_gap`, `_span`) of a dated document (or centroid) and a dated event, in one pass
    over day numbers for a document: it is asked of every candidate, mostly events far
    in time, in every round."""
    if vec.last:
        return _gap(vec, prof), _span(vec, prof)
    d, a, b = _day(vec.date), _day(prof.first), _day(prof.last)
    if d is None or a is None or b is None:
        return 0.0, 0.0
    return _outside(d, a, b), float(max(d, a, b) - min(d, a, b))


def _features(doc: Document) -> dict[str, Any]:
    feats = doc.extra.get(EMBED_KEY)
    if not isinstance(feats, dict) or "terms" not in feats:
        feats = embed(doc).extra[EMBED_KEY]
    return feats


def _doc_counts(feats: dict[str, Any]) -> set[str]:
    """The df keys a document contributes: its terms, names and numbers, once each."""
    keys = {TERM_PREFIX + t for t in feats["terms"]}
    keys.update(NAME_PREFIX + n for n in feats["names"])
    keys.update(NUM_PREFIX + str(n) for n in feats["nums"])
    keys.update(f"{NUM_PREFIX}y{y}" for y in feats["years"])
    keys.update(f"{NUM_PREFIX}d{d}" for d in feats.get("dates", ()))
    return keys


class EventIndex:
    """Online event clusterer over an `EventState`.

    Args:
        state: where profiles, postings, redirects and document frequencies live
            (default: a fresh `MemoryState`).
        settings: `EventSettings`.

    Example:
        >>> index = EventIndex()
        >>> assignments = index.assign(embedded_docs)      # doctest: +SKIP
        >>> index.merges                                   # merges made by the last call  # doctest: +SKIP
    """

    def __init__(self, state: EventState | None = None, settings: EventSettings | None = None):
        self.state: EventState = state if state is not None else MemoryState()
        self.settings = settings or EventSettings()
        s = self.settings
        # Days outside an event's range past which the time decay alone keeps any similarity
        # under the lowest threshold used (`_too_far`).
        self._far_gap = s.time_window_days - s.time_decay_days * math.log(
            min(s.reopen_factor * s.threshold, s.merge_threshold))
        self.merges: list[Merge] = []
        self.moves: list[tuple[str, str, str]] = []  # (doc id, from event, to event), last batch
        self._loaded: dict[str, EventProfile] = {}  # profiles read in this batch (see `_load`)
        self._merged_temps: dict[str, str] = {}  # temporary cluster -> the one it merged into
        self._copies: dict[str, str] = {}  # copy -> its original, for the copies in reopened events
        self._folded: dict[str, list[str]] = {}  # event -> founders of the events merged into it (batch)

    # -- public ---------------------------------------------------------------------------------

    def assign(self, docs: list[Document], repointed: dict[str, str | None] | None = None) -> list[Assignment]:
        """Assign a batch of documents to events; returns one `Assignment` per input document.

        Sets `doc.event` on every document. Documents already assigned (a re-run) keep
        their event and change nothing. Merges made at the end of the batch are in
        `self.merges`; every returned `event` is the id after those merges.

        Args:
            docs: documents, ideally already through `embed` (done here otherwise).
            repointed: stored documents the dedup stage gave another original in this
                batch (id -> its original, None when it is one again): a document that was
                clustered as an original leaves its event's centroid and follows its original.

        Returns:
            Assignments in the order of `docs`.
        """
        s = self.settings
        self.merges = []
        self._loaded = {}
        self._merged_temps = {}
        self._copies = {}
        self._folded = {}
        batch = self._batch = self.state.next_batch()
        raw = self.state.doc_events(d.id for d in docs)
        res = self.state.resolve(set(raw.values()))
        known = {d: res[e] for d, e in raw.items()}
        seen: set[str] = set()
        fresh: list[Document] = []
        for d in docs:
            if d.id not in known and d.id not in seen:
                seen.add(d.id)
                fresh.append(d)
        fresh.sort(key=lambda d: (d.published or "", d.id))
        originals = [d for d in fresh if not d.duplicate_of]
        copies = [d for d in fresh if d.duplicate_of]
        feats = {d.id: _features(d) for d in fresh}

        counts: Counter[str] = Counter()
        for d in originals:
            counts.update(_doc_counts(feats[d.id]))
        self.state.add_df(counts, len(originals))
        self.state.put_doc_features({d.id: feats[d.id] for d in originals})
        demoted, holders = self._demote(repointed or {})
        n = self.state.n_docs()
        df = self.state.df(counts)

        # Reopened documents repeat the batch's keys: each IDF is computed once, and a known
        # one is a dict lookup in C (13.8 million lookups at 10k documents).
        idf = _IdfCache(n, df).__getitem__

        self._max_idf = 1.0 + math.log((n + 1) / 2) - 1e-9  # idf of a term in one document

        touched: dict[str, EventProfile] = {}  # every profile loaded or made in this batch
        for prof in filter(None, map(self._load, sorted(holders))):
            touched[prof.id] = prof  # their copies may follow a new original (step 4)
        changed: set[str] = set()
        doc_event: dict[str, str] = {}
        vecs = {d.id: self._vectorise(d.id, feats[d.id], idf) for d in originals}
        # The date part, as the stored features of reopened members have it: one key for
        # "earliest document" whether a member came in this batch or an earlier one.
        dates = {d.id: feats[d.id].get("date") or "" for d in originals}
        self.moves = []
        self._temp = 0
        # 1. The neighbourhood: events a new document could join are taken apart and
        #    clustered again together with the batch (bounded by `reopen_max_members`).
        old_members = self._reopen(vecs, dates, touched, df, idf, demoted)
        order = sorted(vecs, key=lambda i: (dates.get(i, ""), i))
        # 2. Average-link seeds (or one pass in canonical order), then k-means style refinement
        #    with splits, then merges.
        if s.link_threshold and 1 < len(order) <= s.link_max_docs:
            # Order-free seeding: groups by average link, then refinement may move a document
            # to an event outside the neighbourhood it fits better.
            for group in _link_groups([vecs[d] for d in order], s):
                prof = self._found_temp(group[0], batch, touched)
                for doc_id in group:
                    self._absorb(prof, vecs[doc_id])
                    doc_event[doc_id] = prof.id
                changed.add(prof.id)
        else:
            for doc_id in order:
                vec = vecs[doc_id]
                best, _ = self._best(vec, touched, s.threshold)
                prof = best or self._found_temp(doc_id, batch, touched)
                self._absorb(prof, vec)
                changed.add(prof.id)
                doc_event[doc_id] = prof.id
        if s.refine_rounds and len(vecs) > 1:
            self._refine(vecs, doc_event, touched, changed, batch)
        changed |= self._merge_changed(touched, changed, batch)
        doc_event = {d: self._surviving(e) for d, e in doc_event.items()}
        # 3. New clusters take the ids of the events whose documents they hold.
        names = self._name(touched, changed, old_members, batch, dates, doc_event)
        names.update(self._rename_older(touched, changed, set(names.values()), set(old_members), batch, dates))
        doc_event = {d: names.get(names.get(e, e), names.get(e, e)) for d, e in doc_event.items()}
        # 4. Copies follow their original: those of reopened events too, when it moved.
        self._follow_originals(touched, changed, doc_event)
        for d in copies:
            orig = doc_event.get(d.duplicate_of) or self._known_event(d.duplicate_of)
            if orig is None:  # original unknown: cluster it like any other document
                vec = self._vectorise(d.id, feats[d.id], idf)
                best, _ = self._best(vec, touched, s.threshold)
                prof = best or self._found(d.id, batch, taken=touched)
                touched[prof.id] = prof
                self._absorb(prof, vec)
                # A member like any other: its features let a later batch reopen the event.
                self.state.put_doc_features({d.id: feats[d.id]})
            else:
                prof = touched.get(orig) or self._load(orig)
                touched[prof.id] = prof
                prof.docs.append(d.id)
                # Not a member (no features): a marker, so a later batch that reopens the event
                # knows which original this copy follows.
                self.state.put_doc_features({d.id: {COPY_OF: d.duplicate_of}})
            changed.add(prof.id)
            doc_event[d.id] = prof.id
        for old, docs_before in old_members.items():
            for d, was in docs_before.items():
                if d not in doc_event:
                    continue
                now = self.state.resolve([doc_event[d]])[doc_event[d]]
                if now != was:
                    self.moves.append((d, was, now))
        self._save(touched[i] for i in sorted(changed) if i in touched and not i.startswith(_TEMP))
        final = self.state.resolve(set(doc_event.values()))
        self.state.set_doc_events({d: final[e] for d, e in doc_event.items()})
        fresh_ids = {d.id for d in fresh}
        out = []
        for d in docs:
            if d.id in fresh_ids:
                ev = final[doc_event[d.id]]
                prof = touched.get(ev)
                a = Assignment(d.id, ev, bool(prof and prof.founder == d.id and prof.born == batch),
                               round(self._score(vecs.get(d.id), prof), 4))
            else:
                a = Assignment(d.id, known.get(d.id, ""), False, 1.0)
            d.event = a.event
            out.append(a)
        return out

    def merge_events(self, survivor: str, absorbed: str) -> Merge:
        """Merge event `absorbed` into `survivor` by hand (a reader says they are one happening).

        `absorbed` keeps resolving, as a redirect to `survivor`; its documents move.

        Raises:
            NotFound: either event is unknown.
        """
        got = self.profiles([survivor, absorbed])
        if survivor not in got or absorbed not in got:
            raise NotFound(f"unknown event: {survivor if survivor not in got else absorbed}")
        keep, gone = got[survivor], got[absorbed]
        if keep.id == gone.id:
            return Merge(absorbed, survivor, 1.0, 0, gone.storyline)
        moved = list(gone.docs)
        storyline = gone.storyline
        self._fold(keep, gone)
        self.state.set_doc_events({d: keep.id for d in moved})
        self.state.delete_profiles([gone.id])
        self.state.put_profiles([keep.to_dict()])
        merge = Merge(gone.id, keep.id, 1.0, 0, storyline)
        self.merges = [merge]
        return merge

    def profiles(self, ids: Iterable[str]) -> dict[str, EventProfile]:
        """Current profiles of these events (ids are resolved through redirects first)."""
        resolved = self.state.resolve(ids)
        got = self.state.get_profiles(set(resolved.values()))
        return {i: EventProfile.from_dict(got[r]) for i, r in resolved.items() if r in got}

    def event_of(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc id -> its current event id (redirects followed)."""
        raw = self.state.doc_events(doc_ids)
        res = self.state.resolve(set(raw.values()))
        return {d: res[e] for d, e in raw.items()}

    # -- steps ----------------------------------------------------------------------------------

    def _vectorise(self, doc_id: str, feats: dict[str, Any], idf) -> _DocVec:
        s = self.settings
        terms = {t: w * idf(TERM_PREFIX + t) for t, w in feats["terms"].items()}
        lead = {t: w * idf(TERM_PREFIX + t) for t, w in feats.get("lead", {}).items()}
        names = {k: (1.0 + math.log(c)) * idf(NAME_PREFIX + k) for k, c in feats["names"].items()}
        nums = {str(x): idf(NUM_PREFIX + str(x)) for x in feats["nums"]}
        nums.update({f"y{y}": idf(f"{NUM_PREFIX}y{y}") for y in feats["years"]})
        nums.update({f"d{d}": idf(f"{NUM_PREFIX}d{d}") for d in feats.get("dates", ())})
        # Evidence mass of each channel (IDF-weighted norm before normalising): one common
        # number ("2") or two stray words make a unit vector as long as a full report's.
        # The dense channel, a sentence vector, has no floor.
        dense = _dense(feats.get("dense") or ())
        floors = (s.term_floor, s.lead_floor, s.name_floor, s.number_floor, 0.0)
        conf = tuple(min(1.0, _norm(v) / (f * self._max_idf)) if f > 0 else 1.0
                     for v, f in zip((terms, lead, names, nums, dense), floors))
        terms, lead, names, nums, dense = map(_unit, (terms, lead, names, nums, dense))
        keys = [NAME_PREFIX + k for k in sorted(names, key=lambda k: (-names[k], k))[: s.index_names]]
        # A term no other document has cannot find anything; the centroid still holds it.
        shared = [t for t in terms if idf(TERM_PREFIX + t) < self._max_idf]
        keys += [TERM_PREFIX + t for t in sorted(shared, key=lambda t: (-terms[t], t))[: s.index_terms]]
        counts = feats["names"]
        top = max(counts, key=lambda k: (counts[k], names.get(k, 0), k)) if counts else None
        if top is not None and counts[top] < s.top_name_count:
            top = None
        return _DocVec(doc_id, terms, lead, names, nums, dense, keys, feats.get("lang"), feats.get("date"), top,
                       conf=None if all(c == 1.0 for c in conf) else conf)

    def _similarity(self, vec: _DocVec, prof: EventProfile, merge: bool = False) -> float:
        """Similarity of unit vectors `vec` to the centroids of `prof`, in [0, 1].

        A channel empty on either side (a text without numbers) is unknown, not
        dissimilar: the weights are renormalised over the channels both sides have.
        """
        s = self.settings
        num = den = 0.0
        parts = {}
        for i, (name, weight) in enumerate(zip(_CHANNELS, _weights(s, merge))):
            a, b = getattr(vec, name), getattr(prof, name)
            if not len(a) or not len(b):
                continue
            weight *= vec.weight(i)
            nb = prof.norm(name)
            if nb < 1e-9:
                continue
            c = _rescale(name, _dot(a, b) / nb, s)
            parts[name] = c
            num += weight * c
            den += weight
        score = num / den if den else 0.0
        if vec.top_name and prof.names and vec.names:
            # Different protagonists: the text's most-mentioned name never occurs in the event
            # and the event's strongest name never occurs in the text.
            if prof.names.get(vec.top_name, 0.0) <= 1e-9 and prof.top_name() not in vec.names:
                score *= s.conflict_penalty
        return self._lang_and_time(vec, prof, score, parts, prof.lang)

    def _lang_and_time(self, vec: _DocVec, prof: EventProfile, score: float, parts: dict[str, float],
                       plang: str | None) -> float:
        """The last adjustments of `_similarity`: across languages (event language `plang`),
        and for dates far apart."""
        s = self.settings
        if vec.lang and plang and vec.lang != plang:
            # Across languages few words are shared; names and numbers carry the evidence,
            # scaled so that `cross_lingual_threshold` maps onto `threshold`.
            w = (s.name_weight if "names" in parts else 0) + (s.number_weight if "nums" in parts else 0)
            if w:
                cross = (s.name_weight * parts.get("names", 0) + s.number_weight * parts.get("nums", 0)) / w
                score = max(score, cross * s.threshold / s.cross_lingual_threshold)
        if vec.date and prof.first and prof.last:
            gap, span = _gap_span(vec, prof)
            if span > s.max_span_days:
                return 0.0
            if gap > s.time_window_days:
                # Reports of one happening cluster in time; a month later it is news of its own.
                score *= math.exp(-(gap - s.time_window_days) / s.time_decay_days)
        return score

    def _similarity_without(self, vec: _DocVec, prof: EventProfile) -> float:
        """`_similarity` of one of `prof`'s members to `prof` without it, its vectors taken out
        on the fly (`_remove` would leave the same centroids, up to rounding): the refinement
        asks this of every open document in every round, and taking each out and putting it
        back changed its event, so every other document's remembered similarity to that event
        (`_doc_similarity`) was computed again, and so was the event's `_split`."""
        s = self.settings
        num = den = 0.0
        parts = {}
        for i, (name, weight) in enumerate(zip(_CHANNELS, _weights(s))):
            a, b = getattr(vec, name), getattr(prof, name)
            if not len(a) or not len(b):
                continue
            ab, aa, nb = _dot(a, b), _dot(a, a), prof.norm(name)
            # What the other members leave of this channel: nothing when none of them has it
            # (their vectors have no negative weights, so what is left is 0 or near a unit).
            rest = nb * nb - 2.0 * ab + aa
            if rest < 1e-12:
                continue
            c = _rescale(name, (ab - aa) / math.sqrt(rest), s)
            parts[name] = c
            num += weight * vec.weight(i) * c
            den += weight * vec.weight(i)
        score = num / den if den else 0.0
        if vec.top_name and vec.names and prof.names.get(vec.top_name, 0.0) - vec.names.get(vec.top_name, 0.0) <= 1e-9:
            left = [(v - vec.names.get(k, 0.0), k) for k, v in prof.names.items()]
            left = [kv for kv in left if kv[0] >= 1e-9 or kv[1] not in vec.names]
            if left and max(left)[1] not in vec.names:
                score *= s.conflict_penalty
        langs = dict(prof.langs)
        if vec.lang and langs.get(vec.lang):
            langs[vec.lang] -= 1
            if not langs[vec.lang]:
                del langs[vec.lang]
        plang = max(sorted(langs), key=langs.__getitem__) if langs else None
        return self._lang_and_time(vec, prof, score, parts, plang)

    def _doc_similarity(self, vec: _DocVec, prof: EventProfile) -> float:
        """`_similarity` of one of this batch's documents to an event, remembered until the
        event changes (`touch`): the refinement rounds, the adoption and the reopening
        compare the same documents with the same events outside the neighbourhood again."""
        cache = prof.cache().setdefault("_sims", {})
        score = cache.get(vec.id)
        if score is None:
            score = cache[vec.id] = self._similarity(vec, prof)
        return score

    def _too_far(self, vec: _DocVec, prof: EventProfile) -> bool:
        """Dates so far apart that the time decay alone keeps the similarity (at most 1) under
        the lowest threshold used (`reopen_factor * threshold`): skip the comparison."""
        if not (vec.date and prof.first and prof.last):
            return False
        if vec.last:
            gap, span = _gap_span(vec, prof)
            return gap > self._far_gap or span > self.settings.max_span_days
        # A document: `_gap_span`'s one pass inlined, as this is asked ~400 times a document.
        d, a, b = _day(vec.date), _day(prof.first), _day(prof.last)
        if d is None or a is None or b is None:
            return False
        return (a - d if d < a else d - b if d > b else 0) > self._far_gap or \
            max(d, a, b) - min(d, a, b) > self.settings.max_span_days

    def _candidates(self, keys: list[str], exclude: str | None = None) -> list[str]:
        hits: Counter[str] = Counter()
        depth = self.settings.lookup_depth
        for ids in self.state.candidates(keys).values():
            hits.update(set(ids[-depth:]))  # the most recently active events under each key
        hits.pop(exclude, None)
        # Most hits first, then by id: a stable sort by count (reverse keeps ties in order)
        # over the ids in order, with no key tuple built per id.
        return sorted(sorted(hits), key=hits.__getitem__, reverse=True)[: self.settings.max_candidates]

    def _best(self, vec: _DocVec, touched: dict[str, EventProfile], threshold: float,
              own: EventProfile | None = None):
        """The event `vec` fits best at `threshold` (None, and the best score, when none does);
        `own` holds `vec` and is scored without it."""
        ids = self._candidates(vec.keys)
        res = self.state.resolve(ids)
        best, best_score = None, -1.0
        for i in sorted(set(res.values())):
            prof = touched.get(i)
            if prof is None:
                prof = self._load(i, near=vec, resolved=True)  # checks the dates itself
            elif self._too_far(vec, prof):
                continue
            if prof is None or prof.members <= (prof is own):
                continue
            touched.setdefault(i, prof)
            score = self._similarity_without(vec, prof) if prof is own else self._doc_similarity(vec, prof)
            if score > best_score:
                best, best_score = prof, score
        if best is not None and best_score >= threshold:
            return best, best_score
        return None, best_score

    def _refine(self, vecs: dict[str, _DocVec], doc_event: dict[str, str],
                touched: dict[str, EventProfile], changed: set[str], batch: int) -> None:
        """Re-place the open documents against the centroids the seeding built.

        Seeds compare documents with documents inside the neighbourhood only (and the
        fallback single pass decides each document against clusters as they stood
        when it came); centroids and the events outside it can say more. Each round first splits
        clusters holding two groups (`_split`), then takes every open document out of
        its cluster and puts it back where it now fits best (or alone), like a k-means
        step. Only documents of this batch and of reopened events move.
        """
        s = self.settings
        for _ in range(s.refine_rounds):
            moved = 0
            for eid in sorted(changed):
                moved += self._split(touched[eid], vecs, doc_event, touched, changed, batch)
            for doc_id in sorted(vecs):
                vec = vecs[doc_id]
                own = touched[doc_event[doc_id]]
                best, _ = self._best(vec, touched, s.threshold, own=own)
                if best is None and own.members > 1:
                    best = self._found_temp(doc_id, batch, touched)
                changed.add(own.id)
                if best is None or best is own:
                    # It stays, and its event stays as it was (what other documents
                    # remember of it too); only its index keys count as activity, as
                    # when it was taken out and put back.
                    self.state.post({k: [own.id] for k in vec.keys}, s.posting_limit)
                    continue
                self._remove(own, vec)
                self._absorb(best, vec)
                changed.add(best.id)
                moved += 1
                doc_event[doc_id] = best.id
            if not moved:
                break
        if s.adopt_singletons:
            self._adopt(vecs, doc_event, touched, changed)
        for eid in list(changed):
            prof = touched[eid]
            if not prof.members:
                self.state.unpost({k: [eid] for k in prof.keys})
                prof.keys = []

    def _adopt(self, vecs: dict[str, _DocVec], doc_event: dict[str, str],
               touched: dict[str, EventProfile], changed: set[str]) -> None:
        """Put each open document left alone into the larger event it fits best at `threshold`.

        The refinement moves documents one after the other, so a document can end alone
        because a neighbour was out of its event at the moment it was placed. Only
        events with at least two members adopt, all judged against the centroids as they
        stand after the refinement (in canonical order), so adoptions do not chain.
        """
        s = self.settings
        alone = [d for d in sorted(vecs) if touched[doc_event[d]].members == 1]
        moves = []
        for doc_id in alone:
            vec = vecs[doc_id]
            best, best_score = None, -1.0
            for i in sorted(set(self.state.resolve(self._candidates(vec.keys)).values())):
                prof = touched.get(i) or self._load(i, near=vec, resolved=True)
                if prof is None or prof.members < 2 or self._too_far(vec, prof):
                    continue
                touched.setdefault(i, prof)
                score = self._doc_similarity(vec, prof)
                if score > best_score:
                    best, best_score = prof, score
            if best is not None and best_score >= s.threshold:
                moves.append((doc_id, best))
        for doc_id, best in moves:
            own = touched[doc_event[doc_id]]
            self._remove(own, vecs[doc_id])
            self._absorb(best, vecs[doc_id])
            changed.add(best.id)
            doc_event[doc_id] = best.id

    def _reopen(self, vecs: dict[str, _DocVec], dates: dict[str, str], touched: dict[str, EventProfile],
                df: dict[str, int], idf, demoted: set[str] = frozenset()) -> dict[str, dict[str, str]]:
        """Take apart the events this batch's documents could join; their members join `vecs`.

        An event is reopened when some new document reaches `reopen_factor * threshold`
        against it and it has at most `reopen_max_members` members with stored features,
        or when the centroid of a reopened event reaches it at `reopen_hop_factor *
        threshold` (`reopen_hops` steps out, while fewer than `reopen_hop_limit` documents
        are in the batch and its reach); the batch's own reach first, within the
        budget. Its profile stays in `touched` emptied, so nothing joins it directly. The events
        `demoted` lost a member to dedup (see `_demote`) are reopened whatever their size
        or the budget: their centroids are rebuilt from the members left. Returns event
        id -> {member doc id: event id} for the reopened events.
        """
        s = self.settings
        for eid in sorted(demoted):
            touched.setdefault(eid, self._load(eid))
        # A batch never costs more than a bounded multiple of its own size.
        budget = max(s.reopen_budget * len(vecs), s.reopen_min_budget)
        reach: dict[str, tuple[int, float]] = {}  # event -> (steps from the batch, -similarity)
        frontier = list(vecs.values())
        for hop in range(s.reopen_hops + 1):
            found: set[str] = set()
            for vec in frontier:
                # Each document reopens only the events it is closest to: an undated one (no
                # time window) reaches every report of its kind, and would fill the budget alone.
                floor = (s.reopen_factor if hop == 0 else s.reopen_hop_factor) * s.threshold
                for neg, eid in self._near(vec, touched, floor, doc=hop == 0)[: s.reopen_per_doc or None]:
                    if eid not in reach:
                        found.add(eid)
                    reach[eid] = min(reach.get(eid, (hop, 0.0)), (hop, neg))
            reached = sum(touched[e].members for e in reach)
            if (hop == s.reopen_hops or not found or reached >= budget
                    or len(vecs) + reached >= s.reopen_hop_limit):
                break
            # The next step looks out from the events just reached, as their centroids.
            frontier = [self._probe(touched[e]) for e in sorted(found)]
        # The closest events first (fewest steps from the batch, then most similar).
        hood: list[str] = sorted(demoted)
        for eid in sorted(reach, key=lambda e: (reach[e], e)):
            if touched[eid].members > budget or eid in demoted:
                continue
            hood.append(eid)
            budget -= touched[eid].members
        old_members: dict[str, dict[str, str]] = {}
        for eid in sorted(hood):
            prof = touched[eid]
            got = self.state.doc_features(prof.docs)
            copies = {d: f[COPY_OF] for d, f in got.items() if COPY_OF in f}
            got = {d: f for d, f in got.items() if COPY_OF not in f}
            if len(got) != prof.members:
                continue  # some features missing: keep this event as it stands
            need: set[str] = set()
            for f in got.values():
                need |= _doc_counts(f)
            df.update(self.state.df(need - set(df)))
            for d in sorted(got):
                vecs[d] = self._vectorise(d, got[d], idf)
                dates[d] = got[d].get("date") or ""
            old_members[eid] = {d: eid for d in got}
            self._copies.update(copies)
            prof.docs = [d for d in prof.docs if d not in got]  # copies stay until step 4
            prof.members = 0
            for ch in _CHANNELS:
                setattr(prof, ch, {})
            prof.touch()
        return old_members

    def _near(self, vec: _DocVec, touched: dict[str, EventProfile], floor: float,
              doc: bool = True) -> list[tuple[float, str]]:
        """(-similarity, id) of the events `vec` (a document, or with `doc` False an event's
        probe) reaches at `floor`, closest first, that are small enough to reopen."""
        s = self.settings
        ids = self.state.resolve(self._candidates(vec.keys, exclude=vec.id))
        near: list[tuple[float, str]] = []
        for eid in sorted(set(ids.values()) - {vec.id}):
            prof = touched.get(eid) or self._load(eid, near=vec, resolved=True)
            if (prof is None or not prof.members or prof.members > s.reopen_max_members
                    or self._too_far(vec, prof)):
                continue
            touched[eid] = prof
            score = (self._doc_similarity if doc else self._similarity)(vec, prof)
            if score >= floor:
                near.append((-score, eid))
        near.sort()
        return near

    def _probe(self, prof: EventProfile) -> _DocVec:
        """An event's centroids as a document-like unit vector, with a document's number of
        index keys (its strongest names and terms) to look up its neighbours."""
        s = self.settings
        vec = _unit_vec(prof)
        names = sorted(vec.names, key=lambda k: (-vec.names[k], k))[: s.index_names]
        terms = sorted(vec.terms, key=lambda k: (-vec.terms[k], k))[: s.index_terms]
        vec.keys = [NAME_PREFIX + k for k in names] + [TERM_PREFIX + t for t in terms]
        return vec

    def _demote(self, repointed: dict[str, str | None]) -> tuple[set[str], set[str]]:
        """Stored documents that dedup now calls copies of another become copies here too.

        A copy that arrived before its original (earlier in canonical order, the one
        dedup keeps) was clustered as an original: its words counted twice in the
        document frequencies and in its event's centroid, which all at once never
        happens. Its features become a copy marker, its counts leave the document
        frequencies, and it follows its original (step 4). Returns the events that lost
        a member (to be rebuilt by `_reopen`) and those holding a copy whose original
        changed. A document that is an original again keeps its place (it has no features).
        """
        ids = sorted(d for d, root in repointed.items() if root)
        if not ids:
            return set(), set()
        feats = self.state.doc_features(ids)
        events = self.event_of(ids)
        counts: Counter[str] = Counter()
        demoted: set[str] = set()
        holders: set[str] = set()
        gone = 0
        for d in ids:
            f, ev = feats.get(d), events.get(d)
            if f is None or ev is None:
                continue
            if COPY_OF not in f:
                gone += 1
                counts.update({k: -1 for k in _doc_counts(f)})
                prof = self._load(ev)
                if prof is not None and prof.members:
                    prof.members -= 1  # the count `_reopen` checks the stored features against
                    demoted.add(prof.id)
            self.state.put_doc_features({d: {COPY_OF: repointed[d]}})
            self._copies[d] = repointed[d]
            holders.add(ev)
        if gone:
            self.state.add_df(counts, -gone)
        return demoted, holders

    def _found_temp(self, doc_id: str, batch: int, touched: dict[str, EventProfile]) -> EventProfile:
        """A new cluster under a temporary id; `_name` gives it its real id."""
        self._temp += 1
        prof = EventProfile(id=f"{_TEMP}{self._temp:06d}", founder=doc_id, born=batch)
        touched[prof.id] = prof
        return prof

    def _name(self, touched: dict[str, EventProfile], changed: set[str], old_members: dict[str, dict[str, str]],
              batch: int, dates: dict[str, str], doc_event: dict[str, str]) -> dict[str, str]:
        """Give each temporary cluster an id: one holding exactly the members of a reopened
        event keeps its id (and founder); the others are named after their earliest
        document, `ev-<hash of its id>` (the id of the reopened event it founded, if any).
        So an event's id follows from its documents, not from the batch each came in: fed
        in another order or other batches, the same documents get the same id. A reopened
        event left without a cluster redirects to the cluster holding most of its members.
        Returns temporary or emptied id -> final id."""
        s = self.settings
        temps = sorted(i for i in changed if i.startswith(_TEMP) and touched[i].members)
        # Only while its founder (earliest document) is still a member: one that dedup made a
        # copy of a later arrival left, and the id would name a document the event no longer
        # holds, an id the same documents never get all at once.
        by_members = {frozenset(members): old for old, members in old_members.items()
                      if touched[old].founder in members}
        names: dict[str, str] = {}
        used: set[str] = set()
        for t in temps:
            old = by_members.get(frozenset(touched[t].docs))
            if old is not None:
                names[t] = old
                used.add(old)
        for t in temps:
            if t in names:
                continue
            first = min(touched[t].docs, key=lambda d: (dates.get(d, ""), d))
            names[t] = self._own_id(first, batch, touched, used)
            used.add(names[t])
        for t in temps:
            prof = touched[t]
            final = names[t]
            if final in touched and final in old_members:
                keep = touched[final]
                prof.founder, prof.born, prof.storyline = keep.founder, keep.born, keep.storyline
                prof.docs = keep.docs + [d for d in prof.docs if d not in keep.docs]  # copies first
            else:
                prof.founder = min(prof.docs, key=lambda d: (dates.get(d, ""), d))
            self.state.unpost({k: [t] for k in prof.keys})
            prof.id = final
            self.state.post({k: [final] for k in prof.keys}, s.posting_limit)
            touched[final] = prof
            changed.add(final)
        # A temporary cluster absorbed inside this call never existed outside it.
        self.merges = [Merge(m.absorbed, names.get(m.survivor, m.survivor), m.score, m.batch,
                             m.absorbed_storyline)
                       for m in self.merges if not m.absorbed.startswith(_TEMP)]
        for old, members in sorted(old_members.items()):
            if old in used:
                continue
            where = Counter(names.get(doc_event[d], doc_event[d]) for d in members if d in doc_event)
            prof = touched[old]
            self.state.unpost({k: [old] for k in prof.keys})
            if where:
                target = max(sorted(where), key=where.__getitem__)
                self._retire(old, target, prof.storyline)
                keep = touched[target]
                keep.docs += [d for d in prof.docs if d not in keep.docs]  # its copies follow
                prof.docs = []
            changed.add(old)
        return names

    def _own_id(self, first: str, batch: int, touched: dict[str, EventProfile], claimed: set[str]) -> str:
        """`ev-<hash of first>` when no live event holds that id (the redirect of an event
        merged away is lifted: the id names its founder's event again); else `_found`'s
        numbered variant."""
        own = "ev-" + _short_hash(first)
        prof = touched.get(own)
        live = prof.members if prof is not None else bool(self.state.get_profiles([own]))
        if own in claimed or live:
            return self._found(first, batch, taken=touched).id
        where = self.state.resolve([own])[own]
        if where != own:
            # Documents still stored under the old id (copies that followed their original
            # there) stay where it pointed: lifted, it would take them into the new cluster.
            prof = touched.get(where) or self._load(where)
            if prof is not None:
                stored = self.state.doc_events(prof.docs)
                self.state.set_doc_events({d: where for d, e in stored.items() if e == own})
            self.state.redirect(own, own)
        return own

    def _rename_older(self, touched: dict[str, EventProfile], changed: set[str], named: set[str],
                      reopened: set[str], batch: int, dates: dict[str, str]) -> dict[str, str]:
        """Rename the events outside the neighbourhood that a document earlier than their
        founder joined (refinement, adoption or a merge), after that document, like `_name`
        names a new cluster; the old id redirects. Returns old id -> new id."""
        out: dict[str, str] = {}

        def key(doc_id: str) -> tuple[str, str]:
            if doc_id not in dates:
                dates[doc_id] = (self.state.doc_features([doc_id]).get(doc_id) or {}).get("date") or ""
            return dates[doc_id], doc_id

        for eid in sorted(changed):
            prof = touched.get(eid)
            if (prof is None or prof.id != eid or eid.startswith(_TEMP) or eid in named or eid in reopened
                    or not prof.members or prof.born == batch):
                continue
            joined = [d for d in prof.docs if d in dates and d != prof.founder] + self._folded.get(eid, [])
            first = min(joined, key=key, default=None)
            if first is None or key(first) >= key(prof.founder):
                continue
            new = self._own_id(first, batch, touched, named)
            named.add(new)
            self.state.repost(prof.keys, eid, new)
            self._retire(eid, new, prof.storyline)
            self.state.delete_profiles([eid])
            prof.id, prof.founder = new, first
            touched[new] = self._loaded[new] = prof
            del touched[eid]
            changed.discard(eid)
            changed.add(new)
            out[eid] = new
        return out

    def _follow_originals(self, touched: dict[str, EventProfile], changed: set[str],
                          doc_event: dict[str, str]) -> None:
        """Move each copy of a reopened event (or that dedup re-pointed) to the event its
        original is in now; an event left with no documents redirects there."""
        if not self._copies:
            return
        holder = {d: prof for prof in touched.values() for d in prof.docs if d in self._copies}
        for copy, orig in sorted(self._copies.items()):
            own = holder.get(copy)
            where = doc_event.get(orig) or self._known_event(orig)
            target = touched.get(where) or self._load(where) if where else None
            if own is None or target is None or target is own:
                continue
            touched[target.id] = target
            own.docs.remove(copy)
            target.docs.append(copy)
            changed.update((own.id, target.id))
            doc_event[copy] = target.id
            self.moves.append((copy, own.id, target.id))
            if not own.docs and not own.members and not own.id.startswith(_TEMP):
                self.state.unpost({k: [own.id] for k in own.keys})
                self._retire(own.id, target.id, own.storyline)

    def _retire(self, old: str, new: str, storyline: str | None) -> None:
        """`old` (renamed or emptied, not merged by similarity) redirects to `new`, recorded as
        a merge so the storylines and stored documents follow."""
        self.state.redirect(old, new)
        self.merges.append(Merge(old, new, 1.0, self._batch, storyline))

    def _surviving(self, event_id: str) -> str:
        """The cluster a temporary one merged into (through chains of merges)."""
        while event_id in self._merged_temps:
            event_id = self._merged_temps[event_id]
        return event_id

    def _score(self, vec: _DocVec | None, prof: EventProfile | None) -> float:
        """Similarity of a document to its final event, for the record (1.0 for founders/copies)."""
        if vec is None or prof is None or prof.members <= 1:
            return 1.0
        return self._doc_similarity(vec, prof)

    def _split(self, prof: EventProfile, vecs: dict[str, _DocVec], doc_event: dict[str, str],
               touched: dict[str, EventProfile], changed: set[str], batch: int) -> int:
        """Split off this batch's documents of `prof` that form a group of their own.

        A 2-means over the event's new documents, with its older documents as a fixed
        part of one side. The group leaves when both sides have documents and their
        centroids would not be merged again (below `merge_threshold`). Returns the
        number of documents moved.
        """
        # An event unchanged since it was last found whole is whole (the refinement's
        # second round mostly meets those).
        if prof.cache().get("_whole"):
            return 0
        moved = self._split_off(prof, vecs, doc_event, touched, changed, batch)
        if not moved:
            prof.cache()["_whole"] = True
        return moved

    def _split_off(self, prof: EventProfile, vecs: dict[str, _DocVec], doc_event: dict[str, str],
                   touched: dict[str, EventProfile], changed: set[str], batch: int) -> int:
        """`_split` itself."""
        s = self.settings
        new = sorted(d for d in prof.docs if d in vecs and doc_event.get(d) == prof.id)
        if len(new) < s.split_min or prof.members < s.split_min + 1:
            return 0
        old_count = prof.members - len(new)
        old = {ch: getattr(prof, ch).copy() for ch in _CHANNELS}
        for d in new:
            for ch in _CHANNELS:
                old[ch] = _add(old[ch], getattr(vecs[d], ch), -1.0)
        base = old if old_count else None
        full = _unit_vec(prof)
        if old_count > 0:
            seeds = [_DocVec("a", *(_unit(old[ch]) for ch in _CHANNELS), [], prof.lang, None)]
        else:  # the member least like the whole seeds one side
            seeds = [vecs[d] for d in sorted(new, key=lambda d: (_pair_sim(vecs[d], full, s), d))[:s.split_seeds]]
        # Several starts; keep the tightest 2-way partition (k-means objective), then split
        # only if its halves would not be merged again.
        sides = _Sides(new, vecs, base, s)
        best_split, best_fit = None, -1.0
        for seed_a in seeds:
            side_b = self._two_means(new, vecs, seed_a, sides)
            if len(side_b) < 2 or len(new) - len(side_b) < (0 if old_count else 2):
                continue
            sim_a, sim_b = sides.sims(side_b, False), sides.sims(side_b, True)
            fit = sum(sim_b[d] if d in side_b else sim_a[d] for d in new)
            if fit > best_fit:
                best_split, best_fit = side_b, fit
        if best_split is None:
            return 0
        side_b = best_split
        if self._similarity(sides.unit(side_b, False), sides.sum(side_b, True), merge=True) >= s.split_threshold:
            return 0
        if prof.founder in side_b and not old_count:
            side_b = set(new) - side_b  # the founder's side keeps the event and its id
        group = sorted(side_b)
        other = self._found_temp(group[0], batch, touched)
        changed.add(other.id)
        for d in group:
            self._remove(prof, vecs[d])
            self._absorb(other, vecs[d])
            doc_event[d] = other.id
        return len(group)

    def _two_means(self, new: list[str], vecs: dict[str, _DocVec], seed_a: _DocVec, sides: "_Sides") -> frozenset[str]:
        """Side B of a 2-means over `new` documents, side A seeded by `seed_a` (+ `sides.base`)."""
        s = self.settings
        seed_b = vecs[min(new, key=lambda d: (_pair_sim(vecs[d], seed_a, s), d))]
        side_b = frozenset(d for d in new if _pair_sim(vecs[d], seed_b, s) > _pair_sim(vecs[d], seed_a, s))
        for _ in range(6):
            sim_a, sim_b = sides.sims(side_b, False), sides.sims(side_b, True)
            nxt = frozenset(d for d in new if sim_b[d] > sim_a[d])
            if not nxt or nxt == side_b:
                break
            side_b = nxt
        return side_b

    def _remove(self, prof: EventProfile, vec: _DocVec) -> None:
        """Take a document's vectors back out of an event's centroids."""
        prof.touch()
        prof.docs.remove(vec.id)
        prof.members -= 1
        for name in _CHANNELS:
            cent = _add(getattr(prof, name), getattr(vec, name), -1.0)
            if not isinstance(cent, dict):  # a dense sum: zero what a dict would drop
                cent[abs(cent) < 1e-9] = 0.0
                setattr(prof, name, cent)
                continue
            for k in [k for k in getattr(vec, name) if k in cent and abs(cent[k]) < 1e-9]:
                del cent[k]
        if vec.lang and prof.langs.get(vec.lang):
            prof.langs[vec.lang] -= 1
            if not prof.langs[vec.lang]:
                del prof.langs[vec.lang]

    def _load(self, event_id: str, near: _DocVec | None = None, resolved: bool = False) -> EventProfile | None:
        """The profile of an event (through redirects, unless the caller just `resolved` the
        id: the candidate loops, a few hundred ids a document); None when unknown or, given
        `near`, when its dates are too far from that document's to matter."""
        eid = event_id if resolved else self.state.resolve([event_id])[event_id]
        prof = self._loaded.get(eid)
        if prof is None:
            got = self.state.get_profiles([eid]).get(eid)
            if not got:
                return None
            # One object per event within a batch: callers keep what they change in `touched`,
            # which then holds this same object.
            prof = self._loaded[eid] = EventProfile.from_dict(got)
        if near is not None and self._too_far(near, prof):
            return None
        return prof

    def _known_event(self, doc_id: str | None) -> str | None:
        if not doc_id:
            return None
        ev = self.state.doc_events([doc_id]).get(doc_id)
        return self.state.resolve([ev])[ev] if ev else None

    def _found(self, doc_id: str, batch: int, taken: dict | None = None) -> EventProfile:
        eid = "ev-" + _short_hash(doc_id)
        n = 1
        while (eid in (taken or {}) or self.state.get_profiles([eid])
               or self.state.resolve([eid])[eid] != eid):
            n += 1
            eid = "ev-" + _short_hash(f"{doc_id}#{n}")
        return EventProfile(id=eid, founder=doc_id, born=batch)

    def _absorb(self, prof: EventProfile, vec: _DocVec) -> None:
        prof.touch()
        s = self.settings
        prof.docs.append(vec.id)
        prof.members += 1
        _add(prof.terms, vec.terms)
        _add(prof.lead, vec.lead)
        _add(prof.names, vec.names)
        _add(prof.nums, vec.nums)
        prof.dense = _add(prof.dense, vec.dense)
        if len(prof.terms) > 1.5 * s.profile_terms:
            prof.terms = _top(prof.terms, s.profile_terms)
        if len(prof.lead) > 1.5 * s.profile_terms:
            prof.lead = _top(prof.lead, s.profile_terms)
        if len(prof.names) > 1.5 * s.profile_names:
            prof.names = _top(prof.names, s.profile_names)
        if vec.lang:
            prof.langs[vec.lang] = prof.langs.get(vec.lang, 0) + 1
        if vec.date:
            prof.first = min(prof.first or vec.date, vec.date)
            prof.last = max(prof.last or vec.date, vec.date)
        new_keys = [k for k in vec.keys if k not in prof.keys]
        prof.keys.extend(new_keys)
        self.state.post({k: [prof.id] for k in vec.keys}, s.posting_limit)

    def _merge_changed(self, touched: dict[str, EventProfile], changed: set[str], batch: int) -> set[str]:
        """Merge each changed event into its most similar candidate while it reaches
        `merge_threshold`; returns the ids of absorbed events (for deletion)."""
        s = self.settings
        gone: set[str] = set()
        queue = sorted(changed)
        while queue:
            prof = touched[queue.pop(0)]
            if prof.id in gone or not prof.members:
                continue
            vec = _unit_vec(prof)
            best, best_score = None, -1.0
            cands = self.state.resolve(self._candidates(prof.keys, exclude=prof.id))
            for cid in sorted(set(cands.values()) - {prof.id} - gone):
                other = touched.get(cid) or self._load(cid)
                if other is None or not other.members or self._too_far(vec, other):
                    continue
                touched.setdefault(cid, other)
                score = self._similarity(vec, other, merge=True)
                if score > best_score:
                    best, best_score = other, score
            if best is None or best_score < s.merge_threshold:
                continue
            survivor, absorbed = sorted((prof, best), key=lambda p: (p.born, p.founder))
            self._fold(survivor, absorbed)
            self._folded.setdefault(survivor.id, []).extend([absorbed.founder, *self._folded.pop(absorbed.id, [])])
            self.merges.append(Merge(absorbed.id, survivor.id, round(best_score, 4), batch,
                                     absorbed.storyline))
            gone.add(absorbed.id)
            changed.add(survivor.id)
            queue = sorted(set(queue) | {survivor.id})
        return gone

    def _fold(self, survivor: EventProfile, absorbed: EventProfile) -> None:
        survivor.touch()
        absorbed.touch()
        s = self.settings
        survivor.docs.extend(absorbed.docs)
        survivor.members += absorbed.members
        _add(survivor.terms, absorbed.terms)
        _add(survivor.lead, absorbed.lead)
        _add(survivor.names, absorbed.names)
        _add(survivor.nums, absorbed.nums)
        survivor.dense = _add(survivor.dense, absorbed.dense)
        survivor.terms = _top(survivor.terms, s.profile_terms)
        survivor.lead = _top(survivor.lead, s.profile_terms)
        survivor.names = _top(survivor.names, s.profile_names)
        for lang, c in absorbed.langs.items():
            survivor.langs[lang] = survivor.langs.get(lang, 0) + c
        for date in (absorbed.first, absorbed.last):
            if date:
                survivor.first = min(survivor.first or date, date)
                survivor.last = max(survivor.last or date, date)
        self.state.unpost({k: [absorbed.id] for k in absorbed.keys})
        new_keys = [k for k in absorbed.keys if k not in survivor.keys]
        survivor.keys.extend(new_keys)
        self.state.post({k: [survivor.id] for k in new_keys}, s.posting_limit)
        if absorbed.id.startswith(_TEMP):
            # A temporary id never leaves `assign`: no stored redirect (a later batch reuses
            # the id), its documents follow in `assign`.
            self._merged_temps[absorbed.id] = survivor.id
        else:
            self.state.redirect(absorbed.id, survivor.id)
        absorbed.members = 0
        absorbed.docs = []

    def _save(self, profiles: Iterable[EventProfile]) -> None:
        live, dead = [], []
        for p in profiles:
            (live if p.members or p.docs else dead).append(p)
        self.state.delete_profiles(p.id for p in dead)
        self.state.put_profiles(p.to_dict() for p in live)


def cluster_events(docs: list[Document], index: EventIndex | None = None,
                   settings: EventSettings | None = None) -> list[Assignment]:
    """Embed (when needed) and assign `docs` in one batch; a convenience for scripts and tests."""
    index = index or EventIndex(settings=settings)
    return index.assign(docs)


# ---------------------------------------------------------------------------------------------
# Persistence in the store, and the stage.

class StoreState(MemoryState):
    """`EventState` over the store's generic state tables, with a write-back cache.

    Reads fetch what the cache lacks in one query per table; writes stay in memory
    until `flush()`, which the stage calls inside the batch's transaction, so the
    clustering state commits (or rolls back) together with the documents.
    """

    NS = {"profiles": "ev_profile", "postings": "ev_posting", "docs": "ev_doc", "features": "ev_features",
          "df": "ev_df", "meta": "ev_meta"}

    def __init__(self, store, cache_entries: int = 50_000) -> None:
        super().__init__()
        self.store = store
        self.cache_entries = cache_entries
        self._have: dict[str, set[str]] = {table: set() for table in self.NS}
        self._dirty: dict[str, set[str]] = {table: set() for table in self.NS}
        self._used: dict[str, set[str]] = {table: set() for table in self.NS}  # keys read or written since the last flush
        self._gone: set[str] = set()  # deleted profiles
        self._new_redirects: dict[str, str] = {}
        self._final: set[str] = set()  # ids the store has no redirect for (`redirects` wins over it)
        meta = store.get_states(self.NS["meta"])
        self.meta.update({k: int(v) for k, v in meta.items()})

    def _fetch(self, table: str, keys: Iterable[str], into: dict) -> None:
        keys = keys if isinstance(keys, (list, dict, set)) else list(keys)
        self._used[table].update(keys)
        missing = [k for k in keys if k not in self._have[table]]
        if missing:
            found = self.store.get_states(self.NS[table], missing)
            decode = profile_codec.unpack if table == "profiles" else None
            for k in missing:
                self._have[table].add(k)
                if k in found and k not in into:
                    into[k] = decode(found[k]) if decode else found[k]

    def _touch(self, table: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        self._have[table].update(keys)
        self._dirty[table].update(keys)
        self._used[table].update(keys)

    def get_profiles(self, ids):
        ids = list(ids)
        self._fetch("profiles", ids, self.profiles)
        return super().get_profiles(ids)

    def put_profiles(self, profiles):
        profiles = list(profiles)
        super().put_profiles(profiles)
        self._touch("profiles", (p["id"] for p in profiles))
        self._gone.difference_update(p["id"] for p in profiles)

    def delete_profiles(self, ids):
        ids = list(ids)
        super().delete_profiles(ids)
        self._have["profiles"].update(ids)
        self._dirty["profiles"].difference_update(ids)
        self._gone.update(ids)

    def candidates(self, keys):
        keys = list(keys)
        self._fetch("postings", keys, self.postings)
        return super().candidates(keys)

    def post(self, postings, limit):
        self._fetch("postings", postings, self.postings)
        super().post(postings, limit)
        self._touch("postings", postings)

    def unpost(self, postings):
        self._fetch("postings", postings, self.postings)
        super().unpost(postings)
        self._touch("postings", postings)

    def repost(self, keys, old, new):
        keys = list(keys)
        self._fetch("postings", keys, self.postings)
        super().repost(keys, old, new)
        self._touch("postings", keys)

    def redirect(self, old, new):
        super().redirect(old, new)
        self._new_redirects[old] = new

    def resolve(self, ids):
        out = {}
        for i in ids:
            cur, seen = i, {i}
            while True:
                nxt = self.redirects.get(cur)
                if nxt is None and cur in self._final:
                    nxt = cur
                elif nxt is None:
                    kind = "storyline" if cur.startswith("sl-") else "event"
                    nxt = self.store.resolve(kind, cur)
                    if nxt != cur:
                        self.redirects[cur] = nxt
                    else:  # most ids never moved: ask the store once (was ~200 queries a document)
                        self._final.add(cur)
                if nxt == cur or nxt in seen:
                    break
                cur = nxt
                seen.add(cur)
            out[i] = cur
        return out

    def doc_events(self, doc_ids):
        doc_ids = list(doc_ids)
        self._fetch("docs", doc_ids, self.docs)
        return super().doc_events(doc_ids)

    def set_doc_events(self, mapping):
        super().set_doc_events(mapping)
        self._touch("docs", mapping)

    def doc_features(self, doc_ids):
        doc_ids = list(doc_ids)
        self._fetch("features", doc_ids, self.features)
        return super().doc_features(doc_ids)

    def put_doc_features(self, features):
        super().put_doc_features(features)
        self._touch("features", features)

    def df(self, terms):
        terms = list(terms)
        found: dict[str, int] = {}
        self._fetch("df", terms, found)
        for term, count in found.items():
            self.doc_freq[term] += count
        return super().df(terms)

    def add_df(self, counts, docs):
        self._fetch("df", counts, _CounterInto(self.doc_freq))
        super().add_df(counts, docs)
        self._touch("df", counts)
        self._dirty["meta"].add("docs")

    def next_batch(self):
        self._dirty["meta"].add("batch")
        return super().next_batch()

    def changed_docs(self) -> set[str]:
        """Documents whose event mapping changed since the last flush."""
        return set(self._dirty["docs"])

    def flush(self) -> None:
        """Write what changed since the last flush (call inside the batch's transaction)."""
        store = self.store
        tables = {"profiles": self.profiles, "postings": self.postings, "docs": self.docs,
                  "features": self.features, "df": self.doc_freq, "meta": self.meta}
        for table, keys in self._dirty.items():
            if keys:
                source = tables[table]
                rows = {k: source[k] for k in keys if k in source}
                if table == "profiles":  # centroids as raw doubles, see profile_codec
                    rows = {k: profile_codec.pack(v) for k, v in rows.items()}
                store.put_state(self.NS[table], rows)
                keys.clear()
        if self._gone:
            store.delete_state(self.NS["profiles"], sorted(self._gone))
            self._gone.clear()
        for old, new in self._new_redirects.items():
            store.redirect("storyline" if old.startswith("sl-") else "event", old, new)
        self._new_redirects.clear()
        self._evict()

    # Past `cache_entries` (the `events.cache_entries` setting) the cache, all written by
    # then, keeps only what the last batch read or wrote: news arrives roughly in time order,
    # so that is what the next batch needs, and a long ingest holds a bounded working set
    # instead of the archive's whole state. (Dropping everything made each batch re-read and
    # re-decode every profile it touched: 17 % of the events stage at 10k documents.) A
    # document's features (hundreds of weighted terms) weigh more than any other entry and are
    # read only when its event is reopened: few of them are kept.
    FEATURES_LIMIT = 1_000

    def _evict(self) -> None:
        used = self._used
        if len(self.features) > self.FEATURES_LIMIT:
            self._keep("features", self.features,
                       used["features"] if len(used["features"]) <= self.FEATURES_LIMIT else set())
        entries = sum(map(len, (self.profiles, self.postings, self.docs, self.doc_freq, self._final)))
        if entries > self.cache_entries:
            for table, cached in (("profiles", self.profiles), ("postings", self.postings),
                                  ("docs", self.docs), ("df", self.doc_freq)):
                self._keep(table, cached, used[table])
            self._final &= used["profiles"]
        for keys in used.values():
            keys.clear()

    def _keep(self, table: str, cached: dict, keep: set[str]) -> None:
        """Drop the cached entries of `table` outside `keep` (they are in the store)."""
        for key in [k for k in cached if k not in keep]:
            del cached[key]
        self._have[table] &= keep


class _CounterInto(dict):
    """Fetch target that adds stored document frequencies into a Counter."""

    def __init__(self, counter: Counter) -> None:
        super().__init__()
        self.counter = counter

    def __setitem__(self, key, value) -> None:
        self.counter[key] += value

    def __contains__(self, key) -> bool:
        return False


@stage("events", requires=["doc.extra.embed", "doc.duplicate_of"], assigns=["doc.event"])
class Events(Stage):
    """Online event clustering; the index and its cache live for one ingest run."""

    def __init__(self, settings):
        super().__init__(settings)
        self.index: EventIndex | None = None

    def load(self, store) -> EventIndex:
        if self.index is None or self.index.state.store is not store:
            tuned = EventSettings(threshold=self.settings.events.threshold)
            self.index = EventIndex(StoreState(store, self.settings.events.cache_entries), settings=tuned)
        return self.index

    def process_batch(self, batch: Batch) -> None:
        index = self.load(batch.store)
        index.assign(batch.documents, batch.notes.get("repointed"))
        batch.notes["event_index"] = index
