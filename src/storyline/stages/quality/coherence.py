"""Detect shuffled, spliced or synonym-spun article text.

Cheap lexical signals only (the stage runs on the ingest path):

- cohesion: in written news, neighbouring paragraphs share more content words
  than distant ones; shuffling or splicing erases that difference;
- introductions: a person is named in full ("Daniel Ferreira") before the
  surname stands alone ("Ferreira said"); shuffled text breaks that order;
- a first sentence that only makes sense after another ("But he said...");
- whole-sentence quotes with no speaker anywhere near them;
- spinner tells: fixed phrases with one word swapped for a synonym ("White
  Home"), and attributions reworded away from "said".
"""

from __future__ import annotations

import math
import re

import numpy as np

from storyline.stages.quality.lexicon import (
    DANGLING_OPENERS,
    NOT_NAME,
    PLAIN_SPEECH_VERBS,
    SPEECH_OR_VIEW,
    SPIN_TELLS,
    ORG_SUFFIXES,
    TITLES,
)
from storyline.text import sentence_spans

_SNIPPET = 60
_MAX_UNITS = 40
_MIN_PART = 3  # paragraphs on each side of a topic split
_LIST_ITEM = re.compile(r"\s*(?:[-•*–·]|\d{1,2}[.)])\s")
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*\b")
_QUOTE_OPEN = "\"“‘'"
_QUOTE_CLOSE = "\"”’'"
# Common words that carry no topic; the usual stop words plus news filler.
_STOP = frozenset(
    """about above after again against also although among another anyone around away back
    because been before being below between both came come could does doing done down during
    each either else even ever every first from further give given going good great have
    having here however into just know last later least less like made make many more most
    much must need never next only other over own part same says said should since some
    still such take than that their them then there these they thing think this those
    though three through time told today under until upon very want well were what when
    where whether which while whom whose will with within without would year years your
    week weeks month months people percent told says saying added according""".split()
)


def incoherence_score(text: str, language: str | None = "en") -> tuple[float, list[str]]:
    """Score how much `text` reads like shuffled, spliced or spun article text.

    Args:
        text: clean article text (headline excluded).
        language: detected language; the name-order and cohesion signals work
            for any language written with capitals, the spinner tells are
            English only.

    Returns:
        (score in [0, 1], evidence): short reasons, each quoting the text.

    Example:
        >>> score, why = incoherence_score(shuffled_article)
        >>> why[0]
        'surname before full name: "Ferreira" before "Daniel Ferreira"'
    """
    if not text or not text.strip():
        return 0.0, []
    hits = incoherence_signals(text, language)
    total = sum(w for _, w in hits)
    return min(1.0, round(total, 3)), [e for e, _ in hits]


def incoherence_signals(text: str, language: str | None = "en") -> list[tuple[str, float]]:
    """Every incoherence signal found, as (evidence, weight)."""
    english = language in (None, "en")
    spans = sentence_spans(text, language or "en")
    sentences = [text[a:b] for a, b in spans]
    units = _units(text, spans)
    sets = [_content(u) for u in units]
    hits: list[tuple[str, float]] = []
    hits += _mixture(units, sets)
    hits += _lede(units, sets)
    if language not in ("de",):  # German capitalises every noun
        hits += _name_order(text, spans)
    if english and sentences and DANGLING_OPENERS.match(sentences[0]):
        hits.append((f'opens mid-story: "{_clip(sentences[0], 40)}"', 0.3))
    hits += _orphan_quotes(text, spans, english)
    if english:
        hits += _spin(text)
    return hits


# --- cohesion ------------------------------------------------------------------


