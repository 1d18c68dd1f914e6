"""Entity mentions from spaCy NER, with the cheap clean-ups the small models need.

One NER pass per document (`storyline.nlp.load(lang, ("tok2vec", "ner"))`),
then rules on the spans: split at line breaks ('China\\n\\nNUR-SUOLTAN'), strip
articles, possessives, quotes and titles ('Kazakh President Kassym-Jomart
Tokayev' -> 'Kassym-Jomart Tokayev', re-labelled PERSON), drop lower-case junk.

Spanish has no spaCy model that installs beside spaCy 3.8, so `es` runs the
French model (same script, capitalisation and article habits) and adds
capitalised sequences it missed; see `_capitalised_spans`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from storyline import nlp
from storyline.model import EntityMention

# NER labels kept, mapped to one vocabulary (the French model says PER).
LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "FAC",
    "NORP": "NORP",
    "MISC": "MISC",
}
# Languages whose NER model is borrowed: see the module docstring.
NER_LANGUAGE = {"en": "en", "fr": "fr", "es": "fr"}
MAX_NER_CHARS = 200_000  # spaCy's own limit is 1M; keep memory bounded on huge pages

# Leading words dropped from a span.
_ARTICLES = {
    "the", "a", "an", "le", "la", "les", "l", "el", "los", "las", "un", "une", "una",
    "de", "del", "des", "du", "según", "selon", "according", "en", "in", "au", "aux", "al",
}
# Titles before a name: the name after them is a person.
TITLES = {
    "president", "presidente", "président", "presidenta", "secretary",
    "secretario", "secretaria", "secrétaire", "minister", "ministre", "ministro",
    "ministra", "prime", "premier", "chancellor", "senator", "sen", "rep",
    "representative", "governor", "gov", "mayor", "king", "queen", "prince",
    "princess", "pope", "ambassador", "colonel", "col", "lt",
    "captain", "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame",
    "lord", "lady", "m", "mme", "mlle", "sr", "sra", "srta", "don", "doña", "señor",
    "señora", "monsieur", "madame", "chief", "leader", "spokesman", "spokeswoman",
    "spokesperson", "director", "ceo", "chairman", "chairwoman", "judge", "juez",
    "juge", "ayatollah", "sheikh", "emir", "archbishop",
    "bishop", "rev", "reverend", "father", "sister", "brother", "lieutenant",
    "sergeant", "commander", "admiral", "marshal", "portavoz", "canciller", "alcalde",
    "maire", "député", "diputado", "senador", "sénateur",
}
# Words that sit inside a title but are no title alone ('Secretary of State',
# 'Foreign Minister'); 'General Motors' keeps its first word.
_TITLE_PARTS = {
    "state", "foreign", "defense", "defence", "interior", "finance", "vice", "deputy",
    "assistant", "chief", "prime", "general", "gen", "porte", "parole", "affaires",
    "étrangères", "exteriores", "asuntos", "affairs", "former", "ex", "acting",
}
# Words that NER tags as a name on their own but never are one.
_STOP_SPANS = {
    "state", "secretary", "president", "government", "ministry", "minister",
    "administration", "department", "parliament", "congress", "senate", "latest news",
    "read also", "lire aussi", "más", "more", "related", "advertisement", "sponsored",
    "sponsored content", "reuters", "afp", "ap", "efe", "photo", "video", "getty images",
}
# Person cues right after a name.
_SAID = re.compile(
    r"^\s*,?\s*(?:said|says|told|added|asked|stated|explained|warned|dit|a déclaré|"
    r"a dit|déclare|dijo|afirmó|aseguró|declaró|explicó|señaló)\b"
)
_TOKEN = re.compile(r"\S+")
_WORD_CHARS = re.compile(r"[^\W\d_]")
_CAPITALISED = re.compile(
    r"(?<![\w'’])(?:[A-ZÁÉÍÓÚÑÜÇÈÊÀÂÎÔ][\w’'-]*\.?)"
    r"(?:(?:\s+(?:de|del|de la|de los|de las|da|do|dos|van|von|al|el|bin|ibn|y)\s+|\s+)"
    r"(?:[A-ZÁÉÍÓÚÑÜÇÈÊÀÂÎÔ][\w’'-]*))*"
)
# Capitalised words that start sentences without being names.
_FUNCTION_WORDS = {
    "el", "la", "los", "las", "un", "una", "unos", "unas", "en", "de", "del", "y", "pero",
    "según", "con", "por", "para", "sin", "tras", "este", "esta", "estos", "estas", "ese",
    "esa", "aquel", "su", "sus", "nuestro", "mi", "tu", "lo", "al", "a", "ante", "desde",
    "durante", "entre", "hacia", "hasta", "mientras", "también", "además", "sin embargo",
    "no", "sí", "si", "cuando", "donde", "como", "que", "quien", "qué", "cómo", "hoy",
    "ayer", "mañana", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado",
    "domingo", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "setiembre", "octubre", "noviembre", "diciembre", "le", "les", "des",
    "du", "et", "mais", "dans", "pour", "avec", "sur", "ce", "cette", "il", "elle", "ils",
    "nous", "the", "a", "an", "and", "but", "in", "on", "at", "for", "with", "this", "that",
    "he", "she", "it", "they", "we", "i", "ni", "o", "u", "e", "otro", "otra", "todo",
    "todos", "cada", "más", "menos", "muy", "ya", "aún", "después", "antes", "luego",
    "así", "bien", "gobierno", "presidente", "ministro", "ministra",
}
_ORG_WORDS = {
    "banco", "organización", "comisión", "ministerio", "partido", "universidad",
    "fundación", "asociación", "consejo", "tribunal", "corte", "congreso", "senado",
    "gobierno", "instituto", "agencia", "empresa", "grupo", "unión", "naciones",
    "fondo", "real", "club", "federación", "sindicato", "ejército", "policía",
    "departamento", "oficina", "cámara", "comité", "secretaría", "bank", "union",
}


def _label(raw: str) -> str | None:
    return LABELS.get(raw)


def _clean_span(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Cleaned (start, end, titled) pieces of one NER span; titled = a title was stripped."""
    pieces = []
    # Line breaks never sit inside a name: 'China\n\nNUR-SUOLTAN' is two spans.
    offset = start
    for part in re.split(r"(\n+|\s{3,}|\s[-–—|]\s)", text[start:end]):
        if part and not re.fullmatch(r"\n+|\s{3,}|\s[-–—|]\s", part):
            piece = _clean_piece(text, offset, offset + len(part))
            if piece:
                pieces.append(piece)
        offset += len(part)
    return pieces


