"""Tokens, paragraphs and sentences with character offsets, for the quote rules and tagger."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.text import sentence_spans

# `''` is the double quote of some wire texts; keep it one token.
_TOKEN = re.compile(r"''|\w+(?:[’'\-]\w+)*|[^\w\s]")
_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    sent: int  # index of the sentence in the document
    para: int  # index of the paragraph (line) in the document


def tokenize(text: str, language: str | None = "en") -> list[Token]:
    """Split `text` into tokens that know their sentence and paragraph."""
    sents = sentence_spans(text, language)
    tokens: list[Token] = []
    si = 0
    for pi, para in enumerate(_PARAGRAPH.finditer(text)):
        for m in _TOKEN.finditer(text, para.start(), para.end()):
            start = m.start()
            while si + 1 < len(sents) and sents[si][1] <= start:
                si += 1
            tokens.append(Token(start, m.end(), m.group(), si, pi))
    return tokens


def paragraphs(tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last + 1) token indices of each non-empty paragraph."""
    out: list[tuple[int, int]] = []
    begin = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].para != tokens[begin].para:
            out.append((begin, i))
            begin = i
    return out if tokens else []


def distance_bucket(d: int) -> str:
    """A token distance as a feature value: exact up to 2 (negative ones too), then ranges;
    the tagger's and the linker's features share it, so their weights read the same buckets."""
    if d <= 2:
        return str(d)
    if d <= 5:
        return "3-5"
    if d <= 10:
        return "6-10"
    if d <= 20:
        return "11-20"
    return "far"
