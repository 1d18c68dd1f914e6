"""figures: numbers with unit and what they count, compared across sources.

`extract_figures` (per document, regular expressions only) finds and normalises
figures; `group_figures` (per corpus or storyline) groups the mentions that
count the same thing and marks them agree / disagree / single.
"""

from __future__ import annotations

from storyline.model import Document
from storyline.stages.figures.extract import extract_figures, qualifier
from storyline.stages.figures.group import group_figures, values_agree

__all__ = ["extract_figures", "figures", "group_figures", "qualifier", "values_agree"]


def figures(doc: Document) -> Document:
    """Stage: fill `doc.figures` from `doc.text` (not yet grouped)."""
    doc.figures = extract_figures(doc.text, doc.language)
    return doc