def _clean_piece(text: str, start: int, end: int) -> tuple[int, int, bool] | None:
    # Surrounding quotes, brackets and punctuation.
    while start < end and text[start] in " \t\"'“”‘’«»([{-–—,;:*•·":
        start += 1
    while end > start and text[end - 1] in " \t\"'“”‘’«»)]},;:!?*•·-–—":
        end -= 1
    # Possessives: "Blinken's", "Central Asia’s".
    for suffix in ("'s", "’s", "'", "’"):
        if text[start:end].endswith(suffix) and end - len(suffix) > start:
            end -= len(suffix)
            break
    # A trailing full stop unless it closes an abbreviation ('U.S.', 'Inc.').
    if end > start and text[end - 1] == "." and not re.search(r"(?:\b\w\.\w\.|\b[A-Z][a-z]{0,3}\.)$", text[start:end]):
        end -= 1
    tokens = [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(text[start:end])]
    if not tokens:
        return None
    # Leading articles and prepositions: 'the United States', 'El Real Madrid'.
    while len(tokens) > 1 and text[tokens[0][0]:tokens[0][1]].lower().rstrip("'’") in _ARTICLES:
        tokens.pop(0)
    # "l'Union" / "d'Ouzbékistan": an elided article glued to the name.
    first = text[tokens[0][0]:tokens[0][1]]
    elided = re.match(r"^(?:[lLdD]|qu)['’](?=\w)", first)
    if elided:
        tokens[0] = (tokens[0][0] + elided.end(), tokens[0][1])
    # Lower-case words at the edges are not part of a proper name ('Argentina necesitará').
    while len(tokens) > 1 and not _starts_upper(text, tokens[-1]):
        tokens.pop()
    while len(tokens) > 1 and not _starts_upper(text, tokens[0]):
        tokens.pop(0)
    # Titles: '[Kazakh] President Kassym-Jomart Tokayev' -> person name after the title.
    titled = False
    last_title, strong = -1, False
    for i, (s, e) in enumerate(tokens[:-1]):
        word = text[s:e].lower().rstrip(".")
        if word in TITLES:
            last_title, strong = i, True
        elif word in _TITLE_PARTS or (word in {"of", "de", "du", "del", "for", "des"} and last_title == i - 1):
            last_title = i  # 'Secretary of State Mike Pompeo'
        elif i - last_title > 2:
            break
    if strong:
        rest = tokens[last_title + 1:]
        if rest and _starts_upper(text, rest[0]):
            tokens = rest
            titled = True
    # A title cut off at the end: 'Kazakh Foreign [Minister ...]' -> 'Kazakh'.
    while len(tokens) > 1:
        word = text[tokens[-1][0]:tokens[-1][1]].lower().rstrip(".")
        following = text[tokens[-1][1]:tokens[-1][1] + 30].split()[:1]
        if word in TITLES or (word in _TITLE_PARTS and following and following[0].lower() in TITLES):
            tokens.pop()
        else:
            break
    start, end = tokens[0][0], tokens[-1][1]
    span = text[start:end]
    # Possessive again after trimming ('the Kremlin's' -> 'Kremlin').
    for suffix in ("'s", "’s"):
        if span.endswith(suffix) and len(span) > len(suffix):
            end -= len(suffix)
            span = text[start:end]
    span = span.rstrip(",;:")
    end = start + len(span)
    if not _WORD_CHARS.search(span) or not any(c.isupper() for c in span):
        return None  # 'us', 'state', '2019': lower-case or no letters
    if span.lower() in _STOP_SPANS or len(span) > 80 or len(span.split()) > 7:
        return None
    return start, end, titled


