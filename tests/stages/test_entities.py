"""entities: span clean-up, name-variant merging, alias memory."""

from __future__ import annotations

import json

import pytest

from storyline.model import EntityMention
from storyline.stages.entities import EntityLinker
from storyline.stages.entities.names import name_key, same_name, similar_token


def mentions(*pairs: tuple[str, str]) -> list[EntityMention]:
    """Hand-built mentions: (surface, label) laid end to end."""
    out, cursor = [], 0
    for surface, label in pairs:
        out.append(EntityMention(cursor, cursor + len(surface), surface, label))
        cursor += len(surface) + 1
    return out


def entity_of(entities, surface):
    found = [e for e in entities if surface in e.variants]
    assert len(found) == 1, (surface, [(e.name, e.variants) for e in entities])
    return found[0]


# --------------------------------------------------------------------- names
@pytest.mark.parametrize(
    "a,b",
    [
        ("mirziyoyev", "mirzioyev"),  # transliteration
        ("mirziyoyev", "mirziiiev"),  # French transliteration, accents folded
        ("kazakhstan", "kazkahstan"),  # transposed letters
        ("tleuberdi", "tileuberdi"),  # one letter more
        ("shavkat", "chavkat"),  # ch / sh
        ("ouzbekistan", "uzbekistan"),  # French ou
        ("zelensky", "zelenskyy"),
    ],
)
def test_entities_similar_token_merges_spellings(a, b):
    assert similar_token(a, b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("iran", "iraq"),
        ("gambia", "zambia"),
        ("austria", "australia"),
        ("slovenia", "slovakia"),
        ("maria", "mario"),
        ("niger", "nigeria"),
        ("kazakh", "kazakhstan"),
    ],
)
def test_entities_similar_token_keeps_different_names_apart(a, b):
    assert not similar_token(a, b)


def test_entities_name_key_folds_case_accents_and_acronym_dots():
    assert name_key("NUR-SUOLTAN") == "nur suoltan"
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("Mirziïïev") == "mirziiiev"


def test_entities_first_name_variants_need_the_same_surname():
    assert same_name(("anthony", "blinken"), ("antony", "blinken"), person=True)
    assert same_name(("tony", "blinken"), ("antony", "blinken"), person=True)
    assert not same_name(("anthony", "blinken"), ("antony", "hopkins"), person=True)
    assert not same_name(("daniel", "ortega"), ("daniela", "ortega"), person=True)


# -------------------------------------------------------------------- linker
def test_entities_link_merges_transliterations_across_documents():
    linker = EntityLinker()
    ents = linker.link(
        {
            "d1": mentions(("Shavkat Mirziyoyev", "PERSON"), ("Mirziyoyev", "PERSON")),
            "d2": mentions(("Chavkat Mirzioyev", "PERSON"), ("Chavkat Mirziïïev", "PERSON")),
            "d3": mentions(("Mirziyoyev", "PERSON"), ("Tashkent", "GPE")),
        }
    )
    person = entity_of(ents, "Chavkat Mirziïïev")
    assert set(person.variants) >= {"Shavkat Mirziyoyev", "Chavkat Mirzioyev", "Mirziyoyev"}
    assert person.documents == ["d1", "d2", "d3"]
    assert person.name == "Shavkat Mirziyoyev"
    assert person.type == "PERSON"


def test_entities_link_merges_typos_and_capitalisation():
    ents = EntityLinker().link(
        {
            "a": mentions(("Kazakhstan", "GPE"), ("BUENOS AIRES", "ORG")),
            "b": mentions(("Kazkahstan", "GPE"), ("Buenos Aires", "GPE"), ("Kazakhstan", "GPE")),
        }
    )
    kz = entity_of(ents, "Kazkahstan")
    assert kz.name == "Kazakhstan" and "Kazakhstan" in kz.variants
    ba = entity_of(ents, "BUENOS AIRES")
    assert ba.name == "Buenos Aires" and ba.type == "GPE"


def test_entities_link_merges_place_names_across_languages():
    ents = EntityLinker().link(
        {
            "fr": mentions(("Ouzbékistan", "LOC")),
            "en": mentions(("Uzbekistan", "GPE")),
            "es": mentions(("Uzbekistán", "LOC")),
        }
    )
    assert len(ents) == 1 and ents[0].documents == ["en", "es", "fr"]


