"""quotes: direct and indirect quotes with their speakers, merged across outlets.

Per document, `extract_quotes` finds what people are reported to have said
(direct quotes in any quote-mark style, quotes without marks in translated
text, indirect speech) with the cue, the speaker mention at the cue and the
speaker resolved to a person named in the text. Across documents,
`merge_quotes` groups the mentions that report one statement (verbatim
copies, partial quotes, translations, paraphrases) into `Quote` records.

    from storyline.stages.quotes import extract_quotes, merge_quotes
    mentions = extract_quotes(text, entities, "en")
"""

from __future__ import annotations

from typing import Callable

from storyline.errors import StageError
from storyline.model import Document, EntityMention, Quote, QuoteMention
from storyline.registry import Batch, Stage, stage

from .extract import extract
from .merge import merge

__all__ = ["extract_quotes", "merge_quotes", "quotes"]


def extract_quotes(
    text: str, entities: list[EntityMention], language: str = "en"
) -> list[QuoteMention]:
    """Find the quotes of one document.

    Args:
        text: the clean document text; every span points into it.
        entities: NER mentions of `text` (PERSON ones name speakers).
        language: ISO 639-1 code; English, French and Spanish have cue lexicons,
            other languages fall back to the English rules.

    Returns:
        QuoteMentions in text order. `start`/`end` is the content span,
        including its quotation marks when it has them (an interrupted quote
        `"X," he said, "Y."` is one mention from the first opening mark to the
        last closing mark); `speaker_start`/`speaker_end` is the name, role or
        pronoun at the cue; `speaker` is the resolved canonical name or None;
        `direct` is False for indirect speech.

    Example:
        >>> [q.speaker for q in extract_quotes('"We will win," she said.', [])]
        [None]
    """
    if not text or not text.strip():
        return []
    return extract(text, list(entities or []), language or "en")


def merge_quotes(
    mentions_by_doc: dict[str, list[QuoteMention]],
    texts: dict[str, str],
    canonical: Callable[[str], str] | None = None,
    events: dict[str, str] | None = None,
) -> list[Quote]:
    """Merge mentions of one statement reported by several documents.

    Args:
        mentions_by_doc: {document id: its QuoteMentions}; each mention gets its
            `quote` id and `verbatim` flag filled in place.
        texts: {document id: text} the mention spans point into.
        canonical: maps a speaker name to a corpus-wide canonical name (e.g. the
            entities stage's linker); names are compared as given without it.
        events: {document id: event id}; within an event, one speaker's
            statements are also paired across documents on weaker word
            evidence (translations, rewordings, indirect speech).

    Returns:
        One `Quote` per statement, ordered by id. `Quote.mentions` are
        `{document, start, end, verbatim}`; `verbatim` is True when the mention
        shares the exact words of the record's text, False for a paraphrase or
        translation. Ids (`q-<hash>`) derive from the earliest mention's
        document id and offset, so they do not depend on input order.
    """
    return merge(mentions_by_doc, texts, canonical, events)


def quotes(doc: Document) -> Document:
    """Stage: fill `doc.quotes` from `doc.text`, `doc.entities` and `doc.language`.

    Raises:
        StageError: extraction failed on this document; the cause is attached.
    """
    try:
        doc.quotes = extract_quotes(doc.text, doc.entities, doc.language or "en")
    except (ValueError, IndexError, KeyError, RuntimeError, OSError) as exc:
        raise StageError("quotes", doc.id, f"{type(exc).__name__}: {exc}") from exc
    return doc


# --- the stage -------------------------------------------------------------------

@stage("quotes", phase="analysis", requires=["doc.text", "doc.entities"], assigns=["doc.quotes"])
class Quotes(Stage):
    """Quotes per document; per storyline, one record per statement across outlets,
    with speakers named as the entity linker names them."""

    def process(self, doc: Document) -> Document:
        return quotes(doc)

    def process_storyline(self, batch: Batch) -> None:
        known = batch.notes.get("canonical_name") or (lambda name: None)
        canonical = lambda name: known(name) or name  # noqa: E731
        merged = merge_quotes({d.id: d.quotes for d in batch.documents},
                              {d.id: d.text for d in batch.documents}, canonical,
                              {d.id: d.event for d in batch.documents if d.event})
        for doc in batch.documents:
            for mention in doc.quotes:
                if mention.speaker:
                    mention.speaker = canonical(mention.speaker)
        batch.store.delete_records("quote", storyline=batch.storyline)
        batch.store.put_records("quote", [_record(q, batch) for q in merged])


def _record(quote: Quote, batch: Batch) -> dict:
    """The export shape: the statement, its speaker, and each outlet's wording."""
    docs = {d.id: d for d in batch.documents}
    by_doc = {(d.id, m.start, m.end): m for d in batch.documents for m in d.quotes}
    mentions = []
    for m in quote.mentions:
        own = by_doc.get((m["document"], m["start"], m["end"]))
        mentions.append({**m, "direct": own.direct if own else True,
                         "speaker_start": own.speaker_start if own else None,
                         "speaker_end": own.speaker_end if own else None})
    outlets = lambda verbatim: sorted({docs[m["document"]].source or m["document"]  # noqa: E731
                                       for m in mentions if m["verbatim"] is verbatim and m["document"] in docs})
    return {"id": quote.id, "storyline": batch.storyline, "text": quote.text, "speaker": quote.speaker,
            "title": quote.text[:120], "mentions": mentions,
            "verbatim_outlets": outlets(True), "paraphrase_outlets": outlets(False)}
