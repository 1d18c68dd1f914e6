"""timeline: dates in text resolved to ISO 8601, and the best-supported date of an event.

`extract_dates` (per document) finds absolute dates, datelines and relative
expressions and resolves them against the publication date; `event_date`
(per event) weighs every document's evidence into one date with a confidence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from storyline.model import Document
from storyline.registry import Batch, Stage, stage
from storyline.stages.timeline.extract import (
    MONTHS,
    extract_dates,
    _bound,
    parse_published,
    resolve,
    scan,
)

__all__ = ["event_date", "extract_dates", "timeline"]

LEDE_CHARS = 400  # dates in the first lines are about the main event
LEDE_WEIGHT = 1.5
FUTURE_WEIGHT = 0.4  # 'will meet on Monday' is a plan, not the event reported
UNDATED_WEEKDAY_CONFIDENCE = 0.4


def timeline(doc: Document) -> Document:
    """Stage: fill `doc.dates` from `doc.text`, `doc.language` and `doc.published`."""
    doc.dates = extract_dates(doc.text, doc.language, doc.published)
    return doc


def _weight(c, text_len: int, confidence: float) -> float:
    w = confidence
    if c.start < max(LEDE_CHARS, text_len // 8) or c.dateline:
        w *= LEDE_WEIGHT
    if c.future:
        w *= FUTURE_WEIGHT
    return w


def event_date(docs: list[Document]) -> tuple[str | None, float, list[dict]]:
    """The best-supported date of the event these documents report.

    Each document votes once per candidate day with its strongest mention of
    it: stated dates, weekdays and relative expressions resolved against its
    publication date. A document without one uses the event's other
    publication dates, or failing those the latest date any of the texts
    states as a floor for yearless dates ('Feb. 2' after 'December 2019' is
    2020-02-02); its bare weekdays ('on Sunday') then support candidate days
    that fall on that weekday.

    Returns:
        (ISO date or None, confidence in [0, 1], evidence) where evidence is a
        list of {document, start, end, text} spans supporting the date.

    Example:
        >>> event_date([Document(id="a", text="He arrived on Sunday.", published="2020-02-03")])
        ('2020-02-02', ..., [{'document': 'a', 'start': 11, 'end': 20, 'text': 'on Sunday'}])
    """
    scanned = []
    bounds = []
    published = []
    for doc in docs:
        language = doc.language if doc.language in MONTHS else "en"
        candidates = scan(doc.text or "", language)
        base = parse_published(doc.published)
        scanned.append((doc, language, candidates, base))
        if base:
            published.append(base)
        bound = _bound(candidates)
        if bound:
            bounds.append(bound)
    event_base = sorted(published)[len(published) // 2] if published else None
    # The latest floor wins; at equal dates a month-precise floor beats a bare year.
    event_bound = max(bounds, key=lambda b: (b[0], not b[1])) if bounds else None

    votes: dict[str, dict[str, tuple[float, float, list]]] = defaultdict(dict)  # day -> doc -> (w, conf, spans)
    undated_weekdays = []
    for doc, language, candidates, base in scanned:
        text = doc.text or ""
        doc_base = base or event_base
        borrowed = base is None and event_base is not None
        for c in candidates:
            if c.kind in {"year", "monthyear"}:
                continue
            if c.kind == "weekday" and doc_base is None:
                undated_weekdays.append((doc, c, _weight(c, len(text), UNDATED_WEEKDAY_CONFIDENCE)))
                continue
            floor = None if doc_base or event_bound is None else event_bound[0]
            resolved = resolve(c, text, language, doc_base, floor, bool(event_bound and event_bound[1]))
            if resolved is None or len(resolved[0]) != 10:
                continue
            day, confidence = resolved
            if borrowed:
                confidence *= 0.8  # another article's publication date
            _vote(votes, day, doc.id, _weight(c, len(text), confidence), confidence, c, text)
    for doc, c, w in undated_weekdays:
        for day in list(votes):
            if date.fromisoformat(day).weekday() == c.weekday:
                _vote(votes, day, doc.id, w, UNDATED_WEEKDAY_CONFIDENCE, c, doc.text)
    if not votes:
        if event_base is not None:
            return event_base.isoformat(), 0.3, []
        return None, 0.0, []

    scores = {day: sum(w for w, _c, _s in per_doc.values()) for day, per_doc in votes.items()}
    best = max(sorted(scores), key=lambda d: scores[d])
    share = scores[best] / sum(scores.values())
    per_doc = votes[best]
    base_confidence = max(c for _w, c, _s in per_doc.values())
    confidence = base_confidence * (0.5 + 0.5 * share) + 0.05 * min(4, len(per_doc) - 1)
    confidence = max(0.0, min(0.99, base_confidence + 0.15, confidence))
    evidence = sorted(
        (span for _w, _c, spans in per_doc.values() for span in spans),
        key=lambda e: (e["document"], e["start"]),
    )
    return best, round(confidence, 3), evidence


def _vote(votes, day: str, doc_id: str, weight: float, confidence: float, c, text: str) -> None:
    span = {"document": doc_id, "start": c.start, "end": c.end, "text": text[c.start:c.end]}
    old = votes[day].get(doc_id)
    if old is None:
        votes[day][doc_id] = (weight, confidence, [span])
    else:
        votes[day][doc_id] = (max(old[0], weight), max(old[1], confidence), old[2] + [span])




@stage("timeline", phase="analysis", requires=["doc.text", "doc.event"], assigns=["doc.dates", "event.date"])
class Timeline(Stage):
    """Dates per document; per storyline, each event's best-supported date."""

    def process(self, doc: Document) -> Document:
        return timeline(doc)

    def process_storyline(self, batch: Batch) -> None:
        by_event: dict[str, list[Document]] = defaultdict(list)
        for doc in batch.documents:
            by_event[doc.event].append(doc)
        records = []
        for event_id, docs in sorted(by_event.items()):
            record = batch.store.get_record("event", event_id)
            day, confidence, evidence = event_date(docs)
            if day is None:  # fall back on the earliest publication date
                published = sorted(d.published[:10] for d in docs if d.published)
                day, confidence = (published[0], 0.3) if published else (None, 0.0)
            record.update(date=day, date_confidence=round(confidence, 3), date_evidence=evidence)
            records.append(record)
        batch.store.put_records("event", records)
