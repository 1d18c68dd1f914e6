"""figures: extraction, normalisation, grouping across sources, agreement."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.model import Document
from storyline.stages.figures import extract_figures, figures, group_figures, values_agree

SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"))


def one(text, language="en"):
    found = extract_figures(text, language)
    assert all(text[m.start:m.end] == m.text for m in found)
    assert len(found) == 1, [(m.text, m.value) for m in found]
    return found[0]


@pytest.mark.parametrize(
    "text,language,value,unit",
    [
        ("Exports reached $4.75 billion last year.", "en", 4_750_000_000, "USD"),
        ("The fund will allocate $ 2 million to schools.", "en", 2_000_000, "USD"),
        ("They pledged a million dollars of assistance.", "en", 1_000_000, "USD"),
        ("The bank lent €3.2bn to the city.", "en", 3_200_000_000, "EUR"),
        ("Officials said one million people were detained.", "en", 1_000_000, "people"),
        ("Inflation hit 13.8% in the spring.", "en", 13.8, "%"),
        ("Some 1,250 protesters gathered.", "en", 1250, ""),
        ("About twenty people died in the fire.", "en", 20, "people"),
        ("Près de 1,5 million de personnes ont fui.", "fr", 1_500_000, ""),
        ("L'Union a promis 3 milliards d'euros d'aide.", "fr", 3_000_000_000, "EUR"),
        ("Le chômage atteint 7,2 % en mars.", "fr", 7.2, "%"),
        ("Ils étaient 14 000 manifestants.", "fr", 14_000, ""),
        ("Más de 2.000 personas fueron detenidas.", "es", 2000, "people"),
        ("El gobierno prometió 1,5 millones de dólares en ayuda.", "es", 1_500_000, "USD"),
        ("La deuda llega a mil millones de euros.", "es", 1_000_000_000, "EUR"),
    ],
)
def test_figures_extract_normalises_values_and_units(text, language, value, unit):
    m = one(text, language)
    assert m.value == pytest.approx(value)
    assert m.unit == unit


def test_figures_extract_keeps_qualifier_in_span_not_in_value():
    m = one("Police said more than 300 people were arrested.")
    assert m.text == "more than 300" and m.value == 300


@pytest.mark.parametrize(
    "text,what",
    [
        ("Officials said 1 million people detained in camps.", "people detained"),
        ("Washington offered $1 million in aid.", "aid"),
        ("Trade with Chile reached $4.2 billion in 2019.", "trade"),
        ("Near 2.000 personas detenidas.", "persona detenida"),
    ],
)
def test_figures_extract_what_is_counted(text, what):
    language = "es" if "personas" in text else "en"
    assert extract_figures(text, language)[0].what == what


@pytest.mark.parametrize(
    "text",
    [
        "The war ended in 1991 and talks resumed in 2005.",
        "He arrived on Feb. 3 and left on 14 March.",
        "Le 2 février, il est parti.",
        "The meeting starts at 10:30 a.m. sharp.",
        "She finished 1st and he came 2nd.",
        "Call +1 202 555 0143 for details.",
        "Under Article 5 and Section 12 of the treaty.",
        "The COVID-19 crisis and the G20 summit.",
        "The 2019-2025 strategy runs 24/7.",
        "Two countries and one of the five states.",
    ],
    ids=["years", "dates-en", "date-fr", "time", "ordinals", "phone", "sections", "codes", "ranges", "small-words"],
)
def test_figures_extract_skips_non_figures(text):
    language = "fr" if text.startswith("Le ") else "en"
    assert [m.text for m in extract_figures(text, language)] == []


@pytest.mark.parametrize("text", ["", "   ", "$", "%%%", "1" * 5000, "\x00\u202f\u00a0 1\u202f000"])
def test_figures_extract_survives_odd_input(text):
    for m in extract_figures(text, "fr"):
        assert text[m.start:m.end] == m.text


def test_figures_values_agree_with_hedges():
    assert values_agree(1_000_000, 1_000_000)
    assert values_agree(1_000_000, 1_000_000, "more than", "")
    assert values_agree(1_100_000, 1_000_000, "", "more than")
    assert not values_agree(900_000, 1_000_000, "", "more than")
    assert not values_agree(1200, 1500)
    assert not values_agree(1_300_000, 1_000_000, "", "nearly")


def _group(texts, language="en"):
    mentions = {d: extract_figures(t, language) for d, t in texts.items()}
    return group_figures(mentions, texts), mentions


def test_figures_group_agree_across_sources():
    texts = {
        "a": "Rights groups say more than 1 million Uighurs have been detained in camps in Xinjiang.",
        "b": "According to activists, one million Muslims were interned in Xinjiang camps.",
        "c": "The city budget rose to $3 billion this year.",
    }
    figs, mentions = _group(texts)
    detained = [f for f in figs if len({m["document"] for m in f.mentions}) == 2]
    assert len(detained) == 1
    fig = detained[0]
    assert fig.agreement == "agree" and fig.value == 1_000_000
    assert {m["document"] for m in fig.mentions} == {"a", "b"}
    assert mentions["a"][0].figure == mentions["b"][0].figure == fig.id
    budget = [f for f in figs if f.unit == "USD"][0]
    assert budget.agreement == "single"


def test_figures_group_disagree_shows_each_value():
    texts = {
        "a": "Police said 1,200 protesters marched through the capital on Saturday.",
        "b": "Organisers said 1,500 protesters marched through the capital.",
    }
    figs, _ = _group(texts)
    assert len(figs) == 1 and figs[0].agreement == "disagree"
    assert sorted(m["value"] for m in figs[0].mentions) == [1200, 1500]
    assert all(set(m) == {"document", "start", "end", "value", "unit"} for m in figs[0].mentions)


def test_figures_group_money_across_wording_and_languages():
    texts = {
        "a": "The minister promised $1 million in aid to rebuild the bridge.",
        "b": "He pledged a million dollars of assistance to rebuild the bridge.",
    }
    figs, _ = _group(texts)
    assert len(figs) == 1 and figs[0].agreement == "agree" and figs[0].unit == "USD"


def test_figures_group_one_document_listing_two_values_is_not_a_disagreement():
    texts = {
        "a": "Exports rose 13.8% and imports rose 16.3% over the year.",
        "b": "Exports rose 13.8% in the year, the ministry said.",
    }
    figs, _ = _group(texts)
    exports = [f for f in figs if len({m["document"] for m in f.mentions}) == 2]
    assert len(exports) == 1 and exports[0].agreement == "agree"


def test_figures_group_keeps_different_things_apart():
    texts = {
        "a": "The virus has killed 300 people in the province.",
        "b": "About 1 million people voted in the regional election.",
        "c": "The storm killed 310 people and destroyed homes.",
    }
    figs, _ = _group(texts)
    by_docs = sorted(sorted({m["document"] for m in f.mentions}) for f in figs)
    assert by_docs == [["a", "c"], ["b"]]
    assert [f.agreement for f in figs if len(f.mentions) == 2] == ["disagree"]


def test_figures_group_ids_do_not_depend_on_order():
    texts = {
        "a": "Rights groups say 1 million people have been detained in camps.",
        "b": "One million people were detained in camps, activists say.",
    }
    first, _ = _group(texts)
    second, _ = _group(dict(reversed(list(texts.items()))))
    assert [f.id for f in first] == [f.id for f in second]


def test_figures_stage_fills_document():
    doc = Document(id="x", text="The bank lent $5 million.", language="en")
    figures(doc)
    assert [(m.value, m.unit) for m in doc.figures] == [(5_000_000, "USD")]


def test_figures_seeds_group_and_normalise():
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"../shared not found: {seeds}")
    texts = {f.stem: f.read_text(encoding="utf-8") for f in sorted(seeds.glob("*.txt"))}
    figs, _ = _group(texts)
    for f in figs:
        for m in f.mentions:
            assert texts[m["document"]][m["start"]:m["end"]]
    detained = [f for f in figs if f.unit in {"", "people"} and f.value == 1_000_000 and len({m["document"] for m in f.mentions}) >= 4]
    assert len(detained) == 1 and detained[0].agreement == "agree"
    aid = [f for f in figs if f.unit == "USD" and f.value == 1_000_000]
    assert len(aid) == 1 and len({m["document"] for m in aid[0].mentions}) == 2 and aid[0].agreement == "agree"
    trade = [m for f in figs for m in f.mentions if m["value"] == 12_850_000_000]
    assert trade and trade[0]["unit"] == "USD"
