"""entities: people, organisations and places, linked into one record per referent.

Per document, `extract_entities` runs one spaCy NER pass and cleans the spans;
per corpus, `EntityLinker.link` merges name variants into entities and keeps
an alias memory the store persists (`to_state` / `from_state`).
"""

from __future__ import annotations

import re
from dataclasses import asdict

from storyline.curation import alias_corrections, record_alias
from storyline.model import Document, Entity, EntityMention
from storyline.registry import Batch, Stage, stage
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


# --- the stage -------------------------------------------------------------------

STATE_NS, STATE_KEY = "entities", "linker"
# Documents per `EntityLinker.link` call in `Entities.prelink`: bounds the mentions held at once.
PRELINK_CHUNK = 5000


@stage("entities", phase="analysis", requires=["doc.text", "doc.language"], assigns=["doc.entities"])
class Entities(Stage):
    """NER per document; link mentions with the corpus-wide alias memory, all the
    documents to analyse at once (`prelink`), before their storylines run.

    The linker is loaded once per run and saved in `finish`, where entity ids are
    also made to follow each entity's canonical name, so the same corpus gives the
    same ids in any arrival order (old ids redirect).
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.linker: EntityLinker | None = None
        self._loaded_redirects: dict[str, str] = {}
        self._touched_docs: set[str] = set()
        self._prelinked: dict[str, list[str | None]] = {}  # doc id -> its mentions' entity ids

    def process(self, doc: Document) -> Document:
        return entities(doc)

    def load(self, store) -> EntityLinker:
        if self.linker is None:
            self.linker = EntityLinker.from_state(store.get_state(STATE_NS, STATE_KEY) or {})
            self._loaded_redirects = dict(self.linker._redirects)
            # Corrections are replayed on every run, so a rebuilt alias memory still obeys them.
            self._touched_docs |= apply_corrections(store, self.linker, alias_corrections(store))
        return self.linker

    def prelink(self, store, doc_ids) -> None:
        """Link the mentions of `doc_ids` now, in chunks of documents in id order.

        The linker is online: fed storyline by storyline, its merges followed the order
        the storylines came in (and which documents shared one), so another arrival
        order or batching gave other entities. Linked here, before any storyline, the
        alias memory depends on the set of documents only; `process_storyline` then
        reuses what this call decided.
        """
        linker = self.load(store)
        ids = sorted(set(doc_ids))
        for start in range(0, len(ids), PRELINK_CHUNK):
            payloads = store.get_analysis(ids[start:start + PRELINK_CHUNK])
            mentions = {d: [EntityMention(**m) for m in p.get("entities", [])] for d, p in payloads.items()}
            linker.link(mentions)
            self._prelinked.update({d: [m.entity for m in ms] for d, ms in mentions.items()})
            self._touched_docs.update(mentions)

    def process_storyline(self, batch: Batch) -> None:
        linker = self.load(batch.store)
        todo = {}
        for d in batch.documents:
            linked = self._prelinked.get(d.id)
            if linked is not None and len(linked) == len(d.entities):
                for m, entity_id in zip(d.entities, linked):
                    m.entity = linker.resolve(entity_id) if entity_id else None
            else:
                todo[d.id] = d.entities
        if todo:
            linker.link(todo)
        self._touched_docs.update(d.id for d in batch.documents)
        batch.notes["canonical_name"] = linker.canonical_name

    # --- names as the quotes stage saw them (so analysis is a function of the final memory) ---

    def name_snapshot(self, doc_ids) -> dict[str, str | None]:
        """name key -> canonical name now, for the keys the linker holds for `doc_ids`
        (the names the quotes stage just gave their speakers)."""
        if self.linker is None:
            return {}
        keys = {row[0] for d in doc_ids for row in self.linker._contrib.get(d, [])}
        return {key: self._name(key) for key in keys}

    def known_names(self) -> dict[str, str | None]:
        """name key -> canonical name for every key in memory."""
        return {} if self.linker is None else {key: self._name(key) for key in self.linker._key2id}

    def renamed(self, before: dict[str, str | None]) -> set[str]:
        """Keys of `before` whose canonical name is now different."""
        return {key for key, name in before.items() if self._name(key) != name}

    def documents_of(self, keys) -> set[str]:
        """Documents mentioning any of these name keys."""
        linker = self.linker
        wanted = set(keys)
        return {d for d, rows in linker._contrib.items() if any(row[0] in wanted for row in rows)} if linker else set()

    def _name(self, key: str) -> str | None:
        entity_id = self.linker._key2id.get(key)
        return self.linker._entities[entity_id].name() if entity_id in self.linker._entities else None

    def finish(self, store) -> None:
        if self.linker is None or not self._touched_docs:
            return
        linker = self.linker
        affected_docs = set(self._touched_docs)
        for old, new in canonical_renames(linker):
            try:
                affected_docs |= linker.rename(old, new)
            except ValueError:  # the name's id is held by an entity renamed later: keep the old id
                continue
        merged = {old: new for old, new in linker._redirects.items() if self._loaded_redirects.get(old) != new}
        for old in merged:
            store.redirect("entity", old, linker.resolve(old))
        store.delete_records("entity", list(merged))
        # Rewrite cached mentions whose entity id moved (merges, renames).
        payloads = store.get_analysis(sorted(affected_docs))
        for payload in payloads.values():
            for mention in payload.get("entities", []):
                if mention.get("entity"):
                    mention["entity"] = linker.resolve(mention["entity"])
        store.update_analysis(payloads)
        changed, empty = linker.take_dirty()
        store.delete_records("entity", sorted(empty))
        store.put_records("entity", [_entity_record(e) for e in linker.entities() if e.id in changed])
        store.put_state(STATE_NS, {STATE_KEY: linker.to_state()})
        self._touched_docs.clear()
        self._prelinked.clear()
        self._loaded_redirects = dict(linker._redirects)


def apply_corrections(store, linker: EntityLinker, corrections: list[dict]) -> set[str]:
    """Apply alias corrections (oldest first) and re-link the documents they move.

    Returns the ids of the documents whose mentions changed; their storylines are
    marked stale so quotes and briefings pick up the new names.
    """
    affected: set[str] = set()
    for correction in sorted(corrections, key=lambda c: c.get("at", "")):
        act = linker.add_alias if correction["action"] == "merge" else linker.veto
        affected |= act(correction["variant"], correction["canonical"])
    if affected:
        payloads = store.get_analysis(sorted(affected))
        mentions = {doc_id: [EntityMention(**m) for m in p.get("entities", [])] for doc_id, p in payloads.items()}
        linker.link(mentions)
        for doc_id, payload in payloads.items():
            payload["entities"] = [asdict(m) for m in mentions[doc_id]]
        store.update_analysis(payloads)
        storylines = {d.storyline for d in store.iter_documents(sorted(affected)) if d.storyline}
        store.delete_state("storyline_stamp", sorted(storylines))
    return affected


def apply_alias(store, action: str, variant: str, canonical: str) -> dict:
    """Record an alias correction and apply it now (`storyline alias add|veto`).

    Returns the correction record plus `documents`: how many documents changed entity.
    """
    record = record_alias(store, action, variant, canonical)
    stage = Entities(None)
    with store.transaction():
        stage.load(store)  # replays every correction, this one included
        moved = len(stage._touched_docs)
        stage.finish(store)
    return {**record, "documents": moved}


def canonical_renames(linker: EntityLinker) -> list[tuple[str, str]]:
    """(old id, new id) pairs that make each entity's id the slug of its canonical name."""
    wanted: dict[str, list[tuple[str, str]]] = {}
    for entity in linker.entities():
        slug = _slug(name_key(entity.name)) or entity.id
        wanted.setdefault(slug, []).append((min(linker._entities[entity.id].keys or {entity.id}), entity.id))
    renames = []
    for slug, owners in sorted(wanted.items()):
        for n, (_key, entity_id) in enumerate(sorted(owners)):
            target = slug if n == 0 else f"{slug}-{n + 1}"
            if entity_id == target:
                continue
            while linker.taken(target) and target != entity_id:
                n += 1
                target = f"{slug}-{n + 1}"
            if target != entity_id:
                renames.append((entity_id, target))
    return renames


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")[:40]


def _entity_record(entity: Entity) -> dict:
    return {"id": entity.id, "name": entity.name, "type": entity.type, "variants": entity.variants,
            "documents": entity.documents, "title": entity.name}
