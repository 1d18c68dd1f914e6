"""entities: mentions from spaCy NER with their spans cleaned (loads the small models)."""

from __future__ import annotations

import pytest

from storyline.model import Document
from storyline.stages.entities import entities, extract_entities, extract_entities_batch


def spans_ok(text, found):
    return all(text[m.start:m.end] == m.text for m in found)


def test_entities_extract_strips_titles_and_relabels_person():
    text = "Kazakh President Kassym-Jomart Tokayev met Secretary of State Mike Pompeo in Astana."
    found = extract_entities(text, "en")
    assert spans_ok(text, found)
    by_text = {m.text: m.label for m in found}
    assert by_text.get("Kassym-Jomart Tokayev") == "PERSON"
    assert by_text.get("Mike Pompeo") == "PERSON"
    assert not any(m.text.lower().startswith(("president", "secretary", "the ")) for m in found)


def test_entities_extract_splits_spans_at_line_breaks_and_drops_possessives():
    text = "Talks in Berlin\n\nMOSCOW (Reuters): The Kremlin's spokesman Dmitry Peskov spoke to the United Nations."
    found = extract_entities(text, "en")
    assert spans_ok(text, found)
    assert not any("\n" in m.text for m in found)
    assert not any(m.text.endswith(("'s", "’s")) or m.text.startswith("the ") for m in found)
    assert "Dmitry Peskov" in {m.text for m in found}


def test_entities_extract_french():
    text = "Le président Emmanuel Macron a reçu dimanche à Paris le chancelier allemand Olaf Scholz."
    found = extract_entities(text, "fr")
    names = {m.text: m.label for m in found}
    assert spans_ok(text, found)
    assert names.get("Emmanuel Macron") == "PERSON" and names.get("Olaf Scholz") == "PERSON"
    assert "Paris" in names


def test_entities_extract_spanish_uses_fallback_and_splits_on_y():
    text = "Gustavo Petro se reunió con Gabriel Boric en Santiago. Naciones Unidas pidió a Perú y Bolivia más ayuda."
    found = extract_entities(text, "es")
    names = {m.text for m in found}
    assert spans_ok(text, found)
    assert {"Gustavo Petro", "Gabriel Boric", "Perú", "Bolivia"} <= names
    assert "Perú y Bolivia" not in names


@pytest.mark.parametrize("text", ["", "   ", "\x00\ufeff", "12345 67890", "é" * 5000], ids=["empty", "spaces", "control", "digits", "long"])
def test_entities_extract_survives_odd_input(text):
    assert spans_ok(text, extract_entities(text, "en"))


def test_entities_extract_batch_matches_single_calls_and_unknown_language():
    texts = [("Angela Merkel visited Warsaw.", "en"), ("Angela Merkel a visité Varsovie.", "fr"), ("", "en"), ("Angela Merkel besuchte Warschau.", "de")]
    batch = extract_entities_batch(texts)
    assert [[m.text for m in ms] for ms in batch] == [[m.text for m in extract_entities(t, lang)] for t, lang in texts]
    assert batch[2] == []


def test_entities_stage_fills_document():
    doc = Document(id="x", text="Olaf Scholz met Joe Biden in Washington.", language="en")
    entities(doc)
    assert {"Olaf Scholz", "Joe Biden"} <= {m.text for m in doc.entities}


def test_entities_extract_commodity_companies_are_organisations():
    text = ("Valmora Copper said on Monday it would cut output at its northern mine. "
            "Shares of Valmora Copper fell 4%, while Brantley Nickel rose.")
    found = extract_entities(text, "en")
    assert spans_ok(text, found)
    labels = {m.text: m.label for m in found}
    assert labels.get("Valmora Copper") == "ORG"
    assert all(label != "PERSON" for name, label in labels.items() if name.endswith(("Copper", "Nickel")))


def test_entities_extract_sentence_initial_common_nouns_are_not_people():
    text = "Turnout was low across the province. Turnout in the capital reached 41 percent, Mara Voss said."
    found = extract_entities(text, "en")
    assert spans_ok(text, found)
    people = {m.text for m in found if m.label == "PERSON"}
    assert "Turnout" not in people
    assert "Mara Voss" in people


def test_entities_extract_spanish_portfolio_is_a_ministry():
    text = ("Trabajo anunció nuevas medidas el lunes. La ministra de Trabajo, Aigerim Saparova, "
            "dijo que el plan es urgente.")
    found = extract_entities(text, "es")
    assert spans_ok(text, found)
    labels = [(m.text, m.label) for m in found]
    assert ("Trabajo", "PERSON") not in labels
    assert ("Aigerim Saparova", "PERSON") in labels


def test_entities_extract_one_word_name_at_sentence_start_stays_a_person():
    # A surname that is also a common noun ("rice") stays a person when the text
    # uses it mid-sentence too.
    text = "Rice arrived in Oslo on Monday. Officials met Dana Rice at the airport."
    found = extract_entities(text, "en")
    assert spans_ok(text, found)
    assert any(m.start == 0 and m.text == "Rice" and m.label == "PERSON" for m in found)