def _starts_upper(text: str, token: tuple[int, int]) -> bool:
    word = text[token[0]:token[1]].lstrip("\"'“‘«(")
    return bool(word) and word[0].isupper()


def _title_before(text: str, start: int) -> bool:
    before = text[max(0, start - 40):start].split()
    return bool(before) and before[-1].lower().rstrip(".,") in TITLES


def _person_cue(text: str, start: int, end: int) -> bool:
    """A title just before the span, or a speech verb just after it."""
    return _title_before(text, start) or bool(_SAID.match(text[end:end + 30]))


# "the town of Kessmere", "in Kessmere", a dateline "KESSMERE, Valdoria —": a place, whatever
# the small model says (it tags unfamiliar place names PERSON or ORG).
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:town|city|village|capital|port|province|region|district|county|state|republic)\s+of"
    r"|\b(?:ville|village|région|province|capitale)\s+de|\b(?:ciudad|pueblo|región|provincia|capital)\s+de"
    r"|\b(?:in|near|outside)|\b(?:à|près de|en|cerca de))\s+$", re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"\s*(?:,\s*[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s*)?(?:\([^)]{1,40}\)\s*)?(?:—|–|--|:)")


def _place_cue(text: str, start: int, end: int, label: str) -> bool:
    before = text[max(0, start - 40):start]
    if label == "PERSON" and _PLACE_BEFORE.search(before):
        return True  # a person is rarely "in X" or "the town of X"
    if label == "ORG" and re.search(r"\b(?:town|city|village)\s+of\s+$", before, re.IGNORECASE):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return (not text[line_start:start].strip() and text[start:end].isupper()
            and bool(_DATELINE_AFTER.match(text, end)))


