"""Small text helpers shared by stages: sentence spans, normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sentencex import segment

_SPACE = re.compile(r"\s+")
# sentencex knows these; anything else falls back to English rules.
_SEGMENT_LANGS = {"en", "fr", "es", "de", "it", "pt", "nl", "ru"}


def sentence_spans(text: str, language: str | None = "en") -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of `text`, whitespace trimmed.

    Paragraph breaks always end a sentence, so a heading never fuses with the
    paragraph after it.
    """
    lang = language if language in _SEGMENT_LANGS else "en"
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        base = para.start()
        cursor = 0
        chunk = para.group()
        for sentence in segment(lang, chunk):
            at = chunk.find(sentence, cursor)
            if at < 0:  # sentencex never rewrites text, but don't trust it blindly
                continue
            cursor = at + len(sentence)
            start, end = _trim(chunk, at, cursor)
            if end > start:
                spans.append((base + start, base + end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'Mirziïïev' -> 'mirziiiev'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return normalize_space(re.sub(r"[^\w\s]", " ", stripped.casefold()))
