"""Merge quote mentions that report one statement across documents.

Two mentions report the same statement when, sentence by sentence, their
content words (folded, crudely stemmed) overlap enough:

- same language, any speaker: most words of the shorter sentence are in the
  longer one (verbatim copies, partial quotes, re-translations);
- same speaker: a lower overlap is enough (a paraphrase in indirect speech);
- different languages, same speaker: words are compared as cognates
  (rapidfuzz similarity), with numbers and names as anchors (a translation).

Mentions are grouped by union-find; a record's text is its longest direct
mention, and a mention is verbatim when most of its words appear in that text
in the same order.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from typing import Callable

from rapidfuzz import fuzz

from storyline.model import Quote, QuoteMention
from storyline.text import fold

from .glossary import GLOSSARY
from .speakers import ALL_PRONOUNS

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
_MARKS = "\"“”«»„‘’'` "
_STOP = set(
    """a an the and or but of to in on at for with by from as is are was were be been being
    it its this that these those there their they them we us our you your i me my he him his
    she her will would shall should can could may might must do does did have has had not no
    so than then too very just also all any some such who whom which what when where why how
    le la les un une des du de et ou mais à au aux en dans sur par pour avec sans que qui
    ce cet cette ces nous vous ils elles il elle je est sont été être a ont pas ne se sa son
    ses leur leurs y el los las unos unas del al con sin para por que quien este esta estos
    estas es son fue ser ha han no lo su sus nos""".split()
)
# Same-statement thresholds (share of the shorter sentence's words).
SAME = 0.6
PARAPHRASE = 0.45
CROSS_LINGUAL = 0.4
MIN_SHARED = 4
# Word evidence enough to pair one speaker's statements within an event.
ALIGN = 0.3
# ... and a document's only statement of the speaker with the one group it shares words with.
SOLE = 0.12


def _stem(word: str) -> str:
    """Crude stem: enough to meet `fleeing`/`flee`, `asked`/`ask`."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_GLOSSARY = {_stem(k): _stem(v) for k, v in GLOSSARY.items()}


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in _STOP and len(w) > 1]


def _sentences(text: str) -> list[set[str]]:
    out = []
    for piece in _SENTENCE.split(text.strip(_MARKS)):
        words = {_stem(w) for w in _words(piece)}
        if len(words) >= 2:
            out.append(words)
    return out or [{_stem(w) for w in _words(text)}]


def _overlap(a: set[str], b: set[str], idf: dict[str, float]) -> tuple[float, int]:
    """Share of the smaller sentence's weight that the other one has too.

    Words weigh by rarity among the mentions being merged, so "United
    States" or "Central Asia" in a storyline about them count for little.
    """
    small = a if len(a) <= len(b) else b
    shared = a & b
    # fsum: exactly rounded whatever the set's iteration order (which follows the process's
    # string hash seed), so equal scores tie exactly in every process.
    total = math.fsum(idf.get(w, 1.0) for w in small)
    return (math.fsum(idf.get(w, 1.0) for w in shared) / total if total else 0.0), len(shared)


def _soft_overlap(a: set[str], b: set[str]) -> tuple[float, int]:
    """Overlap for translations: glossary words, numbers exact, cognates fuzzy."""
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return 0.0, 0
    big = big | {_GLOSSARY[w] for w in big if w in _GLOSSARY}
    hits = 0
    for w in small:
        if w in big or _GLOSSARY.get(w) in big or (
            not w.isdigit()
            and len(w) >= 4
            and any(fuzz.ratio(w, v) >= 75 for v in big if not v.isdigit() and len(v) >= 4)
        ):
            hits += 1
    return hits / len(small), hits


class _Item:
    __slots__ = ("doc", "mention", "sentences", "speaker", "key", "weight")

    def __init__(self, doc: str, mention: QuoteMention, text: str, speaker: str | None, weight: float):
        self.doc = doc
        self.mention = mention
        self.sentences = _sentences(text)
        # Compared by last name unless a corpus-wide `canonical` says more.
        self.speaker = fold(speaker).split()[-1] if speaker and fold(speaker) else None
        self.weight = weight
        self.key = (doc, mention.start, mention.end)


