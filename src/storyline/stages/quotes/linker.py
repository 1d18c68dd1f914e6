"""Pick the speaker mention of an English attribution among nearby candidates.

Candidates are the source the tagger linked (or the rules found), other tagged
sources of the paragraph, names and organisations NER found around the cue,
pronouns, role phrases ("the spokeswoman", "his nephew"), the capitalised
phrase that opens the cue's sentence, the mention the hand-written heuristic
picks (`extract._speaker_mention`), the phrase after an inverted cue (`…,” says the
film's voice-over`), the speaker of the previous quote (a quote paragraph with no cue
continues it) and the source of the next attribution (a quote paragraph whose cue
comes in the next one). A linear model over their kind, their position relative to
the cue, whether they are the subject of a report wrapping the attribution
(`…, the Courier reported`) and how likely the tagger finds them a source (its marginals;
`data/speaker-en.json`, trained on
held-out slices of PolNeAR train by `train_linker.py`, listwise: a softmax over
each attribution's candidates; weights only) scores them, and the best one wins.
"""

from __future__ import annotations

import bisect
import json
from functools import lru_cache
from pathlib import Path

from storyline.model import EntityMention

from .base import Attribution, Span
from .tokens import Token, distance_bucket

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
_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "one", "another", "some", "many"}
# Head nouns of people a text can quote without a name.
ROLE_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "spokespeople", "aide", "aides", "official",
    "officials", "adviser", "advisers", "advisor", "advisors", "source", "sources", "campaign",
    "statement", "report", "poll", "polls", "survey", "study", "analysis", "memo", "letter",
    "lawsuit", "complaint", "ad", "editorial", "website", "audience", "crowd", "supporters",
    "critics", "voters", "experts", "analysts", "strategist", "strategists", "economists",
    "lawmakers", "republicans", "democrats", "senator", "governor", "president", "candidate",
    "nominee", "leader", "leaders", "minister", "secretary", "director", "chairman",
    "chairwoman", "chair", "friend", "nephew", "niece", "son", "daughter", "wife", "husband",
    "mother", "father", "brother", "sister", "neighbor", "resident", "residents", "woman",
    "man", "people", "group", "organization", "administration", "department", "agency",
    "court", "judge", "lawyer", "attorney", "attorneys", "lawyers", "prosecutors", "police",
    "reporter", "reporters", "columnist", "host", "author", "authors", "researchers",
    "scientists", "professor", "veteran", "member", "members", "team", "staff", "staffers",
    "office", "board", "committee", "paper", "newspaper", "network", "pollster", "pollsters",
    "manager", "chief", "ceo", "executive", "founder", "activist", "activists", "protesters",
}  # fmt: skip
# The order a candidate's kinds are named in its features (the first is its main kind).
_KIND_ORDER = ("linked", "rule", "tagged", "ent", "pron", "role", "np", "inv", "heur", "prev", "next")
# Words after which a cue's subject follows it (`," said X`, `, reported X`).
_INVERTING = {",", '"', "”", "''", "»", "’"}


def candidate_words(tokens: list[Token]) -> list[bool]:
    """Per token, can it be part of a speaker candidate's head: a capitalised word
    (names, opening phrases), a pronoun or a role noun. The source marginal
    feature reads these only."""
    return [t.text[:1].isupper() or t.text.lower() in PRONOUNS or t.text.lower() in ROLE_NOUNS for t in tokens]


def _bucket(d: int) -> str:
    return distance_bucket(max(d, 0))


