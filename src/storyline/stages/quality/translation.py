"""Detect English text that reads like a literal machine translation.

Cheap lexical tells only (the stage runs on the ingest path): duplicated
subjects ("Mike Pompeo He asked"), stray abbreviations and function words of
the source language, quotation marks lost or turned the wrong way, source
typography (« », a space before ':', decimal commas), title case inside a
sentence, and a list of calques. Each hit adds its weight; each kind of tell
counts at most `_CAP` times so one habit repeated all through a long text
cannot flag it alone.
"""

from __future__ import annotations

import re
import unicodedata

from storyline.stages.quality.lexicon import (
    ABBREVIATION_NEEDLES,
    CALQUES,
    FIRST_PERSON,
    FOREIGN_ABBREVIATIONS,
    FOREIGN_FUNCTION_WORDS,
    LOAN_PHRASES,
    LOANWORDS,
    TRANSLATED_SPEECH_VERBS,
)

_CAP = 3  # hits counted per kind of tell
_SNIPPET = 60  # longest quoted snippet in evidence

# "Mike Pompeo He asked": a name, one space, a capitalised subject pronoun,
# then a lower-case verb. Fluent English only capitalises "He" after a full stop.
_DUPLICATE_SUBJECT = re.compile(r" (?:He|She|They|We) [a-z]{2,}")
# A closing quotation mark written as an opening one: `flee China, “said Pompeo`,
# `recommend.“` at the end of a paragraph, or `word“ ` glued to the word before.
_WRONG_CLOSE = re.compile(
    r"[,.!?;]\s?“\s*(?:said|says|told|added|[a-z]+ed\b)|[,.!?]“[ \t]*$|[^\W\d_][,.!?]?“(?=\s)",
    re.M,
)
_GUILLEMETS = re.compile(r"«[^»\n]{0,200}»?|»")
_SPACE_BEFORE_PUNCT = re.compile(r" [:;?!](?=\s|$)", re.M)
_INVERTED_MARKS = re.compile(r"[¿¡]")
_NUMBER = re.compile(r"\d[\d.,]*\d")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_UNIT_AFTER = re.compile(
    r"\s?(?:%|percent|per cent|million|billion|thousand|euros?|dollars?|roubles?|rubles?|pesos?|"
    r"kilo\w*|km|metres?|meters?|degrees?|tonnes?)\b"
)
_NOT_COUNT_AFTER = re.compile(r"[.,]?\d| ?(?:%|percent|per cent|million|billion|trillion)")
# "The Minister Of Finance": a capitalised function word inside a run of
# capitalised words that does not start the sentence.
_TITLE_CASE = re.compile(
    r"(?<=[a-z,;] )(?:[A-Z][a-z]+ )*[A-Z][a-z]+ (?:Of|And|For|The|In|To|On|At|With|From) "
    r"(?:[A-Z][a-z]+)"
)
_TITLE_NEEDLES = tuple(f" {w} " for w in "Of And For The In To On At With From".split())
_LOWER_START = re.compile(r"[.!?] [a-z]{2,}\b")
_ODD_LETTER = re.compile(r"[^\x00-\x7f’‘“”—–…€£°×·•«»]")
_FOREIGN_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff"
    r"\u4e00-\u9fff\uac00-\ud7af]+(?:[\s,.-]+[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff"
    r"\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]+)*"
)
_ACCENTED_WORD = re.compile(r"(?<![^\s(])[a-zà-ÿœ’'-]*[à-ÿœ][a-zà-ÿœ’'-]*(?= [a-z])")
_FUNCTION_WORD = re.compile(
    r"(?<= )(?:" + "|".join(sorted(FOREIGN_FUNCTION_WORDS, key=len, reverse=True)) + r")(?= [^\W\d_])"
)
# Particles inside names: "Ursula von der Leyen", "Vasco da Gama".
_NAME_PARTICLES = frozenset("von van de da di del della du le la dos das der den ter ten".split())
_ENGLISH_ASCII = re.compile(r"^[a-z'’-]+$")
_QUOTE_CHARS = "\"“”«»„"
_LOST_QUOTE = re.compile(
    rf",\s+(?:(?:{TRANSLATED_SPEECH_VERBS}) (?:the )?[A-Z]?[\w-]+|(?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+)?"
    rf" (?:{TRANSLATED_SPEECH_VERBS}))\b"
)


def machine_translation_score(text: str, language: str | None = "en") -> tuple[float, list[str]]:
    """Score how much `text` reads like a literal machine translation into English.

    Args:
        text: clean article text (headline excluded).
        language: the detected language; the tells are English ones, so any
            other language scores 0.

    Returns:
        (score in [0, 1], evidence): evidence lines name the tell and quote the
        offending snippet exactly as it appears in `text`.

    Example:
        >>> score, why = machine_translation_score("Mike Pompeo He asked countries to help.")
        >>> why[0]
        'duplicated subject: "Mike Pompeo He asked"'
    """
    if not text or (language not in (None, "en")):
        return 0.0, []
    low = text.lower()
    hits: list[tuple[str, float, str]] = []
    hits += _duplicate_subjects(text)
    hits += _foreign_fragments(text)
    hits += _quote_problems(text)
    hits += _typography(text)
    hits += _capitalisation(text)
    for needles, pattern, weight, why in CALQUES:
        if any(n in low for n in needles):
            hits += [(why, weight, m.group()) for m in pattern.finditer(text)]
    return _combine(hits)


