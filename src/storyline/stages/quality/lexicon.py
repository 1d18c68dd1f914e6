"""Word lists and patterns the quality detectors match, kept apart from the logic.

Each entry is data: a compiled pattern, a weight (how much one hit adds to the
score) and a short reason shown as evidence. Weights were set on the dev half
of `storyline.evaluation.flags` (see docs/flags.md); the test half and the
seeds were not used to pick them.
"""

from __future__ import annotations

import re

# --- machine translation ------------------------------------------------------

# Function words of other languages that are not English words and rarely
# appear in English text outside names. Matched lowercase, between lowercase
# words, so "Rio de Janeiro" or "Andrea della Valle" never count.
FOREIGN_FUNCTION_WORDS: dict[str, str] = {
    **dict.fromkeys(
        "los las del pero según también está están muy porque cuando donde hasta desde sobre "
        "sus nuestro nuestra señor gobierno entonces".split(),
        "es",
    ),
    **dict.fromkeys(
        "les des avec dans sont cette mais nous vous selon très aux était leurs qui ont "
        "depuis ainsi alors".split(),
        "fr",
    ),
    **dict.fromkeys(
        "der das und nicht mit für auf ist sind eine einen auch wird werden nach oder wie "
        "bei zum zur vom sich noch".split(),
        "de",
    ),
    **dict.fromkeys(
        "della delle degli nella nelle nello negli sono anche questo questa gli perché però "
        "alla alle dalla dello che il".split(),
        "it",
    ),
    **dict.fromkeys("não uma pelo pela pelos também muito então são".split(), "pt"),
    **dict.fromkeys("het een niet werd maar ook naar wordt".split(), "nl"),
}

# Lower-case words with diacritics that English has borrowed; anything else
# lower-case and accented in an English text is likely left untranslated.
LOANWORDS = frozenset(
    """café cafés résumé résumés naïve naïvety naïveté cliché clichés fiancé fiancée protégé
    protégée décor entrée entrées façade façades déjà vis-à-vis à señor señora jalapeño
    jalapeños piñata über doppelgänger rosé soirée sauté purée élite élites rôle rôles crème
    brûlée touché exposé attaché divorcée pâté mañana tête première premières débâcle séance
    habañero açaí smörgåsbord coöperate naïf passé née outré risqué blasé fête fêtes""".split()
)

# Loan phrases written in English with foreign function words in them.
LOAN_PHRASES = re.compile(
    r"\b(?:joie de vivre|coup d['’]état|raison d['’]être|à la carte|de facto|de jure|"
    r"du jour|vis-à-vis|hors d['’]oeuvres?|fait accompli|sans serif|et al|cum laude|"
    r"pièce de résistance|tour de force|en route|en masse|laissez-faire|film noir|"
    r"nouvelle vague|que sera|sotto voce|dolce vita|la dolce|che sera)\b",
    re.I,
)

