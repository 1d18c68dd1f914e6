"""The embed stage: compact, JSON-safe, per-document features."""

import json
import math

import pytest

from storyline.model import Document
from storyline.stages.embed import EMBED_KEY, embed, features


def test_embed_stores_json_serialisable_features():
    doc = embed(Document(id="a", text="Rescuers in Valdoria pulled 14 survivors from the rubble on Tuesday."))
    feats = doc.extra[EMBED_KEY]
    assert json.loads(json.dumps(feats)) == feats
    assert feats["v"] == 1
    assert "valdor" in feats["terms"]  # stems cut to six letters
    assert "valdoria" in feats["names"]
    assert "14" in feats["nums"]


def test_embed_names_need_a_capital_away_from_sentence_start():
    f = features("Police said the fire started at night. The police chief, Anna Berg, spoke to Berg's staff.")
    assert "police" not in f["names"]  # also written in lower case
    assert "the" not in f["names"]
    assert {"anna", "berg"} <= set(f["names"])


@pytest.mark.parametrize("raw,value", [("1,000", "1000"), ("1.000", "1000"), ("1 000", "1000"),
                                       ("6,8", "6.8"), ("6.8", "6.8"), ("12,850,000", "12850000")])
def test_embed_numbers_normalise_across_languages(raw, value):
    assert value in features(f"The count was {raw} on the island of Ferro.")["nums"]


def test_embed_dates_are_not_number_anchors():
    f = features("On November 12, 2011 the crew of the Arden seized 26 boats. Updated 8:41 pm.")
    assert f["nums"] == ["26"]
    assert f["years"] == [2011]
    assert "2011-11-12" in f["dates"]


def test_embed_spelled_numbers_meet_digits():
    assert "10" in features("Ten people died in the storm.")["nums"]
    assert "10" in features("La tempête a fait dix morts.")["nums"]


def test_embed_folds_accents_and_elisions():
    f = features("Le président de l'Ouzbékistan a reçu d'Ankara une délégation à Tachkent.")
    assert "ouzbekistan" in f["names"]
    assert "presid" in f["terms"]


@pytest.mark.parametrize("text", ["", " \n ", "\u200b\u200b", "a" * 200_000, "😀 🎉 " * 1000, "١٢٣ ٤٥٦"])
def test_embed_odd_input_does_not_crash(text):
    doc = embed(Document(id="x", text=text, title=None))
    assert isinstance(doc.extra[EMBED_KEY]["terms"], dict)


def test_embed_title_counts_twice():
    f = features("the harbour was closed", title="Harbour shut")
    # once in the text, twice for the headline: 1 + ln(3)
    assert f["terms"]["harbou"] == pytest.approx(1 + math.log(3), abs=1e-3)
    assert f["terms"]["closed"] == pytest.approx(1.0)