def _similar(a: _Item, b: _Item, idf: dict[str, float]) -> bool:
    same_speaker = a.speaker is not None and a.speaker == b.speaker
    other_speaker = a.speaker is not None and b.speaker is not None and not same_speaker
    for sa in a.sentences:
        for sb in b.sentences:
            ratio, shared = _overlap(sa, sb, idf)
            if ratio >= 0.8 and shared >= 8:
                return True  # a long verbatim copy: one of the speakers is wrong
            if other_speaker:
                continue
            if shared >= MIN_SHARED and ratio >= SAME:
                return True
            if same_speaker and shared >= MIN_SHARED and ratio >= PARAPHRASE:
                return True
            if same_speaker and ratio < PARAPHRASE:
                soft, hits = _soft_overlap(sa, sb)
                if hits >= MIN_SHARED and soft >= CROSS_LINGUAL:
                    return True
    if other_speaker or (len(a.sentences) == 1 and len(b.sentences) == 1):
        return False
    # Short sentences share too few words alone; "X; we Y" vs "X. We Y" is one statement.
    ratio, shared = _overlap(set().union(*a.sentences), set().union(*b.sentences), idf)
    return shared >= MIN_SHARED and ratio >= SAME


def _weight(text: str, m: QuoteMention) -> float:
    """How much a mention's speaker counts: a name 2, a role 1.5, a pronoun 1."""
    if m.speaker_start is None or m.speaker_end is None or not text:
        return 0.5
    said = text[m.speaker_start : m.speaker_end].strip().lower()
    if said in ALL_PRONOUNS:
        return 1.0
    return 2.0 if said[:1] and text[m.speaker_start : m.speaker_start + 1].isupper() else 1.5