# (needles, pattern, weight, reason). Literal renderings of source-language
# phrasing that fluent English news does not use. The pattern runs only when one
# of the lower-case needles occurs in the lower-cased text: most articles have
# none, and a substring test costs far less than a regex scan.
_NATIONALITIES = "American French Spanish German Russian Chinese Italian Turkish Iranian Brazilian Mexican Portuguese Ukrainian Polish Argentine Colombian"
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
CALQUES: tuple[tuple[tuple[str, ...], re.Pattern[str], float, str], ...] = tuple(
    (tuple(needles.split("|")), re.compile(p), w, why)
    for needles, p, w, why in (
        ("diplomacy", r"\b(?:head|chief) of (?:the )?diplomacy\b", 0.5, "calque"),
        ("million of|millions of", r"\b[Mm]illions? of (?:euros|dollars|pesos|roubles|rubles|reais|lire|pounds)\b",
         0.5, "calque"),
        ("|".join(f"the {n.lower()} " for n in _NATIONALITIES.split()),
         rf"\b[Tt]he (?:{'|'.join(_NATIONALITIES.split())}) (?:head of state|head of government|"
         r"chief of state|secretary of state|minister of [a-z]+|minister|prime minister)\b", 0.3, "calque"),
        ("ex-", r"\bex-(?:USSR|URSS|Yugoslavia|Soviet Union)\b", 0.4, "calque"),
        ("underlined|precised|deplored|evoked",
         r"\b(?:he|she|they|[A-Z][a-z]+) (?:underlined|precised|deplored|evoked)\b", 0.3, "calque"),
        ("qualified", r"\b[Qq]ualified (?:the|it|him|her|them|this) [\w ]{0,40}?\b(?:of|as) (?:insufficient|"
         r"unacceptable|excessive|irresponsible|positive|negative)\b", 0.4, "calque"),
        (" times more| times less", r"\bin (?:one and a half|\w+) times (?:more|less)\b", 0.4, "calque"),
        ("present moment", r"\bat the present moment\b", 0.25, "calque"),
        ("according to own|according to its own|according to their own",
         r"\b[Aa]ccording to (?:own|its own|their own) (?:statements|information|data|indications)\b",
         0.5, "calque"),
        (", so ", r", so (?:the|a) (?:[a-z]+ )?spokes(?:man|woman|person)\b", 0.5, "calque"),
        (" communicated| informed", r"\bas (?:a|the) [\w ]{0,25}spokes(?:man|woman|person) (?:communicated|informed)\b",
         0.5, "calque"),
        ("in direction", r"\bin direction (?:of )?(?:the )?[a-z]", 0.3, "calque"),
        ("framework of", r"\bin the framework of\b", 0.25, "calque"),
        ("|".join(f"this {d.lower()}" for d in _DAYS.split()),
         rf"\bthis (?:{'|'.join(_DAYS.split())})\b(?! (?:morning|afternoon|evening|night|'s|’s))",
         0.15, "calque"),
        ("press service", r"\bpress service of\b", 0.2, "calque"),
        (" applause", r"\b(?:the|a) (?:polite|warm|cold) applause\b", 0.3, "calque"),
        ("read also", r"\bREAD ALSO\b", 0.3, "untranslated boilerplate"),
        ("s and the ", r"\b(?:[Tt]he|[Aa]) [a-z]+s and the [a-z]+s\b", 0.1, "calque"),
    )
)

# Stray abbreviations of other languages ("EE. UU." is Spanish for the USA).
FOREIGN_ABBREVIATIONS = re.compile(r"\bEE\. ?UU\.|\bUU\.|\bEEUU\b|\bSra?\.(?= [A-Z])|\bMme\.? (?=[A-Z])|\bHr\.(?= [A-Z])")
ABBREVIATION_NEEDLES = ("UU.", "EEUU", "Sr.", "Sra.", "Mme", "Hr.")

# Reporting verbs that literal translation favours over "said".
TRANSLATED_SPEECH_VERBS = (
    "said|says|declared|affirmed|assured|stated|added|explained|underlined|indicated|"
    "insisted|stressed|recalled|estimated|specified|told"
)

FIRST_PERSON = re.compile(r"\b(?:I|we|We|us|our|Our|my|My|me)\b")

# --- incoherence -------------------------------------------------------------

