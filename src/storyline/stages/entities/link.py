"""Link entity mentions across documents into one Entity per real-world referent.

The linker keeps an alias memory: every name key (`names.name_key`) it has
accepted points at an entity id, so later documents reuse ids and merges, and
user decisions (`add_alias`, `veto`) always win. Its state is plain data
(`to_state` / `from_state`) for the store.

Merge rules, in order:
1. a user alias, then a key already in memory;
2. the same key whatever the NER label (PERSON here, ORG there: one entity);
3. spelling variants of the same length in tokens (`names.same_name`:
   transliterations, typos, first-name variants, case and accents), when the
   coarse types agree (a person never merges with a place by spelling alone);
4. short forms of people ('Tokayev' -> 'Kassym-Jomart Tokayev'): to the only
   full name with that surname in the same document, or, when the document has
   none, to the only one in the corpus; two people sharing a surname stay apart
   and an ambiguous short form keeps an entity of its own.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from storyline.model import Entity, EntityMention
from storyline.stages.entities.names import (
    COARSE,
    is_short_form,
    name_key,
    same_name,
    translit,
)

STATE_VERSION = 1
# Mentions only linked when their name is already an entity of another kind:
# nationalities ('Chinese') and the French model's MISC are not entities here.
_WEAK_LABELS = {"NORP", "MISC"}
_SLUG = re.compile(r"[^a-z0-9]+")
# On a tie, people first: NER's usual error is tagging an unfamiliar name ORG or GPE.
_TIE_ORDER = {"PERSON": 0, "GPE": 1, "ORG": 2, "LOC": 3, "FAC": 4, "NORP": 5, "MISC": 6}


def _coarse(label: str) -> str:
    return COARSE.get(label, "misc")


def _blocks(tokens: tuple[str, ...]) -> set[str]:
    """Blocking keys: candidates for a fuzzy match share at least one."""
    last = translit(tokens[-1])
    compact = translit("".join(tokens))
    # similar_token wants the same first letter, so the suffix block keeps it too.
    return {"p:" + last[:3], "s:" + last[:1] + last[-3:], "c:" + compact[:4]}


class _EntityState:
    __slots__ = ("id", "labels", "pending", "variants", "variant_docs", "documents", "keys", "pinned", "_type",
                 "dirty")

    def __init__(self, entity_id: str):
        self.id = entity_id
        self.labels: Counter[str] = Counter()
        self.pending: Counter[str] = Counter()  # label votes of the batch being linked
        self.variants: Counter[str] = Counter()  # surface -> mentions
        self.variant_docs: Counter[str] = Counter()  # surface -> documents
        self.documents: Counter[str] = Counter()  # doc id -> mentions
        self.keys: set[str] = set()
        self.pinned: str | None = None  # a canonical name a user gave with add_alias
        self._type: str | None = None  # cache; `touch()` after changing labels or pending
        self.dirty = True  # changed since the store last saw it

    def touch(self) -> None:
        self._type = None
        self.dirty = True

    def coarse(self) -> str:
        return _coarse(self.type())

    def type(self) -> str:
        if self._type is None:
            self._type = self._compute_type()
        return self._type

    def _compute_type(self) -> str:
        labels = dict(self.labels)
        for k, v in self.pending.items():
            labels[k] = labels.get(k, 0) + v
        labels = {k: v for k, v in labels.items() if v > 0}
        if not labels:
            return "MISC"
        strong = {k: v for k, v in labels.items() if k not in _WEAK_LABELS}
        pool = strong or labels
        # Ties follow _TIE_ORDER, so the result does not depend on input order.
        return max(sorted(pool), key=lambda k: (pool[k], -_TIE_ORDER.get(k, 99)))

    def is_person(self) -> bool:
        return self.type() == "PERSON"

    def name(self) -> str:
        if self.pinned:
            return self.pinned
        if not self.variants:
            return ""
        forms = list(self.variants)
        if self.is_person():
            longest = max(len(name_key(v).split()) for v in forms)
            forms = [v for v in forms if len(name_key(v).split()) == longest] or forms
        # Support of each word across all variants: 'Mirziyoyev' alone backs
        # 'Shavkat Mirziyoyev' over 'Chavkat Mirzioyev'.
        word_docs: Counter[str] = Counter()
        for v, n in self.variant_docs.items():
            for word in set(name_key(v).split()):
                word_docs[word] += n
        # Best-supported: most documents, then best-supported words, then most
        # mentions, then not ALL CAPS, then accented over plain.
        return max(
            sorted(forms),
            key=lambda v: (
                self.variant_docs[v],
                sum(word_docs[w] for w in name_key(v).split()),
                self.variants[v],
                not v.isupper() or len(v) <= 4,
                v != name_key(v),
            ),
        )


class EntityLinker:
    """Cross-document entity linking with an alias memory.

    Example:
        >>> linker = EntityLinker()
        >>> mentions = {"a": extract_entities("Antony Blinken met Tokayev.", "en")}
        >>> entities = linker.link(mentions)
        >>> state = linker.to_state()          # persist; later:
        >>> linker = EntityLinker.from_state(state)
    """

    def __init__(self) -> None:
        self._entities: dict[str, _EntityState] = {}
        self._key2id: dict[str, str] = {}
        self._blocks: dict[str, set[str]] = {}
        self._forced: dict[str, str] = {}  # variant key -> canonical key (user)
        self._vetoes: set[tuple[str, str]] = set()
        self._redirects: dict[str, str] = {}  # removed entity id -> the one it went into
        # What each linked document added, so re-linking it is idempotent:
        # doc id -> [[key, entity id, surface, label, count], ...]
        self._contrib: dict[str, list[list[Any]]] = {}
        self._votes: dict[str, Counter[str]] = {}  # per link() call
        self._caps: dict[str, bool] = {}
        self._batch_full: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ linking
    def link(self, mentions_by_doc: Mapping[str, list[EntityMention]]) -> list[Entity]:
        """Assign `EntityMention.entity` for every mention and return the entities.

        Documents linked before are re-linked (their earlier contribution is
        replaced), so calling this again after `add_alias`/`veto` refreshes ids.

        Args:
            mentions_by_doc: document id -> its mentions (from `extract_entities`).

        Returns:
            Every entity the linker knows, including those of earlier calls,
            sorted by id.
        """
        docs = sorted(mentions_by_doc)
        for doc_id in docs:
            self._retract(doc_id)
        prepared = {d: self._prepare(mentions_by_doc[d]) for d in docs}
        # Corpus-wide label votes per key for this batch.
        votes: dict[str, Counter[str]] = {}
        key_docs: Counter[str] = Counter()
        self._caps = {}
        for items in prepared.values():
            for key in {key for _m, key, _t in items}:
                key_docs[key] += 1
            for m, key, _tokens in items:
                votes.setdefault(key, Counter())[m.label] += 1
                # ALL-CAPS spans (datelines, headlines) get unreliable labels.
                self._caps[key] = self._caps.get(key, True) and m.text.isupper()
        self._votes = votes
        # Multi-word names of this batch by surname block, for short-form lookups.
        self._batch_full = {}
        for key in votes:
            tokens = tuple(key.split())
            if len(tokens) > 1:
                for block in _blocks(tokens[-1:]):
                    self._batch_full.setdefault(block, set()).add(key)
        try:
            # Full forms first (more tokens first, best supported first), so
            # short forms find them and ids come from the commonest spelling.
            for key in sorted(votes, key=lambda k: (-len(k.split()), -key_docs[k], k)):
                if key not in self._key2id and not self._short_candidates(key, votes):
                    self._resolve_full(key, votes[key])
            for doc_id in docs:
                self._assign_doc(doc_id, prepared[doc_id], votes)
        finally:
            for state in self._entities.values():
                if state.pending:
                    state.pending.clear()
                    state.touch()
            self._votes, self._caps, self._batch_full = {}, {}, {}
        return self.entities()

    def entities(self) -> list[Entity]:
        """Every known entity as a `storyline.model.Entity`, sorted by id."""
        out = []
        for entity_id in sorted(self._entities):
            state = self._entities[entity_id]
            if not state.documents:
                continue
            variants = sorted(state.variants, key=lambda v: (-state.variant_docs[v], -state.variants[v], v))
            out.append(
                Entity(
                    id=entity_id,
                    name=state.name(),
                    type=state.type(),
                    variants=variants,
                    documents=sorted(state.documents),
                )
            )
        return out

    def resolve(self, entity_id: str) -> str:
        """The current id of an entity that may have been merged into another."""
        seen = set()
        while entity_id in self._redirects and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self._redirects[entity_id]
        return entity_id

    # ------------------------------------------------------------- user aliases
    def add_alias(self, variant: str, canonical: str) -> set[str]:
        """Make `variant` a name of the entity called `canonical`; always respected.

        Returns the ids of documents whose mentions changed entity: re-link them.
        """
        vk, ck = name_key(variant), name_key(canonical)
        if not vk or not ck or vk == ck:
            return set()
        self._vetoes.discard((vk, ck))
        self._vetoes.discard((ck, vk))
        self._forced[vk] = ck
        target = self._key2id.get(ck)
        if target is None:
            target = self._new_entity(ck)
            self._bind(ck, target)
        target_state = self._entities[target]
        if not target_state.pinned and not target_state.variants:
            target_state.pinned = canonical.strip()
        return self._move_key(vk, target)

    def veto(self, variant: str, canonical: str) -> set[str]:
        """Never let `variant` be a name of the entity called `canonical`.

        Returns the ids of documents whose mentions changed entity: re-link them.
        """
        vk, ck = name_key(variant), name_key(canonical)
        if not vk or not ck or vk == ck:
            return set()
        self._vetoes.add((vk, ck))
        if self._forced.get(vk) == ck:
            del self._forced[vk]
        target = self._key2id.get(ck)
        affected: set[str] = set()
        if target is not None and self._key2id.get(vk) == target:
            affected = self._move_key(vk, self._new_entity(vk))
        # Short forms linked inside documents are not in the memory: find them.
        if target is not None:
            for doc_id, rows in self._contrib.items():
                if any(row[0] == vk and row[1] == target for row in rows):
                    affected.add(doc_id)
        return affected

    def rename(self, old: str, new: str) -> set[str]:
        """Give entity `old` the unused id `new` (no merge); returns the documents it touches.

        Used to make ids follow the canonical name, so the same corpus gives the
        same ids whatever order it arrived in; `old` redirects to `new`.
        """
        if new in self._entities or new in self._redirects:
            raise ValueError(f"entity id {new!r} is already taken")
        state = self._entities.pop(old)
        state.id = new
        state.touch()
        self._entities[new] = state
        for key in state.keys:
            self._key2id[key] = new
        for members in self._blocks.values():
            if old in members:
                members.discard(old)
                members.add(new)
        affected = set()
        for doc_id, rows in self._contrib.items():
            for row in rows:
                if row[1] == old:
                    row[1] = new
                    affected.add(doc_id)
        for source, target in self._redirects.items():
            if target == old:
                self._redirects[source] = new
        self._redirects[old] = new
        return affected

    def taken(self, entity_id: str) -> bool:
        return entity_id in self._entities or entity_id in self._redirects

    def take_dirty(self) -> tuple[set[str], set[str]]:
        """(changed entity ids, ids left without documents) since the last call."""
        changed = {i for i, state in self._entities.items() if state.dirty}
        for i in changed:
            self._entities[i].dirty = False
        empty = {i for i in changed if not self._entities[i].documents}
        return changed - empty, empty

    # ------------------------------------------------------------ serialisation
    def to_state(self) -> dict[str, Any]:
        """Plain JSON-able data holding everything the linker has learnt."""
        return {
            "version": STATE_VERSION,
            "key2id": dict(self._key2id),
            "forced": dict(self._forced),
            "vetoes": sorted([list(pair) for pair in self._vetoes]),
            "redirects": dict(self._redirects),
            "pinned": {i: s.pinned for i, s in self._entities.items() if s.pinned},
            "entities": sorted(self._entities),
            "contrib": {d: [list(r) for r in rows] for d, rows in self._contrib.items()},
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> EntityLinker:
        """Rebuild a linker from `to_state()` output."""
        linker = cls()
        if not state:
            return linker
        for entity_id in state.get("entities", []):
            linker._entities[entity_id] = _EntityState(entity_id)
        for key, entity_id in state.get("key2id", {}).items():
            if entity_id not in linker._entities:
                linker._entities[entity_id] = _EntityState(entity_id)
            linker._bind(key, entity_id)
        linker._forced = dict(state.get("forced", {}))
        linker._vetoes = {tuple(pair) for pair in state.get("vetoes", [])}
        linker._redirects = dict(state.get("redirects", {}))
        for entity_id, name in state.get("pinned", {}).items():
            if entity_id in linker._entities:
                linker._entities[entity_id].pinned = name
        for doc_id, rows in state.get("contrib", {}).items():
            linker._apply(doc_id, [list(r) for r in rows])
        linker.take_dirty()  # what was loaded is what the store holds
        return linker

    # ----------------------------------------------------------------- helpers
    def _prepare(self, mentions: Iterable[EntityMention]) -> list[tuple[EntityMention, str, tuple[str, ...]]]:
        out = []
        for m in mentions:
            key = name_key(m.text or "")
            if key and any(c.isalpha() for c in key):
                out.append((m, key, tuple(key.split())))
            else:
                m.entity = None
        return out

    def _short_candidates(self, key: str, votes: Mapping[str, Counter[str]]) -> set[str]:
        """Keys a person-like key could be a short form of ('tokayev' -> ...)."""
        tokens = tuple(key.split())
        if len(tokens) > 1 or not self._person_like(votes.get(key, Counter())):
            return set()
        found = set()
        for block in _blocks(tokens):
            for other in self._batch_full.get(block, ()):
                if is_short_form(tokens, tuple(other.split())) and (key, other) not in self._vetoes:
                    found.add(other)
        for block in _blocks(tokens):
            for entity_id in self._blocks.get(block, ()):
                state = self._entities[entity_id]
                if state.is_person():
                    for other in state.keys:
                        if len(other.split()) > 1 and is_short_form(tokens, tuple(other.split())):
                            found.add(other)
        return found

    @staticmethod
    def _person_like(labels: Counter[str]) -> bool:
        """Could be a person's surname: some PERSON votes, or mostly ORG (NER's
        usual mistake for unfamiliar names: 'Kamilov said')."""
        total = sum(labels.values())
        if not total:
            return False
        return labels.get("PERSON", 0) / total >= 0.25 or labels.get("ORG", 0) / total >= 0.5

    def _vetoed(self, key: str, entity_id: str) -> bool:
        keys = self._entities[entity_id].keys
        return any((key, k) in self._vetoes or (k, key) in self._vetoes for k in keys)

    def _resolve_full(self, key: str, labels: Counter[str]) -> str | None:
        """Find or create the entity for a key seen for the first time."""
        forced = self._forced.get(key)
        if forced and forced in self._key2id:
            self._bind(key, self._key2id[forced])
            return self._key2id[key]
        tokens = tuple(key.split())
        strong = Counter({k: v for k, v in labels.items() if k not in _WEAK_LABELS})
        if not strong:
            return None  # a nationality or MISC that names no entity of its own
        coarse = _coarse(max(sorted(strong), key=lambda k: strong[k]))
        person = coarse == "per"
        best: tuple[Any, ...] | None = None
        for entity_id in sorted(self._candidates(tokens)):
            state = self._entities[entity_id]
            # Names first (cached, cheap), then types and vetoes for the few that match.
            if not any(same_name(tokens, tuple(other.split()), person) for other in state.keys):
                continue
            if state.coarse() != coarse and not self._mixed(state, labels) and not self._caps.get(key):
                continue
            if person and not state.is_person() and len(tokens) > 1 and not any(
                same_name(tokens, tuple(other.split()), False) for other in state.keys
            ):
                continue  # a first-name variant only counts between people
            if self._vetoed(key, entity_id):
                continue
            rank = (sum(state.documents.values()), entity_id)
            if best is None or rank > best:
                best = rank
        if best is not None:
            self._bind(key, best[1])
            return best[1]
        # A full person name whose surname is an entity already ('Blinken' seen
        # alone before 'Antony Blinken' arrived): join it when unambiguous.
        if person and len(tokens) > 1:
            owner = self._single_surname_entity(tokens)
            if owner is not None:
                self._bind(key, owner)
                return owner
        entity_id = self._new_entity(key)
        self._bind(key, entity_id)
        return entity_id

    def _mixed(self, state: _EntityState, labels: Counter[str]) -> bool:
        """NER disagrees with itself on these names: PERSON/ORG/GPE mixes are common."""
        total = sum(labels.values())
        share = labels.get(state.type(), 0) / total if total else 0
        return share >= 0.34

    def _single_surname_entity(self, tokens: tuple[str, ...]) -> str | None:
        surname = (tokens[-1],)
        owners = set()
        for entity_id in self._candidates(surname):
            state = self._entities[entity_id]
            for other in state.keys:
                other_tokens = tuple(other.split())
                if len(other_tokens) > 1 and state.is_person() and is_short_form(surname, other_tokens):
                    owners.add(("full", entity_id))
                elif other_tokens == surname or same_name(surname, other_tokens, False):
                    if state.is_person() or self._person_like(state.labels):
                        owners.add(("short", entity_id))
        fulls = {e for kind, e in owners if kind == "full"}
        shorts = {e for kind, e in owners if kind == "short"}
        if len(shorts) == 1 and not fulls:
            (entity_id,) = shorts
            if not self._vetoed(" ".join(tokens), entity_id):
                return entity_id
        return None

    def _candidates(self, tokens: tuple[str, ...]) -> set[str]:
        found: set[str] = set()
        for block in _blocks(tokens):
            found |= self._blocks.get(block, set())
        return found

    def _assign_doc(self, doc_id: str, items, votes) -> None:
        """Set mention ids for one document, short forms resolved locally first."""
        doc_keys = {key for _m, key, _t in items}
        doc_persons = {}
        for _m, key, tokens in items:
            entity_id = self._key2id.get(key)
            if len(tokens) > 1 and entity_id and self._entities[entity_id].is_person():
                doc_persons[key] = entity_id
        local: dict[str, str | None] = {}
        for key in sorted(doc_keys):
            if key in local:
                continue
            local[key] = self._entity_for(key, tuple(key.split()), doc_persons, votes)
        rows: dict[tuple[str, str, str, str], int] = Counter()
        short_of_person = {
            key
            for key, entity_id in local.items()
            if entity_id
            and len(key.split()) == 1
            and self._entities[entity_id].is_person()
            and any(len(k.split()) > 1 for k in self._entities[entity_id].keys)
        }
        ambiguous = self._ambiguous_short_forms(items, doc_persons, local)
        for m, key, _tokens in items:
            entity_id = ambiguous.get(id(m), local.get(key))
            m.entity = entity_id
            if entity_id is not None:
                # A surname resolved to a person's full name votes PERSON,
                # whatever NER said ('Blinken' tagged GPE).
                label = "PERSON" if key in short_of_person else m.label
                rows[(key, entity_id, m.text, label)] += 1
        contrib = [[k, e, s, lab, n] for (k, e, s, lab), n in sorted(rows.items())]
        self._apply(doc_id, contrib)

    def _ambiguous_short_forms(self, items, doc_persons, local) -> dict[int, str]:
        """A surname shared by several full names in one document ('Grace Okafor' and
        'Victor Okafor', then 'Okafor said'): each mention goes to the full name
        mentioned last before it, the way a reader follows it."""
        full_at: list[tuple[int, str]] = sorted(
            (m.start, doc_persons[key]) for m, key, tokens in items if len(tokens) > 1 and key in doc_persons)
        out: dict[int, str] = {}
        for m, key, tokens in items:
            if len(tokens) != 1 or self._forced.get(key):
                continue
            owners = {e for k, e in doc_persons.items() if is_short_form(tokens, tuple(k.split()))
                      and not self._vetoed(key, e)}
            if len(owners) < 2:
                continue
            before = [e for start, e in full_at if start < m.start and e in owners]
            if before:
                out[id(m)] = before[-1]
        return out

    def _entity_for(self, key, tokens, doc_persons, votes) -> str | None:
        forced = self._forced.get(key)
        if forced and forced in self._key2id:
            return self._key2id[forced]
        person_like = self._person_like(votes.get(key, Counter()))
        if len(tokens) == 1 and person_like:
            # Short form: the one full name in this document with this surname.
            owners = {
                entity_id
                for full, entity_id in doc_persons.items()
                if is_short_form(tokens, tuple(full.split())) and not self._vetoed(key, entity_id)
            }
            if len(owners) == 1:
                return owners.pop()
            if len(owners) > 1:
                return self._own_entity(key, votes)
        if key in self._key2id:
            return self._key2id[key]
        if len(tokens) == 1 and person_like:
            owners = set()
            for full in self._short_candidates(key, votes):
                entity_id = self._key2id.get(full)
                if entity_id and not self._vetoed(key, entity_id):
                    owners.add(entity_id)
            if len(owners) == 1:
                entity_id = owners.pop()
                self._bind(key, entity_id, vote=False)  # an accepted merge, reused later
                return entity_id
            return self._own_entity(key, votes)
        return self._resolve_full(key, votes.get(key, Counter()))

    def _own_entity(self, key: str, votes) -> str | None:
        if key in self._key2id:
            return self._key2id[key]
        # Ambiguous short forms get their own entity without joining a full
        # name; a spelling variant of another short form still merges.
        return self._resolve_full(key, votes.get(key, Counter()))

    def _new_entity(self, key: str) -> str:
        slug = _SLUG.sub("-", key.encode("ascii", "ignore").decode()).strip("-")[:40]
        if not slug:
            slug = hashlib.blake2b(key.encode(), digest_size=5).hexdigest()
        entity_id, n = slug, 2
        while entity_id in self._entities or entity_id in self._redirects:
            entity_id, n = f"{slug}-{n}", n + 1
        self._entities[entity_id] = _EntityState(entity_id)
        return entity_id

    def _bind(self, key: str, entity_id: str, vote: bool = True) -> None:
        old = self._key2id.get(key)
        if old == entity_id:
            return
        if old is not None:
            self._entities[old].keys.discard(key)
            self._entities[old].pending.subtract(self._votes.get(key, Counter()))
            self._entities[old].pending = +self._entities[old].pending
            self._entities[old].touch()
        self._key2id[key] = entity_id
        state = self._entities[entity_id]
        state.keys.add(key)
        if vote and key in self._votes:
            state.pending.update(self._votes[key])
            state.touch()
        for block in _blocks(tuple(key.split())):
            self._blocks.setdefault(block, set()).add(entity_id)

    def _move_key(self, key: str, target: str) -> set[str]:
        """Point `key` at `target`, moving what documents contributed under it."""
        source = self._key2id.get(key)
        self._bind(key, target)
        affected = set()
        for doc_id, rows in list(self._contrib.items()):
            if any(row[0] == key and row[1] != target for row in rows):
                new_rows = [[r[0], target if r[0] == key else r[1], *r[2:]] for r in rows]
                self._retract(doc_id)
                self._apply(doc_id, new_rows)
                affected.add(doc_id)
        if source and source != target and not self._entities[source].keys:
            if not self._entities[source].documents:
                del self._entities[source]
                self._redirects[source] = target
        return affected

    def _apply(self, doc_id: str, rows: list[list[Any]]) -> None:
        self._contrib[doc_id] = rows
        for key, entity_id, surface, label, count in rows:
            state = self._entities.get(entity_id)
            if state is None:
                state = self._entities[entity_id] = _EntityState(entity_id)
            state.labels[label] += count
            state.variants[surface] += count
            state.documents[doc_id] += count
            state.touch()
        for entity_id, surface in {(r[1], r[2]) for r in rows}:
            self._entities[entity_id].variant_docs[surface] += 1

    def _retract(self, doc_id: str) -> None:
        rows = self._contrib.pop(doc_id, None)
        if not rows:
            return
        def take(counter: Counter[str], item: str, n: int) -> None:
            counter[item] -= n
            if counter[item] <= 0:
                del counter[item]

        for key, entity_id, surface, label, count in rows:
            state = self._entities.get(entity_id)
            if state is not None:
                state.touch()
                take(state.labels, label, count)
                take(state.variants, surface, count)
                take(state.documents, doc_id, count)
        for entity_id, surface in {(r[1], r[2]) for r in rows}:
            if entity_id in self._entities:
                take(self._entities[entity_id].variant_docs, surface, 1)
