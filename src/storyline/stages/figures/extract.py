"""Figures in text: a number, its scale, its unit (currency, %, people...) and what it counts.

Regular expressions only, so this runs far faster than NER. A numeric core
(digits or number words) is found first, then widened to the left (qualifier,
currency sign) and right (scale word, currency word, percent) and normalised:
'$12.85 billion' -> 12850000000 USD, '1,5 million' (fr) -> 1500000,
'2.000' (es) -> 2000, 'a million dollars' -> 1000000 USD.
Years, dates, times, ordinals, phone numbers, ranges and codes ('COVID-19',
'Article 5') are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from storyline.model import FigureMention
from storyline.text import fold

# ------------------------------------------------------------------ vocabulary
# Languages writing 1.000,5 rather than 1,000.5.
COMMA_DECIMAL = {"fr", "es", "de", "it", "pt", "nl", "ru", "pl", "tr", "id"}

_EN_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a": 1, "an": 1,
    "dozen": 12,
}
_FR_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "cent": 100, "cents": 100, "mille": 1000,
}
_ES_WORDS = {
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
    "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100, "mil": 1000,
}
_LANG_WORDS = {"en": _EN_WORDS, "fr": _FR_WORDS, "es": _ES_WORDS}
_UNITS = {**_ES_WORDS, **_FR_WORDS, **_EN_WORDS}
# Scale words and their factor; 'billón' is 10^12 in Spanish.
_SCALES = {
    "thousand": 1e3, "thousands": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9,
    "billions": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3,
    "mille": 1e3, "milliard": 1e9, "milliards": 1e9, "mil": 1e3, "millón": 1e6,
    "millon": 1e6, "millones": 1e6, "mil millones": 1e9, "billón": 1e12, "billon": 1e12,
    "billones": 1e12, "lakh": 1e5, "crore": 1e7,
}
_CURRENCY_SIGNS = {
    "us$": "USD", "u.s.$": "USD", "$": "USD", "c$": "CAD", "a$": "AUD", "hk$": "HKD",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR", "₩": "KRW", "₺": "TRY",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "rub": "RUB",
    "chf": "CHF", "inr": "INR",
}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "dólar": "USD", "dólares": "USD",
    "dolares": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "libras": "GBP", "livres": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "rublos": "RUB", "rupee": "INR", "rupees": "INR", "francs": "CHF", "tenge": "KZT",
    "hryvnia": "UAH", "hryvnias": "UAH", "pesos": "MXN",
}
_PERCENT_WORDS = ("%", "percent", "per cent", "pour cent", "por ciento", "pct")
# Qualifiers kept in the span: 'more than 300 people' is 300, said loosely.
QUALIFIERS = (
    "more than", "fewer than", "less than", "over", "under", "at least", "at most", "about",
    "around", "nearly", "almost", "roughly", "approximately", "some", "up to", "as many as",
    "no less than", "no more than", "no fewer than", "an estimated", "estimated",
    "plus de", "moins de", "près de", "environ", "au moins", "quelque", "jusqu'à",
    "pas moins de", "más de", "menos de", "casi", "cerca de", "alrededor de", "unos", "unas",
    "al menos", "hasta", "aproximadamente",
)
_QUAL_RE = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
_MONTHS = (
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|may|june|"
    "july|august|september|october|november|december|janvier|février|fevrier|mars|avril|mai|"
    "juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|"
    "abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)
_TIME_UNITS = {
    "year": "years", "years": "years", "ans": "years", "années": "years", "años": "years",
    "month": "months", "months": "months", "mois": "months", "meses": "months",
    "week": "weeks", "weeks": "weeks", "semaines": "weeks", "semanas": "weeks",
    "day": "days", "days": "days", "jours": "days", "días": "days", "dias": "days",
    "hour": "hours", "hours": "hours", "heures": "hours", "horas": "hours",
    "decade": "decades", "decades": "decades",
}
_MEASURES = {
    "km": "km", "kilometres": "km", "kilometers": "km", "kilómetros": "km", "miles": "miles",
    "kg": "kg", "kilos": "kg", "tonnes": "t", "tons": "t", "toneladas": "t",
    "barrels": "barrels", "barils": "barrels", "barriles": "barrels", "mw": "MW", "gw": "GW",
}
_PEOPLE = {"people", "persons", "personnes", "personas", "habitants", "habitantes", "individuals"}
STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but as is are was were be been being
    has have had that which who whom whose this these those it its their his her our your
    than then there here not no nor so such into onto over under about after before between
    during while since until up down out off also more most less least only just very
    will would could should may might must can do does did said says say told according
    le la les un une des du de d l et ou en au aux par pour sur dans avec sans que qui
    dont ce ces cette son sa ses leur leurs est sont été a ont plus moins
    el los las uno unos unas del al y o en por para con sin que quien cuyo este esta estos
    estas ese esa su sus es son fue han ha más menos según fueron eran era sido serán será
    ont été sont était étaient seront sera avaient avait have been being who whom""".split()
)
# Verbs that only link a figure to its subject: 'Trade ... reached $12.85 billion'.
_LINKING = re.compile(
    r"(?:reach|total|amount|stand|stood|hit|exceed|rise|rose|fall|fell|grow|grew|top|"
    r"allocate|provide|give|gave|promise|pledge|offer|spend|spent|cost|worth|value|estimate|"
    r"announce|account|represent|atteindre|atteint|alcanz|supera|suma)\w*$",
    re.IGNORECASE,
)