# Article-spinner output: each is a fixed news phrase with one word swapped for
# a dictionary synonym, or a word spinners use where reporters never do.
SPIN_TELLS: tuple[tuple[tuple[str, ...], re.Pattern[str], float], ...] = tuple(
    (tuple(needles.split("|")), re.compile(p, re.I), w)
    for needles, p, w in (
        (" minister", r"\b(?:primary|key|leading|top|perfect|excellent|major) minister\b", 0.5),
        ("secretary of", r"\bsecretary of (?:condition|point out|express|nation)\b", 0.5),
        ("white ", r"\bwhite (?:home|residence|household)\b", 0.5),
        ("courtroom", r"\b(?:supreme|best|greatest) courtroom\b", 0.5),
        (" market", r"\b(?:inventory|stock options) market\b", 0.4),
        ("local climate", r"\blocal climate (?:modify|alter|change)\b", 0.4),
        ("legal rights", r"\bhuman (?:legal )?legal rights\b", 0.4),
        ("legislation enforcement", r"\blegislation enforcement\b", 0.4),
        (" convention| meeting", r"\b(?:push|press) (?:convention|meeting) (?:on|at|in)\b", 0.3),
        ("social networking", r"\bsocial networking (?:platforms|posts|sites)\b", 0.15),
        ("curity", r"\bcurity\b", 0.3),
        ("brouhaha|hullabaloo|kerfuffle|rigmarole", r"\b(?:brouhaha|hullabaloo|kerfuffle|rigmarole)\b", 0.2),
        ("folks", r"\bfolks\b", 0.15),
        ("particular person", r"\bparticular person\b", 0.3),
        ("individuals", r"\bindividuals\b", 0.1),
        ("in the meantime", r"\bin the meantime\b", 0.1),
        ("nonetheless", r"\bnonetheless\b", 0.1),
        ("pronounced", r"\bpronounced (?:on|that|the)\b", 0.3),
        (" offer of", r"\b(?:a|the) (?:great|good) offer of\b", 0.4),
        ("with regards to", r"\bwith regards to\b", 0.15),
        ("reporters|journalists|newspeople",
         r"\b(?:mentioned|stated|remarked|expressed) (?:to )?(?:reporters|journalists|newspeople)\b", 0.3),
        ("news meeting|news convention", r"\bnews (?:meeting|convention)\b", 0.4),
        ("commence|utilis|utiliz|endeavo",
         r"\b(?:commence|commenced|utilise|utilize|utilised|utilized|endeavour|endeavor)\b", 0.1),
        ("moreover|furthermore|henceforth|thus", r"\b(?:moreover|furthermore|henceforth|thus)\b", 0.08),
    )
)

# Reporting verbs: news prose uses "said" for nearly every attribution; a text
# where most attributions use something else has usually been reworded.
PLAIN_SPEECH_VERBS = frozenset("said says told saying tells".split())
SPUN_SPEECH_VERBS = frozenset(
    """mentioned stated remarked pronounced expressed explained claimed noted informed
    commented uttered declared asserted""".split()
)

SPEECH_OR_VIEW = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|stated|wrote|writes|explained|"
    r"insisted|argued|argues|warned|warns|noted|notes|sees|believes|thinks|according to|"
    r"recalled|responded|replied|continued|statement|interview|quoted|remarks|comments|"
    r"spokesman|spokeswoman|spokesperson|announced|urged|urges|promised|praised|"
    r"called|calls)\b",
    re.I,
)

# First words that only make sense after an earlier sentence.
DANGLING_OPENERS = re.compile(
    r"^(?:However|But|And|Also|Still|Instead|Meanwhile|Nevertheless|Moreover|Furthermore|"
    r"He|She|They|It|This|These|Those|His|Her|Their|Its|The two|Both|Such)\b"
)

# Capitalised words that start sentences or precede names but are not names.
NOT_NAME = frozenset(
    """A An The This That These Those He She It They We I You His Her Its Their Our My But And
    Or So If In On At Of For From To By With After Before During Since Until When While Where
    Why How What Who Which Some Many Most Several All No Not As Also Still Yet Only Even Just
    Then Than There Here Mr Mrs Ms Dr Prof Sir St Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April May June July August September October
    November December Q A Today Yesterday Last Next Every Each Both Former Police Its""".split()
)

# Titles that may stand before a surname without being a first name.
TITLES = frozenset(
    """President Minister Secretary Governor Mayor Judge Senator General Chancellor King Queen
    Prince Princess Pope Chairman Chairwoman Director Chief Coach Professor Dr Mr Mrs Ms Miss
    Sir Lord Lady Captain Colonel Commissioner Ambassador Premier Deputy Councillor Elder
    Inspector Sergeant Officer Bishop Father Sister Rabbi Imam Speaker Leader Head""".split()
)

# Last words of organisation names whose first word is their short form
# ("Northway Air" -> "Northway").
ORG_SUFFIXES = frozenset(
    """Air Airlines Airways Bank Group Systems Lines Motors Corp Corporation Inc Ltd Company
    Holdings Energy Foods Media Telecom Pharma Technologies Capital Partners Insurance""".split()
)
