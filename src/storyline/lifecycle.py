"""Article lifecycle: a document's stored versions and what changed between them."""

from __future__ import annotations

import difflib
from typing import Any

from .stores.base import Store


def document_history(store: Store, doc_id: str, *, context: int = 2) -> list[dict[str, Any]]:
    """Every stored version of a document, oldest first, each with a unified diff of
    its clean text against the version before (`diff`, None for the first).

    Raises:
        NotFound: no such document.
    """
    store.get_document(doc_id)  # NotFound with a hint when the id is unknown
    out: list[dict[str, Any]] = []
    previous = None
    for row in store.document_versions(doc_id):
        doc = store.get_document(doc_id, row["version"])
        item = {**row, "current": bool(row["current"]), "published": doc.published, "url": doc.url,
                "fetched_at": doc.fetched_at, "chars": len(doc.text or ""), "diff": None}
        if previous is not None:
            item["diff"] = "".join(difflib.unified_diff(
                _lines(previous.text), _lines(doc.text), fromfile=f"{doc_id} v{previous.version}",
                tofile=f"{doc_id} v{doc.version}", n=context))
            if previous.title != doc.title:
                item["title_change"] = [previous.title, doc.title]
        out.append(item)
        previous = doc
    return out


def _lines(text: str | None) -> list[str]:
    lines = (text or "").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines
