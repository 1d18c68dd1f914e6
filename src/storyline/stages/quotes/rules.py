"""Rule-based attribution finder for English, French and Spanish.

Used for every language without a trained tagger (and for English when the
model is missing). It reads the text as tokens and finds:

- quoted segments with a cue next to them: `"…," Source cue`, `"…," cue
  Source`, `Source cue: "…"`, French inversions (`a-t-il dit`, `dit-elle`),
  interrupted quotes (`"X," he said, "Y."` is one attribution) and the
  quote sentences that follow a cue in the same paragraph;
- indirect speech: `Source cue (that|que) …`, `According to|Selon|Según
  Source, …`;
- quotes without marks, as machine translation leaves them:
  `We simply ask them …, Pompeo said` and `…, said Pompeo.` (direct when the
  clause speaks in the first or second person or the cue is inverted).
"""

from __future__ import annotations

import bisect
import re

from storyline.model import EntityMention

from . import tagger
from .base import Attribution as _Attribution
from .base import Span
from .marks import Segment
from .speakers import ALL_PRONOUNS, ROLE_WORDS
from .tokens import Token

# Reporting verbs, inflected as they appear. Base lists are short on purpose:
# precision matters more than coverage for the rule path.
_EN_STEMS = (
    "say said says saying tell told tells telling add added adds adding ask asked asks "
    "asking write wrote writes writing tweet tweeted tweets explain explained explains note "
    "noted notes noting argue argued argues arguing insist insisted insists warn warned warns "
    "warning declare declared declares state stated states announce announced announces "
    "claim claimed claims reply replied replies respond responded responds continue continued "
    "continues conclude concluded recall recalled recalls acknowledge acknowledged admit "
    "admitted stress stressed emphasize emphasized emphasised suggest suggested suggests "
    "predict predicted promise promised pledge pledged urge urged quip quipped joke joked "
    "exclaim exclaimed remark remarked observe observed comment commented complain complained "
    "assert asserted maintain maintained contend contended deny denied confirm confirmed "
    "report reported reports estimate estimated believe believes believed think thinks thought "
    "affirm affirmed reiterate reiterated"
)
_FR_STEMS = (
    "dit dire déclaré déclare affirmé affirme ajouté ajoute expliqué explique souligné souligne "
    "estimé estime indiqué indique assuré assure précisé précise lancé lance martelé martèle "
    "insisté insiste averti avertit déploré déplore répondu répond poursuivi poursuit confié "
    "confie reconnu reconnaît annoncé annonce écrit tweeté demandé demande rappelé rappelle "
    "jugé juge dénoncé dénonce plaidé plaide prévenu prévient noté note réagi réagit "
    "observé observe commenté commente regretté regrette raconté raconte résumé résume témoigné "
    "témoigne défendu défend"
)
_ES_STEMS = (
    "dijo dice dicho afirmó afirma afirmado declaró declara declarado aseguró asegura asegurado "
    "añadió añade agregó agrega explicó explica señaló señala indicó indica sostuvo sostiene "
    "advirtió advierte subrayó subraya manifestó manifiesta expresó expresa comentó comenta "
    "apuntó apunta destacó destaca insistió insiste respondió responde preguntó pregunta "
    "escribió escribe tuiteó anunció anuncia reconoció reconoce recordó recuerda denunció "
    "denuncia admitió admite defendió defiende relató relata contó resumió resume"
)
CUE_WORDS = {
    "en": set(_EN_STEMS.split()),
    "fr": set(_FR_STEMS.split()),
    "es": set(_ES_STEMS.split()),
}
# Verbs that report speech rather than thought; only these make a mark-less quote.
_SPEECH = {
    "said", "says", "told", "added", "wrote", "tweeted", "declared", "stated", "insisted",
    "explained", "noted", "argued", "warned", "replied", "responded", "continued",
    "dit", "déclaré", "déclare", "affirmé", "affirme", "ajouté", "ajoute", "expliqué",
    "souligné", "lancé", "martelé", "insisté", "assuré", "estimé", "indiqué", "précisé",
    "dijo", "afirmó", "declaró", "aseguró", "añadió", "agregó", "explicó", "señaló",
    "sostuvo", "advirtió", "subrayó", "manifestó", "indicó", "expresó", "raconte", "raconté",
    "résumé", "témoigne", "defendió", "relató", "contó",
}  # fmt: skip
# Machine translation keeps the French/Spanish historic present (`…, tells X`,
# `…, she adds`): a content-first clause with such a cue is a quote that lost its marks.
_HISTORIC_PRESENT = {
    "tells", "adds", "declares", "states", "insists", "explains", "notes", "warns", "replies",
}  # fmt: skip
_SPEECH |= _HISTORIC_PRESENT
# A learned cue word must be a cue this often (share of its uses in PolNeAR train).
LEARNED_CUE = 0.6
_AUX = {
    "has", "have", "had", "also", "then", "later", "again", "a", "ont", "avait", "aussi",
    "encore", "ha", "han", "había", "también", "will", "would", "va",
}  # fmt: skip
# `According to X, …` in each language (lower-case token sequences).
_ACCORDING = {
    "en": [("according", "to")],
    "fr": [("selon",), ("d'après",), ("d’après",)],
    "es": [("según",), ("de", "acuerdo", "con")],
}
_THAT = {"that", "que", "qu", "qu'", "qu’"}
# Cue words that are also plural nouns, and the words that make them one.
_PLURAL_NOUNS = {"states", "reports", "claims", "notes", "comments", "remarks", "replies", "promises", "thoughts"}
_NOUN_BEFORE = {
    "the", "a", "an", "these", "those", "many", "other", "all", "both", "some", "several", "few",
    "of", "in", "his", "her", "their", "our", "its", "such", "news", "media", "two", "three",
}  # fmt: skip
_INVERTED = re.compile(r"^(\w+)-(?:t-)?(il|elle|ils|elles|on)$", re.I)
_FIRST_PERSON = {
    "en": {"i", "we", "us", "our", "my", "me", "you", "your", "let's"},
    "fr": {"je", "nous", "notre", "nos", "mon", "ma", "mes", "vous", "votre", "j"},
    "es": {"yo", "nosotros", "nuestro", "nuestra", "nuestros", "mi", "mis", "usted", "ustedes"},
}
_DETERMINERS = {
    "the", "a", "an", "his", "her", "its", "their", "le", "la", "les", "l", "un", "une",
    "el", "los", "las", "uno", "una", "su", "sus", "son", "sa", "ses", "leur",
}  # fmt: skip
_MARKS = {'"', "“", "”", "«", "»", "„", "''"}
_TITLES = {"mr", "mrs", "ms", "dr", "m", "mme", "sr", "sra", "gen", "sen", "rep", "gov", "president"}


