"""The `embed` stage: compact per-document features for event clustering.

Pure per document (no corpus statistics, no model), so it parallelises
freely and re-running it on the same text gives the same result. Weighting
by corpus rarity (IDF) happens later, in `storyline.stages.events`, where the
corpus is known.

`doc.extra["embed"]` holds a JSON-serialisable dict (schema version `v`):

    {
      "v": 1,
      "terms": {"lohan": 1.69, "rehab": 2.1, ...},  # stem -> 1 + ln(tf), stop words dropped,
                                                   # headline words counted twice; <= MAX_TERMS
      "names": {"lohan": 3, "betty": 1, ...},      # capitalised words seen mid-sentence (proper-name
                                                   # evidence) -> count; <= MAX_NAMES
      "nums": ["6.8", "2012", "90"],               # normalised numbers other than years, sorted
      "years": [2013],                              # 4-digit years 1900-2099 written in the text
      "lang": "en" | null,                          # Document.language when known
      "date": "2013-05-03" | null,                  # Document.published (date part) when known
      "dense": [..] | absent                        # optional sentence embedding (embed extra)
    }

Terms are accent-folded, lower-cased words cut to their first `STEM` letters:
a crude stemmer that also lets cognates meet across languages
("president", "président", "presidente" -> "presid"). Names keep the full
folded word, since a name must match exactly. Numbers are written the same
way in every language once separators are normalised ("6,8" and "6.8";
"1,000", "1.000" and "1 000"), which makes them anchors for cross-lingual
matching.

Example:

    >>> from storyline.model import Document
    >>> doc = embed(Document(id="a", text="Lindsay Lohan entered rehab in Malibu on Monday."))
    >>> sorted(doc.extra["embed"]["names"])
    ['lohan', 'malibu']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Any

from storyline.model import Document
from storyline.registry import Stage, stage

__all__ = ["EMBED_KEY", "EMBED_VERSION", "dense", "dense_text", "embed", "features", "STOP_WORDS"]

EMBED_KEY = "embed"
EMBED_VERSION = 1
STEM = 6  # letters kept per term; 6 keeps "earthq" apart from "earthl" but joins inflections
MAX_TERMS = 250  # a 370-word article has ~180 distinct content stems: keep them all
MAX_NAMES = 60
MAX_NUMS = 40
MAX_CHARS = 60_000  # features from the first 60k characters; enough to know what a text is about
TITLE_WEIGHT = 2
LEAD_WORDS = 50  # the headline-and-lede words that say what happened

# Short function-word lists (en, fr, es, de, it, pt), written for this module. Stop words only
# keep the stored term list small; IDF weighting in `events` does the real down-weighting.
_STOP = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself no nor not now of off on once only or other our ours out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself said says say told tell one two three new also would could may might
must shall it's its don't didn't mr mrs ms per via according
le la les un une des du de d l et en au aux ce ces cet cette il elle ils elles on nous vous je tu
se sa son ses leur leurs lui qui que qu quoi dont ou où mais donc or ni car ne pas plus par pour
sur dans avec sans sous entre vers chez est sont été être avait ont a été fait été selon aussi
comme tout tous toute toutes très mais y s c n m t j dit déclaré
el los las unos unas del al y o u pero sino que quien cual cuyo donde cuando como por para con
sin sobre entre hacia desde hasta es son fue fueron ser estar está están ha han había lo le les
se su sus nos mi mis tu tus este esta estos estas ese esa eso aquel muy más también según dijo
der die das den dem des ein eine einen einem einer und oder aber nicht ist sind war waren wird
werden hat haben mit von zu im am auf für an aus bei nach über unter vor durch sich er sie es wir
ihr auch als wie noch nur so dass
il lo gli i una uno di da con su per tra fra che chi non è sono era ha hanno nel nella del della
dei degli delle al alla ai agli anche come più o ma se
o os um uma do da dos das no na nos nas em com por para que não é são foi ser ao aos à às mais
"""
STOP_WORDS = frozenset(_STOP.split())
# Capitalised in English but no participant or place: never name keys.
_NOT_NAMES = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december mr mrs ms dr""".split())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# A number: digits with optional thousands/decimal separators (1,000.5 / 1.000,5 / 1 000 / 6,8).
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?(?![\w])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_MONTHS = {
    # en, fr, es, de; abbreviations match by prefix below
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "januar": 1, "februar": 2, "marz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH_RE = "|".join(sorted(list(_MONTHS) + list(_MONTH_ABBR), key=len, reverse=True))
# "November 12, 2011", "12 nov. 2011", "12 de noviembre de 2011", "Nov 12"; times "8:41", "20h30".
# The lookahead (a digit or a letter some month name starts with) spares trying ~70 month
# names at every other word: this scan was a quarter of the stage's time.
_DATE = re.compile(
    rf"\b(?=[\dadefjmnos])(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?P<m1>{_MONTH_RE})\b\.?"
    rf"|(?P<m2>{_MONTH_RE})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    rf"(?:,?\s*(?:de\s+)?(?P<y>(?:19|20)\d\d)\b)?"
    rf"|\b(?P<n1>\d{{1,2}})/(?P<n2>\d{{1,2}})/(?P<ny>(?:19|20)?\d\d)\b"
    rf"|\b\d{{1,2}}\s?[:h]\s?\d\d\b",
    re.IGNORECASE)
# Spelled-out counts read as digits, so "ten dead" meets "10 dead" (en, fr, es). One to ten
# are left out of fr/es where they double as articles ("un", "una").
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "cent": 100,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30, "cien": 100,
}
_SENTENCE_END = set(".!?:;\n\"“”«»()[]—–-|")


def _fold(text: str) -> str:
    """Lower-case and strip accents ('Mirziïïev' -> 'mirziiiev'), length-preserving for Latin text."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _norm_number(raw: str) -> str | None:
    """'1,000' / '1.000' / '1 000' -> '1000'; '6,8' / '6.8' -> '6.8'; None when unreadable."""
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    groups = re.split(r"[ .,]", s)
    seps = re.findall(r"[ .,]", s)
    if not seps:
        return s.lstrip("0") or "0"
    # Thousands grouping: every group after the first has exactly 3 digits and there are at least
    # two separators, or one space, or one separator followed by 3 digits in a >3-digit number.
    if len(groups) > 2 and all(len(g) == 3 for g in groups[1:-1]):
        if len(groups[-1]) == 3 and len(set(seps)) == 1:
            return "".join(groups).lstrip("0") or "0"
        whole = "".join(groups[:-1]).lstrip("0") or "0"
        return f"{whole}.{groups[-1]}".rstrip("0").rstrip(".")
    if seps == [" "]:
        return "".join(groups).lstrip("0") or "0"
    # One "." or ",": "1,000" reads as a thousand in English, "6,8" as a decimal in French; a
    # 3-digit tail is ambiguous and we read it as thousands, which is what news writes far more.
    whole, tail = groups[0], groups[1]
    if len(tail) == 3 and whole != "0":
        return (whole + tail).lstrip("0") or "0"
    return f"{whole.lstrip('0') or '0'}.{tail}".rstrip("0").rstrip(".")


