"""Pick the speaker mention of an English attribution among nearby candidates.

Candidates are the source the tagger linked, other tagged sources of the
paragraph, names and organisations NER found around the cue, pronouns, and
the capitalised phrase that opens the cue's sentence. A logistic regression
over their position relative to the cue (`data/speaker-en.json`, trained on
a held-out slice of PolNeAR train by `train_linker.py`; weights only) scores
them, and the best one wins.
"""

from __future__ import annotations

import bisect
import json
from functools import lru_cache
from pathlib import Path

from storyline.model import EntityMention

from .base import Attribution, Span
from .tokens import Token

MODEL_PATH = Path(__file__).parent / "data" / "speaker-en.json"

PRONOUNS = {"he", "she", "they", "i", "we", "who", "it", "you"}
_PREPOSITIONS = {
    "with", "to", "by", "of", "for", "at", "in", "on", "from", "about", "against", "than",
    "like", "as", "into", "over", "under", "between", "toward", "towards",
}  # fmt: skip
_LABELS = {"PERSON", "PER", "ORG", "NORP", "GPE"}
_OPENERS = {
    "the", "a", "an", "in", "on", "at", "but", "and", "as", "when", "after", "before",
    "if", "while", "for", "with", "this", "that", "it", "there", "so", "yet", "since",
}  # fmt: skip


def _bucket(d: int) -> str:
    if d <= 0:
        return "0"
    if d <= 2:
        return str(d)
    if d <= 5:
        return "3-5"
    if d <= 10:
        return "6-10"
    if d <= 20:
        return "11-20"
    return "far"


class Candidates:
    """Speaker candidates of one document's attributions."""

    def __init__(self, text: str, tokens: list[Token], entities: list[EntityMention]):
        self.text = text
        self.tokens = tokens
        self.starts = [t.start for t in tokens]
        self.entities = sorted((e for e in entities if e.label in _LABELS), key=lambda e: e.start)
        self.ent_starts = [e.start for e in self.entities]
        # First and last token of each sentence.
        self.sent_first: dict[int, int] = {}
        self.sent_last: dict[int, int] = {}
        for i, t in enumerate(tokens):
            self.sent_first.setdefault(t.sent, i)
            self.sent_last[t.sent] = i

    def _tok(self, pos: int) -> int:
        """Index of the token that contains or follows char `pos`."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return max(i, 0)

    def of(self, att: Attribution) -> list[tuple[Span, list[str]]]:
        """(speaker span, features) for each candidate of `att`."""
        toks = self.tokens
        if not toks:
            return []
        anchor = att.cue or att.hull
        a0, a1 = self._tok(anchor[0]), self._tok(max(anchor[0], anchor[1] - 1))
        sent = toks[a0].sent
        pieces = att.content
        spans: dict[Span, str] = {}
        if att.source is not None:
            spans[att.source] = "linked" if att.extra.get("tagged_source") else "rule"
        for s in att.extra.get("sources", []):
            spans.setdefault(s, "tagged")
        # Sentences around the cue: its own and the one before (and after, with no cue).
        lo_sent, hi_sent = sent - 1, sent + (0 if att.cue else 1)
        lo = self._sent_start(lo_sent)
        hi = self._sent_end(hi_sent)
        i = bisect.bisect_left(self.ent_starts, lo)
        while i < len(self.entities) and self.entities[i].start < hi:
            e = self.entities[i]
            spans.setdefault((e.start, e.end), "ent:" + ("PERSON" if e.label == "PER" else e.label))
            i += 1
        for k in range(self._tok(lo), len(toks)):
            t = toks[k]
            if t.start >= hi:
                break
            w = t.text.lower()
            if w in PRONOUNS:
                spans.setdefault((t.start, t.end), "pron:" + w)
        np = self._opening_phrase(sent)
        if np is not None:
            spans.setdefault(np, "np")
        out = []
        for span, kind in spans.items():
            if any(s <= span[0] < e for s, e in pieces):
                continue
            out.append((span, self._features(span, kind, att, a0, a1, sent)))
        return out

    def _sent_start(self, sent: int) -> int:
        i = self.sent_first.get(sent)
        if i is None:
            return self.tokens[0].start if sent < self.tokens[0].sent else len(self.text)
        return self.tokens[i].start

    def _sent_end(self, sent: int) -> int:
        i = self.sent_last.get(sent)
        if i is None:
            return len(self.text) if sent > self.tokens[-1].sent else 0
        return self.tokens[i].end

    def _opening_phrase(self, sent: int) -> Span | None:
        toks = self.tokens
        if sent not in self.sent_first:
            return None
        idx = range(self.sent_first[sent], self.sent_last[sent] + 1)
        j = idx[0]
        if toks[j].text.lower() in _OPENERS:
            comma = next((i for i in idx if toks[i].text == ","), None)
            if comma is None or comma + 1 > idx[-1]:
                return None
            j = comma + 1
        if not toks[j].text[:1].isupper():
            return None
        k = j
        while k + 1 <= idx[-1] and toks[k + 1].text[:1].isupper():
            k += 1
        return toks[j].start, toks[k].end

    def _features(
        self, span: Span, kind: str, att: Attribution, a0: int, a1: int, sent: int
    ) -> list[str]:
        toks = self.tokens
        c0 = self._tok(span[0])
        c1 = self._tok(max(span[0], span[1] - 1))
        if c1 < a0:
            side, dist = "before", a0 - c1 - 1
        elif c0 > a1:
            side, dist = "after", c0 - a1 - 1
        else:
            side, dist = "over", 0
        hull = att.hull
        in_hull = hull[0] <= span[0] < hull[1]
        csent = toks[c0].sent
        rel = "same" if csent == sent else "prev" if csent < sent else "next"
        prev = toks[c0 - 1].text.lower() if c0 > 0 else "#"
        nxt = toks[c1 + 1].text.lower() if c1 + 1 < len(toks) else "#"
        d = _bucket(dist)
        k = kind.split(":")[0]
        f = [
            "bias",
            "k=" + kind,
            "side=" + side,
            "d=" + d,
            "k|side=%s|%s" % (k, side),
            "k|side|d=%s|%s|%s" % (k, side, d),
            "rel=" + rel,
            "k|rel=%s|%s" % (k, rel),
            "cue" if att.cue else "nocue",
        ]
        if in_hull:
            f.append("in_hull")
        if prev in _PREPOSITIONS:
            f.append("after_prep")
        if prev in {",", '"', "”", "''", "»", "’"}:
            f.append("prev=" + ("," if prev == "," else "mark"))
        if nxt in {",", "'s", "’s", "'", "’"}:
            f.append("next=" + nxt)
        if att.cue is not None and c1 + 1 == a0:
            f.append("adjacent_cue")
        if c0 == 0 or toks[c0 - 1].sent != csent:
            f.append("sent_initial")
        if att.source is not None:
            f.append("has_source")
        if att.source == span:
            f.append("is_source")
        return f


@lru_cache(maxsize=1)
def weights() -> dict[str, float] | None:
    """The trained weights, or None when the file is not installed."""
    try:
        return json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def choose(cands: list[tuple[Span, list[str]]]) -> Span | None:
    """The best-scoring candidate span."""
    w = weights()
    if w is None or not cands:
        return None
    return max(cands, key=lambda c: (sum(w.get(f, 0.0) for f in c[1]), -c[0][0]))[0]
