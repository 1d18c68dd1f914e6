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

# "Mike Pompeo He asked": a word, one space, a capitalised subject pronoun,
# then a lower-case verb. Fluent English only capitalises "He" after a full stop.
_DUPLICATE_SUBJECT = re.compile(r"(?<=[^\W\d_]{2}) (?:He|She|They|We)(?= [a-z]{2,})")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A closing quotation turned into an opening one: , “said Pompeo / prices. “
# A closing quotation mark written as an opening one: `flee China, “said Pompeo`,
# `recommend.“` at the end of a paragraph, or `word“ ` glued to the word before.
_WRONG_CLOSE = re.compile(
    r"[,.!?;]\s?“\s*(?:said|says|told|added|[a-z]+ed\b)|[,.!?]“[ \t]*$|[^\W\d_][,.!?]?“(?=\s)",
    re.M,
)
_GUILLEMETS = re.compile(r"«[^»\n]{0,200}»?|»")
_SPACE_BEFORE_PUNCT = re.compile(r"[^\W\d_] [:;?!](?=\s|$)", re.M)
_INVERTED_MARKS = re.compile(r"[¿¡]")
_DECIMAL_COMMA = re.compile(
    r"\b\d+,\d{1,2}(?!\d)\s?(?:%|percent|per cent|million|billion|thousand|euros?|dollars?|"
    r"roubles?|rubles?|pesos?|kilo\w*|km|metres?|meters?|degrees?|tonnes?)"
)
_DOT_THOUSANDS = re.compile(
    r"\b\d{1,3}(?:\.\d{3})+(?![.,]?\d)(?! ?(?:%|percent|per cent|million|billion|trillion))"
)
# "The Minister Of Finance": a capitalised function word inside a run of
# capitalised words that does not start the sentence.
_TITLE_CASE = re.compile(
    r"(?<=[a-z,;] )(?:[A-Z][a-z]+ )*[A-Z][a-z]+ (?:Of|And|For|The|In|To|On|At|With|From) "
    r"(?:[A-Z][a-z]+)"
)
_LOWER_START = re.compile(r"(?<=[a-z]{3}[.!?]) [a-z]{2,}\b")
_FOREIGN_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff"
    r"\u4e00-\u9fff\uac00-\ud7af]+(?:[\s,.-]+[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff"
    r"\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]+)*"
)
_ENGLISH_ASCII = re.compile(r"^[a-z'’-]+$")
_QUOTE_CHARS = "\"“”«»„"


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
    hits: list[tuple[str, float, str]] = []
    hits += _duplicate_subjects(text)
    hits += _foreign_fragments(text)
    hits += _quote_problems(text)
    hits += _typography(text)
    hits += _capitalisation(text)
    for pattern, weight, why in CALQUES:
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
    left = start
    for _ in range(words):
        at = text.rfind(" ", 0, max(left - 1, 0))
        if at < 0 or "\n" in text[at:left]:
            break
        left = at + 1
    right = end
    for _ in range(words):
        at = text.find(" ", right + 1)
        if at < 0 or "\n" in text[right:at]:
            right = len(text) if at < 0 and "\n" not in text[right:] else right
            break
        right = at
    return text[left:right].strip(" ,.;:")


def _duplicate_subjects(text: str) -> list[tuple[str, float, str]]:
    out = []
    for m in _DUPLICATE_SUBJECT.finditer(text):
        # Only after a capitalised word (a name); "as well He said" is a typo.
        before = text[max(0, m.start() - 40) : m.start()].split()
        if before and before[-1][:1].isupper():
            out.append(("duplicated subject", 0.6, _around(text, m.start(), m.end(), 2)))
    return out


def _foreign_fragments(text: str) -> list[tuple[str, float, str]]:
    out = [("untranslated abbreviation", 0.6, _around(text, m.start(), m.end(), 1))
           for m in FOREIGN_ABBREVIATIONS.finditer(text)]
    loan = [(m.start(), m.end()) for m in LOAN_PHRASES.finditer(text)]
    words = list(_WORD.finditer(text))
    for i, m in enumerate(words):
        w = m.group()
        if not w.islower() or any(a <= m.start() < b for a, b in loan):
            continue
        prev = words[i - 1].group() if i else ""
        nxt = words[i + 1].group() if i + 1 < len(words) else ""
        between_lower = (prev.islower() or not prev) and nxt.islower()
        if w in FOREIGN_FUNCTION_WORDS and between_lower:
            out.append(("untranslated fragment", 0.45, _around(text, m.start(), m.end(), 1)))
        elif (
            not w.replace("’", "").isascii()
            and between_lower
            and w not in LOANWORDS
            and _is_latin(w)
            and _ENGLISH_ASCII.match(_strip_accents(w))
        ):
            out.append(("untranslated fragment", 0.3, _around(text, m.start(), m.end(), 1)))
    for m in _FOREIGN_SCRIPT.finditer(text):
        out.append(("untranslated fragment", 0.5, _around(text, m.start(), m.end(), 1)))
    return out


def _quote_problems(text: str) -> list[tuple[str, float, str]]:
    out = [("quotation mark turned around", 0.5, _around(text, m.start(), m.end(), 2))
           for m in _WRONG_CLOSE.finditer(text)]
    # Direct speech that lost its quotation marks: first person, no quote
    # marks, then ", said X" or ", X said".
    lost = re.compile(
        rf",\s+(?:(?:{TRANSLATED_SPEECH_VERBS}) (?:the )?[A-Z]?[\w-]+|(?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+)?"
        rf" (?:{TRANSLATED_SPEECH_VERBS}))\b"
    )
    for para in re.finditer(r"[^\n]+", text):
        chunk = para.group()
        if any(q in chunk for q in _QUOTE_CHARS):
            continue
        for m in lost.finditer(chunk):
            head = chunk[: m.start()]
            # The quoted clause is the current sentence up to the comma.
            clause_start = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
            clause = head[clause_start + 1 :]
            if FIRST_PERSON.search(clause):
                out.append(("speech without quotation marks", 0.45, _clip(clause.strip() + m.group())))
                break
    return out


def _typography(text: str) -> list[tuple[str, float, str]]:
    out = [("source-language quotation marks", 0.4, _clip(m.group())) for m in _GUILLEMETS.finditer(text)]
    out += [("space before punctuation", 0.25, _around(text, m.start(), m.end(), 2))
            for m in _SPACE_BEFORE_PUNCT.finditer(text)]
    out += [("source-language punctuation", 0.5, _around(text, m.start(), m.end(), 2))
            for m in _INVERTED_MARKS.finditer(text)]
    out += [("decimal comma", 0.35, m.group()) for m in _DECIMAL_COMMA.finditer(text)]
    out += [("dot as thousands separator", 0.35, _around(text, m.start(), m.end(), 1))
            for m in _DOT_THOUSANDS.finditer(text)]
    return out


def _capitalisation(text: str) -> list[tuple[str, float, str]]:
    out = [("odd capitalisation", 0.4, m.group()) for m in _TITLE_CASE.finditer(text)]
    for m in _LOWER_START.finditer(text):
        before = text[max(0, m.start() - 6) : m.start()]
        if re.search(r"\b(?:[a-z]\.[a-z]|etc|vs|approx|incl|no|cf)\.$", before):
            continue
        out.append(("sentence starts lower-case", 0.1, _around(text, m.start() - 1, m.end(), 1)))
    return out


def _is_latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") or c in "'’-" for c in word)


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
