"""storylines: events threaded over time (placeholder: one storyline per event)."""

from ..registry import Batch, Stage, stage


@stage("storylines", requires=["doc.event"], assigns=["doc.storyline"])
class Storylines(Stage):
    def process_batch(self, batch: Batch) -> None:
        for doc in batch.documents:
            event = batch.store.get_record("event", doc.event)
            if not event.get("storyline"):
                event["storyline"] = "sl-" + doc.event[3:]
                batch.store.put_records("event", [event])
                batch.store.put_records("storyline", [{"id": event["storyline"], "title": event["title"]}])
            doc.storyline = event["storyline"]
