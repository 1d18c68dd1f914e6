"""Follows and digests: what is new (stored after a date) in followed storylines, entities, searches."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from conftest import write
from storyline.cli import cli
from storyline.digest import digest, parse_since, render_digest
from storyline.errors import ConfigError, NotFound
from storyline.follow import follow, list_follows, unfollow
from storyline.pipeline import ingest
from storyline.settings import load_settings
from storyline.stores import sql
from storyline.stores.sqlite import SQLiteStore

OLD = {
    "strike-a.txt": "Dock strike ends in Port Alder\n\nPORT ALDER — Dock workers returned to work on Monday after "
                    "union leader Mara Okafor accepted a six percent pay rise. \"We got most of what we asked for,\" "
                    "Okafor said. About 1,200 workers had walked out nine days earlier.",
    "tram.txt": "Lindqvist approves tram line\n\nThe Lindqvist city council voted on Tuesday to build a tram line "
                "to the university. The line will cost 240 million euros, the mayor said.",
}
NEW = {
    "strike-b.txt": "Port Alder dockers back at work\n\nWorkers at the Port Alder docks went back on Monday after a "
                    "nine-day strike. Union leader Mara Okafor said the deal was fair. \"This is a good day for every "
                    "docker in Port Alder,\" Mara Okafor said. The harbour authority said 1,500 workers had joined "
                    "the strike.",
    "museum.txt": "Harbour museum <script>alert(1)</script> to open in Port Alder\n\nA maritime museum will open "
                  "next spring in the old customs house, the city said on Friday. Mara Okafor, the union leader, "
                  "welcomed the plan.",
}
BEFORE, AFTER = "2024-01-01T00:00:00+00:00", "2024-06-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def followed(tmp_path_factory):
    """A store with two old articles, three follows, then two articles stored months later."""
    folder = tmp_path_factory.mktemp("digest")
    for name, text in OLD.items():
        write(folder / "old", name, text)
    for name, text in NEW.items():
        write(folder / "new", name, text)
    settings = load_settings(environ={})
    db = folder / "digest.db"
    with pytest.MonkeyPatch.context() as mp, SQLiteStore(db) as store:
        mp.setattr(sql, "now", lambda: BEFORE)
        ingest(store, [str(folder / "old")], settings, engine="serial")
        storyline = store.get_document("strike-a").storyline
        follow(store, "storyline", storyline)
        follow(store, "entity", "mara okafor")
        follow(store, "search", "museum")
        mp.setattr(sql, "now", lambda: AFTER)
        ingest(store, [str(folder / "new")], settings, engine="serial")
        data = digest(store, "2024-03-01", settings)
    return {"db": db, "storyline": storyline, "digest": data, "settings": settings}


def _cited(section):
    return {c["id"] for item in section["items"] for c in item["documents"]}


def test_digest_parse_since_accepts_dates_timestamps_and_ages():
    from datetime import datetime, timezone

    assert parse_since("2025-01-15") == "2025-01-15T00:00:00+00:00"
    assert parse_since("2025-01-15T10:30:00+02:00") == "2025-01-15T08:30:00+00:00"
    assert parse_since("2025-01-15T10:30Z") == "2025-01-15T10:30:00+00:00"
    now = datetime(2025, 1, 15, 12, tzinfo=timezone.utc)
    assert parse_since("2d", now=now) == "2025-01-13T12:00:00+00:00"
    with pytest.raises(ConfigError, match="not a date"):
        parse_since("last tuesday")


def test_digest_follow_validates_and_dedups(sqlite_store):
    with pytest.raises(ConfigError):
        follow(sqlite_store, "planet", "Mars")
    with pytest.raises(ConfigError):
        follow(sqlite_store, "search", "  ")
    with pytest.raises(ConfigError, match="no letters"):
        follow(sqlite_store, "entity", "?!")
    with pytest.raises(NotFound):
        follow(sqlite_store, "storyline", "sl-nope")
    follow(sqlite_store, "entity", "Grace  Okafor")
    follow(sqlite_store, "entity", "GRACE OKAFOR")  # the same person, folded
    assert [(f["kind"], f["target"]) for f in list_follows(sqlite_store)] == [("entity", "Grace Okafor")]
    assert unfollow(sqlite_store, "entity", "grace okafor") == {"kind": "entity", "target": "grace okafor"}
    with pytest.raises(NotFound, match="not following"):
        unfollow(sqlite_store, "entity", "grace okafor")


def test_digest_cites_only_documents_stored_after_the_date(followed):
    data = followed["digest"]
    assert data["since"] == "2024-03-01T00:00:00+00:00" and data["new_documents"] == 2
    storyline, entity, search = data["sections"]
    # The followed storyline is named after its earliest event, which the new (undated, so ordered
    # by id) museum report renamed: the follow resolves through the redirect to the current id.
    with SQLiteStore(followed["db"]) as store:
        current = store.resolve("storyline", followed["storyline"])
    assert storyline["follow"]["kind"] == "storyline" and storyline["storyline"] == current
    for section in data["sections"]:
        for item in section["items"]:
            assert item["documents"], item
            for cite in item["documents"]:
                assert {"id", "source", "published"} <= set(cite)
    # New reports on the strike event cite the new article, never the old one as news.
    events = [i for i in storyline["items"] if i["type"] in ("new_event", "new_reports")]
    assert any("strike-b" in {c["id"] for c in i["documents"]} for i in events)
    assert all(c["id"] != "strike-a" for i in events for c in i["documents"])
    # The entity section lists new quotes by the followed person, spans pointing into the text.
    quotes = [i for i in entity["items"] if i["type"] == "new_quote"]
    assert quotes and all(i["speaker"] == "Mara Okafor" for i in quotes)
    with SQLiteStore(followed["db"]) as store:
        for item in quotes:
            for c in item["documents"]:
                assert item["text"] in store.get_document(c["id"]).text[c["start"]:c["end"]]
    assert "strike-a" not in _cited(entity)
    assert _cited(search) == {"museum"}
    assert search["items"][0]["type"] == "search_hit"


def test_digest_figures_that_now_disagree_show_every_source(followed):
    storyline = followed["digest"]["sections"][0]
    disputes = [i for i in storyline["items"] if i["type"] == "figure_disagreement"]
    if not disputes:
        pytest.skip("the figures stage did not find the 1,200 vs 1,500 dispute in this build")
    cites = disputes[0]["documents"]
    assert {c["id"] for c in cites} >= {"strike-b"} and any(c["new"] for c in cites)
    assert len({c["value"] for c in cites}) > 1


def test_digest_since_after_everything_is_empty(followed):
    with SQLiteStore(followed["db"]) as store:
        data = digest(store, "2030-01-01", followed["settings"])
    assert data["new_documents"] == 0
    assert all(s["items"] == [] for s in data["sections"])
    assert "nothing new" in render_digest(data, "md")


def test_digest_renders_markdown_json_and_escaped_html(followed):
    data = followed["digest"]
    md = render_digest(data, "md")
    assert md.startswith("# storyline digest since 2024-03-01")
    assert "strike-b" in md and "<script>" not in md
    assert json.loads(render_digest(data, "json")) == json.loads(json.dumps(data, default=str))
    html = render_digest(data, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html

    class Tags(HTMLParser):
        seen: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.seen.append(tag)

    parser = Tags()
    parser.feed(html)
    assert "script" not in parser.seen and "section" in parser.seen


def test_cli_follow_unfollow_and_digest(followed, runner, tmp_path):
    db = str(followed["db"])

    def run(*args):
        return runner.invoke(cli, [*args, "--db", db], catch_exceptions=False)

    listed = run("follow", "--list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [f["kind"] for f in json.loads(listed.stdout.splitlines()[-1])] == ["storyline", "entity", "search"]
    result = run("digest", "--since", "2024-03-01")
    assert result.exit_code == 0, result.output
    assert "## Storyline:" in result.stdout and "strike-b" in result.stdout
    target = tmp_path / "digest.html"
    assert run("digest", "--since", "2024-03-01", "--format", "html", "-o", str(target)).exit_code == 0
    assert target.read_text().startswith("<!doctype html>")
    bad = run("digest", "--since", "yesterday-ish")
    assert bad.exit_code == 1 and "not a date" in bad.stderr
    added = run("follow", "search", '"tram line"')
    assert added.exit_code == 0 and "following search" in added.stdout
    assert run("unfollow", "search", '"TRAM LINE"').exit_code == 0
    missing = run("unfollow", "search", '"tram line"')
    assert missing.exit_code == 1 and "not following" in missing.stderr
    usage = run("follow", "entity")
    assert usage.exit_code == 2


def test_digest_figure_is_news_only_when_a_new_report_brings_a_new_value():
    from storyline.digest import _Corpus, _figure_items

    corpus = _Corpus.__new__(_Corpus)
    docs = {i: {"id": i, "source": "S", "published": "2024-01-0" + i[-1], "event": "ev", "storyline": "sl"}
            for i in ("d1", "d2", "d3")}

    def figure(values):
        return {"id": "fig", "what": "workers", "agreement": "disagree",
                "mentions": [{"document": d, "start": 0, "end": 1, "value": v, "unit": None} for d, v in values]}

    def news(new_ids, values):
        corpus.new = {i: docs[i] for i in new_ids}
        corpus._storylines = {"sl": {"documents": docs, "events": [], "quotes": [], "figures": [figure(values)]}}
        return _figure_items(corpus, "sl")

    assert news(["d3"], [("d1", 1200.0), ("d2", 1200.0), ("d3", 1500.0)])  # a new value: now disputed
    assert news(["d3"], [("d1", 1200.0), ("d2", 1500.0), ("d3", 1500.0)]) == []  # an old dispute repeated
    assert news([], [("d1", 1200.0), ("d2", 1500.0)]) == []  # nothing new
    assert news(["d1", "d2"], [("d1", 1200.0), ("d2", 1500.0)])  # all new
