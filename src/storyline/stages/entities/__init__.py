"""entities: people, organisations and places, linked into one record per referent.

Per document, `extract_entities` runs one spaCy NER pass and cleans the spans;
per corpus, `EntityLinker.link` merges name variants into entities and keeps
an alias memory the store persists (`to_state` / `from_state`).
"""

from __future__ import annotations

from storyline.model import Document, Entity
from storyline.stages.entities.extract import extract_entities, extract_entities_batch
from storyline.stages.entities.link import EntityLinker
from storyline.stages.entities.names import name_key

__all__ = [
    "EntityLinker",
    "entities",
    "extract_entities",
    "extract_entities_batch",
    "link_documents",
    "name_key",
]


def entities(doc: Document) -> Document:
    """Stage: fill `doc.entities` with the mentions in `doc.text` (not yet linked)."""
    doc.entities = extract_entities(doc.text, doc.language)
    return doc


def link_documents(docs: list[Document], linker: EntityLinker | None = None) -> list[Entity]:
    """Link the mentions of `docs` (extracting them first where missing).

    Returns every entity the linker knows; mention ids are set in place.
    """
    linker = linker or EntityLinker()
    missing = [d for d in docs if not d.entities and d.text]
    for doc, mentions in zip(missing, extract_entities_batch([(d.text, d.language) for d in missing])):
        doc.entities = mentions
    return linker.link({d.id: d.entities for d in docs})
