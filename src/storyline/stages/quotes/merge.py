"""Cross-document quote merging."""
from __future__ import annotations


def merge(mentions_by_doc, texts, canonical=None):
    return []
