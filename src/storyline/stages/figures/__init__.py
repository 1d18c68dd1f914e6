"""figures: numbers with units and what they count (placeholder)."""

from ...registry import Batch, Stage, stage


@stage("figures", phase="analysis", requires=["doc.text"], assigns=["doc.figures"])
class Figures(Stage):
    def process_storyline(self, batch: Batch) -> None:
        batch.store.delete_records("figure", storyline=batch.storyline)