class Candidates:
    """Speaker candidates of one document's attributions.

    Args:
        text: the document text.
        tokens: its tokens (`tokens.tokenize`).
        entities: its NER mentions.
        quoted: per token, 0 outside quotation marks (see `tagger.quote_states`);
            a pronoun inside another quote is rarely a speaker.
        cue_words: words that read as speech verbs (subject before, `said X` after).
    """

    def __init__(
        self,
        text: str,
        tokens: list[Token],
        entities: list[EntityMention],
        quoted: list[int] | None = None,
        cue_words: set[str] | None = None,
        source_prob: list[float] | None = None,
    ):
        self.text = text
        self.tokens = tokens
        self.lower = [t.text.lower() for t in tokens]
        self.starts = [t.start for t in tokens]
        self.entities = sorted((e for e in entities if e.label in _LABELS), key=lambda e: e.start)
        self.ent_starts = [e.start for e in self.entities]
        self.quoted = quoted or [0] * len(tokens)
        self.cue_words = cue_words or set()
        self.source_prob = source_prob
        self._persons: list[bool] | None = None  # per token, see `_person_at`
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

    def para_of(self, pos: int) -> int:
        """Paragraph index of the token at char `pos`."""
        return self.tokens[self._tok(pos)].para if self.tokens else 0

    def of(
        self, att: Attribution, extra: dict[Span, list[str]] | None = None, context: list[str] | None = None
    ) -> list[tuple[Span, list[str]]]:
        """(speaker span, features) for each candidate of `att`.

        `extra` adds candidates (or kinds of a candidate) the caller knows:
        `heur`, `prev`, `next`; `context` adds features every candidate shares
        with its kind (e.g. how many paragraphs back the previous quote is).
        """
        toks = self.tokens
        if not toks:
            return []
        anchor = att.cue or att.hull
        a0, a1 = self._tok(anchor[0]), self._tok(max(anchor[0], anchor[1] - 1))
        sent = toks[a0].sent
        pieces = att.content
        spans: dict[Span, list[str]] = {}

        def add(span: Span, kind: str) -> None:
            kinds = spans.setdefault(span, [])
            if kind not in kinds:
                kinds.append(kind)

        if att.source is not None:
            add(att.source, "linked" if att.extra.get("tagged_source") else "rule")
        for s in att.extra.get("sources", []):
            add(s, "tagged")
        # Sentences around the cue: its own and the one before (and after, with no cue).
        lo_sent, hi_sent = sent - 1, sent + (0 if att.cue else 1)
        lo = self._sent_start(lo_sent)
        hi = self._sent_end(hi_sent)
        i = bisect.bisect_left(self.ent_starts, lo)
        while i < len(self.entities) and self.entities[i].start < hi:
            e = self.entities[i]
            add((e.start, e.end), "ent:" + ("PERSON" if e.label == "PER" else e.label))
            i += 1
        for k in range(self._tok(lo), len(toks)):
            t = toks[k]
            if t.start >= hi:
                break
            w = self.lower[k]
            if w in PRONOUNS:
                add((t.start, t.end), "pron:" + w)
            elif w in ROLE_NOUNS and not t.text[:1].isupper():
                role = self._role_phrase(k)
                if role is not None:
                    add(role, "role")
        np = self._opening_phrase(sent)
        if np is not None:
            add(np, "np")
        if INVERTED and att.cue is not None:
            inv = self._inverted_subject(a0, a1)
            if inv is not None:
                add(inv, "inv")
        for span, kinds in (extra or {}).items():
            for kind in kinds:
                add(span, kind)
        out = []
        for span, kinds in spans.items():
            inside = any(s <= span[0] < e for s, e in pieces) and not ({"prev", "next"} & set(kinds))
            if inside and not (FEATURES >= 3 and att.cue is not None and self._at_cue(span, a0, a1)):
                continue
            feats = self._features(span, kinds, att, a0, a1, sent, context or [])
            if inside:
                feats.append("in_content")
            if FEATURES >= 4:
                feats = _cross(feats)
            out.append((span, feats))
        return out

    def _at_cue(self, span: Span, a0: int, a1: int) -> bool:
        """Is `span` outside quotation marks and right next to the cue? The tagger
        can read the source of an interrupted quote as content (`"X," said
        Dunn, speaking of the budget, "Y"`)."""
        c0 = self._tok(span[0])
        c1 = self._tok(max(span[0], span[1] - 1))
        return not self.quoted[c0] and (c0 == a1 + 1 or c1 == a0 - 1)

    def _inverted_subject(self, a0: int, a1: int) -> Span | None:
        """`…,” says the film's voice-over`, `…, reported the Harbour Chronicle`: the
        phrase right after a cue that follows a comma or a closing quotation mark,
        up to the next punctuation (its inverted subject, which may be no name)."""
        toks, low = self.tokens, self.lower
        if a0 == 0 or low[a0 - 1] not in _INVERTING or a1 + 1 >= len(toks):
            return None
        j = a1 + 1
        if self.quoted[j] or toks[j].sent != toks[a1].sent or not toks[j].text[:1].isalnum():
            return None
        k = j
        while (k + 1 < len(toks) and k + 1 - j < 8 and toks[k + 1].sent == toks[j].sent
               and (toks[k + 1].text[:1].isalnum() or low[k + 1] in ("'s", "’s", "-"))):
            k += 1
        return toks[j].start, toks[k].end

    def _role_phrase(self, k: int) -> Span | None:
        """`the spokeswoman`, `his nephew Michery el Soheil`: determiner, modifiers, role noun, name."""
        toks, low = self.tokens, self.lower
        j = k
        while j - 1 >= 0 and toks[j - 1].sent == toks[k].sent and k - (j - 1) <= 4:
            w = low[j - 1]
            if w in _DETERMINERS:
                j -= 1
                break
            if not w[:1].isalpha() or w in self.cue_words or w in _PREPOSITIONS:
                break
            j -= 1
        e = k
        while e + 1 < len(toks) and toks[e + 1].sent == toks[k].sent and toks[e + 1].text[:1].isupper():
            e += 1  # a name after the role
        return toks[j].start, toks[e].end

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
        self, span: Span, kinds: list[str], att: Attribution, a0: int, a1: int, sent: int, context: list[str]
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
        prev = self.lower[c0 - 1] if c0 > 0 else "#"
        nxt = self.lower[c1 + 1] if c1 + 1 < len(toks) else "#"
        d = _bucket(dist)
        order = sorted(kinds, key=lambda k: _KIND_ORDER.index(k.split(":")[0]))
        kind = order[0]
        k = kind.split(":")[0]
        cue = "cue" if att.cue else "nocue"
        f = [
            "bias",
            "k=" + kind,
            "side=" + side,
            "d=" + d,
            "k|side=%s|%s" % (k, side),
            "k|side|d=%s|%s|%s" % (k, side, d),
            "rel=" + rel,
            "k|rel=%s|%s" % (k, rel),
            cue,
            "k|cue=%s|%s" % (k, cue),
        ]
        for other in order:
            o = other.split(":")[0]
            f.append("has=" + o)
            f.append("has|cue=%s|%s" % (o, cue))
            if o in ("prev", "next"):
                f.extend("%s|%s" % (o, c) for c in context if c.startswith(o) or not c.startswith(("prev", "next")))
        if len(order) > 1:
            f.append("multi")
        if in_hull:
            f.append("in_hull")
        if self.quoted[c0]:
            f.append("quoted")
        if prev in _PREPOSITIONS:
            f.append("after_prep")
        elif prev in _DETERMINERS and c0 > 1 and self.lower[c0 - 2] in _PREPOSITIONS:
            f.append("after_prep")  # "told the Press", "to the crowd"
        if prev in {",", '"', "”", "''", "»", "’"}:
            f.append("prev=" + ("," if prev == "," else "mark"))
        if nxt in {",", "'s", "’s", "'", "’"}:
            f.append("next=" + nxt)
        # Subject of a speech verb (`X said`, `X, who …, said`) or its inverted subject.
        after = c1 + 1
        while after < len(toks) and after <= c1 + 3 and self.lower[after] in {"has", "had", "have", "also", "then", "later", "was", "is"}:
            after += 1
        if after < len(toks) and self.lower[after] in self.cue_words:
            f.append("before_cueword")
        if c0 > 0 and self.lower[c0 - 1] in self.cue_words:
            f.append("after_cueword")
        if att.cue is not None and c1 + 1 == a0:
            f.append("adjacent_cue")
        if c0 == 0 or toks[c0 - 1].sent != csent:
            f.append("sent_initial")
        if att.source is not None:
            f.append("has_source")
        if att.source == span:
            f.append("is_source")
        if FEATURES >= 2:
            f.extend(self._clause_features(c0, c1, k, side, a0, a1, csent, sent))
        if FEATURES >= 3:
            f.extend(self._trail_features(c0, c1, k, att))
        if FEATURES >= 5 and self.source_prob is not None:
            f.extend(self._marginal_features(c0, c1, k))
        if FEATURES >= 6 and att.cue is not None and csent == sent:
            f.extend(self._outer_features(c0, c1, k, att, a0, a1))
        for c in context:
            if not c.startswith(("prev", "next")):
                f.append("ctx=" + c)
                f.append("k|ctx=%s|%s" % (k, c))
        return f

    def _marginal_features(self, c0: int, c1: int, k: str) -> list[str]:
        """How likely the tagger finds the candidate a source (its best token's
        marginal), also where its best path tagged something else."""
        p = max(self.source_prob[c0 : c1 + 1])
        b = "0" if p < 0.02 else "1" if p < 0.1 else "2" if p < 0.3 else "3" if p < 0.6 else "4" if p < 0.9 else "5"
        return ["srcp=" + b, "srcp|k=%s|%s" % (b, k)]

    def _outer_features(self, c0: int, c1: int, k: str, att: Attribution, a0: int, a1: int) -> list[str]:
        """Is the candidate the subject of another speech clause of the cue's sentence
        that wraps the attribution (`…, Dunn described how …, the Courier reported`,
        `According to X, …`, `X reported that Y said …`)? PolNeAR names the outer source."""
        low, toks = self.lower, self.tokens
        if c0 >= 2 and low[c0 - 2] == "according" and low[c0 - 1] == "to":
            verb, how = c0 - 2, "according"
        else:
            verb = c1 + 1
            while verb < len(low) and verb <= c1 + 3 and low[verb] in _AUX:
                verb += 1
            if verb >= len(low) or low[verb] not in _REPORTING or toks[verb].sent != toks[c0].sent:
                return []
            how = "report"
        if a0 <= verb <= a1:
            return []
        hull_end = self._tok(max(att.hull[1] - 1, 0))
        where = "after" if c0 > hull_end else "before" if c1 < a0 else "inside"
        nxt = low[verb + 1] if verb + 1 < len(low) and toks[verb + 1].sent == toks[verb].sent else "#"
        tail = "end" if nxt in ("#", ".", "!", "?") else "that" if nxt == "that" else "," if nxt == "," else "other"
        return ["outer", "outer=%s|%s" % (how, where), "outer=%s|%s|%s" % (how, where, tail), "outer|k=%s|%s" % (how, k)]

    def _person_at(self, i: int) -> bool:
        """Is token i a person: the first token of a PERSON name, or a subject pronoun?"""
        if self._persons is None:
            starts = {e.start for e in self.entities if e.label in ("PERSON", "PER")}
            self._persons = [
                t.start in starts or (w in PRONOUNS and w not in ("it", "who"))
                for t, w in zip(self.tokens, self.lower)
            ]
        return self._persons[i]

    def _clause_features(self, c0: int, c1: int, k: str, side: str, a0: int, a1: int, csent: int, sent: int) -> list[str]:
        """Where the candidate sits in the cue's clause: the cue's subject is often far
        from it (`X, who …, rejected …, arguing "…"`), while a nearer name is an object."""
        f = []
        cue = self.lower[a0]
        form = "ing" if cue.endswith("ing") else "ed" if cue.endswith("ed") or cue in ("said", "told", "wrote") else "s" if cue.endswith("s") else "other"
        f.append("cueform=" + form)
        f.append("cueform|k|side=%s|%s|%s" % (form, k, side))
        if side == "before" and csent == sent:
            between = [i for i in range(c1 + 1, a0) if self._person_at(i)]
            n = len(between)
            b = "0" if n == 0 else "1" if n == 1 else "2+"
            f.append("between=" + b)
            f.append("between|k=%s|%s" % (b, k))
            f.append("between|cueform=%s|%s" % (b, form))
            commas = sum(1 for i in range(c1 + 1, a0) if self.lower[i] == ",")
            cb = "0" if commas == 0 else "1" if commas == 1 else "2+"
            f.append("commas=" + cb)
            f.append("commas|cueform=%s|%s" % (cb, form))
            # The first person of the sentence (past a fronted phrase): its subject.
            first = self.sent_first.get(sent, c0)
            if not any(self._person_at(i) for i in range(first, c0)):
                f.append("first_person")
                f.append("first_person|cueform=" + form)
                f.append("first_person|between=" + b)
            # Another speech verb between the candidate and the cue: its own clause.
            if any(self.lower[i] in self.cue_words for i in range(c1 + 1, a0)):
                f.append("verb_between")
        nxt = c1 + 1
        if nxt < len(self.tokens) and self.lower[nxt] == ",":
            nxt += 1
        if nxt < len(self.tokens) and self.lower[nxt] in ("who", "whose"):
            f.append("who_after")
        return f


    def _trail_features(self, c0: int, c1: int, k: str, att: Attribution) -> list[str]:
        """A speech clause right after the content (`…," said X`, `… X said.`,
        `…, according to X`) names the speaker even when the tagger linked the
        content to another cue before it (`the firm issued a notice …, said Y`)."""
        end = att.hull[1]
        e = self._tok(max(end - 1, 0))
        if self.tokens[e].end > end or c0 <= e:
            return []
        gap = [i for i in range(e + 1, c0) if self.lower[i] not in _PUNCT_GAP]
        if len(gap) > 3 or any(self.tokens[i].sent != self.tokens[c0].sent for i in gap):
            return []
        low = self.lower
        verb_before = any(low[i] in self.cue_words for i in gap)
        according = c0 >= 2 and low[c0 - 2] == "according" and low[c0 - 1] == "to"
        after = c1 + 1
        while after < len(low) and after <= c1 + 3 and low[after] in _AUX:
            after += 1
        verb_after = not gap and after < len(low) and low[after] in self.cue_words
        if not (verb_before or according or verb_after):
            return []
        how = "according" if according else "verb_before" if verb_before else "verb_after"
        cue_first = att.cue is not None and att.cue[1] <= att.hull[0]
        return ["trail", "trail=" + how, "trail|k=%s|%s" % (how, k), "trail|cuefirst=%s" % cue_first]


