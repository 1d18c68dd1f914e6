"""dedup: near-duplicates (syndicated copies, re-posts) by MinHash-LSH over word shingles.

A document whose estimated Jaccard similarity to an earlier one (in canonical order:
published, then id) reaches `dedup.threshold` points at that document's original with
`duplicate_of` and gets the `duplicate` flag; copies of copies point at the earliest
original, whatever the order or batches the copies arrived in. Signatures
persist in the store, so later batches are compared with the whole archive
without re-reading it.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ..model import Document
from ..registry import Batch, Stage, stage

SHINGLE = 5
STATE = "minhash2"  # signatures made with crc32 shingle hashes (the first "minhash" used SHA-1)
SCHEME = "affine32"  # named explicitly: stored signatures must be read back with the same scheme
SEED = 1
KEYS = "minhash2-bands"  # LSH bucket key -> document, in the store's key index
META = "minhash2-meta"
LSH_WEIGHTS = (0.1, 0.9)  # (false positive, false negative) weights for choosing LSH bands
_WORD = re.compile(r"\w+")
# Documents re-decided together at most: a wire story copied 10,000 times must not cost
# 10,000 comparisons per copy (beyond it, the group is cut in breadth-first order).
GROUP_LIMIT = 64


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


@lru_cache(maxsize=8)
def _permutations(num_perm: int):
    # datasketch draws the permutations anew for every MinHash: 2-3 ms a document.
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def signature(text: str, num_perm: int) -> bytes:
    """MinHash signature of the text's word shingles, as compact uint32 bytes.

    crc32 stands in for datasketch's SHA-1: stable across processes and runs (so stored
    signatures stay comparable) and several times faster.
    """
    mh = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32,
                 permutations=_permutations(num_perm))
    mh.update_batch(list(shingles(text)))
    return mh.hashvalues.astype(np.uint32).tobytes()


def _minhash(sig: bytes, num_perm: int) -> LeanMinHash:
    values = np.frombuffer(sig, dtype=np.uint32).astype(np.uint64)
    if len(values) != num_perm:
        raise ValueError(f"stored MinHash has {len(values)} permutations, dedup.num_perm is {num_perm}")
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


@lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    # Recall-weighted bands: every candidate is verified against the threshold, so a missed
    # copy costs more than a spurious candidate (at 128 permutations a pair at Jaccard 0.875
    # is found 99% of the time instead of 83%). datasketch picks the (bands, rows) split.
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return [(i * lsh.r, (i + 1) * lsh.r) for i in range(lsh.b)]


def band_keys(sig: bytes, threshold: float, num_perm: int) -> list[str]:
    """One LSH bucket key per band: documents sharing any key are candidates."""
    values = np.frombuffer(sig, dtype=np.uint32)
    return [f"{i}:{zlib.crc32(values[a:b].tobytes()):08x}{zlib.adler32(values[a:b].tobytes()):08x}"
            for i, (a, b) in enumerate(_bands(threshold, num_perm))]


@stage("dedup", requires=["doc.text"], assigns=["doc.duplicate_of"])
class Dedup(Stage):
    """The LSH buckets live in the store's key index, not in memory: memory stays flat
    however large the archive grows, and every batch still sees all earlier documents."""

    def __init__(self, settings):
        super().__init__(settings)
        self.num_perm = settings.dedup.num_perm
        self.threshold = settings.dedup.threshold
        self._indexed = False

    def process(self, doc: Document) -> Document:
        doc.extra["_minhash"] = signature(doc.text, self.num_perm)
        return doc

    def _keys(self, sig: bytes) -> list[str]:
        return band_keys(sig, self.threshold, self.num_perm)

    def _index_stored(self, store) -> None:
        """Stores written before the buckets moved to the key index get them once."""
        if self._indexed:
            return
        self._indexed = True
        layout = repr(_bands(self.threshold, self.num_perm))
        if store.get_state(META, "bands") == layout:
            return
        stored = store.get_states(STATE)
        store.remove_keys(KEYS, list(stored))
        store.add_keys(KEYS, ((k, doc_id) for doc_id, v in stored.items()
                              for k in self._keys(bytes.fromhex(v["sig"]))))
        store.put_state(META, {"bands": layout})

    def process_batch(self, batch: Batch) -> None:
        """Mark duplicates so the result does not depend on arrival order or batches.

        Each new document's *group* (documents linked by LSH candidates at or above the
        threshold, transitively) is re-decided as if all its members had arrived together
        in canonical order (published, id): the earliest member is the original, each later
        one points at the root of its most similar earlier member. A stored copy whose
        original changes (an earlier copy arrived later) is re-pointed here, in the
        batch's transaction, and listed in `batch.notes["repointed"]` (id -> new original).
        """
        store = batch.store
        self._index_stored(store)
        fresh: dict[str, dict] = {}  # this batch's documents, not yet in the state table
        stored: dict[str, dict] = {}  # stored documents' states read (and maybe re-pointed) so far
        moved: set[str] = set()  # stored documents whose original changed
        replaced = set(store.get_states(STATE, [d.id for d in batch.documents]))
        if replaced:  # a new version replaces the old signature
            store.remove_keys(KEYS, sorted(replaced))
        for doc in batch.documents:
            sig = doc.extra.pop("_minhash", None) or signature(doc.text, self.num_perm)
            keys = self._keys(sig)
            if doc.id in fresh:  # the same id twice in one batch: the later version wins
                store.remove_keys(KEYS, [doc.id])
            fresh[doc.id] = {"sig": sig.hex(), "root": doc.id, "pub": doc.published}
            stored.pop(doc.id, None)
            store.add_keys(KEYS, ((k, doc.id) for k in keys))
            group = self._group(store, doc.id, fresh, stored)
            for member, (root, sim) in self._decide(group).items():
                state = group[member]
                if (state["root"], state.get("sim")) != (root, sim):
                    state["root"], state["sim"] = root, sim
                    if member not in fresh:
                        moved.add(member)
        for doc in batch.documents:
            self._mark(doc, fresh[doc.id])
        if moved:
            docs = list(store.iter_documents(sorted(moved)))
            for doc in docs:
                self._mark(doc, stored[doc.id])
            store.update_documents(docs, ("duplicate_of", "flags"))
            fresh.update({i: stored[i] for i in moved})
            # For the events stage: a stored document that is now a copy must stop counting
            # as an original of its event (it was clustered before its original arrived).
            batch.notes["repointed"] = {doc.id: doc.duplicate_of for doc in docs}
        store.put_state(STATE, fresh)

    @staticmethod
    def _mark(doc: Document, state: dict) -> None:
        doc.duplicate_of = state["root"] if state["root"] != doc.id else None
        doc.flags.pop("duplicate", None)
        if doc.duplicate_of:
            sim = state.get("sim") or 0.0
            doc.flag("duplicate", sim, [f"~{sim:.0%} of word 5-grams shared with {doc.duplicate_of}"])

    def _group(self, store, start: str, fresh: dict[str, dict], stored: dict[str, dict]) -> dict[str, dict]:
        """The documents linked to `start` (candidates at or above the threshold, transitively),
        at most GROUP_LIMIT of them, read through `fresh` then `stored` then the store."""
        group = {start: fresh[start]}
        queue = [start]
        while queue and len(group) < GROUP_LIMIT:
            current = queue.pop(0)
            sig = bytes.fromhex(group[current]["sig"])
            mh = _minhash(sig, self.num_perm)
            others = sorted({t for _, t in store.lookup_keys(KEYS, self._keys(sig))} - set(group))
            missing = [o for o in others if o not in fresh and o not in stored]
            if missing:
                states = store.get_states(STATE, missing)
                unknown = [o for o, v in states.items() if "pub" not in v]  # written before "pub" was kept
                if unknown:
                    published = {d.id: d.published for d in store.iter_documents(unknown)}
                    for o in unknown:
                        states[o]["pub"] = published.get(o)
                stored.update(states)
            for other in others:
                state = fresh.get(other) or stored.get(other)
                if state is None or len(group) >= GROUP_LIMIT:
                    continue
                if mh.jaccard(_minhash(bytes.fromhex(state["sig"]), self.num_perm)) >= self.threshold:
                    group[other] = state
                    queue.append(other)
        return group

    def _decide(self, group: dict[str, dict]) -> dict[str, tuple[str, float | None]]:
        """member -> (root, similarity to its closest earlier member), in canonical order."""
        order = sorted(group, key=lambda i: (group[i].get("pub") is None, group[i].get("pub") or "", i))
        hashes = {i: _minhash(bytes.fromhex(group[i]["sig"]), self.num_perm) for i in order}
        out: dict[str, tuple[str, float | None]] = {}
        for n, member in enumerate(order):
            best, best_sim = None, 0.0
            for earlier in order[:n]:
                sim = hashes[member].jaccard(hashes[earlier])
                root = out[earlier][0]
                if sim >= self.threshold and (sim > best_sim or (sim == best_sim and root < best)):
                    best, best_sim = root, sim
            out[member] = (best, round(best_sim, 3)) if best is not None else (member, None)
        return out
