"""Speaker mentions and their resolution to a person named in the text.

A quote's speaker mention is what the text puts at the cue: a name ("Pompeo"),
a role ("the foreign minister") or a pronoun ("he"). `SpeakerResolver` maps
each to the canonical surface name of a person in the same document:

- names go to the longest PERSON mention that shares their last word
  ("Pompeo" -> "Mike Pompeo");
- roles go to the person the text gave that role ("Kazakh Foreign Minister
  Mukhtar Tleuberdi", "Abdulaziz Kamilov, Uzbekistan's foreign minister"),
  the latest one before the mention first;
- pronouns go to the most salient person before the quote: the speaker of the
  quote just before it, else the subject of the nearest sentence that starts
  with a person. The nearest name is often an object ("met Lukashenko"), so it
  only comes last.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from storyline.model import EntityMention
from storyline.text import fold

PRONOUNS = {
    "en": {"he", "she", "they", "i", "we", "him", "her", "it"},
    "fr": {"il", "elle", "ils", "elles", "je", "nous", "lui"},
    "es": {"él", "ella", "ellos", "ellas", "yo", "nosotros"},
}
ALL_PRONOUNS = set().union(*PRONOUNS.values())
_MALE = {"he", "him", "his", "il", "lui", "él", "mr", "m", "monsieur", "señor", "sr"}
_FEMALE = {"she", "her", "hers", "elle", "ella", "mrs", "ms", "miss", "mme", "madame", "señora", "sra"}

# Head nouns of roles a speaker can be named by, in the three languages.
ROLE_WORDS = {
    "minister", "secretary", "president", "spokesman", "spokeswoman", "spokesperson",
    "senator", "sen", "governor", "gov", "chairman", "chairwoman", "chair", "director",
    "official", "adviser", "advisor", "ambassador", "chancellor", "mayor", "leader",
    "candidate", "nominee", "prime", "premier", "king", "queen", "general", "commander",
    "chief", "head", "envoy", "diplomat", "representative", "rep", "congressman",
    "congresswoman", "lawmaker", "speaker", "manager", "strategist", "economist",
    "analyst", "professor", "fellow", "researcher", "expert", "ceo", "founder",
    "executive", "attorney", "lawyer", "judge", "counterpart", "host", "hostess",
    "ministre", "secrétaire", "président", "présidente", "porte", "parole", "chef",
    "directeur", "directrice", "ambassadeur", "sénateur", "député", "maire",
    "ministro", "ministra", "secretario", "secretaria", "presidente", "presidenta",
    "portavoz", "embajador", "senador", "diputado", "alcalde", "canciller", "jefe",
    "director", "directora", "vocero", "vocera",
}  # fmt: skip
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_GENITIVE = re.compile(r"(?:['’]s?)$")


@dataclass(slots=True)
class Person:
    name: str  # canonical surface name
    last: str  # folded last word, the key for short mentions
    roles: list[tuple[int, set[str]]]  # (offset, folded role words) the text gave them
    gender: str | None = None


# "President Kassym-Jomart Tokayev", "Sen. Bernie Sanders", "M. Macron": names NER
# can miss, found by the title in front of them.
_TITLED = re.compile(
    r"\b(?:President|Prime Minister|Minister|Secretary(?: of State)?|Senator|Sen\.|Gov\.|"
    r"Governor|Rep\.|Mr\.|Mrs\.|Ms\.|Dr\.|Gen\.|Chancellor|King|Queen|Pope|Président|"
    r"Ministre|M\.|Mme|Presidente|Ministro|Ministra|Canciller|Sr\.|Sra\.)\s+"
    r"((?:[A-Z][\w’'\-]+\s?){1,3})"
)


def _titled_names(text: str, known: list[EntityMention]) -> list[EntityMention]:
    """PERSON mentions led by a title that NER did not tag."""
    out = []
    for m in _TITLED.finditer(text):
        name = m.group(1).rstrip()
        start = m.start(1)
        end = start + len(name)
        if any(e.start < end and start < e.end for e in known):
            continue
        if name.split()[0] in {"The", "Of", "Le", "La", "El"}:
            continue
        out.append(EntityMention(start, end, name, "PERSON"))
    return out


def _words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def _clean_name(name: str) -> str:
    return _GENITIVE.sub("", name.strip()).strip()


class SpeakerResolver:
    """Resolve speaker mentions of one document to person names.

    Args:
        text: the document text.
        entities: NER mentions of the document (PERSON ones matter).
        sentences: (start, end) sentence spans of `text`.
        language: "en", "fr", "es", ...
    """

    def __init__(
        self,
        text: str,
        entities: list[EntityMention],
        sentences: list[tuple[int, int]],
        language: str = "en",
    ):
        self.text = text
        self.language = language
        self.sentences = sentences
        self._sent_starts = [s for s, _ in sentences]
        self.persons: dict[str, Person] = {}
        self.mentions: list[tuple[int, int, str]] = []  # (start, end, canonical) of PERSONs
        people = [e for e in entities if e.label in ("PERSON", "PER")]
        people += _titled_names(text, people)
        # Longest form first, so "Pompeo" finds "Mike Pompeo".
        for ent in sorted(people, key=lambda e: -len(e.text)):
            name = _clean_name(ent.text)
            words = _words(name)
            if not words:
                continue
            key = words[-1]
            if key not in self.persons:
                self.persons[key] = Person(name, key, [])
        for ent in sorted(people, key=lambda e: e.start):
            words = _words(_clean_name(ent.text))
            if words and words[-1] in self.persons:
                self.mentions.append((ent.start, ent.end, self.persons[words[-1]].name))
                self._learn_role(ent, self.persons[words[-1]])
        self._mention_starts = [m[0] for m in self.mentions]

    # --- roles and gender -------------------------------------------------

    def _learn_role(self, ent: EntityMention, person: Person) -> None:
        """Record the role words the text puts right before or after a name."""
        before = self.text[max(0, ent.start - 80) : ent.start]
        # "Kazakh Foreign Minister Mukhtar Tleuberdi": title words just before.
        clause = re.split(r"[,;:.()\n\"“”«»]| and | et | y ", before)[-1]
        words = _words(clause)[-6:]
        if words and words[-1] in ROLE_WORDS | {"of", "state", "affairs", "defense", "foreign"}:
            person.roles.append((ent.start, set(words)))
        elif words and words[-1] in _MALE | _FEMALE:
            person.gender = person.gender or ("m" if words[-1] in _MALE else "f")
        # "Abdulaziz Kamilov, Uzbekistan's foreign minister,": an appositive.
        after = self.text[ent.end : ent.end + 90]
        m = re.match(r"\s*,\s*([^,;:.\n()]{3,80})", after)
        if m:
            words = _words(m.group(1))
            if any(w in ROLE_WORDS for w in words[:8]):
                person.roles.append((ent.start, set(words[:8])))

    # --- resolution -------------------------------------------------------

    def canonical(self, name: str) -> str:
        """Canonical surface name for a name mention ("Pompeo" -> "Mike Pompeo")."""
        words = _words(_clean_name(name))
        if words and words[-1] in self.persons:
            return self.persons[words[-1]].name
        return _clean_name(name)

    def resolve_role(self, role: str, at: int) -> str | None:
        """The person the text named with `role`, latest before `at` first."""
        words = set(_words(role)) - {"the", "a", "an", "le", "la", "les", "el", "los", "las"}
        heads = words & ROLE_WORDS
        if not heads:
            return None
        best, best_key = None, None
        for person in self.persons.values():
            for offset, rwords in person.roles:
                shared = len(words & rwords)
                if not heads & rwords:
                    continue
                before = offset <= at
                key = (shared, before, offset if before else -offset)
                if best_key is None or key > best_key:
                    best, best_key = person.name, key
        return best

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sent_starts, pos) - 1)

    def resolve_pronoun(
        self, pronoun: str, at: int, previous: tuple[int, str] | None = None
    ) -> str | None:
        """Most salient person before offset `at` for a pronoun.

        `previous` is (offset, speaker) of the nearest earlier quote with a
        resolved speaker.
        """
        p = fold(pronoun)
        if p in {"we", "they", "nous", "ils", "elles", "ellos", "ellas", "nosotros", "it"}:
            return None
        gender = "m" if p in _MALE else "f" if p in _FEMALE else None
        here = self.sentence_of(at)
        # Subject of the nearest sentence (this one first) that opens with a person.
        subject = None
        for si in range(here, max(-1, here - 4), -1):
            s, e = self.sentences[si]
            e = min(e, at)
            cands = [m for m in self._mentions_in(s, e) if self._agrees(m[2], gender)]
            if cands and self._is_subject(s, cands[0][0]):
                subject = (cands[0][0], cands[0][2])
                break
        if previous is not None and self._agrees(previous[1], gender):
            # The last quote's speaker holds unless a person opened a sentence since.
            if subject is None or subject[0] < previous[0]:
                return previous[1]
        if subject is not None:
            return subject[1]
        i = bisect.bisect_left(self._mention_starts, at) - 1
        while i >= 0:
            if self._agrees(self.mentions[i][2], gender):
                return self.mentions[i][2]
            i -= 1
        return None

    def _mentions_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        lo = bisect.bisect_left(self._mention_starts, start)
        hi = bisect.bisect_left(self._mention_starts, end)
        return self.mentions[lo:hi]

    def _is_subject(self, sent_start: int, pos: int) -> bool:
        """A name in subject position: few words before it in its sentence."""
        lead = self.text[sent_start:pos]
        # "In December 2019, Kazakhstan's President X ...": skip a fronted phrase.
        if "," in lead:
            lead = lead.rsplit(",", 1)[1]
        words = _words(lead)
        return len(words) <= 6 and not any(w in {"with", "met", "to", "and", "by"} for w in words)

    def _agrees(self, name: str, gender: str | None) -> bool:
        if gender is None:
            return True
        words = _words(name)
        person = self.persons.get(words[-1]) if words else None
        return person is None or person.gender is None or person.gender == gender

    def learn_gender(self, name: str, pronoun: str) -> None:
        """Remember a gender the text showed for a person (a pronoun at its own cue)."""
        words = _words(name)
        p = fold(pronoun)
        if words and words[-1] in self.persons and p in _MALE | _FEMALE:
            person = self.persons[words[-1]]
            person.gender = person.gender or ("m" if p in _MALE else "f")

    def resolve(
        self, mention: str, start: int, previous: tuple[int, str] | None = None
    ) -> str | None:
        """Canonical speaker name for a speaker mention at offset `start`."""
        words = _words(mention)
        if not words:
            return None
        if len(words) == 1 and words[0] in ALL_PRONOUNS:
            return self.resolve_pronoun(words[0], start, previous)
        for s, e, name in self._mentions_in(start, start + len(mention)):
            return name
        if words[-1] in self.persons:
            return self.persons[words[-1]].name
        if set(words) & ROLE_WORDS:
            person = self.resolve_role(mention, start)
            if person:
                return person
        return _clean_name(mention)