def _sentence_initial(text: str, start: int) -> bool:
    """True when the word at `start` opens a sentence or line (its capital proves nothing)."""
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0'‘":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _date_of(m: re.Match) -> str | None:
    """ISO date ('2011-11-12'; '*-11-12' when the year is not written) of a `_DATE` match."""
    if m["n1"]:
        a, b, y = int(m["n1"]), int(m["n2"]), int(m["ny"])
        y = y + 2000 if y < 100 else y
        month, day = (a, b) if a <= 12 else (b, a)  # US order unless impossible
        return f"{y}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    name = m["m1"] or m["m2"]
    if not name:
        return None
    key = _fold(name)
    month = _MONTHS.get(key) or _MONTH_ABBR.get(key[:4]) or _MONTH_ABBR.get(key[:3])
    day = int(m["d1"] or m["d2"])
    if not month or not 1 <= day <= 31:
        return None
    return f"{m['y'] or '*'}-{month:02d}-{day:02d}"


def _blank_date(m: re.Match) -> str:
    """Replace a date or time match by spaces, keeping a written year where it stood."""
    text = m.group()
    year = m["y"] or (m["ny"] if m["ny"] and len(m["ny"]) == 4 else None)
    if not year:
        return " " * len(text)
    at = m.start("y" if m["y"] else "ny") - m.start()
    return " " * at + year + " " * (len(text) - at - len(year))


