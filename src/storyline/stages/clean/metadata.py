"""Metadata found in plain text: headline, dateline, explicit publication date.

HTML pages carry their metadata in markup (see `html.py`); text files only have
their first lines. These helpers read them:

- `split_title(text)` takes the headline off the top of a text file.
- `find_dateline(text)` finds "WASHINGTON —", "ALMATY, Kazakhstan --",
  "NUR-SULTAN (KAZAKHSTAN):", "Paris (AFP) -" at the start of the article.
- `find_published(text)` finds an explicit, complete date (year included) in
  the first lines, with a confidence that says how it was stated.

Every span returned is an offset into the text passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from storyline.stages.clean.lines import is_byline, is_date_line, junk_reason

# Only the first lines are searched for a publication date: further down, a
# date is about the story, not the article.
PUBLISHED_WINDOW_LINES = 6
PUBLISHED_WINDOW_CHARS = 800
MIN_YEAR = 1990

# Confidence by how the date was stated.
CONF_LABELLED = 0.9  # "Published: 3 February 2020"
CONF_UPDATED = 0.6  # "Updated 3 Feb 2020": a modification date, often close to publication
CONF_ALONE = 0.8  # a line holding only a date (and maybe a time)
CONF_SHORT_LINE = 0.7  # a byline-like short line: "By Jane Doe | Feb 3, 2020"
CONF_IN_PROSE = 0.4  # inside the first sentences: may be the event's date
CONF_AMBIGUOUS = 0.5  # cap for 03/02/2020 where day and month could swap

AGENCIES = frozenset(
    """afp ap reuters dpa efe ansa xinhua tass ria upi bloomberg pti ians kyodo yonhap anadolu aa
    epa sda ats apa belga anp ap/dpa dpa-afx kna epd kna/epd europa press notimex prensa latina
    telam ana rtrs bernama antara pap ctk mti bta hina tanjug sputnik interfax kazinform trend
    wire wires""".split()
)

_MONTHS = {
    # en
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # fr
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
    # es
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5, "junio": 6,
    "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "dic": 12,
    # de
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b{_YEAR}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:[T ](?P<time>\d{{2}}:\d{{2}}(?::\d{{2}})?))?"), "ymd"),
    (re.compile(rf"\b{_YEAR}/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})\b"), "ymd"),
    # February 3, 2020 / Feb. 3rd 2020
    (
        re.compile(
            rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.IGNORECASE
        ),
        "mdy",
    ),
    # 3 February 2020 / 3. Februar 2020 / 3 de febrero de 2020 / 1er mars 2020
    (
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th|º)?\.?\s+(?:de\s+)?(?P<mon>{_MONTH_RE})\.?,?\s+(?:de\s+|del\s+)?{_YEAR}\b",
            re.IGNORECASE,
        ),
        "dmy",
    ),
    # 03.02.2020 (day first in every language that writes dots)
    (re.compile(rf"\b(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.{_YEAR}\b"), "dmy"),
    # 03/02/2020: day or month first depending on the writer
    (re.compile(rf"\b(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/{_YEAR}\b"), "slash"),
)
_LABEL_PUBLISHED = re.compile(
    r"\b(?:published|posted|first published|publication date|date|publié|publiée|paru|publicado|"
    r"publicada|fecha|veröffentlicht|erschienen|erstellt|datum)\b\s*(?:on|le|am|el|:)?\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_UPDATED = re.compile(
    r"\b(?:updated|last updated|modified|mis à jour|actualizado|actualizada|aktualisiert|stand|"
    r"letzte änderung|zuletzt aktualisiert)\b\s*(?:on|le|am|el|:)?\s*:?\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_US_CLOCK = re.compile(r"\b(?:[AP]\.?M\.?|E[SD]T|C[SD]T|M[SD]T|P[SD]T|ET|PT)\b", re.IGNORECASE)
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_TIME = re.compile(
    r"\b(?:\d{1,2}(?:[:h.]\d{2})?(?:\s?(?:a\.?m\.?|p\.?m\.?|uhr|h))?|à|at|um|a las|gmt|utc|cet|cest|[ecmp][sd]t)\b",
    re.IGNORECASE,
)
_NONEMPTY_LINE = re.compile(r"[^\n]*\S[^\n]*")


@dataclass(slots=True)
class Dateline:
    """A dateline at the start of an article: 'PORT ALDER, Valdoria (Wire) —'.

    `start`/`end` cover the whole dateline including its separator;
    `place_start`/`place_end` cover the place name alone.
    """

    place: str
    start: int
    end: int
    place_start: int
    place_end: int
    region: str | None = None
    agency: str | None = None
    date_text: str | None = None

    @property
    def text(self) -> str:
        return f"{self.place}{', ' + self.region if self.region else ''}"


_UPPER = "A-ZÀ-ÖØ-Þ"
_DATELINE = re.compile(
    rf"""^(?P<place>[{_UPPER}][{_UPPER}'’.\-]*(?:[ \-][{_UPPER}][{_UPPER}'’.\-]*){{0,3}})
    (?:,\s*(?P<region>[{_UPPER}][\w'’.\-]*(?:\s[{_UPPER}][\w'’.\-]*){{0,2}}))?
    (?:,\s*(?P<date>(?i:{_MONTH_RE})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?i:{_MONTH_RE})\.?))?
    (?:\s*\((?P<paren>[^()\n]{{1,40}})\))?
    \s*(?P<sep>—|–|--|-|:|\.|\|)\s+(?=\S)""",
    re.VERBOSE,
)
# Mixed-case city, only with a known agency in parentheses: "Paris (AFP) -".
_DATELINE_AGENCY = re.compile(
    rf"""^(?P<place>[{_UPPER}][\w'’.\-]+(?:[ \-][{_UPPER}][\w'’.\-]+){{0,2}})
    (?:,\s*(?P<region>[{_UPPER}][\w'’.\-]*(?:\s[{_UPPER}][\w'’.\-]*){{0,2}}))?
    (?:,\s*(?P<date>(?i:{_MONTH_RE})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?i:{_MONTH_RE})\.?))?
    \s*\((?P<paren>[^()\n]{{1,40}})\)
    \s*(?P<sep>—|–|--|-|:|\.|\|)\s+(?=\S)""",
    re.VERBOSE,
)
# All-caps words that open a paragraph with a colon but are no place.
_NOT_PLACES = frozenset(
    """update updated breaking exclusive watch read also photos photo video live opinion analysis
    editorial comment note editor's editors warning correction clarification urgent flash alert
    summary background q a faq tldr ps nb""".split()
)


def _is_upper_place(place: str) -> bool:
    letters = [c for c in place if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def find_dateline(text: str) -> Dateline | None:
    """Find the dateline opening an article.

    Looks at the start of the first three paragraphs (a kicker or byline may
    come first). The place must be in capitals ("WASHINGTON —"), unless a
    news agency follows it in parentheses ("Paris (AFP) -").

    Args:
        text: article text, headline excluded.

    Returns:
        A `Dateline` with offsets into `text`, or None.

    Example:
        >>> d = find_dateline("PORT ALDER, Valdoria (Wire) — The port reopened.")
        >>> (d.place, d.region, d.agency, d.end)
        ('PORT ALDER', 'Valdoria', 'Wire', 30)
    """
    for n, line in enumerate(_NONEMPTY_LINE.finditer(text)):
        if n >= 3:
            break
        lead = len(line.group()) - len(line.group().lstrip())
        base = line.start() + lead
        chunk = line.group()[lead : lead + 160]
        found = _dateline_at(chunk, base)
        if found is not None:
            return found
    return None


def _dateline_at(chunk: str, base: int) -> Dateline | None:
    """Parse a dateline at the start of `chunk` (found at `base` in the text)."""
    m = _DATELINE.match(chunk)
    if m is not None:
        place = m.group("place").strip()
        if not _is_upper_place(place) or place.casefold().strip(".") in _NOT_PLACES:
            m = None
        elif m.group("sep") in ".-" and not (m.group("paren") or m.group("region") or m.group("date")):
            # "U.S. officials said..." or "AT&T - ": a bare capitalised word
            # with '.' or '-' is too weak; require a region, date or agency.
            if m.group("sep") == "." or len(place) < 3:
                m = None
    if m is None:
        m = _DATELINE_AGENCY.match(chunk)
        if m is None or (m.group("paren") or "").strip().casefold() not in AGENCIES:
            return None
    place = m.group("place").strip()
    region = m.group("region")
    paren = (m.group("paren") or "").strip() or None
    agency = None
    if paren is not None:
        if paren.casefold() in AGENCIES or paren.split("/")[0].strip().casefold() in AGENCIES:
            agency = paren
        elif _is_upper_place(paren) and _is_upper_place(place) and not region:
            region = paren  # "NUR-SULTAN (KAZAKHSTAN):"
        else:
            agency = paren  # "PORT ALDER, Valdoria (Wire) —": an outlet we don't know
    return Dateline(
        place=place,
        start=base,
        end=base + m.end(),
        place_start=base + m.start("place"),
        place_end=base + m.start("place") + len(place),
        region=region,
        agency=agency,
        date_text=m.group("date"),
    )


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    if value.year < MIN_YEAR or value > date.today().replace(year=date.today().year + 1):
        return None
    return value


def _parse_match(m: re.Match[str], kind: str) -> tuple[str, bool] | None:
    """(ISO date, ambiguous) for one regex match, or None if it is no valid date."""
    y = int(m.group("y"))
    ambiguous = False
    if kind == "ymd":
        value = _valid(y, int(m.group("m")), int(m.group("d")))
        if value is not None and m.group("time"):
            try:
                return datetime.fromisoformat(f"{value.isoformat()}T{m.group('time')}").isoformat(), False
            except ValueError:
                pass
    elif kind in ("mdy", "dmy") and "mon" in m.groupdict() and m.group("mon"):
        month = _MONTHS.get(m.group("mon").casefold().rstrip("."))
        value = _valid(y, month, int(m.group("d"))) if month else None
    elif kind == "dmy":
        value = _valid(y, int(m.group("m")), int(m.group("d")))
    else:  # slash: a/b/yyyy
        a, b = int(m.group("a")), int(m.group("b"))
        if a > 12:
            value = _valid(y, b, a)
        elif b > 12:
            value = _valid(y, a, b)
        elif _US_CLOCK.search(m.string):
            value = _valid(y, a, b)  # "05/02/2013 11:10 am EDT": an American writer, month first
        else:
            # Day first is the norm outside the US; the confidence says we guessed.
            value = _valid(y, b, a)
            ambiguous = a != b
    return (value.isoformat(), ambiguous) if value else None


def find_published(text: str) -> tuple[str, float, str] | None:
    """Find an explicit publication date in the first lines of a text.

    Only complete dates (with a year) count. A date labelled "Published"/
    "Publié"/"Publicado"/"Veröffentlicht" scores highest, then a date standing
    alone on its line, a date in a short byline-like line, an "Updated" date,
    and last a date inside the first sentences (which may be the event's date).

    Args:
        text: the article text (body before line cleaning is best: a date line
            is removed by cleaning but still tells the date).

    Returns:
        `(iso_date, confidence, evidence)` with evidence like
        "text:Published 3 February 2020", or None.

    Example:
        >>> find_published("By Jane Doe\\nPublished: 3 February 2020\\n\\nThe port reopened.")
        ('2020-02-03', 0.9, 'text:Published: 3 February 2020')
    """
    best: tuple[float, int, str, str] | None = None  # (confidence, -position, iso, evidence)
    for n, line_m in enumerate(_NONEMPTY_LINE.finditer(text[: PUBLISHED_WINDOW_CHARS * 2])):
        if n >= PUBLISHED_WINDOW_LINES or line_m.start() > PUBLISHED_WINDOW_CHARS:
            break
        line = line_m.group().strip()
        if not _HAS_YEAR.search(line):
            continue  # every pattern needs a year: skip the regex battery
        for pattern, kind in _DATE_PATTERNS:
            for m in pattern.finditer(line):
                parsed = _parse_match(m, kind)
                if parsed is None:
                    continue
                iso, ambiguous = parsed
                before = line[: m.start()]
                rest = (before + " " + line[m.end() :]).strip()
                words = len(_WORD.findall(_TIME.sub(" ", rest)))
                if _LABEL_PUBLISHED.search(before):
                    conf, label_at = CONF_LABELLED, _LABEL_PUBLISHED.search(before).start()
                elif _LABEL_UPDATED.search(before):
                    conf, label_at = CONF_UPDATED, _LABEL_UPDATED.search(before).start()
                elif words == 0:
                    conf, label_at = CONF_ALONE, m.start()
                elif words <= 12:
                    conf, label_at = CONF_SHORT_LINE, m.start()
                else:
                    conf, label_at = CONF_IN_PROSE, m.start()
                if ambiguous:
                    conf = min(conf, CONF_AMBIGUOUS)
                evidence = "text:" + line[label_at : m.end()].strip()
                key = (conf, -(line_m.start() + m.start()), iso, evidence)
                if best is None or key[:2] > best[:2]:
                    best = key
    if best is None:
        return None
    return best[2], best[0], best[3]


# ### Headline of a text file

TITLE_MAX_WORDS = 30
# A first line ending in a full stop with at least this many words is the lede.
TITLE_MAX_SENTENCE_WORDS = 15
TITLE_LOOKAHEAD_LINES = 4


def split_title(text: str) -> tuple[str | None, str]:
    """Take the headline off the top of a plain-text article.

    The headline is the first non-empty line, skipping junk lines above it
    (icon labels, a short section label such as "International relations"
    when a headline-like line follows). A first line that reads like a
    paragraph (a dateline, more than 30 words, or a long sentence ending in a
    full stop) means the file has no headline.

    Returns:
        `(title, rest)`: `rest` is `text` without the headline line (lines
        above it stay, for `clean_lines` to judge), stripped; `(None, text)`
        when there is no headline.

    Example:
        >>> split_title("Port reopens after storm\\n\\nPORT ALDER — The port reopened on Monday.")
        ('Port reopens after storm', 'PORT ALDER — The port reopened on Monday.')
    """
    candidates = list(_NONEMPTY_LINE.finditer(text))[:TITLE_LOOKAHEAD_LINES]
    for i, m in enumerate(candidates):
        line = m.group().strip()
        words = len(_WORD.findall(line))
        if junk_reason(line) is not None:
            continue  # icon labels, share bars, "Advertisement" above the headline
        if words <= 2 and i + 1 < len(candidates) and _headline_below(candidates[i + 1].group().strip()):
            continue  # a section label ("Politics") above the headline
        if not _headline_like(line):
            return None, text.strip()
        rest = (text[: m.start()] + text[m.end() :].lstrip("\r\n")).strip()
        return line, rest
    return None, text.strip()


def _headline_below(line: str) -> bool:
    """Whether `line`, under a one- or two-word first line, is the real headline."""
    return (
        len(_WORD.findall(line)) >= 4
        and _headline_like(line)
        and not line.rstrip("\"'”’») ").endswith(".")
        and not is_date_line(line)
        and not is_byline(line)
    )


def _headline_like(line: str) -> bool:
    words = len(_WORD.findall(line))
    if words == 0 or words > TITLE_MAX_WORDS:
        return False
    if find_dateline(line) is not None:
        return False
    stripped = line.rstrip("\"'”’») ")
    return not (stripped.endswith(".") and words >= TITLE_MAX_SENTENCE_WORDS)
