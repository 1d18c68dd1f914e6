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
    first: int = 0  # offset of the first mention of the full name


# A person the text says did not speak is no antecedent of the next "he said".
_SILENT = re.compile(
    r"\b(?:did not|didn['’]t|declined to|refused to|has not|hasn['’]t|have not|had not|could not be|"
    r"was not|wasn['’]t|n['’]a pas|n'a pas|no ha|no quiso|se negó a)\s+(?:\w+\s+)?"
    r"(?:respond|reply|return|comment|commented|be reached|reached|available|répondu|commenté|"
    r"respondió|comentar|responder)",
    re.I,
)
# Cue verbs that carry on the previous quote's speaker ("she added").
CONTINUING = {
    "added", "adding", "adds", "continued", "continues", "went", "ajouté", "ajoute", "poursuivi",
    "poursuit", "añadió", "añade", "agregó", "agrega", "prosiguió",
}  # fmt: skip
RELATIVES = {"who", "qui", "quien", "quienes", "que"}
_ROLE_FILLERS = {
    "s", "of", "the", "its", "their", "his", "her", "deputy", "vice", "former", "acting", "senior",
    "foreign", "state", "affairs", "de", "du", "des", "la", "le", "del", "el", "assistant", "general",
}  # fmt: skip


def role_gap(gap: str) -> bool:
    """Is `gap` only role words between two names (`Serek Copper('s) chief executive(,)`)?"""
    if re.search(r"[.;:!?\n]", gap):
        return False
    words = _words(gap)
    return 0 < len(words) <= 6 and bool(set(words) & ROLE_WORDS) and all(
        w in ROLE_WORDS or w in _ROLE_FILLERS for w in words)

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
        quoted: (start, end) of the quoted passages; a name said inside a quote
            is no antecedent for a pronoun outside it.
    """

    def __init__(
        self,
        text: str,
        entities: list[EntityMention],
        sentences: list[tuple[int, int]],
        language: str = "en",
        quoted: list[tuple[int, int]] | None = None,
    ):
        self.text = text
        self._quoted = sorted(quoted or [])
        self._quoted_starts = [q[0] for q in self._quoted]
        self.language = language
        self.sentences = sentences
        self._sent_starts = [s for s, _ in sentences]
        # One Person per full name; a bare surname two people share ("Okafor")
        # goes to the one the text named last (`by_last`).
        self.persons: dict[str, Person] = {}
        self.by_last: dict[str, list[Person]] = {}
        self.mentions: list[tuple[int, int, str]] = []  # (start, end, canonical) of PERSONs
        people = [e for e in entities if e.label in ("PERSON", "PER")]
        people += _titled_names(text, people)
        people = [e for e in people if _words(_clean_name(e.text))]
        # Full names first (in text order), then the short forms they cover.
        people.sort(key=lambda e: (len(_words(_clean_name(e.text))) < 2, e.start))
        for ent in people:
            name = _clean_name(ent.text)
            words = _words(name)
            key = " ".join(words)
            if key in self.persons:
                continue
            if len(words) == 1 and words[0] in self.by_last:
                continue  # a short form of a full name
            if len(words) >= 2 and any(
                p.last == words[-1] and _words(p.name)[0] == words[0] for p in self.by_last.get(words[-1], [])
            ):
                continue  # "Mike R. Pompeo" beside "Mike Pompeo"
            person = Person(name, words[-1], [], first=ent.start)
            self.persons[key] = person
            self.by_last.setdefault(words[-1], []).append(person)
        spans = [(e.start, e.end, e.label) for e in list(entities) + people]
        found = list(people)
        # Short forms NER missed ("Quent promised …" after "Dario Quent"): every
        # capitalised occurrence of a known surname is a mention too.
        for last, persons in self.by_last.items():
            if not persons or not any(len(_words(p.name)) >= 2 for p in persons):
                continue
            surname = persons[0].name.split()[-1]
            for m in re.finditer(r"(?<![\w’'\-])" + re.escape(surname) + r"(?![\w\-])", text):
                # NER may call a lone surname a place or an organisation ("Quent" ORG).
                if any(s < m.end() and m.start() < e and (label in ("PERSON", "PER") or (s, e) != m.span())
                       for s, e, label in spans):
                    continue
                found.append(EntityMention(m.start(), m.end(), surname, "PERSON"))
        for ent in sorted(found, key=lambda e: e.start):
            person = self._person(_clean_name(ent.text), ent.start)
            if person is not None:
                self.mentions.append((ent.start, ent.end, person.name))
                self._learn_role(ent, person)
        self._mention_starts = [m[0] for m in self.mentions]

    def _person(self, name: str, at: int) -> Person | None:
        """The Person a name mention at offset `at` stands for."""
        words = _words(name)
        if not words:
            return None
        key = " ".join(words)
        if key in self.persons:
            return self.persons[key]
        persons = self.by_last.get(words[-1])
        if not persons:
            return None
        if len(persons) == 1:
            return persons[0]
        if len(words) >= 2:
            same = [p for p in persons if _words(p.name)[0] == words[0]]
            if same:
                return same[0]
        # "Mr Okafor" / "Ms Okafor": the title's gender first.
        before = _words(self.text[max(0, at - 12) : at])
        title = before[-1] if before else ""
        if title in _MALE | _FEMALE:
            gender = "m" if title in _MALE else "f"
            fits = [p for p in persons if p.gender == gender]
            if len(fits) == 1:
                return fits[0]
        # The one whose full name the text gave last before here.
        named = [m for m in self.mentions if m[0] < at and len(_words(m[2])) >= 2 and _words(m[2])[-1] == words[-1]]
        if named:
            return self.persons[" ".join(_words(named[-1][2]))]
        return min(persons, key=lambda p: p.first)

    # --- roles and gender -------------------------------------------------

    def _learn_role(self, ent: EntityMention, person: Person) -> None:
        """Record the role words the text puts right before or after a name."""
        before = self.text[max(0, ent.start - 80) : ent.start]
        # "Kazakh Foreign Minister Mukhtar Tleuberdi": title words just before.
        pieces = re.split(r"[,;:.()\n\"“”«»]| and | et | y ", before)
        clause = pieces[-1]
        if not clause.strip() and len(pieces) > 1 and before.rstrip().endswith(","):
            clause = pieces[-2]  # "Le ministre des Ressources en eau, Teodor Brannick"
        words = _words(clause)[-6:]
        if words and (words[-1] in ROLE_WORDS | {"of", "state", "affairs", "defense", "foreign"}
                      or set(words) & ROLE_WORDS):
            person.roles.append((ent.start, set(words)))
        if words and words[-1] in _MALE | _FEMALE:
            person.gender = person.gender or ("m" if words[-1] in _MALE else "f")
        elif words and words[0] in {"la", "una"} and set(words) & ROLE_WORDS:
            person.gender = person.gender or "f"  # "la ministre", "la ministra"
        elif words and words[0] in {"le", "el", "un"} and set(words) & ROLE_WORDS:
            person.gender = person.gender or "m"
        # "Abdulaziz Kamilov, Uzbekistan's foreign minister,": an appositive.
        after = self.text[ent.end : ent.end + 90]
        m = re.match(r"\s*,\s*([^,;:.\n()]{3,80})", after)
        if m:
            words = _words(m.group(1))
            if any(w in ROLE_WORDS for w in words[:8]):
                person.roles.append((ent.start, set(words[:8])))

    # --- resolution -------------------------------------------------------

    def canonical(self, name: str, at: int | None = None) -> str:
        """Canonical surface name for a name mention ("Pompeo" -> "Mike Pompeo")."""
        person = self._person(_clean_name(name), len(self.text) if at is None else at)
        return person.name if person is not None else _clean_name(name)

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
        self,
        pronoun: str,
        at: int,
        previous: tuple[int, str] | None = None,
        continuing: bool = False,
        exclude: tuple[int, int] | None = None,
    ) -> str | None:
        """Most salient person before offset `at` for a pronoun.

        `previous` is (offset, speaker) of the nearest earlier quote with a
        resolved speaker; `continuing` says the cue carries it on ("she added");
        names inside `exclude` (the quote itself) do not count.
        """
        p = fold(pronoun)
        if p in {"we", "they", "nous", "ils", "elles", "ellos", "ellas", "nosotros", "it"}:
            return None
        gender = "m" if p in _MALE else "f" if p in _FEMALE else None
        if continuing and previous is not None and self._agrees(previous[1], gender):
            return previous[1]
        here = self.sentence_of(at)
        # Subject of the nearest sentence (this one first) that opens with a person.
        subject = None
        for si in range(here, max(-1, here - 4), -1):
            s, e = self.sentences[si]
            e = min(e, at)
            if si != here and _SILENT.search(self.text[s:e]):
                continue  # "X did not respond to requests for comment."
            cands = [m for m in self._mentions_in(s, e) if self._agrees(m[2], gender) and not self._genitive(m)
                     and not self._said(m, exclude)]
            if cands and self._is_subject(s, cands[0][0]):
                subject = (cands[0][0], self._head(cands, e)[2])
                break
        if previous is not None and self._agrees(previous[1], gender):
            # The last quote's speaker holds unless a person opened a sentence since.
            if subject is None or subject[0] < previous[0]:
                return previous[1]
        if subject is not None:
            return subject[1]
        i = bisect.bisect_left(self._mention_starts, at) - 1
        while i >= 0:
            m = self.mentions[i]
            if self._agrees(m[2], gender) and not self._genitive(m) and not self._said(m, exclude):
                return m[2]
            i -= 1
        return None

    def _said(self, m: tuple[int, int, str], exclude: tuple[int, int] | None) -> bool:
        """Is this mention inside a quote (or inside `exclude`, the quote being resolved)?"""
        if exclude is not None and exclude[0] <= m[0] < exclude[1]:
            return True
        i = bisect.bisect_right(self._quoted_starts, m[0]) - 1
        return i >= 0 and self._quoted[i][0] < m[0] and m[1] <= self._quoted[i][1]

    def _genitive(self, m: tuple[int, int, str]) -> bool:
        """`Port Alder's election`: a name in the genitive is no subject."""
        return self.text[m[1] : m[1] + 2] in ("'s", "’s") or self.text[m[1] : m[1] + 1] in ("'", "’")

    def _head(self, cands: list[tuple[int, int, str]], end: int) -> tuple[int, int, str]:
        """`Serek Copper chief executive Henrik Marrow said`: the name after the role words."""
        head = cands[0]
        for nxt in cands[1:]:
            if nxt[0] >= end or not role_gap(self.text[head[1] : nxt[0]]):
                break
            head = nxt
        return head

    def relative(self, at: int) -> str | None:
        """The person a relative pronoun at `at` refers to (`Quent, who …`)."""
        i = bisect.bisect_left(self._mention_starts, at) - 1
        if i >= 0:
            m = self.mentions[i]
            if re.fullmatch(r"\s*,?\s*", self.text[m[1] : at]):
                return m[2]
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
        person = self.persons.get(" ".join(_words(name)))
        return person is None or person.gender is None or person.gender == gender

    def learn_gender(self, name: str, pronoun: str) -> None:
        """Remember a gender the text showed for a person (a pronoun at its own cue)."""
        person = self.persons.get(" ".join(_words(name)))
        p = fold(pronoun)
        if person is not None and p in _MALE | _FEMALE:
            person.gender = person.gender or ("m" if p in _MALE else "f")

    def resolve(
        self,
        mention: str,
        start: int,
        previous: tuple[int, str] | None = None,
        continuing: bool = False,
        exclude: tuple[int, int] | None = None,
    ) -> str | None:
        """Canonical speaker name for a speaker mention at offset `start`."""
        words = _words(mention)
        if not words:
            return None
        if len(words) == 1 and words[0] in RELATIVES:
            found = self.relative(start)
            if found is not None:
                return found
            return self.resolve_pronoun("", start, previous, continuing, exclude)
        if len(words) == 1 and words[0] in ALL_PRONOUNS:
            return self.resolve_pronoun(words[0], start, previous, continuing, exclude)
        for s, e, name in self._mentions_in(start, start + len(mention)):
            return name
        person = self._person(_clean_name(mention), start)
        if person is not None:
            return person.name
        if set(words) & ROLE_WORDS:
            found = self.resolve_role(mention, start)
            if found:
                return found
        return _clean_name(mention)