def features(text: str, title: str | None = None, language: str | None = None,
             published: str | None = None) -> dict[str, Any]:
    """Compute the `embed` feature dict (schema in the module docstring) for one text.

    Args:
        text: the clean article text.
        title: the headline, if separate from `text`; its words count `TITLE_WEIGHT` times.
        language: ISO 639-1 code, stored for the clusterer.
        published: ISO 8601 publication date, stored (date part) for the clusterer.

    Returns:
        A plain dict, JSON-serialisable.
    """
    text = (text or "")[:MAX_CHARS]
    title = (title or "")[:1000]
    tf: Counter[str] = Counter()
    lead: Counter[str] = Counter()
    caps: Counter[str] = Counter()
    lower_seen: set[str] = set()
    spelled: set[str] = set()
    for weight, chunk in ((TITLE_WEIGHT, title), (1, text)):
        if not chunk:
            continue
        folded = _fold(chunk)
        same_length = len(folded) == len(chunk)
        words = 0
        for m in _WORD.finditer(chunk if not same_length else folded):
            word = m.group() if same_length else _fold(m.group())
            word = word.replace("’", "'")
            at = m.start()
            if "'" in word:  # l'armée, d'Ankara: keep the part after the elision
                head, _, rest = word.partition("'")
                if len(head) <= 2:
                    word, at = rest, at + len(head) + 1
                else:
                    word = head
            if word in _NUMBER_WORDS:
                spelled.add(str(_NUMBER_WORDS[word]))
            if len(word) < 2 or word in STOP_WORDS:
                continue
            stem = word[:STEM]
            tf[stem] += weight
            words += 1
            if weight > 1 or words <= LEAD_WORDS:
                lead[stem] += 1
            first = chunk[at]
            if first.isupper():
                if not _sentence_initial(chunk, m.start()):
                    caps[word] += 1
            else:
                lower_seen.add(word)
    # A capitalised word that also appears in lower case is a common word ("Police said ... police").
    names = Counter({w: n for w, n in caps.items() if w not in lower_seen and len(w) > 2 and w not in _NOT_NAMES})
    nums: set[str] = set(spelled)
    years: set[int] = set()
    dates: set[str] = set()
    both = title + "\n" + text
    matches = list(_DATE.finditer(both))
    for m in matches:
        iso = _date_of(m)
        if iso:
            dates.add(iso)
    # Numbers inside dates and times are dates, not anchors: blank all but the year (from
    # the same matches: `_DATE.sub` would scan the text a second time).
    pieces, at = [], 0
    for m in matches:
        pieces += [both[at:m.start()], _blank_date(m)]
        at = m.end()
    both = "".join(pieces) + both[at:]
    for m in _NUMBER.finditer(both):
        value = _norm_number(m.group())
        if value is None:
            continue
        if len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2099:
            years.add(int(value))
        elif value not in {"0", "1"}:
            nums.add(value)
    terms = {t: round(1.0 + math.log(n), 3) for t, n in tf.most_common(MAX_TERMS)}
    return {
        "v": EMBED_VERSION,
        "terms": terms,
        "lead": {t: round(1.0 + math.log(n), 3) for t, n in lead.most_common(MAX_TERMS)},
        "names": dict(names.most_common(MAX_NAMES)),
        "nums": sorted(nums, key=lambda v: (len(v), v))[:MAX_NUMS],
        "years": sorted(years),
        "dates": sorted(dates)[:MAX_NUMS],
        "lang": language,
        "date": (published or "")[:10] or None,
    }


def embed(doc: Document, settings: Any = None) -> Document:
    """Store clustering features of `doc` in `doc.extra["embed"]` and return `doc`.

    Args:
        doc: a cleaned document (`text`, optionally `title`, `language`, `published`).
        settings: unused; the stage (`EmbedStage`) adds the optional dense vector.

    Returns:
        The same document, for chaining.
    """
    doc.extra[EMBED_KEY] = features(doc.text, doc.title, doc.language, doc.published)
    return doc


# Only a publication date from metadata (feed, JSONL, HTML meta tags) may keep two events
# apart in time. One read from the text ("05/02/2013" above the lede) can be misread or be a
# republication date; it still counts as a date anchor through the text itself.
MIN_DATE_CONFIDENCE = 0.6


# Removed lines that still say when the story happened: page junk for a reader, but
# the clusterer's best evidence of the year ("May 03, 2013" above the lede).
DATE_REASONS = ("date-line",)


@stage("embed", requires=["doc.text", "doc.language"], assigns=["doc.extra.embed"])
class EmbedStage(Stage):
    """Sparse clustering features for every document; a dense vector too when `embed.model`
    names a sentence encoder (the `embed` extra)."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.model = settings.embed.model
        if self.model:  # fail at start-up with the install hint, not once per document
            from storyline.embeddings import check
            check(self.model)

    def process(self, doc: Document) -> Document:
        from_text = (doc.published_evidence or "").startswith("text")
        published = doc.published if doc.published_confidence >= MIN_DATE_CONFIDENCE and not from_text else None
        dated = [doc.body[r.start:r.end].strip() for r in doc.removed if r.reason in DATE_REASONS]
        text = "\n".join([*dated, doc.text]) if dated else doc.text
        doc.extra[EMBED_KEY] = features(text, doc.title, doc.language, published)
        return doc

    def process_many(self, docs: list[Document]) -> None:
        """Add the dense vectors, a worker's documents encoded together (a text's vector does
        not depend on its batch)."""
        if self.model:
            docs = [d for d in docs if EMBED_KEY in d.extra]
            for doc, vector in zip(docs, dense(docs, self.model)):
                doc.extra[EMBED_KEY]["dense"] = vector


def dense(docs: list[Document], model: str) -> list[list[float]]:
    """The unit vectors of `docs`' headlines and ledes under `model`, rounded to 4 decimals
    (cosines move by < 1e-3; the stored JSON is a third the size)."""
    from storyline.embeddings import load

    # Four at a time: on a worker's one thread, ~2 % less CPU than one at a time, and than 16
    # (paired runs on the synthetic corpus); larger batches spill out of the caches.
    vectors = load(model).encode([dense_text(doc.title, doc.text) for doc in docs], batch=4)
    return [[round(x, 4) for x in vector] for vector in vectors.tolist()]


def dense_text(title: str | None, text: str) -> str:
    """What the sentence encoder reads: headline and text, cut at 4,000 characters (far more
    than its 128 word pieces)."""
    return (f"{title}.\n{text}" if title else text)[:4000]
