"""ingest: ids, formats, versions, idempotence and bad input."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import write
from storyline.pipeline import ingest
from storyline.stages.ingest import Rejected, decode_bytes, doc_id_from_path, iter_inputs, normalize_date
from storyline.errors import InputError

ARTICLE = (
    "Harbour workers end strike after pay deal\n\n"
    "PORT ALDER — Dock workers in Port Alder returned to work on Monday after union leaders "
    "accepted a pay rise of six percent, ending a strike that had idled the harbour for nine days.\n\n"
    "\"We got most of what we asked for,\" said union leader Mara Okafor, adding that members "
    "would vote on the deal next week.\n\n"
    "The harbour authority said ships delayed by the strike would be cleared by Friday."
)
OTHER = (
    "Council approves new tram line\n\n"
    "The city council of Lindqvist voted on Tuesday to fund a new tram line linking the "
    "university to the central station, a project expected to cost 240 million euros.\n\n"
    "Construction will begin next spring and last three years, the mayor's office said."
)
HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tram line approved | City Post</title>
<meta property="og:site_name" content="City Post"><meta property="article:published_time" content="2024-03-05T09:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Tram line approved</h1>
<p>The city council of Lindqvist voted on Tuesday to fund a new tram line linking the university
to the central station, a project expected to cost 240 million euros.</p>
<p>Construction will begin next spring and last three years, the mayor's office said on Tuesday evening.</p>
</article><footer>Copyright City Post. All rights reserved.</footer></body></html>"""


@pytest.mark.parametrize("name, expected", [
    ("36_1ecb.txt", "36_1ecb"), ("a1b2.html.gz", "a1b2"), ("000_c2cf.txt", "000_c2cf"),
    ("folder/story.md", "story"), ("page.htm", "page"), ("feed.rss", "feed"), ("we ird:name.txt", "we_ird_name"),
    ("..txt", "_"),
])
def test_ingest_ids_follow_the_contract(name, expected):
    assert doc_id_from_path(name) == expected