# ------------------------------------------------------------------ patterns
_SCALE_WORDS = "|".join(sorted((re.escape(w) for w in _SCALES), key=len, reverse=True))
_DIGITS = {
    # thousands separators: comma, thin/no-break spaces; decimal point
    False: r"\d{1,3}(?:[,\u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    # thousands: dot, space, thin/no-break spaces; decimal comma
    True: r"\d{1,3}(?:[. \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
}


@lru_cache(maxsize=16)
def _core(language: str) -> re.Pattern[str]:
    """Numeric cores for one language: digits in its format, or its number words."""
    words = _LANG_WORDS.get(language, _EN_WORDS)
    alternation = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(
        r"(?<![\w+/:\-−–.,])(?:"
        + _DIGITS[language in COMMA_DECIMAL]
        + r")(?!(?!(?:bn|mn|m|k)\b)[\w/:\-−–]|[.,]\d|\+)|(?<![\w-])(?:(?:"
        + alternation
        + r")(?:[- ](?:y |et |and )?(?:"
        + alternation
        + r"))*)(?=\s+(?:"
        + _SCALE_WORDS
        + r")\b|[\s,.;])",
        re.IGNORECASE,
    )


# A scale letter glued to digits: '$5m', '12.85bn'.
_GLUED_SCALE = re.compile(r"(bn|mn|m|k)\b", re.IGNORECASE)
_SCALE_AFTER = re.compile(r"\s*(?:de\s+)?(" + _SCALE_WORDS + r")\b", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(US\$|U\.S\.\s?\$|C\$|A\$|HK\$|\$|€|£|¥|₽|₹|₩|₺|USD|EUR|GBP|JPY|CNY|RUB|CHF|INR)\s?$")
_CURRENCY_AFTER = re.compile(
    r"\s*(?:(?:de|d'|d’)\s*)?("
    + "|".join(sorted((re.escape(w) for w in list(_CURRENCY_WORDS) + ["US$", "$", "€", "£", "USD", "EUR", "GBP"]), key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_PERCENT_AFTER = re.compile(r"\s?(%|percent\b|per cent\b|pour cent\b|por ciento\b|pct\b)", re.IGNORECASE)
_QUALIFIER_BEFORE = re.compile(r"(?<!\w)(" + _QUAL_RE + r")\s+$", re.IGNORECASE)
_MONTH_NEAR_BEFORE = re.compile(r"(?:\b(?:" + _MONTHS + r")\.?|\bthe|\ble|\bel)\s*$", re.IGNORECASE)
_MONTH_NEAR_AFTER = re.compile(r"^(?:st|nd|rd|th|er|e|º|°)?\s*(?:de\s+)?(?:" + _MONTHS + r")\b", re.IGNORECASE)
_SECTION_BEFORE = re.compile(
    r"\b(?:article|section|chapter|no|nos|number|page|pages|p|pp|art|paragraph|clause|"
    r"room|flight|vol|tome|line|ligne|route|rule|resolution|résolution|resolución|"
    r"artículo|capítulo|chapitre|numéro|número|n|item|version|v|phase|stage|level|"
    r"grade|class|type|model|episode|season|week|day|round|act|bill|h\.r|s)\.?\s*(?:n[°º]\s*)?$",
    re.IGNORECASE,
)
# Digit groups that are not thousands groups: phone numbers, ids.
_PHONE = re.compile(r"(?<![\w.,])\+?\(?\d{1,4}\)?(?:[ .\-/]\(?\d{2,5}\)?){2,}(?![\w])")
_TIME_AFTER = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|h\d|o'clock|gmt|utc)", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|e|er|ème|º|ª)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_HAS_DIGIT = re.compile(r"\d")
# A digit-free text can only hold a figure through these words.
_HAS_NUMBER_WORD = re.compile(
    r"\b(?:"
    + "|".join(sorted({re.escape(w) for w, n in _UNITS.items() if n >= 10} | {re.escape(w) for w in _SCALES if len(w) > 2}))
    + r")\b",
    re.IGNORECASE,
)


# ------------------------------------------------------------------ parsing
def _digits_value(raw: str, comma_decimal: bool) -> float | None:
    s = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if comma_decimal:
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def _words_value(raw: str) -> float | None:
    """'twenty-five' -> 25, 'trois cents' -> 300, 'dos mil' -> 2000."""
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", raw.lower()):
        if word in {"and", "y", "et", ""}:
            continue
        n = _UNITS.get(word)
        if n is None:
            return None
        if n == 100:
            current = (current or 1) * 100
        elif n == 1000:
            total += (current or 1) * 1000
            current = 0
        else:
            current += n
    return total + current


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause holding `pos`: after the last . ; : or line break."""
    for i in range(pos - 1, max(-1, pos - 300), -1):
        if text[i] in ".;:!?\n" and (i + 1 >= len(text) or not text[i + 1].isdigit()):
            return i + 1
    return max(0, pos - 300)


def _stem(word: str) -> str:
    """Cheap normalisation: folded, plural s dropped."""
    w = fold(re.sub(r"['’]s$", "", word))
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w


def _what(text: str, start: int, end: int, money: bool) -> str:
    """What the figure counts: up to two content words right after it
    ('people detained', 'aid' in '$1 million in aid'), else the first common
    noun-ish word of its clause ('Trade ... reached $12.85 billion' -> 'trade')."""
    tail = text[end:end + 80]
    words: list[str] = []
    cursor = 0
    for match in _WORD.finditer(tail):
        gap = tail[cursor:match.start()]
        cursor = match.end()
        if re.search(r"[.,;:!?()\[\]\"“”«»\d]", gap):
            break
        word = re.sub(r"^(?:[dl]|qu)['’]", "", match.group(), flags=re.IGNORECASE)  # "d'aide"
        low = word.lower()
        if re.match(r"(?:" + _MONTHS + r")\b", low):
            break
        if low in STOPWORDS:
            if not words and (low in {"of", "de", "d", "des", "del"} or (money and low in {"in", "en"})):
                continue
            break
        words.append(_stem(word))
        if len(words) == 2:
            break
    if words:
        return " ".join(words)
    # Nothing after it: the word just before ('infected more than 14,000'), or
    # when that only links, the clause's first word ('Trade ... reached').
    clause = text[_clause_start(text, start):start]
    found = [m.group() for m in _WORD.finditer(clause)]
    content = [
        w for w in found
        if len(w) > 2 and w.lower() not in STOPWORDS and not re.fullmatch(_QUAL_RE, w, re.IGNORECASE)
    ]
    if not content:
        return ""
    if _LINKING.match(content[-1]) and len(content) > 1:
        return _stem(content[0])
    return _stem(content[-1])


def _skip(text: str, start: int, end: int, raw: str, value: float, has_unit: bool, is_word: bool) -> bool:
    before = text[max(0, start - 24):start]
    after = text[end:end + 16]
    if _MONTH_NEAR_BEFORE.search(before) and not has_unit and value <= 31:
        return True  # 'Feb. 3', 'the 2nd'
    if _MONTH_NEAR_AFTER.match(after) and not has_unit:
        return True  # '3 February', '2 de febrero'
    if not has_unit and re.fullmatch(r"\d{4}", raw) and 1800 <= value <= 2100:
        return True  # a year
    if re.match(r"\s*[-–/]\s*\d", after) or re.search(r"\d\s*[-–/]\s*$", before):
        return True  # a range of years or codes: '2019-2025', '24/7'
    if _TIME_AFTER.match(after) or _ORDINAL_AFTER.match(after):
        return True
    if _SECTION_BEFORE.search(before) and not has_unit:
        return True
    return False


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _PHONE.finditer(text):
        groups = re.findall(r"\d+", match.group())
        thousands = all(len(g) == 3 for g in groups[1:]) and re.fullmatch(r"[\d ., \u00a0\u202f]+", match.group())
        if match.group().startswith("+") or not thousands:
            spans.append(match.span())
    return spans


def extract_figures(text: str, language: str | None) -> list[FigureMention]:
    """Numbers with their unit and what they count.

    Args:
        text: clean document text.
        language: ISO code; decides '1,5' (fr/es decimal) vs '1,500' (en thousands).

    Returns:
        FigureMention records; `text == text[start:end]` covers qualifier,
        currency sign, number, scale and currency word ('more than $1 million').

    Example:
        >>> [(m.value, m.unit, m.what) for m in extract_figures("Trade reached $12.85 billion.", "en")]
        [(12850000000.0, 'USD', 'trade')]
    """
    if not text:
        return []
    comma_decimal = (language or "en") in COMMA_DECIMAL
    core = _core(language or "en")
    out: list[FigureMention] = []
    last_end = -1
    if not _HAS_DIGIT.search(text) and not _HAS_NUMBER_WORD.search(text):
        return []
    phones = _phone_spans(text)
    for match in core.finditer(text):
        start, end = match.span()
        if start < last_end or any(s <= start < e for s, e in phones):
            continue
        raw = match.group()
        is_word = not raw[0].isdigit()
        value = _words_value(raw) if is_word else _digits_value(raw, comma_decimal)
        if value is None:
            continue
        unit = ""
        scaled = False
        # Scale: '12.85 billion', '5m', '1,5 million de'.
        glued = _GLUED_SCALE.match(text, end) if not is_word else None
        scale = _SCALE_AFTER.match(text, end)
        if glued:
            value *= _SCALES[glued.group(1).lower()]
            end, scaled = glued.end(), True
        elif scale and (
            scale.group(1).lower() not in {"m", "k"} or _CURRENCY_BEFORE.search(text[max(0, start - 6):start])
        ):
            value *= _SCALES.get(scale.group(1).lower(), 1)
            end, scaled = scale.end(), True
        if is_word and not scaled and value < 10:
            continue  # 'one of', 'two countries': too common to be a figure
        if is_word and raw.lower() in {"a", "an", "un", "une", "una", "uno"} and not scaled:
            continue
        # Currency before ('$', 'US$ ', '€') or after ('dollars', "d'euros", '€').
        cur_before = _CURRENCY_BEFORE.search(text[max(0, start - 6):start])
        if cur_before:
            unit = _CURRENCY_SIGNS.get(cur_before.group(1).lower().replace(" ", ""), "USD")
            start -= len(cur_before.group(0))
        cur_after = _CURRENCY_AFTER.match(text, end)
        if cur_after:
            word = cur_after.group(1).lower()
            code = _CURRENCY_WORDS.get(word) or _CURRENCY_SIGNS.get(word)
            if code:
                unit = unit or code
                end = cur_after.end()
        if not unit:
            pct = _PERCENT_AFTER.match(text, end)
            if pct:
                unit, end = "%", pct.end()
        if not unit:
            next_word = re.match(r"\s+([^\W\d_]+)", text[end:end + 30])
            if next_word:
                low = next_word.group(1).lower()
                unit = _TIME_UNITS.get(low) or _MEASURES.get(low) or ("people" if low in _PEOPLE else "")
        has_unit = bool(unit) or scaled
        if _skip(text, match.start(), match.end(), raw, value, has_unit, is_word):
            continue
        # Qualifier before: 'more than', 'près de'.
        qual = _QUALIFIER_BEFORE.search(text[max(0, start - 25):start])
        if qual:
            start -= len(qual.group(0))
        money = unit.isupper() and len(unit) == 3
        what = _what(text, start, end, money)
        out.append(FigureMention(start, end, text[start:end], float(value), unit, what))
        last_end = end
    return out


def qualifier(mention_text: str) -> str:
    """The qualifier a mention starts with ('more than'), or ''."""
    low = unicodedata.normalize("NFC", mention_text).lower()
    for q in sorted(QUALIFIERS, key=len, reverse=True):
        if low.startswith(q + " "):
            return q
    return ""
