"""dedup: near-duplicates (syndicated copies, re-posts) by MinHash-LSH over word shingles.

A document whose estimated Jaccard similarity to an earlier one reaches
`dedup.threshold` points at that document's original with `duplicate_of` and gets
the `duplicate` flag; copies of copies point at the first original. Signatures
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
LSH_WEIGHTS = (0.1, 0.9)  # (false positive, false negative) weights for choosing LSH bands
_WORD = re.compile(r"\w+")


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


@stage("dedup", requires=["doc.text"], assigns=["doc.duplicate_of"])
class Dedup(Stage):
    def __init__(self, settings):
        super().__init__(settings)
        self.num_perm = settings.dedup.num_perm
        self.threshold = settings.dedup.threshold
        self._lsh: MinHashLSH | None = None
        self._sigs: dict[str, bytes] = {}
        self._roots: dict[str, str] = {}  # doc id -> its original

    def process(self, doc: Document) -> Document:
        doc.extra["_minhash"] = signature(doc.text, self.num_perm)
        return doc

    def _load(self, batch: Batch) -> MinHashLSH:
        if self._lsh is None:
            # Recall-weighted bands: every candidate is verified against the threshold, so a
            # missed copy costs more than a spurious candidate (at 128 permutations a pair at
            # Jaccard 0.875 is found 99% of the time instead of 83%).
            self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm, weights=LSH_WEIGHTS)
            for doc_id, value in batch.store.get_states(STATE).items():
                sig, root = value["sig"], value["root"]
                self._sigs[doc_id] = bytes.fromhex(sig)
                self._roots[doc_id] = root
                self._lsh.insert(doc_id, _minhash(self._sigs[doc_id], self.num_perm))
        return self._lsh

    def process_batch(self, batch: Batch) -> None:
        lsh = self._load(batch)
        changed = {}
        for doc in batch.documents:
            sig = doc.extra.pop("_minhash", None) or signature(doc.text, self.num_perm)
            mh = _minhash(sig, self.num_perm)
            if doc.id in self._sigs:  # a new version replaces the old signature
                lsh.remove(doc.id)
            best, best_sim = None, 0.0
            for other in lsh.query(mh):
                sim = mh.jaccard(_minhash(self._sigs[other], self.num_perm))
                root = self._roots.get(other, other)
                if sim >= self.threshold and (sim > best_sim or (sim == best_sim and root < best)):
                    best, best_sim = root, sim
            doc.duplicate_of = best if best != doc.id else None
            doc.flags.pop("duplicate", None)
            if doc.duplicate_of:
                doc.flag("duplicate", best_sim, [f"~{best_sim:.0%} of word 5-grams shared with {best}"])
            self._sigs[doc.id] = sig
            self._roots[doc.id] = doc.duplicate_of or doc.id
            lsh.insert(doc.id, mh)
            changed[doc.id] = {"sig": sig.hex(), "root": self._roots[doc.id]}
        batch.store.put_state(STATE, changed)
