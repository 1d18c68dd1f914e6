"""The `briefing` stage: short extractive summaries that cite their spans.

A briefing is a handful of whole sentences copied from the documents of an
event or a storyline. Each carries `(document, start, end)` with
`doc.text[start:end] == sentence.text`; nothing is cut, fused or reworded
(the optional LLM rewrite in `briefing.llm` is a separate, checked step).

How sentences are chosen:

1. candidates: whole sentences of the English documents when any exist
   (otherwise of the most common language), minus junk (very short or long,
   questions, captions and credits, bylines, "read more" lines, headings);
2. centrality: LexRank-style PageRank over TF-IDF cosine similarity, where
   agreement between different reports counts more than repetition inside one;
3. relevance = centrality x document quality (machine-translated, incoherent
   and duplicate documents weigh less) x sentence quality (unattributed
   quotes and sentences that lean on an earlier one weigh less) x a small
   lead bonus (news puts the facts first);
4. selection: maximal marginal relevance, skipping near-repeats; each pick is
   then swapped for the best-quality wording of the same fact among its
   near-duplicates (the original over a translation, a clean copy over a spun
   one);
5. order: by publication day, then by position inside the document.

Runs lazily per event or storyline, not on the ingest path.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict

import numpy as np

from storyline.model import BriefingSentence, Document, Report
from storyline.registry import Batch, Stage, stage
from storyline.stages.briefing.reports import collapse_reports
from storyline.text import sentence_spans

__all__ = ["brief", "verify_sentence", "DEFAULT_SENTENCES"]

DEFAULT_SENTENCES = 7
_MAX_PER_DOC = 30  # sentences per document considered: the news is at the top
_MAX_CANDIDATES = 2000  # bounds the n x n similarity matrix (~16 MB as float32)
_MIN_WORDS, _MAX_WORDS = 6, 70
_REDUNDANT = 0.5  # cosine above which two sentences say the same thing
_SAME_FACT = 0.6  # cosine above which a sentence can stand in for another
_MMR_LAMBDA = 0.7
_DAMPING = 0.85
_EDGE = 0.1  # similarities below this are noise in the centrality graph
_WITHIN_REPORT = 0.3  # weight of similarity between sentences of one report

# Document quality: how much each flag (at score 1) lowers a document's weight.
FLAG_PENALTY = {"machine_translated": 0.4, "incoherent": 0.6, "duplicate": 0.3, "paywall": 0.1}
COPY_PENALTY = 0.15  # a copy in a report, when its original is also present

_JUNK = re.compile(
    r"©|\(c\) [A-Z]|\b(?:Photo|Image|Picture|Video|Credit|Caption|Source)s?\s*:|\bGetty Images\b|"
    r"\b(?:AP|AFP|Reuters|EPA)\s*(?:Photo|/)|\bREAD (?:ALSO|MORE)\b|\b[Rr]ead (?:more|also)\b|"
    r"\b(?:[Ss]ign up|[Ss]ubscribe|[Cc]lick here|[Nn]ewsletter|[Ff]ollow (?:us|The|@))\b|"
    r"^(?:By|Reporting by|Written by|Editing by|Additional reporting)\b|\bcookies?\b|\{\{"
)
_TERMINAL = re.compile(r"[.!][\"'”’)]*$")
_QUOTE_OPEN = "\"“‘«"
_ATTRIBUTED = re.compile(
    r"\b(?:said|says|told|added|asked|stated|wrote|according to|explained|warned|argued|insisted)\b", re.I
)
# Opening words that lean on the sentence before; measured on the flag
# evaluation articles: 14% of their sentences start this way, and without
# the sentence before most are unclear about who "he" or "this" is.
_DANGLING = re.compile(
    r"^(?:He|She|They|It|This|That|These|Those|His|Her|Their|Its|But|However|Also|And|Such|"
    r"Instead|Meanwhile|Still|The (?:two|three|latter|former|same)|Both)\b"
)
_DANGLING_WEIGHT = 0.6
_TELL_WEIGHT = 0.3
_CREDIT = re.compile(r"©|\b(?:Photo|Image|Picture)s?\s*(?:by|:)|\bGetty Images\b|/\s*(?:Reuters|AFP|AP|EPA)\b")
_QUOTE_WEIGHT = 0.4


def brief(
    docs: list[Document],
    *,
    sentences: int = DEFAULT_SENTENCES,
    reports: list[Report] | None = None,
) -> list[BriefingSentence]:
    """Choose the most central, non-redundant sentences of `docs`, in time order.

    Args:
        docs: the documents of an event or a storyline.
        sentences: how many sentences at most (5-10 reads well).
        reports: the independent reports among `docs` (`collapse_reports`);
            copies then weigh less than their originals.

    Returns:
        BriefingSentence records; `text == doc.text[start:end]` for each, and
        each is one whole sentence of `storyline.text.sentence_spans`.

    Example:
        >>> for s in brief(event_docs, sentences=5):
        ...     print(s.text, f"[{s.document} {s.start}-{s.end}]")
    """
    if sentences < 1 or not docs:
        return []
    pool = _pool(docs)
    weights = _doc_weights(pool, reports)
    cands = _candidates(pool, weights)
    if not cands:
        return []
    sim = _similarity([c.text for c in cands], pool[0].language)
    rel = _relevance(cands, sim)
    chosen = _select(cands, sim, rel, sentences)
    chosen.sort(key=lambda c: c.order)
    return [BriefingSentence(c.text, c.doc.id, c.start, c.end) for c in chosen]


def verify_sentence(doc_text: str, s: BriefingSentence, language: str | None = "en") -> bool:
    """True when `s` is exactly whole sentences of `doc_text` at `s.start:s.end`.

    Checks the span is in range, that `doc_text[start:end] == s.text`, and that
    the span starts and ends on sentence boundaries (nothing cut mid-way).
    """
    if not (0 <= s.start < s.end <= len(doc_text)) or doc_text[s.start : s.end] != s.text:
        return False
    spans = sentence_spans(doc_text, language)
    return s.start in {a for a, _ in spans} and s.end in {b for _, b in spans}


# --- candidates -------------------------------------------------------------------


class _Candidate:
    __slots__ = ("doc", "start", "end", "text", "weight", "report", "order", "position")

    def __init__(self, doc: Document, start: int, end: int, weight: float, report: str, order: tuple, position: int):
        self.doc, self.start, self.end = doc, start, end
        self.text = doc.text[start:end]
        self.weight, self.report, self.order, self.position = weight, report, order, position


def _pool(docs: list[Document]) -> list[Document]:
    """English documents when there are any, else those of the most common language."""
    usable = [d for d in docs if d.text and d.text.strip()]
    if not usable:
        return []
    english = [d for d in usable if (d.language or "en") == "en"]
    if english:
        return english
    common = Counter(d.language for d in usable).most_common(1)[0][0]
    return [d for d in usable if d.language == common]


def _doc_weights(pool: list[Document], reports: list[Report] | None) -> dict[str, tuple[float, str]]:
    """Per document: (quality weight, id of its report's original)."""
    present = {d.id for d in pool}
    report_of = {d.id: d.id for d in pool}
    is_copy: set[str] = set()
    for r in reports or []:
        for c in r.copies:
            report_of[c] = r.original
            if r.original in present:
                is_copy.add(c)
    out = {}
    for d in pool:
        w = 1.0
        for name, penalty in FLAG_PENALTY.items():
            flag = d.flags.get(name)
            if flag is not None:
                w *= 1.0 - penalty * max(0.0, min(1.0, flag.score))
        if d.duplicate_of and "duplicate" not in d.flags:
            w *= 1.0 - FLAG_PENALTY["duplicate"]
        if d.id in is_copy:
            w *= 1.0 - COPY_PENALTY
        out[d.id] = (w, report_of.get(d.id, d.id))
    return out


def _candidates(pool: list[Document], weights: dict[str, tuple[float, str]]) -> list[_Candidate]:
    cands: list[_Candidate] = []
    ranked = sorted(range(len(pool)), key=lambda i: -weights[pool[i].id][0])
    per_doc = max(5, min(_MAX_PER_DOC, _MAX_CANDIDATES // max(1, len(pool))))
    for i in ranked:
        doc = pool[i]
        spans = sentence_spans(doc.text, doc.language)
        day = (doc.published or "")[:10] or "~"  # undated documents go last
        doc_w, report = weights[doc.id]
        tells = _flagged_snippets(doc)
        kept = 0
        for pos, (a, b) in enumerate(spans):
            if kept >= per_doc:
                break
            factor = _sentence_weight(doc.text[a:b], _paragraph(doc.text, a, b))
            if factor <= 0:
                continue
            if any(t in doc.text[a:b] for t in tells):
                factor *= _TELL_WEIGHT  # this very sentence carries a translation or spin artefact
            kept += 1
            order = (day, a / max(1, len(doc.text)), i)
            cands.append(_Candidate(doc, a, b, doc_w * factor, report, order, pos))
    return cands[:_MAX_CANDIDATES]


def _paragraph(text: str, start: int, end: int) -> str:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]


def _flagged_snippets(doc: Document) -> list[str]:
    """Snippets quoted in the evidence of a document's quality flags."""
    out = []
    for name in ("machine_translated", "incoherent"):
        flag = doc.flags.get(name)
        for line in flag.evidence if flag else ():
            m = re.search(r'"(.{6,})"', line)
            if m and m.group(1) in doc.text:
                out.append(m.group(1))
    return out


def _sentence_weight(sentence: str, paragraph: str = "") -> float:
    """0 for junk, below 1 for sentences that read badly alone, else 1."""
    words = len(sentence.split())
    if words < _MIN_WORDS or words > _MAX_WORDS:
        return 0.0
    if sentence.rstrip().endswith("?") or not _TERMINAL.search(sentence.rstrip()):
        return 0.0
    # A photo caption is a sentence with its credit in the same paragraph.
    if _JUNK.search(sentence) or _CREDIT.search(paragraph):
        return 0.0
    weight = 1.0
    if sentence[0] in _QUOTE_OPEN and not _ATTRIBUTED.search(sentence):
        weight *= _QUOTE_WEIGHT
    if _DANGLING.match(sentence):
        weight *= _DANGLING_WEIGHT
    return weight


# --- scoring ------------------------------------------------------------------------


def _similarity(texts: list[str], language: str | None) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        lowercase=True,
        strip_accents="unicode",
        stop_words="english" if (language or "en") == "en" else None,
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w\w+\b",
    )
    try:
        x = vectorizer.fit_transform(texts)
    except ValueError:  # every sentence was stop words only
        return np.eye(len(texts), dtype=np.float32)
    return (x @ x.T).toarray().astype(np.float32)


def _relevance(cands: list[_Candidate], sim: np.ndarray) -> np.ndarray:
    n = len(cands)
    graph = np.where(sim >= _EDGE, sim, 0.0).astype(np.float64)
    np.fill_diagonal(graph, 0.0)
    reports = np.array([c.report for c in cands])
    same = reports[:, None] == reports[None, :]
    graph[same] *= _WITHIN_REPORT  # many reports agreeing beats one report repeating itself
    rows = graph.sum(axis=1, keepdims=True)
    trans = np.divide(graph, rows, out=np.full_like(graph, 1.0 / n), where=rows > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(50):
        new = (1 - _DAMPING) / n + _DAMPING * (trans.T @ rank)
        if np.abs(new - rank).sum() < 1e-8:
            rank = new
            break
        rank = new
    rank = rank / rank.max()
    lead = np.array([1.0 + 0.3 / (1 + c.position) for c in cands])
    weight = np.array([c.weight for c in cands])
    return rank * lead * weight


def _select(cands: list[_Candidate], sim: np.ndarray, rel: np.ndarray, k: int) -> list[_Candidate]:
    chosen: list[int] = []
    available = np.ones(len(cands), dtype=bool)
    scale = rel.max() or 1.0
    while len(chosen) < k and available.any():
        redundancy = sim[:, chosen].max(axis=1) if chosen else np.zeros(len(cands))
        mmr = _MMR_LAMBDA * rel / scale - (1 - _MMR_LAMBDA) * redundancy
        mmr[~available] = -np.inf
        best = int(np.argmax(mmr))
        best = _best_wording(best, cands, sim, available)
        chosen.append(best)
        # The fact is told: drop every near-repeat of it.
        available &= sim[best] < _REDUNDANT
        available[best] = False
    return [cands[i] for i in chosen]


def _best_wording(i: int, cands: list[_Candidate], sim: np.ndarray, available: np.ndarray) -> int:
    """Among near-duplicates of sentence i, the one from the best-quality source."""
    twins = np.flatnonzero((sim[i] >= _SAME_FACT) & available)
    if len(twins) <= 1:
        return i
    return int(max(twins, key=lambda j: (round(cands[j].weight, 3), -cands[j].order[2], j == i)))


# --- the stage -------------------------------------------------------------------

@stage("briefing", phase="analysis", requires=["doc.text", "doc.quotes", "doc.figures", "doc.dates"],
       assigns=["event.reports", "storyline.briefing", "event.briefing"])
class Briefing(Stage):
    """Per storyline: collapse each event's copies into independent reports, then brief
    the storyline and each of its events."""

    def process_storyline(self, batch: Batch) -> None:
        by_event: dict[str, list[Document]] = {}
        for doc in batch.documents:
            by_event.setdefault(doc.event, []).append(doc)
        size = self.settings.briefing.sentences
        events, briefings = [], []
        for event_id, docs in sorted(by_event.items()):
            reports = collapse_reports(docs)
            record = batch.store.get_record("event", event_id)
            record["reports"] = [{"original": r.original, "copies": list(r.copies)} for r in reports]
            events.append(record)
            if len(batch.documents) > len(docs):  # a one-event storyline's briefing says it all
                briefings.append(_record(f"{event_id}", brief(docs, sentences=size, reports=reports),
                                         storyline=batch.storyline, event=event_id))
        all_reports = [Report(r["original"], r["copies"]) for e in events for r in e["reports"]]
        briefings.append(_record(batch.storyline, brief(batch.documents, sentences=size, reports=all_reports),
                                 storyline=batch.storyline))
        batch.store.put_records("event", events)
        batch.store.delete_records("briefing", storyline=batch.storyline)
        batch.store.put_records("briefing", briefings)


def _record(record_id: str, sentences: list[BriefingSentence], *, storyline: str | None,
            event: str | None = None) -> dict:
    out = {"id": record_id, "storyline": storyline, "sentences": [asdict(s) for s in sentences]}
    if event:
        out["event"] = event
    return out
