"""Independent reports: collapse copies of one original inside an event.

An event's documents are often fewer stories than they look: wire text run
by several outlets, machine translations of it, spun rewrites. Two documents
are copies when most sentences of the shorter one line up, in order, with
sentences of the longer one:

- same language: sentences match on shared content words (folded, cut to a
  stem, common rewording normalised), so syndicated copies and spun rewrites
  both line up;
- different languages: sentences match on their anchors, the names and
  numbers that survive translation, in the same order.

Genuinely independent reports of one event share names and numbers too, but
not the sentence-by-sentence sequence, so they stay apart. `duplicate_of`
links set by the dedup stage are always honoured.

Example:
    >>> reports = collapse_reports(event_docs)
    >>> coverage(event_docs, reports)
    {'outlets': 5, 'documents': 6, 'independent_reports': 2, 'originals': ['a1', 'b7']}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import Document, Report
from storyline.text import fold, sentence_spans

__all__ = ["collapse_reports", "link_copies", "coverage", "Link", "COPY_COVERAGE"]

# Share of the shorter document's sentences that must line up, in order, with
# the longer one. Wire copies and translations reach 0.8-1.0; two dispatches
# that share a background block but not their news reach ~0.4.
COPY_COVERAGE = 0.6
_MIN_ALIGNABLE = 3  # sentences; shorter texts are never called copies
_SAME_LANG_MATCH = 0.5  # containment of content words for two sentences to match
_CROSS_LANG_MATCH = 0.5  # Jaccard of anchors for two sentences to match
_WORD = re.compile(r"[^\W\d_]{3,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]*[a-z][\w’'-]*", re.M)
# Reworded forms an article spinner or a rewrite desk swaps in; normalised so
# a spun copy still lines up with its original.
_CANONICAL = {
    "stated": "said", "mentioned": "said", "explained": "said", "noted": "said", "told": "said",
    "says": "said", "declared": "said", "remarked": "said", "added": "said",
    "individuals": "people", "persons": "people", "folks": "people",
    "firm": "company", "enterprise": "company", "corporation": "company",
    "nation": "country", "authorities": "government", "administration": "government",
}
_STOP = frozenset(
    """the and for that with this from have has had was were are been will would could should
    their there they them than then which while what when where who whom whose into onto over
    under about after before also but not its his her our your said says one two three""".split()
)


@dataclass(frozen=True)
class Link:
    """Evidence that `copy` reproduces `original` (before choosing which is the original)."""

    a: str
    b: str
    relation: str  # duplicate | syndicated | translation | rewrite
    coverage: float  # share of the shorter document's sentences aligned in order


@dataclass
class _Profile:
    doc: Document
    index: int
    language: str
    content: list[frozenset[str]]  # per sentence
    anchors: list[frozenset[str]]  # per sentence
    words: frozenset[str]
    all_anchors: frozenset[str]


def collapse_reports(docs: list[Document]) -> list[Report]:
    """Group the documents of one event into independent reports.

    Args:
        docs: the documents of one event (any languages).

    Returns:
        One `Report` per independent report, ordered by its original's
        publication date: `original` is the likely original (earliest
        published, then the longest clean text, then unflagged), `copies` the
        other documents that reproduce it (syndicated copies, translations,
        spun rewrites), in input order.

    Example:
        >>> [r.original for r in collapse_reports([wire, copy1, copy2, other])]
        ['wire', 'other']
    """
    if not docs:
        return []
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = {d.id: i for i, d in enumerate(docs)}
    for link in link_copies(docs):
        parent[find(index[link.a])] = find(index[link.b])
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(find(i), []).append(i)
    reports = []
    for members in groups.values():
        ranked = sorted(members, key=lambda i: _original_rank(docs[i], i))
        original = ranked[0]
        copies = [docs[i].id for i in sorted(members) if i != original]
        reports.append((_original_rank(docs[original], original), Report(docs[original].id, copies)))
    return [r for _, r in sorted(reports, key=lambda x: x[0])]


def link_copies(docs: list[Document]) -> list[Link]:
    """Every pair of documents where one reproduces the other, with the evidence."""
    ids = {d.id for d in docs}
    links = [Link(d.id, d.duplicate_of, "duplicate", 1.0) for d in docs if d.duplicate_of in ids and d.duplicate_of != d.id]
    linked = {frozenset((x.a, x.b)) for x in links}
    profiles = [_profile(d, i) for i, d in enumerate(docs)]
    for i, p in enumerate(profiles):
        for q in profiles[i + 1 :]:
            if frozenset((p.doc.id, q.doc.id)) in linked:
                continue
            link = _compare(p, q)
            if link:
                links.append(link)
    return links


def coverage(docs: list[Document], reports: list[Report] | None = None) -> dict:
    """'N outlets, M independent reports' for one event.

    Returns:
        {"outlets": distinct `source` values (a document without one counts as
        its own outlet), "documents": n, "independent_reports": m,
        "originals": ids of each report's likely original}
    """
    reports = collapse_reports(docs) if reports is None else reports
    sources = {d.source.strip().casefold() for d in docs if d.source and d.source.strip()}
    unsourced = sum(1 for d in docs if not (d.source and d.source.strip()))
    return {
        "outlets": len(sources) + unsourced,
        "documents": len(docs),
        "independent_reports": len(reports),
        "originals": [r.original for r in reports],
    }


# --- comparing two documents -----------------------------------------------------


def _original_rank(doc: Document, position: int) -> tuple:
    """Sort key: earliest published, then longest text, then fewest quality flags."""
    flagged = sum(1 for name in ("machine_translated", "incoherent", "duplicate") if name in doc.flags)
    return (doc.published is None, doc.published or "", -len(doc.text or ""), flagged, doc.duplicate_of is not None, position)


def _profile(doc: Document, index: int) -> _Profile:
    text = doc.text or ""
    language = (doc.language or "en").lower()
    content, anchors = [], []
    for a, b in sentence_spans(text, language):
        sentence = text[a:b]
        anchor = _anchors(sentence)
        words = {_CANONICAL.get(w, w)[:6] for w in (fold(x) for x in _WORD.findall(sentence)) if w not in _STOP}
        content.append(frozenset(words | anchor))
        anchors.append(frozenset(anchor))
    return _Profile(
        doc, index, language, content, anchors,
        frozenset().union(*content) if content else frozenset(),
        frozenset().union(*anchors) if anchors else frozenset(),
    )


def _anchors(sentence: str) -> set[str]:
    """Names and numbers, the tokens a translation keeps: folded, names cut to 4 letters."""
    out = {"#" + n.replace(",", "").replace(".", "") for n in _NUMBER.findall(sentence)}
    out |= {fold(m.group())[:4] for m in _CAPITALISED.finditer(sentence) if len(m.group()) > 2}
    out.discard("")
    return out


def _compare(p: _Profile, q: _Profile) -> Link | None:
    same_language = p.language == q.language
    if same_language:
        # Cheap screen: copies share most of the shorter text's vocabulary.
        small = min(len(p.words), len(q.words)) or 1
        if len(p.words & q.words) / small < 0.35:
            return None
        sets_p, sets_q, match, need = p.content, q.content, _SAME_LANG_MATCH, 3
    else:
        small = min(len(p.all_anchors), len(q.all_anchors)) or 1
        if len(p.all_anchors & q.all_anchors) / small < 0.3:
            return None
        sets_p, sets_q, match, need = p.anchors, q.anchors, _CROSS_LANG_MATCH, 2
    share = _aligned_share(sets_p, sets_q, match, need, same_language)
    if share is None or share < COPY_COVERAGE:
        return None
    if not same_language:
        relation = "translation"
    elif share > 0.9 and _verbatim(p, q):
        relation = "syndicated"
    else:
        relation = "rewrite"
    return Link(p.doc.id, q.doc.id, relation, round(share, 3))


def _aligned_share(a: list[frozenset[str]], b: list[frozenset[str]], match: float, need: int, containment: bool) -> float | None:
    """Longest in-order chain of matching sentences, over the shorter side's alignable sentences."""
    ia = [i for i, s in enumerate(a) if len(s) >= need]
    ib = [j for j, s in enumerate(b) if len(s) >= need]
    shorter = min(len(ia), len(ib))
    if shorter < _MIN_ALIGNABLE:
        return None
    # Longest common subsequence over the match relation.
    prev = [0] * (len(ib) + 1)
    for i in ia:
        cur = [0] * (len(ib) + 1)
        si = a[i]
        for k, j in enumerate(ib, 1):
            sj = b[j]
            inter = len(si & sj)
            if inter >= need:
                denom = min(len(si), len(sj)) if containment else len(si | sj)
                hit = inter / denom >= match
            else:
                hit = False
            cur[k] = prev[k - 1] + 1 if hit else max(prev[k], cur[k - 1])
        prev = cur
    return prev[-1] / shorter


def _verbatim(p: _Profile, q: _Profile) -> bool:
    """Near-identical text: the same 8-word shingles for the most part."""

    def shingles(text: str) -> set[str]:
        words = fold(text).split()
        return {" ".join(words[i : i + 8]) for i in range(max(1, len(words) - 7))}

    a, b = shingles(p.doc.text), shingles(q.doc.text)
    return len(a & b) / (min(len(a), len(b)) or 1) >= 0.7
