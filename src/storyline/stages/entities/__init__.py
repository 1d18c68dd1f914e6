"""entities: people, organisations and places, linked across documents (placeholder)."""

import hashlib

from ... import nlp
from ...model import Document, EntityMention
from ...registry import Batch, Stage, stage
from ...text import fold

LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC"}


@stage("entities", phase="analysis", requires=["doc.text", "doc.language"], assigns=["doc.entities"])
class Entities(Stage):
    def process(self, doc: Document) -> Document:
        parsed = nlp.load(doc.language, ("tok2vec", "ner"))(doc.text)
        doc.entities = [EntityMention(e.start_char, e.end_char, e.text, LABELS[e.label_])
                        for e in parsed.ents if e.label_ in LABELS and "\n" not in e.text]
        return doc

    def process_storyline(self, batch: Batch) -> None:
        records = {}
        for doc in batch.documents:
            for m in doc.entities:
                m.entity = "en-" + hashlib.sha1(fold(m.text).encode()).hexdigest()[:10]
                rec = records.setdefault(m.entity, {"id": m.entity, "name": m.text, "type": m.label,
                                                    "variants": [], "documents": []})
                if m.text not in rec["variants"]:
                    rec["variants"].append(m.text)
                if doc.id not in rec["documents"]:
                    rec["documents"].append(doc.id)
        batch.store.put_records("entity", records.values())