def _lang(language: str) -> str:
    return language if language in CUE_WORDS else "en"


class _Doc:
    """Token helpers for one document."""

    def __init__(self, text: str, tokens: list[Token], entities: list[EntityMention], lang: str):
        self.text = text
        self.tokens = tokens
        self.lang = lang
        self.lower = [t.text.lower() for t in tokens]
        self.starts = [t.start for t in tokens]
        # English also trusts the cue words PolNeAR train taught the tagger.
        self.learned = tagger.lexicon() if lang == "en" else {}
        self.ent_at: dict[int, EntityMention] = {}
        for ent in entities:
            i = bisect.bisect_left(self.starts, ent.start)
            while i < len(tokens) and tokens[i].start < ent.end:
                self.ent_at[i] = ent
                i += 1

    def index_at(self, pos: int) -> int:
        """Index of the first token starting at or after `pos`."""
        return bisect.bisect_left(self.starts, pos)

    def is_cue(self, i: int) -> bool:
        if not 0 <= i < len(self.tokens):
            return False
        w = self.lower[i]
        if self.noun(i):
            return False
        if w in CUE_WORDS[self.lang] or self.learned.get(w, 0.0) >= LEARNED_CUE:
            return True
        return bool(_INVERTED.match(w) and self._inverted_verb(w))

    def noun(self, i: int) -> bool:
        """An English cue word used as a noun: capitalised inside a sentence (`the United
        States`), or a plural after a determiner or number (`in 30 states`, `the reports`)."""
        if self.lang != "en":
            return False
        t = self.tokens[i]
        if i > 0 and self.tokens[i - 1].sent == t.sent and t.text[:1].isupper():
            return True
        return (i > 0 and self.lower[i] in _PLURAL_NOUNS
                and (self.lower[i - 1] in _NOUN_BEFORE or self.lower[i - 1][:1].isdigit()))

    def _inverted_verb(self, w: str) -> bool:
        m = _INVERTED.match(w)
        return bool(m) and (m.group(1) in CUE_WORDS["fr"] or m.group(1) in {"a", "avait"})

    def source_after(self, i: int, limit: int = 8) -> Span | None:
        """A speaker phrase starting at token i: a name, pronoun or role phrase."""
        return self._phrase(i, +1, limit)

    def source_before(self, i: int, limit: int = 8) -> Span | None:
        """A speaker phrase ending at token i."""
        return self._phrase(i, -1, limit)

    def _phrase(self, i: int, step: int, limit: int) -> Span | None:
        toks, n = self.tokens, len(self.tokens)
        if not 0 <= i < n:
            return None
        w = self.lower[i]
        if w in ALL_PRONOUNS:
            return toks[i].start, toks[i].end
        if i in self.ent_at and self.ent_at[i].label in ("PERSON", "PER", "ORG", "NORP", "GPE"):
            ent = self.ent_at[i]
            return ent.start, ent.end
        # A capitalised name NER missed, or a role phrase ("the foreign minister").
        j, seen, noun = i, 0, False
        while 0 <= j < n and seen < limit and toks[j].sent == toks[i].sent:
            lw = self.lower[j]
            if not toks[j].text[0].isalnum() and lw not in {"'", "’", "-"}:
                break
            if lw in _THAT or self.is_cue(j):
                break
            noun = noun or lw in ROLE_WORDS or toks[j].text[0].isupper() or lw in _TITLES
            seen += 1
            j += step
        if not noun or seen == 0:
            return None
        a, b = (i, j - 1) if step > 0 else (j + 1, i)
        return toks[a].start, toks[b].end

    def cue_span(self, i: int) -> Span:
        return self.tokens[i].start, self.tokens[i].end


