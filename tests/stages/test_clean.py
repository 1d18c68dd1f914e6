"""The clean stage on Documents: every format, flags, metadata, and the seed articles."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.model import Document
from storyline.stages.clean import CleanSettings, clean, clean_to_body_offset, split_title
from storyline.text import sentence_spans


PARAGRAPHS = [
    "The city council voted on Tuesday to close the old harbour bridge to cars after engineers found "
    "cracks in two of its supports, the mayor's office said in a statement.",
    "The decision, taken by 31 votes to 9, follows a report that warned the structure could fail within "
    "five years without repairs costing at least 40 million euros.",
    "Residents on the south bank said the closure would double their journey times, and shop owners on "
    "the quay asked the council for compensation during the months of works.",
]
LEDE = "Engineers found cracks in two supports; cars are banned from Monday while repairs are planned."


def page(head: str = "") -> str:
    """A news page with navigation, a teaser-classed standfirst, a share bar and a footer."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge closes to cars | The Harbour Gazette</title>
<meta property="og:title" content="Harbour bridge closes to cars">
<meta property="og:site_name" content="The Harbour Gazette"><meta name="author" content="Jane Smith">{head}
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>Harbour bridge closes to cars</h1><p class="article-teaser">{LEDE}</p>
<div class="share"><a href="#">Share on Facebook</a></div><div class="article-body">{body}</div></article></main>
<footer><p>© 2024 The Harbour Gazette. All rights reserved.</p></footer></body></html>"""


SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"))


def seed(prefix: str) -> str:
    folder = SHARED / "seeds"
    matches = sorted(folder.glob(f"{prefix}_*.txt")) if folder.is_dir() else []
    if not matches:
        pytest.skip(f"../shared not found: no seed {prefix}_* under {folder}")
    return matches[0].read_text(encoding="utf-8")


def text_doc(text: str, doc_id: str = "t") -> Document:
    """A text document the way ingest hands it over: headline split off into the title."""
    title, body = split_title(text)
    return Document(id=doc_id, raw=text.encode(), format="text", title=title, body=body)


def test_clean_html_document_fills_body_text_and_metadata():
    html = page(head='<meta property="article:published_time" content="2024-03-05">')
    doc = clean(Document(id="h", raw=html.encode("utf-8"), format="html", origin="pages/h.html"))
    assert doc.body.startswith(LEDE)
    assert all(p in doc.text for p in PARAGRAPHS)
    assert doc.title == "Harbour bridge closes to cars"
    assert (doc.author, doc.source) == ("Jane Smith", "The Harbour Gazette")
    assert (doc.published, doc.published_confidence, doc.published_evidence) == ("2024-03-05", 0.95, "meta:article:published_time")
    assert doc.extra["clean"]["language_hint"] == "en"
    assert doc.url is None  # a file path is no URL


def test_clean_keeps_what_ingest_already_knows():
    html = page(head='<meta property="article:published_time" content="2024-03-05">')
    doc = Document(id="h", raw=html.encode(), format="html", title="Given title", published="2024-01-01", url="https://x.org/a")
    clean(doc)
    assert (doc.title, doc.published, doc.url) == ("Given title", "2024-01-01", "https://x.org/a")


def test_clean_text_document_removes_junk_and_flags_it():
    text = (
        "Port reopens after storm\n\n"
        "Share on Facebook\n\n"
        "PORT ALDER, Valdoria (Wire) — The port reopened on Monday after a storm closed it for three days, "
        "the harbour authority said.\n\n"
        "READ ALSO: Storm season starts early this year\n\n"
        "Shipping companies said the backlog of containers would take at least a week to clear.\n\n"
        "You have 2 free articles left this month\n\n"
        "Subscribe now for $1 a week"
    )
    doc = clean(text_doc(text))
    assert doc.title == "Port reopens after storm"
    assert doc.text == (
        "PORT ALDER, Valdoria (Wire) — The port reopened on Monday after a storm closed it for three days, "
        "the harbour authority said.\n\n"
        "Shipping companies said the backlog of containers would take at least a week to clear."
    )
    assert [r.reason for r in doc.removed] == ["share-buttons", "read-also", "paywall", "subscription"]
    flag = doc.flags["boilerplate_removed"]
    assert 0 < flag.score < 1 and flag.evidence[0] == "share-buttons: Share on Facebook"
    assert doc.flags["paywall"].evidence == ["paywall: You have 2 free articles left this month"]
    assert doc.extra["clean"]["dateline"] == {"place": "PORT ALDER", "region": "Valdoria", "agency": "Wire", "start": 0, "end": 30}


def test_clean_text_document_without_junk_has_no_flags():
    doc = clean(text_doc("Port reopens\n\nThe port reopened on Monday after a storm closed it for three days."))
    assert doc.removed == [] and doc.flags == {} and doc.text == doc.body


def test_clean_published_from_text_first_lines():
    doc = clean(text_doc("Port reopens\n\nPublished: 3 February 2020\n\nThe port reopened on Monday after the storm."))
    assert (doc.published, doc.published_confidence, doc.published_evidence) == ("2020-02-03", 0.9, "text:Published: 3 February 2020")
    assert "Published" not in doc.text


def test_clean_text_raw_without_body_is_decoded_and_split():
    raw = "Port reopens\r\n\r\nThe port reopened on Monday after a storm closed it for three days.".encode("cp1252")
    doc = clean(Document(id="r", raw=raw, format="text"))
    assert doc.title == "Port reopens"
    assert doc.text == "The port reopened on Monday after a storm closed it for three days."


def test_clean_jsonl_record_with_html():
    doc = Document(id="j", raw=b'{"id": "j"}', format="jsonl", title="From the record", extra={"html": page()})
    clean(doc)
    assert doc.title == "From the record"
    assert PARAGRAPHS[0] in doc.text


def test_clean_html_paywall_flag_from_markup():
    html = page(head='<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>')
    doc = clean(Document(id="p", raw=html.encode(), format="html"))
    assert doc.flags["paywall"].score == 0.9
    assert doc.flags["paywall"].evidence == ["json-ld:isAccessibleForFree=false"]


def test_clean_oversized_html_raises_input_error():
    with pytest.raises(InputError, match="max_html_bytes"):
        clean(Document(id="big", raw=page().encode(), format="html"), CleanSettings(max_html_bytes=1000))


def test_clean_setting_turns_line_cleaning_off():
    doc = clean(text_doc("Title here\n\nShare on Facebook\n\nThe port reopened on Monday."), CleanSettings(remove_boilerplate_lines=False))
    assert doc.text == doc.body and doc.removed == []


@pytest.mark.parametrize("raw", [b"", b"\x00\xff\xfe", b"<html></html>", "<p>\u202e\u0000odd</p>".encode()])
def test_clean_bad_html_never_crashes(raw):
    doc = clean(Document(id="b", raw=raw, format="html"))
    assert doc.text == doc.body or doc.removed


def test_clean_spans_map_back_into_body():
    text = (
        "Title\n\nShare on Facebook\n\nThe port reopened on Monday. Ships queued outside.\n\n"
        "READ ALSO: More storms ahead\n\nOfficials expect normal traffic by Friday, they said."
    )
    doc = clean(text_doc(text))
    for start, end in sentence_spans(doc.text, "en"):
        b_start = clean_to_body_offset(doc.removed, start)
        b_end = clean_to_body_offset(doc.removed, end, end=True)
        assert doc.body[b_start:b_end] == doc.text[start:end]


# ### Seeds (read at run time from ../shared, never copied into the project)

JUNK_LINE = re.compile(
    r"^READ ALSO|\{\{|Created with Sketch|^Sponsored Content$|^About Sponsored Content|free article|"
    r"^Try \d+ months? for|^Offer ends|^See all offers|subscription|has expired|© Reuters$",
    re.IGNORECASE,
)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _article_lines(text: str) -> list[str]:
    """Lines that read like article prose: 20+ words, ending a sentence, no junk marker."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [
        line
        for line in lines
        if len(line.split()) >= 20 and line.rstrip("\"”’")[-1:] in ".!?" and not JUNK_LINE.search(line)
    ]