def _combine(hits: list[tuple[str, float, str]]) -> tuple[float, list[str]]:
    """Sum weights, counting each kind of tell at most `_CAP` times."""
    seen: dict[str, int] = {}
    total = 0.0
    evidence: list[str] = []
    for kind, weight, snippet in sorted(hits, key=lambda h: -h[1]):
        if seen.get(kind, 0) >= _CAP:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        total += weight
        evidence.append(f'{kind}: "{_clip(snippet)}"')
    return min(1.0, round(total, 3)), evidence


def _clip(snippet: str) -> str:
    snippet = snippet.strip()
    return snippet if len(snippet) <= _SNIPPET else snippet[:_SNIPPET]


def _around(text: str, start: int, end: int, words: int = 2) -> str:
    """The match plus up to `words` words either side, cut from `text` itself."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = start
    for _ in range(words):
        at = text.rfind(" ", line_start, max(left - 1, line_start))
        left = line_start if at < 0 else at + 1
    right = end
    for _ in range(words):
        at = text.find(" ", right + 1, line_end)
        right = line_end if at < 0 else at
    return text[left:right].strip(" ,.;:")


def _duplicate_subjects(text: str) -> list[tuple[str, float, str]]:
    out = []
    for m in _DUPLICATE_SUBJECT.finditer(text):
        # Only right after a capitalised word (a name): "Mike Pompeo He asked".
        word_start = text.rfind(" ", 0, m.start()) + 1
        before = text[word_start : m.start()]
        if len(before) >= 2 and before[0].isupper() and before.isalpha():
            out.append(("duplicated subject", 0.6, _around(text, m.start() + 1, m.end(), 2)))
    return out


def _foreign_fragments(text: str) -> list[tuple[str, float, str]]:
    out = []
    if any(n in text for n in ABBREVIATION_NEEDLES):
        out += [("untranslated abbreviation", 0.6, _around(text, m.start(), m.end(), 1))
                for m in FOREIGN_ABBREVIATIONS.finditer(text)]
    candidates = [(m.start(), m.end(), 0.45) for m in _FUNCTION_WORD.finditer(text)]
    if _ODD_LETTER.search(text):
        out += [("untranslated fragment", 0.5, _around(text, m.start(), m.end(), 1))
                for m in _FOREIGN_SCRIPT.finditer(text)]
        for m in _ACCENTED_WORD.finditer(text):
            w = m.group()
            if w not in LOANWORDS and _is_latin(w) and _ENGLISH_ASCII.match(_strip_accents(w)):
                candidates.append((m.start(), m.end(), 0.3))
    for start, end, weight in candidates:
        # The word before must be lower-case too: "Rio de Janeiro" and
        # "Andrea della Valle" are names, "nella massima" is not.
        prev_start = text.rfind(" ", 0, start - 1) + 1
        prev = text[prev_start : start - 1]
        if prev and (not prev.rstrip(",;:").islower() or prev in _NAME_PARTICLES):
            continue
        window = text[max(0, start - 25) : end + 25]
        if LOAN_PHRASES.search(window):
            continue
        out.append(("untranslated fragment", weight, _around(text, start, end, 1)))
    return out


def _quote_problems(text: str) -> list[tuple[str, float, str]]:
    out = []
    if "“" in text:
        out += [("quotation mark turned around", 0.5, _around(text, m.start(), m.end(), 2))
                for m in _WRONG_CLOSE.finditer(text)]
    # Direct speech that lost its quotation marks: first person, no quote
    # marks, then ", said X" or ", X said".
    for para in text.split("\n"):
        if len(para) < 20 or any(q in para for q in _QUOTE_CHARS):
            continue
        for m in _LOST_QUOTE.finditer(para):
            head = para[: m.start()]
            # The quoted clause is the current sentence up to the comma.
            clause_start = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
            clause = head[clause_start + 1 :]
            if FIRST_PERSON.search(clause):
                out.append(("speech without quotation marks", 0.45, _clip(clause.strip() + m.group())))
                break
    return out


def _typography(text: str) -> list[tuple[str, float, str]]:
    out = []
    if "«" in text or "»" in text:
        out += [("source-language quotation marks", 0.4, _clip(m.group())) for m in _GUILLEMETS.finditer(text)]
    for m in _SPACE_BEFORE_PUNCT.finditer(text):
        if m.start() and text[m.start() - 1].isalpha():
            out.append(("space before punctuation", 0.25, _around(text, m.start(), m.end(), 2)))
    if "¿" in text or "¡" in text:
        out += [("source-language punctuation", 0.5, _around(text, m.start(), m.end(), 2))
                for m in _INVERTED_MARKS.finditer(text)]
    for m in _NUMBER.finditer(text):
        number = m.group()
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in ".,"):
            continue
        if "," in number and _DECIMAL_COMMA.fullmatch(number) and _UNIT_AFTER.match(text, m.end()):
            out.append(("decimal comma", 0.35, text[m.start() : _UNIT_AFTER.match(text, m.end()).end()]))
        elif "." in number and _DOT_THOUSANDS.fullmatch(number) and not _NOT_COUNT_AFTER.match(text, m.end()):
            out.append(("dot as thousands separator", 0.35, _around(text, m.start(), m.end(), 1)))
    return out


def _capitalisation(text: str) -> list[tuple[str, float, str]]:
    out = []
    if any(n in text for n in _TITLE_NEEDLES):
        out += [("odd capitalisation", 0.4, m.group()) for m in _TITLE_CASE.finditer(text)]
    for m in _LOWER_START.finditer(text):
        before = text[max(0, m.start() - 6) : m.start() + 1]
        if not re.search(r"[a-z]{3}[.!?]$", before) or re.search(r"\b(?:etc|vs|approx|incl|cf)\.$", before):
            continue
        out.append(("sentence starts lower-case", 0.1, _around(text, m.start(), m.end(), 1)))
    return out


def _is_latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") or c in "'’-" for c in word)


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
