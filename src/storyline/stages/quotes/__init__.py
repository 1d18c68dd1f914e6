"""quotes: who said what (placeholder: text between double quotation marks)."""

import re

from ...model import Document, QuoteMention
from ...registry import Batch, Stage, stage

_QUOTE = re.compile(r"[\"“][^\"“”\n]{10,}[\"”]")


@stage("quotes", phase="analysis", requires=["doc.text", "doc.entities"], assigns=["doc.quotes"])
class Quotes(Stage):
    def process(self, doc: Document) -> Document:
        doc.quotes = [QuoteMention(m.start(), m.end(), m.group()) for m in _QUOTE.finditer(doc.text)]
        return doc

    def process_storyline(self, batch: Batch) -> None:
        batch.store.delete_records("quote", storyline=batch.storyline)
        records = []
        for doc in batch.documents:
            for m in doc.quotes:
                m.quote = f"q-{doc.id}-{m.start}"
                records.append({"id": m.quote, "storyline": batch.storyline, "text": m.text, "speaker": m.speaker,
                                "mentions": [{"document": doc.id, "start": m.start, "end": m.end, "verbatim": True}]})
        batch.store.put_records("quote", records)