# A name ending in a corporate or institutional word is an organisation, whatever the small
# model says ("Sendra Hydro", "Meridian Wire" come out as PERSON).
_ORG_LAST_WORDS = {
    "hydro", "energy", "power", "airlines", "airways", "bank", "group", "holdings", "corp",
    "corporation", "inc", "ltd", "llc", "plc", "company", "industries", "motors", "systems",
    "technologies", "partners", "media", "news", "times", "post", "wire", "telecom",
    "petroleum", "oil", "gas", "mining", "steel", "pharma", "foods", "university",
    "institute", "foundation", "association", "council", "ministry", "agency", "authority",
    "commission", "committee", "party", "union", "army", "police", "network", "press",
    # Commodities: mining and trading houses are named after what they sell ("Valmora Copper").
    "copper", "gold", "silver", "platinum", "nickel", "zinc", "iron", "coal", "uranium",
    "lithium", "cobalt", "aluminium", "aluminum", "cement", "chemicals", "metals", "minerals",
    "resources", "mines", "potash", "fertilizers", "fertilisers", "diamonds", "timber",
    "textiles", "logistics", "shipping", "railways", "refining", "petrochemicals",
}  # fmt: skip
# Spanish ministries go by their portfolio alone ("Trabajo anunció", "la ministra de Trabajo").
_ES_PORTFOLIOS = {
    "trabajo", "vivienda", "economía", "hacienda", "sanidad", "salud", "educación", "defensa",
    "interior", "exteriores", "justicia", "cultura", "agricultura", "industria", "turismo",
    "transporte", "transportes", "energía", "comercio", "igualdad", "ciencia", "consumo",
    "fomento", "trabajo y economía social", "medio ambiente", "desarrollo social",
}  # fmt: skip
# Suffixes of Spanish common nouns, which NER takes for names at a sentence start.
_ES_NOUN_SUFFIXES = ("ción", "sión", "dad", "miento", "ismo", "encia", "ancia", "aje", "tud")
_MINISTRY_BEFORE = re.compile(
    r"\b(?:ministr[oa]s?|ministerio|secretar[ií]a|consejer[oa]|minist[eè]re|ministre|minister|ministry|"
    r"department|secretary)\s+(?:de(?:l| la)?|of(?: the)?|du|des|for)\s+$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _english_nouns() -> frozenset[str]:
    """Common English nouns (the WordNet noun index the English model's lemmatizer ships)."""
    try:
        import importlib.util
        from pathlib import Path

        from spacy.lookups import Lookups

        spec = importlib.util.find_spec(nlp.MODELS["en"])
        if spec is None or not spec.submodule_search_locations:
            return frozenset()
        found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*/lemmatizer/lookups"))
        if not found:
            return frozenset()
        table = Lookups().from_disk(found[0]).get_table("lemma_index")
        return frozenset(table.get("noun", []))
    except Exception:  # a missing or odd model only loses this clean-up
        return frozenset()


def _common_word_person(text: str, m: EntityMention, language: str) -> str | None:
    """What a one-word PERSON that is a capitalised common noun really is.

    Returns "drop", "ORG", or None (a person after all). Only words with no person
    cue, at a sentence start or after "minister of", that the text never capitalises
    mid-sentence ("Turnout was low", "Trabajo anunció").
    """
    word = m.text
    if " " in word or _person_cue(text, m.start, m.end):
        return None
    low = word.lower()
    if _MINISTRY_BEFORE.search(text[max(0, m.start - 40) : m.start]):
        return "ORG"
    if not _sentence_initial(text, m.start):
        return None
    if language == "es" and low in _ES_PORTFOLIOS:
        return "ORG"
    for other in re.finditer(r"(?<![\w'’])" + re.escape(word) + r"(?![\w'’])", text):
        if other.start() != m.start and not _sentence_initial(text, other.start()):
            return None  # "… with Turnout" mid-sentence: a name after all
    if language == "es" and low.endswith(_ES_NOUN_SUFFIXES):
        return "drop"
    if language == "en" and low in _english_nouns():
        return "drop"
    return None


def _org_cue(text: str, start: int, end: int) -> bool:
    words = text[start:end].split()
    return len(words) >= 2 and words[-1].lower().strip(".,") in _ORG_LAST_WORDS


def _mentions_from_doc(doc, text: str, language: str) -> list[EntityMention]:
    out: list[EntityMention] = []
    for ent in doc.ents:
        label = _label(ent.label_)
        if label is None:
            continue
        for start, end, titled in _clean_span(text, ent.start_char, ent.end_char):
            mention_label = label
            # A speech verb after a span makes a person only of multi-word ORG
            # spans ('China said' is a country speaking).
            if label in ("PERSON", "GPE") and not titled and _org_cue(text, start, end):
                mention_label = "ORG"
            elif titled or (
                label != "PERSON"
                and (label == "ORG" and " " in text[start:end] or _title_before(text, start))
                and _person_cue(text, start, end)
            ):
                mention_label = "PERSON"
            elif label in ("PERSON", "ORG") and _place_cue(text, start, end, label):
                mention_label = "GPE"
            mention = EntityMention(start, end, text[start:end], mention_label)
            if mention_label == "PERSON" and not titled:
                fix = _common_word_person(text, mention, language)
                if fix == "drop":
                    continue
                if fix is not None:
                    mention = EntityMention(start, end, mention.text, fix)
            out.append(mention)
    if language == "es":
        out = _add_capitalised(text, out)
    return _dedupe(out)


def _add_capitalised(text: str, mentions: list[EntityMention]) -> list[EntityMention]:
    """Spanish: split spans the borrowed model ran together and add what it missed."""
    taken = [(m.start, m.end) for m in mentions]
    extra: list[EntityMention] = []
    for match in _CAPITALISED.finditer(text):
        for start, end, titled in _clean_span(text, match.start(), match.end()):
            # ' y ' joins two names ('Perú y Bolivia'); split there.
            for s, e in _split_on(text, start, end, " y "):
                words = text[s:e].split()
                if not words or (len(words) == 1 and words[0].lower() in _FUNCTION_WORDS):
                    continue
                if words[0].lower() in _FUNCTION_WORDS:
                    continue
                if any(s < te and ts < e for ts, te in taken):
                    continue
                if len(words) == 1 and _sentence_initial(text, s):
                    continue
                extra.append(EntityMention(s, e, text[s:e], _guess_label(text, s, e, titled)))
    # Replace borrowed-model spans that glue two names with ' y '.
    fixed: list[EntityMention] = []
    for m in mentions:
        parts = _split_on(text, m.start, m.end, " y ")
        fixed.extend(EntityMention(s, e, text[s:e], m.label) for s, e in parts)
    return fixed + extra


def _split_on(text: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    parts, cursor = [], start
    while True:
        at = text.find(sep, cursor, end)
        if at < 0:
            parts.append((cursor, end))
            return [(s, e) for s, e in parts if e > s]
        parts.append((cursor, at))
        cursor = at + len(sep)


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3):start].strip()
    return start == 0 or before == "" or before[-1:] in ".!?¿¡:\"“«—-"