# Features whose weight depends on the candidate's kind: a name right before the
# cue is its subject, a pronoun there may be the object of another verb.
_CROSS = {
    "adjacent_cue", "sent_initial", "after_prep", "prev=,", "prev=mark", "next=,", "before_cueword",
    "after_cueword", "quoted", "in_hull", "first_person", "who_after", "trail", "in_content",
    "has_source", "is_source", "multi",
}  # fmt: skip
_CROSS_PREFIX = {"cueform", "between", "commas", "side", "rel", "first_person|cueform"}


def _cross(feats: list[str]) -> list[str]:
    """`feats` plus each of the `_CROSS` features joined with the candidate's kind."""
    kind = next((x[2:].split(":")[0] for x in feats if x.startswith("k=")), "?")
    return feats + [kind + "&" + x for x in feats if x in _CROSS or x.split("=")[0] in _CROSS_PREFIX]


_PUNCT_GAP = {",", '"', "”", "''", "’", "»", "—", "–", "-", "(", ")"}
_AUX = {"has", "had", "have", "also", "then", "later", "was", "is", "would", "will"}
# Verbs of reports that wrap another attribution (`…, the Courier reported`); with any
# speech verb instead, the same speaker accuracy on train (7-fold).
_REPORTING = {"reported", "reports", "report", "reporting", "wrote", "writes", "told", "tells"}