@pytest.mark.issue(5)
@pytest.mark.parametrize("prefix", ["001", "004"])
def test_clean_seed_junk_gone_and_article_paragraphs_kept(prefix):
    raw = seed(prefix)
    doc = clean(text_doc(raw, prefix))
    kept = " ".join(doc.text.split())
    junk = [line.strip() for line in raw.splitlines() if JUNK_LINE.search(line.strip())]
    assert junk, "the seed should hold junk lines"
    for line in junk:
        assert " ".join(line.split()) not in kept, line
    article = _article_lines(doc.body)
    assert len(article) >= 15
    for paragraph in article:
        assert paragraph in kept, paragraph[:60]
    assert doc.flags["boilerplate_removed"].evidence


def test_clean_seed_004_has_no_tail_promotions_left():
    doc = clean(text_doc(seed("004"), "004"))
    last = _paragraphs(doc.text)[-1]
    assert last == _article_lines(doc.body)[-1]  # the article's last paragraph, no promo line after it
    assert doc.flags["paywall"].score == 0.6


def test_clean_seed_001_only_read_also_lines_removed():
    doc = clean(text_doc(seed("001"), "001"))
    assert {r.reason for r in doc.removed} == {"read-also"}
    assert len(doc.removed) == 2


def test_clean_twice_gives_the_same_document():
    doc = text_doc("Port reopens\n\nShare on Facebook\n\nThe port reopened on Monday after a storm closed it for three days.")
    clean(doc)
    first = (doc.text, list(doc.removed), dict(doc.flags), dict(doc.extra))
    clean(doc)
    assert (doc.text, doc.removed, doc.flags, doc.extra) == first
    clean(doc, CleanSettings(remove_boilerplate_lines=False))
    assert "boilerplate_removed" not in doc.flags