def test_ingest_reads_every_format(tmp_path, sqlite_store, settings):
    write(tmp_path, "strike.txt", ARTICLE)
    write(tmp_path, "tram.html.gz", gzip.compress(HTML.encode()))
    write(tmp_path, "dump.jsonl", json.dumps({"id": "j1", "title": "Tram line", "text": OTHER.split("\n\n", 1)[1],
                                              "source": "Wire", "published": "2024-03-05",
                                              "url": "https://example.org/j1"}) + "\n")
    write(tmp_path, "news.rss", f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>
<item><guid>hn-42</guid><title>Strike ends</title><link>https://example.org/hn-42</link>
<pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate><description><![CDATA[<p>{ARTICLE.split(chr(10)+chr(10), 1)[1]}</p>]]></description></item>
</channel></rss>""")
    report = ingest(sqlite_store, [tmp_path], settings, engine="serial")
    assert report.rejected == []
    assert sorted(sqlite_store.document_ids()) == ["hn-42", "j1", "strike", "tram"]
    strike = sqlite_store.get_document("strike")
    assert strike.title == "Harbour workers end strike after pay deal"
    assert not strike.text.startswith("Harbour workers")  # the headline is the title, not text
    assert "Mara Okafor" in strike.text
    tram = sqlite_store.get_document("tram")
    assert tram.source == "City Post" and tram.published.startswith("2024-03-05")
    assert "Home" not in tram.text and "240 million euros" in tram.text
    j1 = sqlite_store.get_document("j1")
    assert (j1.source, j1.published, j1.url) == ("Wire", "2024-03-05", "https://example.org/j1")
    feed_doc = sqlite_store.get_document("hn-42")
    assert feed_doc.title == "Strike ends" and feed_doc.source == "Harbour News"
    assert feed_doc.published.startswith("2024-03-04") and "<p>" not in feed_doc.text
    assert sqlite_store.get_raw(tram.raw_sha256) == gzip.decompress((tmp_path / "tram.html.gz").read_bytes())


def test_ingest_twice_is_a_no_op(tmp_path, sqlite_store, settings):
    write(tmp_path, "strike.txt", ARTICLE)
    first = ingest(sqlite_store, [tmp_path], settings, engine="serial")
    second = ingest(sqlite_store, [tmp_path], settings, engine="serial")
    assert (first.stored, second.stored, second.unchanged) == (1, 0, 1)
    assert second.exit_code == 0
    assert [v["version"] for v in sqlite_store.document_versions("strike")] == [1]


def test_ingest_same_id_new_content_becomes_a_version(tmp_path, sqlite_store, settings):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "story.txt", ARTICLE)
    write(b, "story.txt", ARTICLE.replace("six percent", "seven percent"))
    ingest(sqlite_store, [a], settings, engine="serial")
    report = ingest(sqlite_store, [b], settings, engine="serial")
    assert report.versions == 1 and "version 2" in report.warnings[0]
    versions = sqlite_store.document_versions("story")
    assert [(v["version"], v["current"]) for v in versions] == [(1, 0), (2, 1)]
    assert "seven percent" in sqlite_store.get_document("story").text
    assert "six percent" in sqlite_store.get_document("story", version=1).text
    assert [h.document for h in sqlite_store.search("seven")] == ["story"]
    assert sqlite_store.search("six") == []  # only current versions are searchable


def test_ingest_duplicate_ids_in_one_run_keep_both(tmp_path, sqlite_store, settings):
    write(tmp_path, "x/story.txt", ARTICLE)
    write(tmp_path, "y/story.txt", OTHER)
    report = ingest(sqlite_store, [tmp_path], settings, engine="serial")
    assert (report.stored, report.versions) == (1, 1)
    assert len(sqlite_store.document_versions("story")) == 2


BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\t\n", "empty"),
    "photo.html": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    "random.txt": (bytes(range(256)) * 40, "binary"),
    "broken.jsonl": (b'{"id": "ok1", "text": "fine"\n', "invalid JSON"),
    "types.jsonl": (b'{"id": ["a"], "text": "x"}\n', "'id' must be"),
    "notext.jsonl": (b'{"id": "n1", "title": "only a title"}\n', "neither 'text' nor 'html'"),
    "links.txt": (b"https://example.org/a\nhttps://example.org/b\n", "not fetched"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_ingest_rejects_bad_input_with_one_clear_reason(tmp_path, sqlite_store, settings, name):
    content, reason = BAD_INPUTS[name]
    write(tmp_path, "bad/" + name, content)
    write(tmp_path, "good/strike.txt", ARTICLE)
    report = ingest(sqlite_store, [tmp_path], settings, engine="serial")
    assert report.stored == 1 and report.exit_code == 0  # nothing else lost
    assert report.rejected, f"{name} was not rejected"
    assert all(reason in r.reason for r in report.rejected), report.rejected
    assert len(sqlite_store.rejects()) == len(report.rejected)


def test_ingest_rejects_oversized_files(tmp_path, sqlite_store, settings):
    big = "<html><body>" + "<p>" + "word " * 4_000_000 + "</p></body></html>"  # about 20 MB
    write(tmp_path, "huge.html", big)
    write(tmp_path, "strike.txt", ARTICLE)
    report = ingest(sqlite_store, [tmp_path], settings, engine="serial")
    assert report.stored == 1
    assert len(report.rejected) == 1 and "too large" in report.rejected[0].reason
    assert "ingest.max_bytes" in report.rejected[0].reason  # says what to change


def test_ingest_decodes_legacy_encodings():
    text, encoding = decode_bytes("Le président a déclaré « non » à Genève.".encode("cp1252"))
    assert text == "Le président a déclaré « non » à Genève." and encoding != "utf-8"
    assert decode_bytes("ünïcode".encode("utf-16"))[0] == "ünïcode"
    assert decode_bytes(b"\xef\xbb\xbfa\r\nb")[0] == "a\nb"
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"%PDF-1.7 ...")


def test_ingest_nothing_usable_exits_1(tmp_path, sqlite_store, settings):
    write(tmp_path, "empty.txt", b"")
    assert ingest(sqlite_store, [tmp_path], settings, engine="serial").exit_code == 1


def test_ingest_missing_path_is_a_reject():
    items = list(iter_inputs(["/no/such/folder"]))
    assert len(items) == 1 and isinstance(items[0], Rejected) and "no such file" in items[0].reason


@pytest.mark.parametrize("value, expected", [
    ("2020-02-02", "2020-02-02"), ("2020-02-02T10:00:00Z", "2020-02-02T10:00:00+00:00"),
    ("Sun, 02 Feb 2020 10:00:00 GMT", "2020-02-02T10:00:00+00:00"), ("0000-01-01", None),
    ("9999-12-31", None), ("not a date", None), ("", None), (None, None),
])
def test_ingest_normalizes_metadata_dates(value, expected):
    assert normalize_date(value) == expected
