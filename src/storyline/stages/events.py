"""events: documents about the same happening (placeholder: one event per duplicate group)."""

import hashlib

from ..registry import Batch, Stage, stage


def event_id(doc_id: str) -> str:
    return "ev-" + hashlib.sha1(doc_id.encode()).hexdigest()[:10]


@stage("events", requires=["doc.extra.embed", "doc.duplicate_of"], assigns=["doc.event"])
class Events(Stage):
    def process_batch(self, batch: Batch) -> None:
        records = []
        for doc in batch.documents:
            if doc.duplicate_of:
                try:
                    doc.event = batch.store.get_document(doc.duplicate_of).event
                except Exception:
                    doc.event = None
            if not doc.event:
                doc.event = event_id(doc.id)
                records.append({"id": doc.event, "title": doc.title or doc.text[:80], "date": doc.published})
        batch.store.put_records("event", records)
