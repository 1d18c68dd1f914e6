"""Date mentions: absolute dates, datelines and relative expressions, resolved to ISO 8601.

A regular expression per language finds candidate spans; only those reach a
parser. Dates with a month name are resolved from the month table here;
relative expressions ('last week', 'hace tres días', 'avant-hier') go to one
cached `dateparser.DateDataParser` per language with RELATIVE_BASE set to the
publication date. Weekdays are resolved here because news needs two things
dateparser does not do: 'on Monday' in a Monday paper is that day, and 'will
meet on Monday' is the next Monday, not the last.

Confidence says how much was stated: a full date 0.95; a year taken from the
publication date 0.8; a weekday 0.75; a year inferred from other dates in the
text 0.45; a month 0.5; a bare year 0.2. Dates whose year cannot be inferred
at all are left out (event_date still uses them, see `scan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from storyline.model import DateMention

MONTHS = {
    "en": {
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
        "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
        "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
        "nov": 11, "december": 12, "dec": 12,
    },
    "fr": {
        "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3, "avril": 4,
        "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8,
        "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
        "décembre": 12, "decembre": 12, "déc": 12,
    },
    "es": {
        "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4,
        "abr": 4, "mayo": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8,
        "ago": 8, "septiembre": 9, "setiembre": 9, "sept": 9, "sep": 9, "octubre": 10,
        "oct": 10, "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
    },
}
WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
}
# Relative expressions handed to dateparser, by language.
RELATIVE = {
    "en": r"yesterday|today|tomorrow|(?:last|this|next|past) (?:week|month|year)|"
          r"earlier this (?:week|month|year)|(?:a|one|two|three|four|five|six|\d{1,2}) (?:days?|weeks?|months?|years?) ago|"
          r"the day before yesterday",
    "fr": r"avant-hier|hier|aujourd'hui|aujourd’hui|demain|après-demain|la semaine (?:dernière|passée|prochaine)|"
          r"cette semaine|le mois (?:dernier|prochain)|ce mois-ci|l['’]an(?:née)? (?:dernier|dernière|passé|passée|prochain|prochaine)|"
          r"cette année|il y a (?:un|une|deux|trois|quatre|cinq|six|\d{1,2}) (?:jours?|semaines?|mois|ans?)",
    "es": r"anteayer|antier|ayer|hoy|pasado mañana|la semana (?:pasada|próxima|que viene)|esta semana|"
          r"el mes (?:pasado|próximo)|este mes|el año (?:pasado|próximo)|este año|"
          r"hace (?:un|una|dos|tres|cuatro|cinco|seis|\d{1,2}) (?:días?|semanas?|meses|mes|años?)",
}
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|is (?:due|expected|scheduled|set|slated) to|are (?:due|expected|scheduled|set|slated) to|"
    r"plans? to|planned|going to|next|upcoming|va|vont|sera|seront|doit|doivent|devra|prévu|prévue|"
    r"prochain|prochaine|va a|van a|será|serán|tiene previsto|prevé|próximo|próxima)\b",
    re.IGNORECASE,
)
_YEAR = r"(?:1[89]\d\d|20\d\d|2100)"


@dataclass(slots=True)
class Candidate:
    """One date expression before resolution."""

    start: int
    end: int
    kind: str  # full | daymonth | monthyear | year | weekday | relative | iso | numeric
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    future: bool = False
    next_week: bool = False  # 'next Monday' on a Monday is in seven days
    dateline: bool = False


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@lru_cache(maxsize=8)
def _patterns(language: str) -> re.Pattern[str]:
    months = _alt(MONTHS[language])
    days = _alt(WEEKDAYS[language])
    if language == "en":
        # Month and weekday names are capitalised in English: 'may' the verb is not May.
        months = _alt(m.capitalize() for m in MONTHS["en"])
        days = _alt(d.capitalize() for d in WEEKDAYS["en"])
        parts = [
            rf"(?P<iso>(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d))",
            rf"(?P<md>(?P<md_m>{months})\.?\s+(?P<md_d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<md_y>{_YEAR}))?(?![\d:]))",
            rf"(?P<dm>(?P<dm_d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m>{months})\.?(?:,?\s+(?P<dm_y>{_YEAR}))?)",
            rf"(?P<my>(?:(?:{months})\s*[-–]\s*)?(?P<my_m>{months})\.?,?\s+(?P<my_y>{_YEAR}))",
            rf"(?P<num>(?P<n1>[01]?\d)/(?P<n2>[0-3]?\d)/(?P<ny>{_YEAR}))",
            rf"(?P<wd>(?P<wd_pre>(?i:on|last|next|this|since|until|by)\s+)?(?P<wd_d>{days})(?!\s+(?:Times|Telegraph|Express|Mail|Post|Herald|Star|Mirror|Morning Post)))",
            rf"(?P<rel>(?i:{RELATIVE['en']}))",
            rf"(?P<yr>(?i:in|since|by|until|during|before|after|of)\s+(?P<yr_y>{_YEAR})(?![\d\-–/]))",
        ]
        flags = 0
    else:
        de = r"\s+de(?:l)?" if language == "es" else ""
        parts = [
            rf"(?P<iso>(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d))",
            rf"(?P<dm>(?:(?:{days})\s+)?(?P<dm_d>[0-3]?\d|1er|1º|1°)\s+(?:de\s+)?(?P<dm_m>{months})\.?(?:{de}\s+(?P<dm_y>{_YEAR}))?)",
            rf"(?P<my>(?P<my_m>{months})(?:{de})?\s+(?P<my_y>{_YEAR}))",
            rf"(?P<num>(?P<n1>[0-3]?\d)/(?P<n2>[01]?\d)/(?P<ny>{_YEAR}))",
            rf"(?P<wd>(?P<wd_pre>(?:el|le|ce|este|cette|dès|depuis|hasta|jusqu'à)\s+(?:pasado\s+|próximo\s+|dernier\s+)?)?(?P<wd_d>{days})(?:\s+(?:dernier|prochain|pasado|próximo|que viene))?)",
            rf"(?P<rel>{RELATIVE[language]})",
            rf"(?P<yr>(?:en|depuis|desde|avant|après|antes de|después de|hasta)\s+(?P<yr_y>{_YEAR})(?![\d\-–/]))",
        ]
        flags = re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])", flags)


_HAS_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=8)
def _quick(language: str) -> re.Pattern[str]:
    """Words without which a digit-free text holds no date."""
    return re.compile(_alt(WEEKDAYS[language]) + "|" + RELATIVE[language], re.IGNORECASE)


def _month(language: str, word: str) -> int | None:
    return MONTHS[language].get(word.lower().rstrip("."))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(0, start - 250)
    m = None
    for m in re.finditer(r"[.!?\n]\s", text[left:start]):
        pass
    if m:
        left = left + m.end()
    right_match = re.search(r"[.!?\n](?:\s|$)", text[end:end + 250])
    right = end + right_match.start() if right_match else min(len(text), end + 250)
    return left, right


def _is_future(text: str, start: int, end: int) -> bool:
    left, right = _sentence_bounds(text, start, end)
    before = text[left:start]
    # The verb usually sits just before the date ('will meet on Monday') or
    # right after a date that opens the sentence ('On Monday, he will fly').
    fronted = re.fullmatch(r"\s*(?:on|le|el|ce|este|this|\W)?\s*", before, re.IGNORECASE) is not None
    return bool(_FUTURE.search(before[-80:]) or (fronted and _FUTURE.search(text[end:min(right, end + 60)])))


def scan(text: str, language: str | None) -> list[Candidate]:
    """Every date expression in `text`, unresolved (cheap: one regex pass)."""
    language = language if language in MONTHS else "en"
    out: list[Candidate] = []
    if not text or not _HAS_DIGIT.search(text) and not _quick(language).search(text):
        return out
    for m in _patterns(language).finditer(text):
        g = m.groupdict()
        c: Candidate | None = None
        if g["iso"]:
            month, day = int(g["im"]), int(g["id"])
            c = Candidate(m.start("iso"), m.end("iso"), "iso", int(g["iy"]), month, day)
        elif g.get("md"):
            month = _month(language, g["md_m"])
            year = int(g["md_y"]) if g["md_y"] else None
            c = Candidate(m.start("md"), m.end("md"), "full" if year else "daymonth", year, month, int(g["md_d"]))
        elif g["dm"]:
            month = _month(language, g["dm_m"])
            day = 1 if g["dm_d"].lower().startswith("1e") or g["dm_d"] in {"1º", "1°"} else int(re.sub(r"\D", "", g["dm_d"]))
            year = int(g["dm_y"]) if g["dm_y"] else None
            c = Candidate(m.start("dm"), m.end("dm"), "full" if year else "daymonth", year, month, day)
        elif g["my"]:
            c = Candidate(m.start("my"), m.end("my"), "monthyear", int(g["my_y"]), _month(language, g["my_m"]))
        elif g["num"]:
            first, second = int(g["n1"]), int(g["n2"])
            month, day = (first, second) if language == "en" else (second, first)
            c = Candidate(m.start("num"), m.end("num"), "numeric", int(g["ny"]), month, day)
        elif g["wd"]:
            name = g["wd_d"].lower()
            if language == "en" and m.start("wd") >= 4 and text[m.start("wd") - 4:m.start("wd")].lower() == "the ":
                continue  # 'the Sunday papers'
            c = Candidate(m.start("wd"), m.end("wd"), "weekday", weekday=WEEKDAYS[language].index(name))
            pre = (g["wd_pre"] or "").lower()
            tail = text[m.end("wd") - 12:m.end("wd")].lower()
            c.next_week = pre.startswith("next") or "próximo" in pre or tail.endswith(("prochain", "próximo", "que viene"))
            c.future = c.next_week or pre.startswith("until") or _is_future(text, c.start, c.end)
            if pre.startswith("last") or "dernier" in tail or "pasado" in pre + tail:
                c.future = False
        elif g["rel"]:
            c = Candidate(m.start("rel"), m.end("rel"), "relative")
        elif g["yr"]:
            c = Candidate(m.start("yr_y"), m.end("yr_y"), "year", int(g["yr_y"]))
        if c is None or (c.month is not None and not 1 <= c.month <= 12) or (c.day is not None and not 1 <= c.day <= 31):
            continue
        if c.kind in {"full", "iso", "numeric", "daymonth"} and not _valid(c.year or 2000, c.month, c.day):
            continue
        last_word = re.search(r"(\w+)\.$", text[c.start:c.end])
        if last_word and len(last_word.group(1)) > 4:
            c.end -= 1  # a sentence's full stop, not 'Jan.'
        if c.kind != "weekday":
            c.future = _is_future(text, c.start, c.end)
        c.dateline = c.start < 80 and bool(re.search(r"[A-Z]{3,}[^\n]{0,40}$", text[max(0, c.start - 50):c.start]))
        out.append(c)
    return out


def _valid(year: int, month: int | None, day: int | None) -> bool:
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def parse_published(published: str | None) -> date | None:
    """The date part of an ISO 8601 publication date, or None."""
    if not published:
        return None
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


@lru_cache(maxsize=512)
def _date_parser(language: str, base: date):
    from dateparser.date import DateDataParser

    # Restricted to one language (detection is most of dateparser's cost);
    # building one is cheap, parsing is what the caches save.
    return DateDataParser(
        languages=[language],
        settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": datetime(base.year, base.month, base.day)},
    )


@lru_cache(maxsize=65536)
def _relative(expression: str, language: str, base: date) -> tuple[date, str] | None:
    """dateparser on a relative expression, relative to `base` (cached)."""
    data = _date_parser(language, base).get_date_data(expression)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


def lower_bound(candidates: list[Candidate]) -> date | None:
    """The earliest a text can have been written, from the dates it states."""
    found = _bound(candidates)
    return found[0] if found else None


def _bound(candidates: list[Candidate]) -> tuple[date, bool] | None:
    """(floor date, whether it comes from a bare year only)."""
    bound = None
    for c in candidates:
        if c.kind in {"full", "iso", "numeric"}:
            d, coarse = date(c.year, c.month, c.day), False
        elif c.kind == "monthyear":
            d, coarse = date(c.year, c.month, 1), False
        elif c.kind == "year":
            d, coarse = date(c.year, 1, 1), True
        else:
            continue
        if bound is None or d > bound[0] or (d == bound[0] and not coarse):
            bound = (d, coarse)
    return bound


def infer_year(month: int, day: int, bound: date) -> date | None:
    """The first (month, day) on or after `bound`."""
    for year in (bound.year, bound.year + 1):
        if _valid(year, month, day) and date(year, month, day) >= bound:
            return date(year, month, day)
    return None


def _near_publication(month: int, day: int, base: date) -> date | None:
    """A yearless date in a dated article: this year, or last year if that is far ahead."""
    for year in (base.year, base.year - 1, base.year + 1):
        if _valid(year, month, day):
            d = date(year, month, day)
            if (d - base).days <= 60 and (base - d).days <= 300:
                return d
    return None


def resolve(c: Candidate, text: str, language: str, base: date | None, bound: date | None, coarse_bound: bool = False):
    """(ISO value, confidence) for one candidate, or None when it cannot be pinned down."""
    if c.kind in {"full", "iso"}:
        return date(c.year, c.month, c.day).isoformat(), 0.95
    if c.kind == "numeric":
        ambiguous = c.day <= 12 and c.month != c.day
        return date(c.year, c.month, c.day).isoformat(), 0.7 if ambiguous else 0.9
    if c.kind == "monthyear":
        return f"{c.year:04d}-{c.month:02d}", 0.5
    if c.kind == "year":
        return f"{c.year:04d}", 0.2
    if c.kind == "daymonth":
        if base is not None:
            d = _near_publication(c.month, c.day, base)
            return (d.isoformat(), 0.8) if d else None
        if bound is not None:
            # A floor from 'December 2019' pins the year better than one from 'in 2018'.
            d = infer_year(c.month, c.day, bound)
            return (d.isoformat(), 0.3 if coarse_bound else 0.45) if d else None
        return None
    if base is None:
        return None
    if c.kind == "weekday":
        delta = (c.weekday - base.weekday()) % 7
        if c.future:
            if delta == 0 and c.next_week:
                delta = 7
            return (base + timedelta(days=delta)).isoformat(), 0.6
        # Past by default in news; the same weekday as the paper is that day.
        return (base - timedelta(days=(7 - delta) % 7)).isoformat(), 0.75
    if c.kind == "relative":
        parsed = _relative(text[c.start:c.end].lower(), language, base)
        if parsed is None:
            return None
        value, period = parsed
        if period == "year":
            return f"{value.year:04d}", 0.5
        if period == "month":
            return f"{value.year:04d}-{value.month:02d}", 0.5
        if period == "week":
            return value.isoformat(), 0.3
        return value.isoformat(), 0.8
    return None


def extract_dates(text: str, language: str | None, published: str | None) -> list[DateMention]:
    """Dates in `text`, resolved against the publication date.

    Args:
        text: clean document text.
        language: ISO code ('en', 'fr', 'es'; others are read as English).
        published: ISO 8601 publication date, or None. Without it, relative
            expressions are skipped and yearless dates take their year from
            the latest date the text states (with lower confidence).

    Returns:
        DateMention records (`value` ISO 8601: a day, 'YYYY-MM' or 'YYYY'),
        `text == text[start:end]`, kind 'text', 'relative' or 'dateline'.

    Example:
        >>> [(d.text, d.value) for d in extract_dates("He left on Sunday.", "en", "2020-02-03")]
        [('Sunday', '2020-02-02')]
    """
    language = language if language in MONTHS else "en"
    candidates = scan(text, language)
    base = parse_published(published)
    bound = _bound(candidates) if base is None else None
    out = []
    for c in candidates:
        resolved = resolve(c, text, language, base, bound[0] if bound else None, bool(bound and bound[1]))
        if resolved is None:
            continue
        value, confidence = resolved
        kind = "dateline" if c.dateline and c.kind in {"full", "daymonth", "iso"} else (
            "relative" if c.kind in {"weekday", "relative"} else "text"
        )
        out.append(DateMention(c.start, c.end, text[c.start:c.end], value, round(confidence, 3), kind))
    return out
