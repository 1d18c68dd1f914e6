"""HTML extraction: body without headline, repairs beyond trafilatura, metadata, hostile input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.stages.clean.html import Extraction, decode_html, extract_html

PARAGRAPHS = [
    "The city council voted on Tuesday to close the old harbour bridge to cars after engineers found "
    "cracks in two of its supports, the mayor's office said in a statement.",
    "The decision, taken by 31 votes to 9, follows a report that warned the structure could fail within "
    "five years without repairs costing at least 40 million euros.",
    "Residents on the south bank said the closure would double their journey times, and shop owners on "
    "the quay asked the council for compensation during the months of works.",
    "Engineers will start the repairs in September, and the bridge should reopen to buses first, in the "
    "spring of next year, according to the transport department.",
]
LEDE = "Engineers found cracks in two supports; cars are banned from Monday while repairs are planned."


def page(
    *,
    head: str = "",
    lede: str = LEDE,
    lede_class: str = "article-teaser",
    paragraphs: list[str] = PARAGRAPHS,
    extra_body: str = "",
    lang: str = "en-GB",
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Harbour bridge closes to cars | The Harbour Gazette</title>
<meta property="og:title" content="Harbour bridge closes to cars">
<meta property="og:site_name" content="The Harbour Gazette">
<meta name="author" content="Jane Smith">
{head}
<script>var tracking = "window.dataLayer = []; function gtag(){{}}";</script>
<style>.teaser {{ color: red; }}</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>Harbour bridge closes to cars</h1>
<p class="{lede_class}">{lede}</p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
<div class="article-body">{body}</div>
<script>document.write("Do not keep this script text");</script>
</article>
<aside class="related"><h2>Related articles</h2><ul>
<li><a href="/a">Ferry operators brace for a busy summer season on the coast</a></li>
<li><a href="/b">New cycle lanes open along the river promenade this week</a></li></ul></aside>
{extra_body}
</main>
<footer><p>© 2024 The Harbour Gazette. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_clean_extract_html_body_metadata_and_lede():
    ex = extract_html(page(head='<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">'))
    paragraphs = ex.body.split("\n\n")
    assert paragraphs[0] == LEDE  # trafilatura drops "teaser" blocks; we put the standfirst back
    for p in PARAGRAPHS:
        assert p in paragraphs
    assert "Harbour bridge closes to cars" not in ex.body  # the headline is the title, not the body
    assert ex.title == "Harbour bridge closes to cars"
    assert ex.author == "Jane Smith"
    assert ex.sitename == "The Harbour Gazette"
    assert ex.language_hint == "en"
    assert (ex.published, ex.published_confidence, ex.published_evidence) == (
        "2024-03-05T09:30:00+01:00",
        0.95,
        "meta:article:published_time",
    )
    assert "lede" in ex.notes
    assert "script" not in ex.body and "gtag" not in ex.body and "color: red" not in ex.body


def test_clean_extract_html_keeps_no_teaser_list_as_lede():
    teasers = "".join(
        f'<div class="teaser"><p>Another story about the town council and its plans number {i} this week.</p></div>'
        for i in range(6)
    )
    ex = extract_html(page(lede="", lede_class="x", extra_body=teasers))
    assert "Another story" not in ex.body


def test_clean_extract_html_json_ld_date_author_and_paywall():
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour bridge closes to cars",
        "datePublished": "2024-03-05",
        "author": [{"@type": "Person", "name": "Jane Smith"}, {"@type": "Person", "name": "Tom Brown"}],
        "isAccessibleForFree": "False",
    }
    html = page(head=f'<script type="application/ld+json">{json.dumps(ld)}</script>').replace(
        '<meta name="author" content="Jane Smith">', ""
    )
    ex = extract_html(html)
    assert (ex.published, ex.published_evidence) == ("2024-03-05", "json-ld:datePublished")
    assert ex.author == "Jane Smith; Tom Brown"
    assert ex.paywalled and ex.paywall_evidence == ["json-ld:isAccessibleForFree=false"]


def test_clean_extract_html_date_from_url_when_markup_has_none():
    ex = extract_html(page(), url="https://example.org/news/2023/11/07/harbour-bridge.html")
    assert (ex.published, ex.published_confidence, ex.published_evidence) == ("2023-11-07", 0.8, "url")


def test_clean_extract_html_json_ld_article_body_for_script_rendered_pages():
    text = " ".join(PARAGRAPHS)
    ld = {"@type": "NewsArticle", "articleBody": text + "\n" + text}
    html = f"""<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>
    <body><div id="app"><h1>Harbour bridge closes to cars</h1><p>Loading the article…</p></div></body></html>"""
    ex = extract_html(html)
    assert PARAGRAPHS[0] in ex.body
    assert "Loading" not in ex.body


def test_clean_extract_html_refuses_oversized_pages():
    html = page(extra_body="<p>" + "x" * 2_000_000 + "</p>")
    with pytest.raises(InputError, match="max_html_bytes"):
        extract_html(html, max_bytes=1_000_000)


def test_clean_extract_html_refuses_pages_with_too_many_elements():
    html = page(extra_body="<span>a</span>" * 5000)
    with pytest.raises(InputError, match="max_html_elements"):
        extract_html(html, max_elements=2000)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "\x00\x01\x02\xff binary junk \x00",
        "just plain text without any tags at all",
        "<p>a fragment holding one sentence of text only</p>",
        "<html><body>" + "<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000 + "</body></html>",
        "<html><head><script>" + "var a = 1;" * 10000 + "</script></head><body></body></html>",
        "<html><body><p>unclosed <b>tags <i>everywhere</p></div></span>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
    ],
)
def test_clean_extract_html_survives_hostile_input(html):
    ex = extract_html(html)
    assert isinstance(ex, Extraction)
    assert "var a" not in ex.body


def test_clean_decode_html_declared_charset_bom_and_guess():
    assert decode_html('<meta charset="iso-8859-1"><p>café</p>'.encode("latin-1")) == '<meta charset="iso-8859-1"><p>café</p>'
    assert decode_html("\ufeff<p>naïve</p>".encode("utf-8")) == "<p>naïve</p>"
    assert decode_html("<p>Grüße</p>".encode("utf-16")) == "<p>Grüße</p>"
    assert decode_html("<p>déjà</p>".encode("utf-8")) == "<p>déjà</p>"
    cp1252 = ("<p>" + "Les élèves de l'école découvrent le théâtre. " * 20 + "</p>").encode("cp1252")
    assert "élèves" in decode_html(cp1252)
    assert decode_html(b"") == ""
    assert isinstance(decode_html(bytes(range(256)) * 4), str)
    polish = ("<p>" + "Zażółć gęślą jaźń, powiedział minister w środę. " * 20 + "</p>").encode("cp1250")
    assert "gęślą" in decode_html(polish)


TAGS = ["p", "div", "span", "h1", "h2", "article", "nav", "script", "style", "table", "td", "li", "ul", "a", "br", "ruby", "rt"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(TAGS).map(lambda t: f"<{t} class='lead teaser'>"),
            st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
            st.text(max_size=40),
            st.just("<meta property='article:published_time' content='not a date'>"),
            st.just('<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": 3, "author": {}}</script>'),
        ),
        max_size=40,
    )
)
def test_clean_extract_html_fuzz_never_crashes(parts):
    ex = extract_html("<html><body>" + "".join(parts) + "</body></html>")
    assert isinstance(ex.body, str)