def _pronoun_in(token: str) -> str | None:
    m = _INVERTED.match(token)
    return m.group(2) if m else None


_TAIL = {
    ".", "!", "?", ",", ";", "on", "in", "at", "during", "to", "after", "before", "when",
    "while", "as", "from", "of", "last", "this", "yesterday", "today", "earlier", "later",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "via",
    "lors", "dans", "devant", "à", "au", "aux", "en", "le", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "durante", "en", "el", "ante", "tras", "a",
    "al", "este", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
}  # fmt: skip


def _after_segment(doc: _Doc, k: int, para: int) -> tuple[Span, Span | None, int] | None:
    """`"…," Source cue` or `"…," cue Source` starting at token k, same paragraph."""
    toks, low = doc.tokens, doc.lower
    n = len(toks)
    if k >= n or toks[k].para != para:
        return None
    if low[k] in {",", "—", "-", "–"}:
        k += 1
    elif not toks[k].text[0].isalnum():
        return None  # `"…". He said …` starts a new statement
    if k >= n or toks[k].para != para:
        return None
    # cue first: `said Pompeo`, `a déclaré le ministre`, `dit-il`, `dijo el ministro`
    j = k
    while j < n and low[j] in _AUX:
        j += 1
    if doc.is_cue(j):
        pron = _pronoun_in(low[j])
        if pron:
            t = toks[j]
            at = t.text.lower().rfind(pron)
            return doc.cue_span(j), (t.start + at, t.start + at + len(pron)), j
        src = doc.source_after(j + 1)
        if src is None and j + 1 < n and low[j + 1] in _DETERMINERS:
            src = doc.source_after(j + 2)
            if src is not None:
                src = (toks[j + 1].start, src[1])
        return doc.cue_span(j), src, j
    # source first: `Pompeo said`, `he said`, `the minister said`, `le ministre a déclaré`,
    # `Nargis Kassenova, Senior Fellow at …, told …` (appositives allowed).
    for j in range(k + 1, min(n, k + 30)):
        if toks[j].para != para or low[j] in {".", "!", "?", ":", ";"} or low[j] in _MARKS:
            break
        if doc.is_cue(j):
            src_end = j - 1
            while src_end >= k and (low[src_end] in _AUX or low[src_end] == ","):
                src_end -= 1
            if src_end < k or (j - k > 8 and "," not in low[k:j]):
                return None
            return doc.cue_span(j), (toks[k].start, toks[src_end].end), j
    return None


