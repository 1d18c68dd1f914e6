"""Group figure mentions that count the same thing across documents, and compare them.

Two mentions are one figure when their units are of one family (a currency, %,
a count, a time unit...), their values are within a factor of 3, and their
sentences talk about the same thing: a weighted overlap of content words,
with a small concept table so 'detained', 'imprisoned' and 'interned' (or
'aid' and 'assistance') count as one word. Groups are connected components of
those links, computed per unit family.

Agreement compares documents, not mentions: a group is `single` when one
document carries it, `agree` when every pair of documents has a pair of values
that agree, `disagree` otherwise. Values agree when within 2 %, or within
25 % when either is hedged ('more than', 'about', 'nearly'), in the direction
the hedge allows.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping

from storyline.model import Figure, FigureMention
from storyline.stages.figures.extract import STOPWORDS, qualifier
from storyline.text import fold

# Words that mean the same for comparing figures, by prefix, across en/fr/es.
_CONCEPTS = (
    ("DETAIN", "detain detention imprison intern jail incarcerat arrest camp held captiv "
               "prisoner détenu detenu emprisonn interné interne arrêt encarcel detenid preso"),
    ("KILL", "kill dead death died dying fatalit mort tué tue décè muert fallecid asesin"),
    ("INJURE", "injur wound hurt blessé blesse herid lesionad"),
    ("AID", "aid assistance help grant donat aide ayuda asistencia subvenc subvention"),
    ("TRADE", "trade trading commerce commercial échange echange comercio intercambio"),
    ("FLEE", "fled flee refugee displac evacuat réfugi refugi desplazad évacu"),
    ("INFECT", "infect case contamin contagi"),
    ("PROTEST", "protest demonstrat rally manifest marcha"),
    ("VOTE", "vote ballot voter électeur elector votant"),
    ("POPULATION", "population inhabitant habitant resident poblaci"),
    ("INVEST", "invest inversi investiss"),
    ("EXPORT", "export exportac"),
    ("IMPORT", "import importac"),
)
# Words that say nothing about what is counted.
_GENERIC = frozenset(
    """people person persons personne personnes persona personas year years million
    millions billion thousand percent cent ciento said says told according also including
    about some like more than""".split()
)
_CONCEPT_PREFIXES = sorted(
    ((prefix, name) for name, prefixes in _CONCEPTS for prefix in prefixes.split()),
    key=lambda pair: -len(pair[0]),
)
_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_RATIO = 3.0  # values further apart than this count different things
LINK_THRESHOLD = 0.18
# Equal values are weak evidence of one figure: context overlap can be lower.
EQUAL_VALUE_BONUS = 0.08
_TOLERANCE_EXACT = 0.02
_TOLERANCE_HEDGED = 0.25
_ABOVE = {"more than", "over", "at least", "no less than", "no fewer than", "plus de",
          "au moins", "pas moins de", "más de", "al menos", "as many as"}
_BELOW = {"fewer than", "less than", "under", "at most", "up to", "no more than", "nearly",
          "almost", "moins de", "près de", "jusqu'à", "menos de", "casi", "hasta"}


def _concept(word: str) -> str:
    for prefix, name in _CONCEPT_PREFIXES:
        if word.startswith(prefix):
            return name
    return word[:6]


def _family(unit: str) -> str:
    if unit in {"", "people"}:
        return "count"
    return unit


def _sentence(text: str, start: int, end: int) -> str:
    left = max(0, start - 300)
    for i in range(start - 1, left - 1, -1):
        if text[i] in ".!?\n" and not (i > 0 and text[i - 1].isdigit() and i + 1 < len(text) and text[i + 1].isdigit()):
            left = i + 1
            break
    right = min(len(text), end + 300)
    for i in range(end, right):
        if text[i] in ".!?\n" and not (i + 1 < len(text) and text[i + 1].isdigit()):
            right = i
            break
    return text[left:start] + " " + text[end:right]


def _same_sentence(text: str, a: FigureMention, b: FigureMention) -> bool:
    lo, hi = sorted((a, b), key=lambda m: m.start)
    return not re.search(r"[.!?\n]\s", text[lo.end:hi.start])


def _features(mention: FigureMention, text: str) -> Counter[str]:
    bag: Counter[str] = Counter()
    for match in _WORD.finditer(fold(_sentence(text, mention.start, mention.end))):
        word = match.group()
        if word not in STOPWORDS and word not in _GENERIC:
            bag[_concept(word)] += 1
    for word in mention.what.split():
        if word not in _GENERIC:
            bag[_concept(word)] += 2  # what it counts weighs more than the rest of the sentence
    return bag


def _similarity(a: Counter[str], b: Counter[str]) -> float:
    shared = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    # Overlap over the smaller bag: a short sentence can fully match a long one.
    return shared / max(1, min(sum(a.values()), sum(b.values())))


def values_agree(a: float, b: float, qual_a: str = "", qual_b: str = "") -> bool:
    """Two reported values for one thing agree, hedges considered."""
    top = max(abs(a), abs(b))
    if top == 0 or abs(a - b) / top <= _TOLERANCE_EXACT:
        return True
    if not (qual_a or qual_b):
        return False
    if abs(a - b) / top > _TOLERANCE_HEDGED:
        return False
    # 'more than 1 million' cannot agree with 900,000; 'nearly 1 million' not with 1.2 million.
    for value, hedge, other in ((a, qual_a, b), (b, qual_b, a)):
        if hedge in _ABOVE and other < value * (1 - _TOLERANCE_EXACT):
            return False
        if hedge in _BELOW and other > value * (1 + _TOLERANCE_EXACT):
            return False
    return True


def group_figures(
    mentions_by_doc: Mapping[str, list[FigureMention]], texts: Mapping[str, str]
) -> list[Figure]:
    """Group mentions that count the same thing and mark agreement.

    Args:
        mentions_by_doc: document id -> its FigureMentions (from `extract_figures`).
        texts: document id -> clean text the mention spans point into.

    Returns:
        Figures sorted by id; every mention's `figure` is set. Ids depend only
        on the mentions, not on input order.

    Example:
        >>> figs = group_figures({"a": extract_figures(ta, "en"), "b": extract_figures(tb, "en")},
        ...                      {"a": ta, "b": tb})
    """
    items: list[tuple[str, FigureMention, Counter[str]]] = []
    for doc_id in sorted(mentions_by_doc):
        text = texts.get(doc_id, "")
        for m in sorted(mentions_by_doc[doc_id], key=lambda m: (m.start, m.end)):
            items.append((doc_id, m, _features(m, text)))
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_family: dict[str, list[int]] = {}
    for i, (_d, m, _f) in enumerate(items):
        by_family.setdefault(_family(m.unit), []).append(i)
    for indexes in by_family.values():
        # Sorted by value, so only neighbours within MAX_RATIO are compared.
        indexes.sort(key=lambda i: items[i][1].value)
        for x, i in enumerate(indexes):
            vi = items[i][1].value
            for j in indexes[x + 1:]:
                vj = items[j][1].value
                if vi <= 0 or vj > vi * MAX_RATIO:
                    break
                same_doc = items[i][0] == items[j][0]
                if same_doc and vi != vj and _same_sentence(texts.get(items[i][0], ""), items[i][1], items[j][1]):
                    continue  # a list: '13.8% of exports and 16.3% of imports'
                score = _similarity(items[i][2], items[j][2])
                if vi == vj:
                    score += EQUAL_VALUE_BONUS
                if score >= LINK_THRESHOLD:
                    parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    figures = [_figure([items[i] for i in members]) for members in groups.values()]
    return sorted(figures, key=lambda f: f.id)


def _figure(members: list[tuple[str, FigureMention, Counter[str]]]) -> Figure:
    first = min((d, m.start) for d, m, _f in members)
    figure_id = "fig-" + hashlib.blake2b(f"{first[0]}:{first[1]}".encode(), digest_size=6).hexdigest()
    per_doc: dict[str, list[FigureMention]] = {}
    for doc_id, m, _f in members:
        per_doc.setdefault(doc_id, []).append(m)
        m.figure = figure_id
    agreement = "single"
    if len(per_doc) > 1:
        agreement = "agree"
        docs = sorted(per_doc)
        for x, a in enumerate(docs):
            for b in docs[x + 1:]:
                if not any(
                    values_agree(ma.value, mb.value, qualifier(ma.text), qualifier(mb.text))
                    for ma in per_doc[a]
                    for mb in per_doc[b]
                ):
                    agreement = "disagree"
    # Best-supported value: the one most documents agree with; ties go to an
    # unhedged value, then to more mentions, then to the smaller value.
    candidates = sorted({m.value for _d, m, _f in members})
    best_value = max(
        candidates,
        key=lambda v: (
            sum(any(values_agree(v, m.value, "", qualifier(m.text)) for m in ms) for ms in per_doc.values()),
            any(m.value == v and not qualifier(m.text) for _d, m, _f in members),
            sum(1 for _d, m, _f in members if m.value == v),
            -v,
        ),
    )
    units = Counter(m.unit for _d, m, _f in members)
    unit = max(sorted(units), key=lambda u: (units[u], u != ""))
    whats = Counter(m.what for _d, m, _f in members if m.what)
    what = max(sorted(whats), key=lambda w: whats[w]) if whats else ""
    mentions = [
        {"document": d, "start": m.start, "end": m.end, "value": m.value, "unit": m.unit}
        for d, m, _f in sorted(members, key=lambda x: (x[0], x[1].start))
    ]
    return Figure(
        id=figure_id,
        value=float(best_value) if not math.isnan(best_value) else 0.0,
        unit=unit,
        what=what,
        agreement=agreement,
        mentions=mentions,
    )
