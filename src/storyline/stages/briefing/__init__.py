"""briefing: cited extractive summary per storyline (placeholder: leading sentences)."""

from ...registry import Batch, Stage, stage
from ...text import sentence_spans


@stage("briefing", phase="analysis", requires=["doc.text", "doc.quotes", "doc.figures", "doc.dates"],
       assigns=["storyline.briefing"])
class Briefing(Stage):
    def process_storyline(self, batch: Batch) -> None:
        sentences = []
        for doc in batch.documents:
            for start, end in sentence_spans(doc.text, doc.language)[:1]:
                sentences.append({"text": doc.text[start:end], "document": doc.id, "start": start, "end": end})
        sentences = sentences[: self.settings.briefing.sentences]
        batch.store.delete_records("briefing", storyline=batch.storyline)
        batch.store.put_records("briefing", [{"id": batch.storyline, "storyline": batch.storyline,
                                              "sentences": sentences}])
