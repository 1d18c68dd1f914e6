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
