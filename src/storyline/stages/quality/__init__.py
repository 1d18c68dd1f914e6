"""quality: flags for machine-translated and incoherent text (placeholder)."""

from ...model import Document
from ...registry import stage


@stage("quality", requires=["doc.text", "doc.language"], assigns=["doc.flags"])
def quality(doc: Document, settings) -> Document:
    return doc