def _before_segment(doc: _Doc, k: int) -> tuple[Span, Span | None] | None:
    """`Source cue: "…"` or `Source cue, "…"` ending at token k (the mark)."""
    low = doc.lower
    j = k - 1
    if j >= 0 and low[j] in {":", ","}:
        j -= 1
    # Adverbs between cue and colon: `responded diplomatically:`
    for back in range(0, 3):
        c = j - back
        if c >= 0 and doc.is_cue(c):
            pron = _pronoun_in(low[c])
            if pron:
                t = doc.tokens[c]
                at = t.text.lower().rfind(pron)
                return doc.cue_span(c), (t.start + at, t.start + at + len(pron))
            s = c - 1
            while s >= 0 and low[s] in _AUX:
                s -= 1
            src = _subject_before(doc, s)
            return doc.cue_span(c), src
    return None


def _subject_before(doc: _Doc, s: int) -> Span | None:
    """The subject phrase ending at token s, skipping `, who …,` appositives."""
    if s < 0:
        return None
    if doc.lower[s] == ",":
        # "Abdulaziz Kamilov, Uzbekistan's foreign minister, responded": take the name.
        j = s - 1
        while j >= 0 and doc.lower[j] != "," and doc.tokens[j].sent == doc.tokens[s].sent:
            j -= 1
        if j >= 0 and doc.lower[j] == ",":
            return doc.source_before(j - 1) or doc.source_before(s - 1)
        return doc.source_before(s - 1)
    return doc.source_before(s)


def _quote_attributions(doc: _Doc, segments: list[Segment]) -> list[_Attribution]:
    out: list[_Attribution] = []
    current: _Attribution | None = None
    for g in segments:
        words = len(doc.text[g.start : g.end].split())
        k_end = doc.index_at(g.end)
        k_start = doc.index_at(g.start)
        para = doc.tokens[k_start].para if k_start < len(doc.tokens) else -1
        after = _after_segment(doc, k_end, para)
        before = _before_segment(doc, k_start)
        if after is None and before is None:
            # Quote sentences after a cue in the same paragraph belong to it.
            if current is not None and current.extra.get("para") == para and words >= 3:
                current.content.append((g.start, g.end))
                continue
            if words >= 6 and _starts_sentence(doc, k_start):
                current = _Attribution([(g.start, g.end)], extra={"para": para})
                out.append(current)
            else:
                current = None
            continue
        if before is not None and after is None:
            cue, src = before
        else:
            cue, src, _ = after
        # `"X," he said, "Y."`: the same cue joins an open quote in this paragraph.
        if (
            current is not None
            and current.extra.get("para") == para
            and current.extra.get("open")
            and before is not None
            and after is None
        ):
            current.content.append((g.start, g.end))
            current.extra["open"] = False
            continue
        current = _Attribution(
            [(g.start, g.end)], cue=cue, source=src, extra={"para": para, "mark": doc.text[g.start]}
        )
        current.extra["open"] = after is not None and _followed_by_quote(doc, after[2])
        # `"…," X said`: a sentence-long quote whose cue follows it.
        current.extra["whole"] = after is not None and words >= 6 and _starts_sentence(doc, k_start)
        out.append(current)
    return out


def _starts_sentence(doc: _Doc, k: int) -> bool:
    return k == 0 or (k < len(doc.tokens) and doc.tokens[k - 1].sent != doc.tokens[k].sent)


def _followed_by_quote(doc: _Doc, j: int) -> bool:
    """After the cue at token j, does the same sentence go on with `, "…`?"""
    for i in range(j + 1, min(len(doc.tokens), j + 10)):
        if doc.lower[i] in {'"', "“", "«", "„", "''", "”"}:
            return doc.lower[i - 1] in {",", ":", "."}
        if doc.lower[i] in {".", "!", "?"} and i + 1 < len(doc.tokens):
            return doc.lower[i + 1] in {'"', "“", "«", "„", "''"}
    return False


