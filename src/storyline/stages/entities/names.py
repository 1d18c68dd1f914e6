"""Name keys and the rules that decide whether two names are spellings of one name.

Everything here is cheap string work (fold, a few rewrite rules, rapidfuzz edit
distances) so that linking stays far below NER in cost.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from storyline.text import fold

# Coarse classes: labels inside one class merge freely when the strings match;
# across classes only the exact same name does (NER tagging the same string
# differently is a tagging error, not a second referent).
COARSE = {
    "PERSON": "per",
    "PER": "per",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "MISC": "misc",
}

# First names that are the same person's name in other spellings or as a
# familiar form. Small on purpose: a miss costs a split, a wrong row a merge.
_FIRST_NAME_GROUPS = (
    ("anthony", "antony", "tony", "antonio", "antoine"),
    ("william", "bill", "billy", "will"),
    ("robert", "bob", "bobby", "rob"),
    ("richard", "dick", "rick", "rich"),
    ("james", "jim", "jimmy", "jamie"),
    ("michael", "mike", "mick", "mikhail", "michel", "miguel"),
    ("joseph", "joe", "joey", "jose", "josef"),
    ("elizabeth", "liz", "beth", "lisa", "isabel", "elisabeth"),
    ("alexander", "alex", "aleksandr", "alexandr", "alexandre", "alejandro", "sasha"),
    ("vladimir", "volodymyr", "wladimir", "volodimir"),
    ("mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad"),
    ("sergei", "sergey", "serguei", "sergiy", "serhiy"),
    ("dmitry", "dmitri", "dmitriy", "dimitri"),
    ("yuri", "yury", "iouri", "yuriy", "jurij"),
    ("nikolai", "nikolay", "nicolas", "nicholas", "nicolai", "nick"),
    ("shavkat", "chavkat"),
    ("katherine", "catherine", "kathryn", "katharine", "kate", "cathy"),
    ("stephen", "steven", "steve", "stefan", "esteban", "etienne"),
    ("andrew", "andy", "andrei", "andrey", "andre", "andres", "andreas"),
    ("peter", "pete", "pierre", "pedro", "pyotr", "petr"),
    ("john", "johnny", "jon", "jean", "juan", "ivan", "johann", "johannes"),
    ("thomas", "tom", "tommy", "tomas"),
    ("charles", "charlie", "chuck", "carlos", "karl", "carl"),
    ("george", "georges", "jorge", "georgy", "georgiy"),
    ("edward", "ed", "eddie", "ted", "eduardo", "edouard"),
    ("daniel", "dan", "danny"),
    ("benjamin", "ben", "benny"),
    ("jennifer", "jen", "jenny"),
    ("margaret", "maggie", "meg", "peggy"),
    ("hillary", "hilary"),
    ("olaf", "olav"),
    ("emmanuel", "manuel", "manu"),
    ("francois", "francis", "francisco", "frank", "franz"),
)
FIRST_NAME_VARIANTS: dict[str, frozenset[str]] = {}
for _group in _FIRST_NAME_GROUPS:
    for _name in _group:
        FIRST_NAME_VARIANTS[_name] = FIRST_NAME_VARIANTS.get(_name, frozenset()) | frozenset(_group)

# Spelling rewrites that transliterations from Cyrillic, Arabic, ... differ by,
# applied in order before comparing: 'Chavkat'/'Shavkat', 'Ouzbékistan'/'Uzbekistan'.
_TRANSLIT = (
    ("sch", "sh"),
    ("tch", "ch"),
    ("ch", "sh"),
    ("kh", "h"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("ou", "u"),
    ("y", "i"),
)
_REPEAT = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouh]")
_SINGLE_LETTERS = re.compile(r"\b(?:\w )+\w\b")


@lru_cache(maxsize=131072)
def name_key(text: str) -> str:
    """Folded key of a name: case, accents, punctuation gone; 'U.S.' -> 'us'."""
    key = fold(text)
    # 'u s a' (from U.S.A.) -> 'usa': acronyms written with or without dots.
    return _SINGLE_LETTERS.sub(lambda m: m.group().replace(" ", ""), key)


@lru_cache(maxsize=131072)
def translit(token: str) -> str:
    """Collapse spelling differences common between transliterations."""
    for old, new in _TRANSLIT:
        if old in token:
            token = token.replace(old, new)
    return _REPEAT.sub(r"\1", token)


def _skeleton(token: str) -> str:
    """First letter plus the consonants after it."""
    return token[:1] + _VOWELS.sub("", token[1:])


def _gendered_pair(a: str, b: str) -> bool:
    """'Maria'/'Mario', 'Daniel'/'Daniela': one letter apart, different people."""
    if len(a) == len(b):
        return a[:-1] == b[:-1] and {a[-1], b[-1]} <= {"a", "o", "e"}
    short, long_ = sorted((a, b), key=len)
    return long_[:-1] == short and long_[-1] in "ae"


@lru_cache(maxsize=262144)
def similar_token(a: str, b: str) -> bool:
    """True when two folded name tokens are spellings of one name.

    Thresholds grow with length: short tokens must match exactly (Iran/Iraq),
    typos need 5+ letters and the same first letter (Gambia/Zambia stay apart),
    vowel-only differences ('Mirziyoyev'/'Mirziïïev') need 7+ letters.
    """
    if a == b:
        return True
    n = min(len(a), len(b))
    if n < 4 or not (a.isalpha() and b.isalpha()):
        return False
    ta, tb = translit(a), translit(b)
    if ta == tb:
        return True
    if ta[0] != tb[0] or _gendered_pair(a, b):
        return False
    distance = OSA.distance(ta, tb)
    if n >= 5 and distance <= 1:
        return True
    sa, sb = _skeleton(ta), _skeleton(tb)
    if n >= 7 and sa == sb and len(sa) >= 3 and max(len(a), len(b)) <= n * 1.45:
        return True
    return n >= 9 and distance <= 2 and OSA.distance(sa, sb) <= 1


def similar_first_name(a: str, b: str) -> bool:
    """First names: the variant table, or a spelling difference of 6+ letters."""
    if a == b:
        return True
    if b in FIRST_NAME_VARIANTS.get(a, ()):
        return True
    if len(a) == 1 or len(b) == 1:  # an initial: 'J. Kerry'
        return a[0] == b[0]
    return min(len(a), len(b)) >= 6 and similar_token(a, b)


def same_name(a: tuple[str, ...], b: tuple[str, ...], person: bool) -> bool:
    """Two names with the same number of tokens name the same thing.

    For people the first token may be a first-name variant; every other token
    must be a spelling of its counterpart.
    """
    if len(a) != len(b):
        return _compact_match(a, b)
    if a == b:
        return True
    if person and len(a) >= 2:
        return similar_first_name(a[0], b[0]) and all(
            similar_token(x, y) for x, y in zip(a[1:], b[1:])
        )
    return all(similar_token(x, y) for x, y in zip(a, b))


def _compact_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """'Nur-Sultan' / 'Nursultan': the same letters split differently."""
    ca, cb = translit("".join(a)), translit("".join(b))
    if min(len(ca), len(cb)) < 6 or ca[0] != cb[0]:
        return False
    return ca == cb or OSA.distance(ca, cb) <= 1


def is_short_form(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """'Tokayev' is a short form of 'Kassym Jomart Tokayev' (same surname)."""
    if not short or len(short) >= len(full):
        return False
    tail = full[-len(short):]
    return all(similar_token(x, y) for x, y in zip(short, tail))
