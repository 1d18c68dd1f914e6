"""timeline: dates in the text and event dates (placeholder: publication dates)."""

from ...registry import Batch, Stage, stage


@stage("timeline", phase="analysis", requires=["doc.text", "doc.event"], assigns=["doc.dates", "event.date"])
class Timeline(Stage):
    def process_storyline(self, batch: Batch) -> None:
        by_event = {}
        for doc in batch.documents:
            by_event.setdefault(doc.event, []).append(doc)
        for event_id, docs in by_event.items():
            record = batch.store.get_record("event", event_id)
            dates = sorted(d.published[:10] for d in docs if d.published)
            record["date"], record["date_confidence"] = (dates[0], 0.5) if dates else (None, 0.0)
            batch.store.put_records("event", [record])