def _guess_label(text: str, start: int, end: int, titled: bool) -> str:
    words = text[start:end].lower().split()
    if titled or _person_cue(text, start, end):
        return "PERSON"
    if words[0] in _ORG_WORDS or any(w in _ORG_WORDS for w in words):
        return "ORG"
    before = text[max(0, start - 4):start].lower()
    if len(words) == 1 and re.search(r"\b(?:en|a|de)\s$", before):
        return "GPE"
    if len(words) >= 2:
        return "PERSON"
    return "MISC"


def _dedupe(mentions: list[EntityMention]) -> list[EntityMention]:
    """Keep the first, longest of overlapping spans."""
    out: list[EntityMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def extract_entities(text: str, language: str | None) -> list[EntityMention]:
    """Person, organisation and place mentions in `text`, spans cleaned.

    Args:
        text: clean document text; spans point into it.
        language: ISO code ('en', 'fr', 'es'); others use the English model.

    Returns:
        EntityMention records with `text == text[start:end]`; `entity` unset
        (that is the linker's job).

    Example:
        >>> [m.text for m in extract_entities("President Joe Biden met Olaf Scholz.", "en")]
        ['Joe Biden', 'Olaf Scholz']
    """
    return extract_entities_batch([(text, language)])[0]


def extract_entities_batch(
    texts_langs: Iterable[tuple[str, str | None]], batch_size: int = 32
) -> list[list[EntityMention]]:
    """`extract_entities` over many texts, one `nlp.pipe` per language."""
    items = list(texts_langs)
    results: list[list[EntityMention]] = [[] for _ in items]
    by_lang: dict[str, list[int]] = {}
    for i, (text, language) in enumerate(items):
        if text and text.strip():
            by_lang.setdefault(language or "en", []).append(i)
    for language, indexes in by_lang.items():
        pipeline = nlp.load(NER_LANGUAGE.get(language, "en"), ("tok2vec", "ner"))
        texts = [items[i][0][:MAX_NER_CHARS] for i in indexes]
        for i, doc in zip(indexes, pipeline.pipe(texts, batch_size=batch_size)):
            results[i] = _mentions_from_doc(doc, items[i][0], language)
    return results