def _indirect_attributions(
    doc: _Doc, sentences: list[tuple[int, int]], covered: list[Span]
) -> list[_Attribution]:
    """Indirect speech and quotes without marks, one per sentence at most."""
    out: list[_Attribution] = []
    toks, low, lang = doc.tokens, doc.lower, doc.lang
    by_sent: dict[int, list[int]] = {}
    for i, t in enumerate(toks):
        by_sent.setdefault(t.sent, []).append(i)
    covered = sorted(covered)
    starts = [cs for cs, _ in covered]
    reach = []  # furthest end among covered spans up to each index
    for _, ce in covered:
        reach.append(max(ce, reach[-1]) if reach else ce)
    for idx in by_sent.values():
        s, e = toks[idx[0]].start, toks[idx[-1]].end
        k = bisect.bisect_left(starts, e) - 1
        if k >= 0 and reach[k] > s:
            continue
        att = _according(doc, idx) or _trailing_cue(doc, idx) or _leading_cue(doc, idx)
        if att is not None:
            out.append(att)
    return out


def _according(doc: _Doc, idx: list[int]) -> _Attribution | None:
    low = doc.lower
    for pattern in _ACCORDING[doc.lang]:
        m = len(pattern)
        for pos in idx[:3]:
            if tuple(low[pos : pos + m]) != pattern:
                continue
            # `According to Source, content.`
            comma = next((i for i in idx if i > pos + m and low[i] == ","), None)
            if comma is None or comma == idx[-1]:
                return None
            src = (doc.tokens[pos + m].start, doc.tokens[comma - 1].end)
            end = idx[-1] - (1 if low[idx[-1]] in {".", "!", "?"} else 0)
            return _Attribution(
                [(doc.tokens[comma + 1].start, doc.tokens[end].end)],
                cue=(doc.tokens[pos].start, doc.tokens[pos + m - 1].end),
                source=src,
            )
    return None


def _trailing_cue(doc: _Doc, idx: list[int]) -> _Attribution | None:
    """`Content, Source said …` / `Content, said Source.` at the end of a sentence.

    The cue clause must end the sentence or go on with a circumstance only
    (`…, Pompeo said in a press briefing`); `In a meeting, Pompeo said he …`
    is a leading cue.
    """
    low, toks = doc.lower, doc.tokens
    para = toks[idx[0]].para
    for ci in range(len(idx) - 1, 0, -1):
        c = idx[ci]
        if low[c] != ",":
            continue
        if c - idx[0] < 4:
            return None
        after = _after_segment(doc, c, para)
        if after is None:
            continue
        cue, src, j = after
        if (low[j] not in _SPEECH and not _INVERTED.match(low[j])) or doc.noun(j):
            continue
        nxt = max(j, doc.index_at(src[1]) - 1 if src and src[0] > cue[0] else j) + 1
        if nxt <= idx[-1] and low[nxt] not in _TAIL:
            return None
        content = (toks[idx[0]].start, toks[c - 1].end)
        words = set(low[idx[0] : c])
        inverted = src is not None and src[0] > cue[0]
        direct = inverted or low[j] in _HISTORIC_PRESENT or bool(words & _FIRST_PERSON[doc.lang])
        return _Attribution([content], cue=cue, source=src, direct=direct)
    return None


def _leading_cue(doc: _Doc, idx: list[int]) -> _Attribution | None:
    """`Source said (that) content.`: the first speech verb after a subject."""
    low, toks = doc.lower, doc.tokens
    for pos, i in enumerate(idx[1:], start=1):
        if low[i] not in _SPEECH or doc.noun(i):
            continue
        s = i - 1
        while s >= idx[0] and low[s] in _AUX:
            s -= 1
        src = _subject_before(doc, s) if s >= idx[0] else None
        if src is None:
            continue
        start = i + 1
        if start < len(toks) and low[start] in {"reporters", "journalists", "him", "her", "them"}:
            start += 1
        if start > idx[-1]:
            return None
        has_that = low[start] in _THAT
        if not has_that and doc.lang != "en":
            return None
        end = idx[-1] - (1 if low[idx[-1]] in {".", "!", "?"} else 0)
        if end - start < 2:
            return None
        return _Attribution(
            [(toks[start].start, toks[end].end)],
            cue=doc.cue_span(i),
            source=src,
        )
    return None


def attributions(
    text: str,
    tokens: list[Token],
    segments: list[Segment],
    entities: list[EntityMention],
    language: str,
) -> list[_Attribution]:
    """Attributions of one document by rule."""
    if not tokens:
        return []
    doc = _Doc(text, tokens, entities, _lang(language))
    quoted = _quote_attributions(doc, segments)
    covered = [a.hull for a in quoted]
    sentences = sorted({t.sent for t in tokens})
    return quoted + _indirect_attributions(doc, [(s, s) for s in sentences], covered)
