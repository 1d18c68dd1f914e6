"""embed: per-document features for event clustering (placeholder)."""

from ..model import Document
from ..registry import stage


@stage("embed", requires=["doc.text"], assigns=["doc.extra.embed"])
def embed(doc: Document, settings) -> Document:
    return doc
