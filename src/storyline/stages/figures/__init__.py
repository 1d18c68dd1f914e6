"""figures: numbers with unit and what they count, compared across sources.

`extract_figures` (per document, regular expressions only) finds and normalises
figures; `group_figures` (per corpus or storyline) groups the mentions that
count the same thing and marks them agree / disagree / single.
"""

from __future__ import annotations

from dataclasses import asdict

from storyline.model import Document
from storyline.registry import Batch, Stage, stage
from storyline.stages.figures.extract import extract_figures, qualifier
from storyline.stages.figures.group import group_figures, values_agree

__all__ = ["extract_figures", "figures", "group_figures", "qualifier", "values_agree"]


def figures(doc: Document) -> Document:
    """Stage: fill `doc.figures` from `doc.text` (not yet grouped)."""
    doc.figures = extract_figures(doc.text, doc.language)
    return doc


@stage("figures", phase="analysis", requires=["doc.text", "doc.language"], assigns=["doc.figures"])
class Figures(Stage):
    """Figures per document; per storyline, grouped across its documents and compared."""

    def process(self, doc: Document) -> Document:
        return figures(doc)

    def process_storyline(self, batch: Batch) -> None:
        grouped = group_figures({d.id: d.figures for d in batch.documents},
                                {d.id: d.text for d in batch.documents})
        batch.store.delete_records("figure", storyline=batch.storyline)
        batch.store.put_records("figure", [{**asdict(f), "storyline": batch.storyline, "title": f.what}
                                           for f in grouped])
