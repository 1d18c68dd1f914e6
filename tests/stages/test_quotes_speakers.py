"""Speaker resolution traps: namesakes, people who did not comment, roles, continuing cues."""

from __future__ import annotations

import re

from storyline.model import EntityMention, QuoteMention
from storyline.stages.quotes import extract_quotes, merge_quotes
from storyline.stages.quotes.speakers import SpeakerResolver
from storyline.text import sentence_spans


def ents(text: str, *names: str, label: str = "PERSON") -> list[EntityMention]:
    out: list[EntityMention] = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if not any(e.start < m.end() and m.start() < e.end for e in out):
                out.append(EntityMention(m.start(), m.end(), name, label))
    return sorted(out, key=lambda e: e.start)


def resolver(text: str, *names: str, language: str = "en") -> SpeakerResolver:
    return SpeakerResolver(text, ents(text, *names), sentence_spans(text, language), language)


def test_quotes_speakers_shared_surname_goes_to_the_one_named_last():
    text = (
        "Paul Arden runs the ferry company.\n\n"
        "Nina Arden, who owns the bakery, was at the quay.\n\n"
        "“We saw the water first,” Arden said."
    )
    r = resolver(text, "Paul Arden", "Nina Arden", "Arden")
    assert r.resolve("Arden", text.rindex("Arden")) == "Nina Arden"
    # Before Nina is named, the bare surname is Paul's.
    assert r.canonical("Arden", text.index("runs")) == "Paul Arden"


def test_quotes_speakers_person_who_did_not_comment_is_no_antecedent():
    text = (
        "Minister Tom Vale visited the dam on Sunday.\n\n"
        "“We will find out what happened,” Vale said.\n\n"
        "The plant's director, Rob Stead, did not respond to requests for comment.\n\n"
        "“The water level was normal,” he said."
    )
    r = resolver(text, "Tom Vale", "Vale", "Rob Stead")
    previous = (text.index("“We will"), "Tom Vale")
    assert r.resolve("he", text.rindex("he said"), previous) == "Tom Vale"


def test_quotes_speakers_continuing_cue_keeps_the_previous_speaker():
    text = (
        "“We want a recount,” Ana Ruiz said.\n\n"
        "Eva Lind, who chairs the board, said the request would be examined.\n\n"
        "“It is about trust,” she added."
    )
    found = [q for q in extract_quotes(text, ents(text, "Ana Ruiz", "Eva Lind")) if "trust" in q.text]
    assert [q.speaker for q in found] == ["Ana Ruiz"]


def test_quotes_speakers_french_role_in_apposition_gives_the_name():
    text = (
        "« Nous ouvrirons la route en mai », a déclaré la ministre des Transports, Lea Morel, "
        "lundi à Lyon."
    )
    (q,) = extract_quotes(text, ents(text, "Lea Morel"), "fr")
    assert q.speaker == "Lea Morel"
    assert text[q.speaker_start : q.speaker_end] == "Lea Morel"


def test_quotes_speakers_relative_pronoun_goes_to_its_antecedent():
    text = "Quentin Dore, who leads the council, called the plan \"a waste of money\" on Monday."
    r = resolver(text, "Quentin Dore")
    assert r.resolve("who", text.index("who")) == "Quentin Dore"


def test_quotes_merge_translation_of_one_speakers_quote_within_an_event():
    en = "“We will rebuild every home in the town,” Mayor Ana Ruiz said."
    fr = "« Nous reconstruirons chaque maison de la ville », a déclaré la maire Ana Ruiz."
    other = "“The budget is closed for this year,” Ana Ruiz said in June."
    texts = {"a": en, "b": fr, "c": other}
    mentions = {
        "a": [QuoteMention(0, en.index("”") + 1, en[: en.index("”") + 1], speaker="Ana Ruiz")],
        "b": [QuoteMention(0, fr.index("»") + 1, fr[: fr.index("»") + 1], speaker="Ana Ruiz")],
        "c": [QuoteMention(0, other.index("”") + 1, other[: other.index("”") + 1], speaker="Ana Ruiz")],
    }
    merged = merge_quotes(mentions, texts, events={"a": "e1", "b": "e1", "c": "e2"})
    ids = {doc: ms[0].quote for doc, ms in mentions.items()}
    assert ids["a"] == ids["b"] != ids["c"]
    assert len(merged) == 2
    # Without events the translation shares too few words to merge.
    mentions2 = {d: [QuoteMention(m.start, m.end, m.text, speaker=m.speaker) for m in ms] for d, ms in mentions.items()}
    assert len(merge_quotes(mentions2, texts)) == 3
