"""timeline: date mentions resolved against publication dates, and event dates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.model import Document
from storyline.stages.timeline import event_date, extract_dates, timeline

SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"))
MONDAY = "2020-02-03"


def dates(text, language="en", published=MONDAY):
    found = extract_dates(text, language, published)
    assert all(text[d.start:d.end] == d.text for d in found)
    assert all(0 <= d.confidence <= 1 for d in found)
    return {d.text: (d.value, d.confidence) for d in found}


@pytest.mark.parametrize(
    "text,language,span,value",
    [
        ("The minister arrived on Sunday.", "en", "on Sunday", "2020-02-02"),
        ("Talks ended yesterday.", "en", "yesterday", "2020-02-02"),
        ("Troops left two days ago.", "en", "two days ago", "2020-02-01"),
        ("She spoke on Monday.", "en", "on Monday", "2020-02-03"),  # same weekday: that day
        ("He will fly to Oslo on Thursday.", "en", "on Thursday", "2020-02-06"),  # future
        ("The deal was signed on Feb. 3, 2019.", "en", "Feb. 3, 2019", "2019-02-03"),
        ("The deal was signed on 14 January.", "en", "14 January", "2020-01-14"),
        ("Votes were counted on December 30.", "en", "December 30", "2019-12-30"),  # last year
        ("Le ministre est arrivé dimanche à Paris.", "fr", "dimanche", "2020-02-02"),
        ("Le 2 février, les ministres se sont réunis.", "fr", "2 février", "2020-02-02"),
        ("Hier, la police a arrêté deux hommes.", "fr", "Hier", "2020-02-02"),
        ("Il y a trois jours, le sommet a commencé.", "fr", "Il y a trois jours", "2020-01-31"),
        ("El presidente llegó el martes a Lima.", "es", "el martes", "2020-01-28"),
        ("El 2 de febrero de 2020 hubo elecciones.", "es", "2 de febrero de 2020", "2020-02-02"),
        ("Ayer se firmó el acuerdo.", "es", "Ayer", "2020-02-02"),
        ("Viajará el próximo lunes a Quito.", "es", "el próximo lunes", "2020-02-10"),
    ],
)
def test_timeline_resolves_against_publication_date(text, language, span, value):
    found = dates(text, language)
    assert found[span][0] == value


def test_timeline_confidence_is_lower_for_inferred_parts():
    found = dates("Signed on Feb. 3, 2019; ratified on 14 January; talks on Sunday; back in 2015.")
    full, inferred_year = found["Feb. 3, 2019"][1], found["14 January"][1]
    weekday, year_only = found["on Sunday"][1], found["2015"][1]
    assert full > inferred_year > year_only
    assert full > weekday > year_only
    assert found["2015"][0] == "2015"


def test_timeline_without_publication_date_infers_year_from_text_with_low_confidence():
    text = "In December 2019 the talks stalled. The deal was signed on Feb. 2 in the capital. He left on Sunday."
    found = dates(text, published=None)
    assert found["Feb. 2"] == ("2020-02-02", 0.45)
    assert "on Sunday" not in found  # a weekday without any date to count from
    assert found["December 2019"][0] == "2019-12"


@pytest.mark.parametrize(
    "text",
    [
        "Theresa May met the press.",
        "Prime Minister May said no.",
        "They may march on the capital.",
        "The Sunday Times reported it.",
        "Room 1991 is on floor 3.",
    ],
)
def test_timeline_skips_false_positives(text):
    found = dates(text)
    assert not any(v[0].startswith("2020-05") for v in found.values())
    assert "Sunday" not in "".join(found)
    assert "1991" not in found


@pytest.mark.parametrize("text", ["", "   ", "\x00", "Sunday " * 2000, "31 February 2020 and 2020-13-45"])
def test_timeline_survives_odd_input(text):
    dates(text)
    dates(text, published="not a date")


def test_timeline_stage_fills_document():
    doc = Document(id="x", text="He resigned on Friday.", language="en", published="2020-02-03T10:00:00Z")
    timeline(doc)
    assert [(d.text, d.value, d.kind) for d in doc.dates] == [("on Friday", "2020-01-31", "relative")]


def test_timeline_event_date_report_on_monday_about_sunday():
    docs = [
        Document(id="a", text="The minister arrived in Tashkent on Sunday for talks.", language="en", published=MONDAY),
        Document(id="b", text="Le ministre est arrivé dimanche. Il partira mardi.", language="fr", published=MONDAY),
    ]
    value, confidence, evidence = event_date(docs)
    assert value == "2020-02-02" and 0.5 < confidence <= 1
    assert {e["document"] for e in evidence} == {"a", "b"}
    for e in evidence:
        doc = next(d for d in docs if d.id == e["document"])
        assert doc.text[e["start"]:e["end"]] == e["text"]


def test_timeline_event_date_undated_reports_lean_on_dated_text():
    docs = [
        Document(id="a", text="After talks in December 2019, the envoy spoke to reporters on Feb. 2 in the capital.", language="en"),
        Document(id="b", text="The envoy arrived on Sunday. He will leave on Monday.", language="en"),
    ]
    value, confidence, evidence = event_date(docs)
    assert value == "2020-02-02"
    assert confidence < 0.6  # the year was inferred
    assert {e["document"] for e in evidence} == {"a", "b"}


def test_timeline_event_date_none_without_evidence():
    assert event_date([Document(id="a", text="Nothing dated here.", language="en")]) == (None, 0.0, [])
    assert event_date([]) == (None, 0.0, [])


def test_timeline_seeds_event_date():
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"../shared not found: {seeds}")
    docs = [Document(id=f.stem, text=f.read_text(encoding="utf-8"), language="en") for f in sorted(seeds.glob("*.txt"))]
    # The four reports of the 2020 visit; the 2023 follow-up states no usable date.
    visit = [d for d in docs if "Blinken" not in d.text]
    value, confidence, evidence = event_date(visit)
    assert value == "2020-02-02"
    assert 0 < confidence < 0.8
    assert len({e["document"] for e in evidence}) >= 3
    assert event_date([d for d in docs if "Blinken" in d.text])[0] is None