def test_entities_link_first_name_variant_and_short_form():
    ents = EntityLinker().link(
        {
            "a": mentions(("Anthony Blinken", "PERSON"), ("Blinken", "GPE"), ("Blinken", "PERSON")),
            "b": mentions(("Antony Blinken", "PERSON")),
            "c": mentions(("Blinken", "PERSON"), ("Astana", "GPE")),
        }
    )
    person = entity_of(ents, "Blinken")
    assert {"Anthony Blinken", "Antony Blinken"} <= set(person.variants)
    assert person.documents == ["a", "b", "c"]
    assert person.type == "PERSON"  # the surname's GPE tag is outvoted


def test_entities_link_short_form_to_full_name_with_hyphenated_first_name():
    ents = EntityLinker().link(
        {"a": mentions(("Kassym-Jomart Tokayev", "PERSON")), "b": mentions(("Tokayev", "ORG"))}
    )
    assert len([e for e in ents if e.type == "PERSON"]) == 1
    assert entity_of(ents, "Tokayev").name == "Kassym-Jomart Tokayev"


def test_entities_link_keeps_two_people_with_one_surname_apart():
    docs = {
        "a": mentions(("George Bush", "PERSON"), ("Bush", "PERSON")),
        "b": mentions(("Jeb Bush", "PERSON"), ("Bush", "PERSON")),
        "c": mentions(("Bush", "PERSON"), ("Texas", "GPE")),
        "d": mentions(("George Bush", "PERSON"), ("Jeb Bush", "PERSON"), ("Bush", "PERSON")),
    }
    linker = EntityLinker()
    ents = linker.link(docs)
    george = entity_of(ents, "George Bush")
    jeb = entity_of(ents, "Jeb Bush")
    assert george.id != jeb.id
    # Inside a document with one full name the surname is that person...
    assert docs["a"][1].entity == george.id and docs["b"][1].entity == jeb.id
    # ...alone it is linked to neither; beside both, to the one named last before it.
    assert docs["c"][0].entity not in {george.id, jeb.id}
    assert docs["d"][2].entity == jeb.id


def test_entities_link_same_string_with_two_labels_is_one_entity():
    ents = EntityLinker().link(
        {
            "a": mentions(("Kamala Harris", "PERSON"), ("Kamala Harris", "ORG")),
            "b": mentions(("Kamala Harris", "GPE")),
            "c": mentions(("Kamala Harris", "PERSON")),
        }
    )
    assert len(ents) == 1 and ents[0].type == "PERSON"


def test_entities_link_never_merges_a_person_into_a_place_by_spelling():
    ents = EntityLinker().link(
        {
            "a": mentions(("Georgia", "GPE"), ("Georgia", "GPE")),
            "b": mentions(("Georgiy", "PERSON")),
            "c": mentions(("Michael Jordan", "PERSON"), ("Jordan", "GPE"), ("Amman", "GPE")),
        }
    )
    assert entity_of(ents, "Georgia").id != entity_of(ents, "Georgiy").id
    assert entity_of(ents, "Jordan").id != entity_of(ents, "Michael Jordan").id


def test_entities_link_skips_nationalities_unless_they_name_an_entity():
    docs = {"a": mentions(("Chinese", "NORP"), ("China", "GPE"), ("Uzbekistan", "NORP"), ("Uzbekistan", "GPE"))}
    ents = EntityLinker().link(docs)
    assert docs["a"][0].entity is None
    assert docs["a"][2].entity == docs["a"][3].entity is not None
    assert {e.name for e in ents} == {"China", "Uzbekistan"}


def test_entities_veto_is_honoured_now_and_later():
    linker = EntityLinker()
    docs = {"a": mentions(("Colombia", "GPE")), "b": mentions(("Columbia", "GPE"))}
    linker.link(docs)
    assert docs["a"][0].entity == docs["b"][0].entity  # one letter apart: merged by default
    affected = linker.veto("Columbia", "Colombia")
    assert affected == {"b"}
    linker.link(docs)
    assert docs["a"][0].entity != docs["b"][0].entity
    # A later document with the vetoed spelling does not join either.
    later = {"c": mentions(("Columbia", "GPE"), ("Colombia", "GPE"))}
    EntityLinker.from_state(json.loads(json.dumps(linker.to_state()))).link(later)
    assert later["c"][0].entity != later["c"][1].entity