# Version of the linker's feature set (`Candidates._features`) the shipped weights use.
# 5: the tagger's source marginal (`_marginal_features`); on PolNeAR train, 7-fold by
# slice, speaker accuracy 0.9362 -> 0.9374.
# 6: the candidate is the subject of a report wrapping the attribution
# (`_outer_features`): 0.9379 -> 0.9388, joint F1 0.8195 -> 0.8203.
FEATURES = 6
# The phrase after an inverted cue as a candidate (`Candidates._inverted_subject`):
# with feature set 5, 0.9374 -> 0.9379 on train, 7-fold.
INVERTED = True

FROM_FILE = "file"
_override: dict[str, float] | None | str = FROM_FILE


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, float] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def weights() -> dict[str, float] | None:
    """The trained weights, or None when the file is not installed."""
    if _override != FROM_FILE:
        return _override  # type: ignore[return-value]
    return _load(MODEL_PATH)


def use_weights(value: dict[str, float] | None | str) -> None:
    """Use these weights in this process (None: none, the heuristics; FROM_FILE: the file)."""
    global _override
    _override = value


def score(feats: list[str]) -> float:
    w = weights() or {}
    return sum(w.get(f, 0.0) for f in feats)


def choose(cands: list[tuple[Span, list[str]]]) -> Span | None:
    """The best-scoring candidate span."""
    w = weights()
    if w is None or not cands:
        return None
    return max(cands, key=lambda c: (sum(w.get(f, 0.0) for f in c[1]), -c[0][0]))[0]