def _units(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Paragraphs (sentences when there are few), merged down to at most `_MAX_UNITS`."""
    paras: list[str] = []
    for p in re.split(r"\n\s*\n|\n", text):
        if not p.strip():
            continue
        if paras and _LIST_ITEM.match(p) and _LIST_ITEM.match(paras[-1]):
            paras[-1] += "\n" + p  # a list is one unit: its items share few words by nature
        else:
            paras.append(p)
    if len(paras) < 6:
        paras = [text[a:b] for a, b in spans]
    if len(paras) > _MAX_UNITS:
        step = math.ceil(len(paras) / _MAX_UNITS)
        paras = [" ".join(paras[i : i + step]) for i in range(0, len(paras), step)]
    return paras


def _content(chunk: str) -> set[str]:
    return {w.lower()[:6] for w in _CONTENT_WORD.findall(chunk) if w.lower() not in _STOP}


def _similarities(sets: list[set[str]]) -> np.ndarray:
    """Cosine similarity of binary bags of words, all pairs at once."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, words in enumerate(sets):
        for w in words:
            rows.append(r)
            cols.append(vocab.setdefault(w, len(vocab)))
    m = np.zeros((len(sets), max(1, len(vocab))), dtype=np.float32)
    m[rows, cols] = 1.0
    sizes = np.sqrt(np.maximum(m.sum(axis=1), 1.0))
    return (m @ m.T) / np.outer(sizes, sizes)


def topic_split(units: list[str], sets: list[set[str]]) -> tuple[float, list[int]]:
    """Best two-way split of the paragraphs by shared words (normalised cut).

    Returns (ncut, indices of the smaller side). A single article keeps coming
    back to its subject, so every split cuts many shared words (ncut well
    above 0.3); two articles glued together split cleanly (ncut < 0.25).
    """
    keep = [i for i, s in enumerate(sets) if len(s) >= 3]
    n = len(keep)
    if n < 6:
        return 1.0, []
    w = _similarities([sets[i] for i in keep]).astype(np.float64) + 1e-3
    np.fill_diagonal(w, 0.0)
    d = w.sum(axis=1)
    lap = np.eye(n) - w / np.sqrt(np.outer(d, d))
    _, vecs = np.linalg.eigh(lap)
    fiedler = vecs[:, 1] / np.sqrt(d)
    # Sweep the sorted Fiedler vector: cut values for every prefix at once.
    order = np.argsort(fiedler)
    ws = w[np.ix_(order, order)]
    vol = np.cumsum(ws.sum(axis=1))
    total = vol[-1]
    inner = np.cumsum(np.cumsum(ws, axis=0), axis=1).diagonal()  # weight inside each prefix
    cut = vol - inner
    k = np.arange(1, n + 1)
    least = max(_MIN_PART, n // 4)  # a digression of a paragraph or two is not another story
    valid = (k >= least) & (k <= n - least)
    ncut = np.where(valid, cut / np.maximum(vol, 1e-9) + cut / np.maximum(total - vol, 1e-9), np.inf)
    best = int(np.argmin(ncut))
    if not np.isfinite(ncut[best]):
        return 1.0, []
    side = set(order[: best + 1].tolist())
    small = sorted(side) if len(side) <= n - len(side) else sorted(set(range(n)) - side)
    return float(ncut[best]), [keep[i] for i in small]


def _mixture(units: list[str], sets: list[set[str]]) -> list[tuple[str, float]]:
    ncut, small = topic_split(units, sets)
    if ncut >= 0.25 or not small:
        return []
    example = _clip(units[small[0]], 40)
    weight = min(0.7, 0.35 + 2 * (0.25 - ncut))
    return [(f'two unrelated parts ({len(small)} of {len(units)} paragraphs share almost no words with the rest): "{example}"', weight)]


def _lede(units: list[str], sets: list[set[str]]) -> list[tuple[str, float]]:
    """A news text opens with its most central paragraph; a shuffled one need not."""
    n = len(sets)
    if n < 6 or not sets[0]:
        return []
    counts: dict[str, int] = {}
    for s in sets:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    # Share of each paragraph's words that recur in another paragraph.
    shared = [sum(counts[w] > 1 for w in s) / len(s) if s else 0.0 for s in sets]
    rank = sum(1 for c in shared if c > shared[0]) / (n - 1)
    if rank < 0.6:
        return []
    return [(f'first paragraph is not a lede: "{_clip(units[0], 40)}"', 0.25)]


# --- names ---------------------------------------------------------------------


# "the carmaker ", "The ferry operator " right before a name introduces it.
_APPOSITIVE = re.compile(
    r"(?:\b[Tt]he |\b[A-Z][a-z]+ )(?:(?!(?:of|in|on|at|to|from|by|for|with|and|or|that|which|who|as)\b)[a-z]+ ){1,2}$"
)
_NAME_RUN = re.compile(r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s){0,3}[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?=['’]s\b|\b)")
# A short form reads as a person or organisation when it speaks.
_SPEAKS = re.compile(
    r"\s+(?:also\s+|later\s+)?(?:said|says|told|added|argued|warned|urged|insisted|explained|"
    r"mentioned|stated|noted|announced)\b"
)


def _name_order(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
    """Speakers named by a short form before, or without, their introduction.

    "Ferreira said" before "coach Daniel Ferreira", or a "Kamilov said" whose
    full name or title appears nowhere: written news introduces every speaker.
    """
    first_full: dict[str, tuple[int, str]] = {}
    first_bare: dict[str, tuple[int, str]] = {}
    for m in _NAME_RUN.finditer(text):
        tokens = m.group().split()
        while tokens and tokens[0] in NOT_NAME:  # sentence-initial "The", "But", ...
            tokens = tokens[1:]
        while tokens and tokens[-1] in NOT_NAME:  # "Elena Ruiz She announced"
            tokens = tokens[:-1]
        if not tokens:
            continue
        surname = tokens[-1]
        firsts = [t for t in tokens[:-1] if t not in TITLES]
        if firsts and surname in ORG_SUFFIXES:  # "Northway Air" introduces "Northway"
            first_full.setdefault(firsts[0], (m.start(), " ".join(tokens)))
            continue
        if surname in NOT_NAME or surname in TITLES or len(surname) < 3:
            continue
        if len(tokens) > 1:  # a first name or a title: "Daniel Ferreira", "Coach Ferreira"
            first_full.setdefault(surname, (m.start(), " ".join(tokens)))
        elif _APPOSITIVE.search(text, max(0, m.start() - 30), m.start()):
            # "the carmaker Velto" introduces Velto.
            first_full.setdefault(surname, (m.start(), "the ... " + surname))
        elif _SPEAKS.match(text, m.end()):
            first_bare.setdefault(surname, (m.start(), text[m.start() : _SPEAKS.match(text, m.end()).end()]))
    hits = []
    for surname, (at, snippet) in first_bare.items():
        full = first_full.get(surname)
        if full is None:
            hits.append((f'speaker never introduced: "{snippet}"', 0.3))
        elif full[0] > at:
            hits.append((f'name used before it is introduced: "{surname}" before "{full[1]}"', 0.4))
    hits.sort(key=lambda h: -h[1])
    return hits[:2]


# --- quotes --------------------------------------------------------------------


def _is_whole_quote(sentence: str) -> bool:
    s = sentence.strip()
    if len(s) < 25 or s[0] not in _QUOTE_OPEN:
        return False
    inner = s[1:]
    # No closing mark before the end: the whole sentence is the quote.
    body = inner.rstrip(".!?\"”’' ")
    # A quoted subheading has no full stop; a quoted sentence does.
    return not any(c in body for c in "\"”") and any(c in ".!?" for c in s[-2:])


def _orphan_quotes(text: str, spans: list[tuple[int, int]], english: bool) -> list[tuple[str, float]]:
    """Whole-sentence quotes with no speaker in their paragraph or just before it."""
    hits = []
    for i, (a, b) in enumerate(spans):
        sentence = text[a:b]
        if not _is_whole_quote(sentence):
            continue
        para_start = text.rfind("\n", 0, a) + 1
        para_end = text.find("\n", b)
        rest = text[b : para_end if para_end >= 0 else len(text)]
        prev = text[spans[i - 1][0] : spans[i - 1][1]] if i else ""
        if english and (SPEECH_OR_VIEW.search(rest) or SPEECH_OR_VIEW.search(prev)):
            continue
        if any(c in prev for c in "\"“”") or re.search(r"\b(?:he|she)\b", prev, re.I):
            continue
        if not english and (para_start < a or prev):
            continue
        hits.append((f'quote with no speaker: "{_clip(sentence, 50)}"', 0.3))
    return hits[:3]


# --- spinning ------------------------------------------------------------------


_ATTRIBUTION = re.compile(
    r"(?:\b(?:[A-Z][a-z]+|he|she|they|spokes(?:man|woman|person))\s+|[”\"],?\s+)"
    r"(said|says|told|mentioned|stated|remarked|pronounced|explained|claimed|noted|"
    r"commented|uttered|pointed out|talked about|informed)\b"
)


def _spin(text: str) -> list[tuple[str, float]]:
    hits = []
    low = text.lower()
    for needles, pattern, weight in SPIN_TELLS:
        if any(n in low for n in needles):
            m = pattern.search(text)
            if m:
                hits.append((f'spinner phrasing: "{m.group()}"', weight))
    plain = spun = 0
    example = ""
    for m in _ATTRIBUTION.finditer(text):
        if m.group(1) in PLAIN_SPEECH_VERBS:
            plain += 1
        else:
            spun += 1
            example = example or m.group().lstrip("”\", ")
    # Reporters write "said" for nearly every attribution.
    if spun >= 2 and spun >= plain:
        weight = 0.5 if spun >= 3 and spun >= 2 * plain else 0.35
        hits.append((f'attributions reworded away from "said" ({spun} of {plain + spun}): "{example}"', weight))
    return hits


def _clip(s: str, n: int = _SNIPPET) -> str:
    s = s.strip()
    return s if len(s) <= n else s[:n]
