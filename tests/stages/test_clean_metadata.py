"""Datelines, explicit publication dates and headlines in plain text."""

from __future__ import annotations

import pytest

from storyline.stages.clean.metadata import find_dateline, find_published, split_title


@pytest.mark.parametrize(
    ("text", "place", "region", "agency", "prefix"),
    [
        ("NUR-SULTAN (KAZAKHSTAN): Officials met on Sunday.", "NUR-SULTAN", "KAZAKHSTAN", None, "NUR-SULTAN (KAZAKHSTAN): "),
        ("ALMATY, Kazakhstan -- The minister arrived.", "ALMATY", "Kazakhstan", None, "ALMATY, Kazakhstan -- "),
        ("WASHINGTON — The talks resumed.", "WASHINGTON", None, None, "WASHINGTON — "),
        ("PORT ALDER, Valdoria (Wire) — The port reopened.", "PORT ALDER", "Valdoria", "Wire", "PORT ALDER, Valdoria (Wire) — "),
        ("Paris (AFP) - Le gouvernement a annoncé.", "Paris", None, "AFP", "Paris (AFP) - "),
        ("BERLIN (dpa) - Die Regierung plant.", "BERLIN", None, "dpa", "BERLIN (dpa) - "),
        ("WASHINGTON, Feb 2 (Reuters) - The Senate voted.", "WASHINGTON", None, "Reuters", "WASHINGTON, Feb 2 (Reuters) - "),
    ],
)
def test_clean_find_dateline(text, place, region, agency, prefix):
    dateline = find_dateline(text)
    assert dateline is not None
    assert (dateline.place, dateline.region, dateline.agency) == (place, region, agency)
    assert text[dateline.start : dateline.end] == prefix
    assert text[dateline.place_start : dateline.place_end] == place


def test_clean_find_dateline_after_a_kicker_line():
    text = "Exclusive\n\nMADRID — El Gobierno aprobó la reforma."
    dateline = find_dateline(text)
    assert dateline is not None and text[dateline.place_start : dateline.place_end] == "MADRID"


@pytest.mark.parametrize(
    "text",
    [
        "UPDATE: the minister resigned.",
        "U.S. officials said on Monday that talks would resume.",
        "However, the minister — who spoke briefly — said nothing.",
        "The minister resigned on Monday.",
        "",
        "NATO",
    ],
)
def test_clean_find_dateline_rejects_non_datelines(text):
    assert find_dateline(text) is None


@pytest.mark.parametrize(
    ("text", "iso", "confidence", "evidence"),
    [
        ("Published: 3 February 2020\n\nThe port reopened.", "2020-02-03", 0.9, "text:Published: 3 February 2020"),
        ("Publié le 4 mars 2021\n\nLe port a rouvert.", "2021-03-04", 0.9, "text:Publié le 4 mars 2021"),
        ("Publicado el 5 de abril de 2022\n\nEl puerto reabrió.", "2022-04-05", 0.9, "text:Publicado el 5 de abril de 2022"),
        ("Veröffentlicht am 6. Mai 2023\n\nDer Hafen ist offen.", "2023-05-06", 0.9, "text:Veröffentlicht am 6. Mai 2023"),
        ("February 3, 2020\n\nThe port reopened.", "2020-02-03", 0.8, "text:February 3, 2020"),
        ("By Jane Doe | Feb. 3, 2020\n\nThe port reopened.", "2020-02-03", 0.7, "text:Feb. 3, 2020"),
        ("Updated 2020-02-04 10:15\n\nThe port reopened.", "2020-02-04T10:15:00", 0.6, "text:Updated 2020-02-04 10:15"),
        ("03/02/2020\n\nThe port reopened.", "2020-02-03", 0.5, "text:03/02/2020"),
        ("25.12.2019\n\nDer Hafen ist offen.", "2019-12-25", 0.8, "text:25.12.2019"),
    ],
)
def test_clean_find_published(text, iso, confidence, evidence):
    assert find_published(text) == (iso, confidence, evidence)


def test_clean_find_published_prefers_labelled_over_prose_dates():
    text = (
        "The agreement signed on January 5, 2020 took effect quickly, officials said on Monday in the capital.\n"
        "Published: 7 January 2020"
    )
    assert find_published(text)[0] == "2020-01-07"


@pytest.mark.parametrize(
    "text",
    [
        "The port reopened on Monday, February 3.",  # no year: not explicit
        "Published: 31 February 2020",  # no such day
        "The plant opened in 1887 and closed in 1990.",
        "",
        "\n".join(["A line of text without a date."] * 6) + "\nPublished: 3 February 2020",  # too far down
    ],
)
def test_clean_find_published_needs_an_explicit_early_date(text):
    assert find_published(text) is None


@pytest.mark.parametrize(
    ("text", "title", "rest"),
    [
        ("Port reopens after storm\n\nThe port reopened on Monday.", "Port reopens after storm", "The port reopened on Monday."),
        (
            "IconFacebookIconTwitterIconMail ArrowChevronIcon\nPolitics\n\nMinister resigns over budget row\n\nThe minister resigned.",
            "Minister resigns over budget row",
            "IconFacebookIconTwitterIconMail ArrowChevronIcon\nPolitics\n\nThe minister resigned.",
        ),
        ("WASHINGTON — The talks resumed on Monday after a week.\nMore text.", None, "WASHINGTON — The talks resumed on Monday after a week.\nMore text."),
        (
            "The minister, who had been under pressure for weeks over the budget, resigned on Monday in the capital.\n\nMore.",
            None,
            "The minister, who had been under pressure for weeks over the budget, resigned on Monday in the capital.\n\nMore.",
        ),
        ("", None, ""),
        ("Only a headline", "Only a headline", ""),
    ],
)
def test_clean_split_title(text, title, rest):
    assert split_title(text) == (title, rest)
