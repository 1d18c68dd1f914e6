"""Pair quotation marks into quoted segments.

Every style is handled in one scan: straight `"`, curly `“ ”`, low-9 `„`,
guillemets `« »` (both directions), the `''` that some wire texts use for
double quotes, and single curly `‘ ’` pairs whose closing mark is not an
apostrophe. Machine translation often flips curly marks (`…China, “said`),
so double marks are paired by balance and context, not by their shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One token per possible mark; `''` before `'` so the pair wins.
_MARK = re.compile(r"''|[\"“”„«»‘’‹›]")
_WORD = re.compile(r"\w")


@dataclass(slots=True)
class Segment:
    """A quoted stretch: `start` at its opening mark, `end` after its closing mark."""

    start: int
    end: int
    closed: bool = True  # False when the text ran out (paragraph end) first
    single: bool = False  # ‘…’ rather than a double-mark quote

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - (1 if self.closed else 0)


def _is_word(ch: str) -> bool:
    return bool(ch) and bool(_WORD.match(ch))


def _opens(text: str, at: int, end: int) -> bool:
    """Does the mark at [at, end) look like an opening mark from its context?"""
    before = text[at - 1] if at > 0 else " "
    after = text[end] if end < len(text) else " "
    if after.isspace() or after in ",.;:!?)]":
        return False
    return not _is_word(before) and before not in ".,;:!?)]%"


def find_segments(text: str) -> list[Segment]:
    """Return the quoted segments of `text` in order, outermost only.

    A quote that opens several paragraphs and closes only in the last one is one
    segment. A mark left open at a paragraph end that the next paragraph does not
    continue closes at that paragraph end (`closed=False`).
    """
    segments: list[Segment] = []
    open_at: int | None = None  # an open double-mark quote
    single_at: int | None = None  # an open ‘…’ outside any double quote
    pos = 0
    for m in _MARK.finditer(text):
        at, end, mark = m.start(), m.end(), m.group()
        if open_at is not None:
            brk = text.find("\n", pos, at)
            if brk >= 0 and not _continues(text, brk, at):
                segments.append(Segment(open_at, _trim_end(text, brk), closed=False))
                open_at = None
        if single_at is not None and "\n" in text[pos:at]:
            single_at = None
        pos = end
        if mark in "‘’‹›":
            if open_at is not None:
                continue  # nested quotes stay inside their outer quote
            if mark in "‘‹" and single_at is None:
                if not _is_word(text[at - 1 : at]) and _is_word(text[end : end + 1]):
                    single_at = at
            elif mark in "’›" and single_at is not None and not _is_word(text[end : end + 1]):
                segments.append(Segment(single_at, end, single=True))
                single_at = None
            continue
        if open_at is None:
            if mark == "»" or (mark == "”" and not _opens(text, at, end)):
                continue  # a stray closer with nothing open
            if single_at is not None:
                single_at = None
            open_at = at
            continue
        if _reopens(text, open_at, at):
            continue
        segments.append(Segment(open_at, end))
        open_at = None
    if open_at is not None:
        brk = text.find("\n", pos)
        stop = brk if brk >= 0 else len(text)
        segments.append(Segment(open_at, _trim_end(text, stop), closed=False))
    return segments


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _continues(text: str, brk: int, at: int) -> bool:
    """Does an open quote carry over the paragraph break at `brk`?

    It does when the next non-blank paragraph starts with an opening mark
    (the convention for quotes running over several paragraphs) and `at` is
    that mark.
    """
    i = brk
    while i < at and text[i].isspace():
        i += 1
    return i == at


def _reopens(text: str, open_at: int, at: int) -> bool:
    """Is the mark at `at` the re-opening mark of a paragraph the quote runs into?"""
    line = text.rfind("\n", open_at, at)
    return line >= 0 and not text[line:at].strip()