def test_entities_veto_stops_a_short_form():
    linker = EntityLinker()
    linker.veto("Tokayev", "Kassym-Jomart Tokayev")
    docs = {"a": mentions(("Kassym-Jomart Tokayev", "PERSON"), ("Tokayev", "PERSON"))}
    linker.link(docs)
    assert docs["a"][0].entity != docs["a"][1].entity


def test_entities_add_alias_merges_what_rules_would_not():
    linker = EntityLinker()
    docs = {"a": mentions(("Beijing", "GPE")), "b": mentions(("Peking", "GPE"))}
    linker.link(docs)
    assert docs["a"][0].entity != docs["b"][0].entity
    affected = linker.add_alias("Peking", "Beijing")
    assert affected == {"b"}
    ents = linker.link(docs)
    assert docs["a"][0].entity == docs["b"][0].entity
    assert [e.name for e in ents] == ["Beijing"]
    assert linker.resolve("peking") == docs["a"][0].entity


def test_entities_alias_memory_survives_state_round_trip():
    linker = EntityLinker()
    first = {"a": mentions(("Antony Blinken", "PERSON"), ("Blinken", "PERSON"))}
    linker.link(first)
    linker.add_alias("Tony", "Antony Blinken")
    state = json.loads(json.dumps(linker.to_state()))
    again = EntityLinker.from_state(state)
    later = {"b": mentions(("Blinken", "PERSON")), "c": mentions(("Tony", "PERSON"), ("Anthony Blinken", "PERSON"))}
    ents = again.link(later)
    the_id = first["a"][0].entity
    assert later["b"][0].entity == the_id  # accepted short form reused
    assert later["c"][0].entity == the_id  # user alias reused
    assert later["c"][1].entity == the_id  # first-name variant joins the same id
    assert entity_of(ents, "Tony").documents == ["a", "b", "c"]


def test_entities_relinking_a_document_is_idempotent():
    linker = EntityLinker()
    docs = {"a": mentions(("Mike Pompeo", "PERSON"), ("Pompeo", "GPE"))}
    first = linker.link(docs)
    second = linker.link(docs)
    assert first == second
    assert second[0].documents == ["a"]


def test_entities_ids_do_not_depend_on_batching():
    docs = {
        "a": mentions(("Mike Pompeo", "PERSON"), ("Kazakhstan", "GPE")),
        "b": mentions(("Pompeo", "PERSON"), ("Kazkahstan", "GPE")),
        "c": mentions(("Mukhtar Tileuberdi", "PERSON"), ("Pompeo", "PERSON")),
    }
    together = EntityLinker().link(docs)
    split = EntityLinker()
    split.link({"a": docs["a"]})
    split.link({"c": docs["c"]})
    assert split.link({"b": docs["b"]}) == together


def test_entities_link_survives_empty_and_odd_input():
    linker = EntityLinker()
    docs = {"a": [], "b": mentions(("...", "ORG"), ("\u200b", "PERSON"), ("ß", "GPE"))}
    ents = linker.link(docs)
    assert all(e.documents for e in ents)
    assert EntityLinker.from_state({}).link({}) == []


def test_entities_shared_surname_follows_the_last_full_name():
    from storyline.model import EntityMention

    text = ("Grace Okafor lost her house. Victor Okafor, the mayor, visited. "
            "Later Grace Okafor spoke. Okafor said the sirens came late.")
    mentions = [EntityMention(text.index(n, at), text.index(n, at) + len(n), n, "PERSON")
                for n, at in (("Grace Okafor", 0), ("Victor Okafor", 0), ("Grace Okafor", 40), ("Okafor said", 0))]
    mentions[-1] = EntityMention(mentions[-1].start, mentions[-1].start + 6, "Okafor", "PERSON")
    linker = EntityLinker()
    linker.link({"d": mentions})
    assert mentions[-1].entity == mentions[0].entity != mentions[1].entity
