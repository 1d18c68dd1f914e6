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
    ("MISSING", "missing unaccounted disappear disparu desaparecid"),
    ("AID", "aid assistance help grant donat aide ayuda asistencia subvenc subvention"),
    ("TRADE", "trade trading commerce commercial échange echange comercio intercambio"),
    ("FLEE", "fled flee refugee displac evacuat réfugi refugi desplazad évacu"),
    ("INFECT", "infect case contamin contagi"),
    ("PROTEST", "protest demonstrat rally manifest marcha"),
    ("STRIKE", "strike walkout walked stoppage huelga paro grève greve débray"),
    ("WORKER", "worker employee miner mineur minero trabajador ouvrier salarié salarie empleado obrer"),
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
# Sources that dispute one figure stay within about a third of each other (1,200 vs 1,500
# evacuated, 3,200 vs 4,000 strikers); 610 km of new track and a 1,140 km line are two things.
DISPUTE_MAX_RATIO = 1.5
LINK_THRESHOLD = 0.18
# Equal values are weak evidence of one figure: context overlap can be lower.
EQUAL_VALUE_BONUS = 0.08
# Two reports of one event giving the same number of the same kind: most likely one figure
# even when their sentences word it differently ("2,000 claimants", "2,000 people affected").
SAME_EVENT_BONUS = 0.1
_TOLERANCE_EXACT = 0.02
_TOLERANCE_HEDGED = 0.25  # "more than X" / "nearly X": how far past X the truth may lie
_TOLERANCE_APPROX = 0.10  # "about", "some", "around": X give or take a tenth
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


# What happened to the people counted: two tolls with different fates ("nine killed",
# "four missing") are two figures even in one sentence about one disaster.
_FATES = frozenset({"KILL", "INJURE", "MISSING", "FLEE", "DETAIN"})
_CLAUSE = re.compile(r"[^.;:!?()\n—–]{0,60}")


def _fate(mention: FigureMention, text: str) -> str | None:
    """The fate word closest to the number in its own clause, if any."""
    after = _CLAUSE.match(text, mention.end).group()
    before = text[max(0, mention.start - 60):mention.start]
    before = re.split(r"[.;:!?()\n—–]", before)[-1]
    best: tuple[int, str] | None = None
    for chunk, sign in ((after, 1), (before, -1)):
        for match in _WORD.finditer(fold(chunk)):
            concept = _concept(match.group())
            if concept in _FATES:
                distance = match.start() if sign > 0 else len(chunk) - match.end()
                if best is None or distance < best[0]:
                    best = (distance, concept)
                break
    return best[1] if best else None


def _other_event(events: Mapping[str, str], a: str, b: str) -> bool:
    return bool(events.get(a)) and bool(events.get(b)) and events[a] != events[b]


def _similarity(a: Counter[str], b: Counter[str]) -> float:
    shared = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    # Overlap over the smaller bag: a short sentence can fully match a long one.
    return shared / max(1, min(sum(a.values()), sum(b.values())))


def values_agree(a: float, b: float, qual_a: str = "", qual_b: str = "") -> bool:
    """Two reported values for one thing agree when the ranges their wording allows overlap.

    A bare value allows ±1 %, "about"/"some" ±10 %, "more than X" [X, 1.25 X], "nearly X"
    [0.75 X, X]: "more than 1 million" agrees with "1 million", "some 1,500" does not with 1,200.
    """
    (low_a, high_a), (low_b, high_b) = _range(a, qual_a), _range(b, qual_b)
    return low_a <= high_b and low_b <= high_a


def _range(value: float, hedge: str) -> tuple[float, float]:
    v = abs(value)
    if hedge in _ABOVE:
        low, high = v, v * (1 + _TOLERANCE_HEDGED)
    elif hedge in _BELOW:
        low, high = v * (1 - _TOLERANCE_HEDGED), v
    elif hedge:
        low, high = v * (1 - _TOLERANCE_APPROX), v * (1 + _TOLERANCE_APPROX)
    else:  # half each side, so two bare values agree within _TOLERANCE_EXACT of each other
        low, high = v * (1 - _TOLERANCE_EXACT / 2), v * (1 + _TOLERANCE_EXACT / 2)
    return (low, high) if value >= 0 else (-high, -low)


def group_figures(
    mentions_by_doc: Mapping[str, list[FigureMention]], texts: Mapping[str, str],
    events: Mapping[str, str] | None = None,
) -> list[Figure]:
    """Group mentions that count the same thing and mark agreement.

    Args:
        mentions_by_doc: document id -> its FigureMentions (from `extract_figures`).
        texts: document id -> clean text the mention spans point into.
        events: document id -> event id; equal values within one event link more easily,
            and values from different events link only when they agree (a new value in
            a follow-up event is an update, not a dispute).

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
    fates = [frozenset({f}) if (f := _fate(m, texts.get(d, ""))) else frozenset() for d, m, _feat in items]
    members = [{i} for i in range(len(items))]
    # Different values in one sentence of one document are different figures ("risen to
    # $3.9 billion, up from the $3.4 billion agreed"): their groups must never merge.
    apart: dict[int, set[int]] = {}
    for i, (di, mi, _fi) in enumerate(items):
        for j in range(i + 1, len(items)):
            dj, mj, _fj = items[j]
            if dj != di:
                break
            if mi.value != mj.value and _same_sentence(texts.get(di, ""), mi, mj):
                apart.setdefault(i, set()).add(j)
                apart.setdefault(j, set()).add(i)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    links: list[tuple[bool, float, int, int]] = []
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
                if events and _other_event(events, items[i][0], items[j][0]) and not values_agree(
                        vi, vj, qualifier(items[i][1].text), qualifier(items[j][1].text)):
                    continue  # a later event's new value is an update, not a dispute between sources
                score = _similarity(items[i][2], items[j][2])
                if vi == vj:
                    score += EQUAL_VALUE_BONUS
                    if events and events.get(items[i][0]) and events.get(items[i][0]) == events.get(items[j][0]):
                        score += SAME_EVENT_BONUS
                if score >= LINK_THRESHOLD:
                    agree = values_agree(vi, vj, qualifier(items[i][1].text), qualifier(items[j][1].text))
                    if agree or vj <= vi * DISPUTE_MAX_RATIO:
                        links.append((not agree, -score, i, j))
    # Agreeing links first, strongest first: a value quoted again ("up from the $3.4 billion
    # agreed") joins its own figure before a disagreeing link could pull it elsewhere.
    for _disagree, _score, i, j in sorted(links):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if fates[ri] and fates[rj] and not fates[ri] & fates[rj]:
            continue  # killed vs missing: not one figure
        if any(apart.get(a, set()) & members[rj] for a in members[ri]):
            continue
        parent[ri] = rj
        fates[rj] = fates[rj] | fates[ri]
        members[rj] |= members[ri]
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