def _find(parent: dict, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _verbatim(mention_text: str, canonical_text: str) -> bool:
    """Most of the mention's words appear in the canonical text, in order."""
    a = _WORD.findall(fold(mention_text))
    b = _WORD.findall(fold(canonical_text))
    if not a or not b:
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched >= 0.8 * min(len(a), len(b))


def _quoted_part(text: str) -> str:
    """The words inside quotation marks, or the whole text without any."""
    inner = re.findall(r"[\"“«„]([^\"“”«»„]+)[\"”»“]|''(.+?)''", text, re.S)
    parts = [a or b for a, b in inner]
    joined = " ".join(p for p in parts if len(p.split()) >= 2)
    return joined or text


def _affinity(a: set[str], b: set[str], idf: dict[str, float]) -> tuple[float, int]:
    """Word evidence that two mentions say one thing, across languages too.

    (share of the shorter mention's word weight found in the other, words
    found): exact words, glossary translations, and long cognates only
    (`oxygen`/`oxygène`; short words meet by chance).
    """
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return 0.0, 0
    big = big | {_GLOSSARY[w] for w in big if w in _GLOSSARY}
    weights: list[float] = []
    found_weights: list[float] = []
    hits = 0
    for w in small:
        weight = idf.get(w, 1.0)
        weights.append(weight)
        if w in big or _GLOSSARY.get(w) in big or (
            not w.isdigit() and len(w) >= 5
            and any(fuzz.ratio(w, v) >= 80 for v in big if not v.isdigit() and len(v) >= 5)
        ):
            found_weights.append(weight)
            hits += 1
    total, found = math.fsum(weights), math.fsum(found_weights)  # order-free, as in _overlap
    return (found / total if total else 0.0), hits


def _align_speakers(items: list[_Item], parent: dict, events: dict[str, str], idf: dict[str, float]) -> None:
    """Within one event, pair up one speaker's statements across documents.

    Articles about one happening that quote one person mostly report the same
    few statements: in another language, reworded, or as indirect speech, with
    too few shared words for `_similar`. So for each two documents of an event
    that quote one speaker, a statement of one is paired with the statement of
    the other that shares the most words with it (counting translations and
    cognates) when each is the other's best match and the evidence holds:
    several words, or most of a short statement.
    """
    by_key: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, it in enumerate(items):
        event = events.get(it.doc)
        if event and it.speaker:
            by_key[(event, it.speaker)][it.doc].append(i)
    words = [set().union(*it.sentences) if it.sentences else set() for it in items]
    for docs in by_key.values():
        names = sorted(docs)
        for x in range(len(names)):
            for y in range(x + 1, len(names)):
                left, right = docs[names[x]], docs[names[y]]
                score = {(i, j): _affinity(words[i], words[j], idf) for i in left for j in right}
                for i in left:
                    j = max(right, key=lambda j: (score[i, j][0], -j))
                    ratio, hits = score[i, j]
                    if max(left, key=lambda k: (score[k, j][0], -k)) != i:
                        continue  # not each other's best match
                    if not ((hits >= 2 and ratio >= ALIGN) or (hits >= 1 and ratio >= 2 * ALIGN)):
                        continue
                    ri, rj = _find(parent, i), _find(parent, j)
                    if ri != rj:
                        parent[ri] = rj
                # A rewrite of the same article (a spun or translated copy) quotes
                # the speaker as often and in the same manner (direct or not):
                # pair the rest by order within each manner once one pair has
                # word evidence.
                order = lambda ms: sorted(ms, key=lambda k: (not items[k].mention.direct, k))  # noqa: E731
                kinds = lambda ms: [bool(items[k].mention.direct) for k in order(ms)]  # noqa: E731
                pairs = list(zip(order(left), order(right)))
                if len(left) >= 2 and kinds(left) == kinds(right) and any(
                    score[i, j][1] >= 1 and score[i, j][0] >= ALIGN / 2 for i, j in pairs
                ):
                    for i, j in pairs:
                        ri, rj = _find(parent, i), _find(parent, j)
                        if ri != rj:
                            parent[ri] = rj
        # A document's only statement of the speaker, linked to no other yet:
        # the one statement group of the event it shares words with (an
        # indirect paraphrase of a direct quote shares few).
        for doc, mine in docs.items():
            if len(mine) != 1 or any(_find(parent, mine[0]) == _find(parent, k)
                                     for other, ks in docs.items() if other != doc for k in ks):
                continue
            i = mine[0]
            groups: dict[int, list[int]] = defaultdict(list)
            for other, ks in docs.items():
                if other != doc:
                    for k in ks:
                        groups[_find(parent, k)].append(k)
            linked = [g for g, ks in groups.items()
                      if any(_affinity(words[i], words[k], idf) >= (SOLE, 1) for k in ks)]
            if len(linked) == 1:
                parent[_find(parent, i)] = linked[0]


def merge(
    mentions_by_doc: dict[str, list[QuoteMention]],
    texts: dict[str, str],
    canonical: Callable[[str], str] | None = None,
    events: dict[str, str] | None = None,
) -> list[Quote]:
    """See `storyline.stages.quotes.merge_quotes`."""
    items: list[_Item] = []
    for doc in sorted(mentions_by_doc):
        text = texts.get(doc, "")
        for m in mentions_by_doc[doc]:
            content = text[m.start : m.end] if text else m.text
            speaker = m.speaker
            if speaker and canonical is not None:
                speaker = canonical(speaker) or speaker
            items.append(_Item(doc, m, content or m.text, speaker, _weight(text, m)))
    parent = {i: i for i in range(len(items))}
    df: Counter = Counter(w for it in items for w in set().union(*it.sentences))
    n = max(len(items), 1)
    idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
    # Candidate pairs share a content word, or a speaker (translations share few).
    index: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        keys = set().union(*item.sentences) if item.sentences else set()
        for w in keys:
            index["w:" + w].append(i)
        if item.speaker:
            index["s:" + item.speaker].append(i)
    seen: set[tuple[int, int]] = set()
    for key, bucket in index.items():
        # Common words pair nearly everything; a statement shares rarer words too.
        # A prolific speaker's bucket only matters for translations; cap it.
        if len(bucket) > (300 if key.startswith("s:") else 100):
            continue
        for x in range(len(bucket)):
            for y in range(x + 1, len(bucket)):
                i, j = bucket[x], bucket[y]
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                if _find(parent, i) == _find(parent, j):
                    continue
                if _similar(items[i], items[j], idf):
                    parent[_find(parent, i)] = _find(parent, j)
    if events:
        _align_speakers(items, parent, events, idf)
    groups: dict[int, list[_Item]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[_find(parent, i)].append(item)
    quotes: list[Quote] = []
    for members in groups.values():
        members.sort(key=lambda it: it.key)
        first = members[0]
        qid = "q-" + hashlib.sha1(f"{first.doc}:{first.mention.start}".encode()).hexdigest()[:12]
        direct = [it for it in members if it.mention.direct] or members
        best = max(direct, key=lambda it: (len(it.mention.text), [-x for x in it.key[1:]]))
        canonical_text = _quoted_part(best.mention.text).strip(_MARKS + ",.")
        # A speaker named at the cue outweighs one resolved from a pronoun.
        votes: Counter = Counter()
        names: dict[str, str] = {}
        for it in members:
            if it.speaker and it.mention.speaker:
                votes[it.speaker] += it.weight
                name = it.mention.speaker
                if canonical is not None:
                    name = canonical(name) or name
                if len(name) > len(names.get(it.speaker, "")):
                    names[it.speaker] = name
        speaker = names[votes.most_common(1)[0][0]] if votes else None
        record = Quote(id=qid, text=canonical_text, speaker=speaker)
        for it in members:
            m = it.mention
            m.quote = qid
            m.verbatim = bool(m.direct) and _verbatim(_quoted_part(m.text), canonical_text)
            record.mentions.append(
                {"document": it.doc, "start": m.start, "end": m.end, "verbatim": m.verbatim}
            )
        quotes.append(record)
    quotes.sort(key=lambda q: q.id)
    return quotes
