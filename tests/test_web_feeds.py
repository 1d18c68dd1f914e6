"""Atom feeds per storyline, entity and saved search: valid Atom 1.0 (parsed by feedparser), linked from pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline.settings import load_settings
from storyline.stores.sqlite import SQLiteStore
from storyline.web import create_app
from storyline.web.feeds import atom_feed, rfc3339
from web_support import HOSTILE, web_db  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_app(str(web_db), settings=load_settings(environ={}))) as c:
        yield c


def parse(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated and entry.link and entry.summary is not None
    return feed


def alternate_links(html_text: str) -> list[dict[str, str]]:
    class Links(HTMLParser):
        found: list[dict[str, str]] = []

        def handle_starttag(self, tag, attrs):
            if tag == "link" and dict(attrs).get("rel") == "alternate":
                self.found.append(dict(attrs))

    parser = Links()
    parser.found = []
    parser.feed(html_text)
    return parser.found


def test_web_feeds_storyline_feed_lists_its_articles_newest_stored_first(client, web_db):
    with SQLiteStore(web_db) as store:
        storyline = store.get_document("harbour-a").storyline
        members = store.document_summaries(storyline=storyline)
    feed = parse(client.get(f"/storylines/{storyline}/feed.atom"))
    assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == {d["id"] for d in members}
    assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries), reverse=True)
    assert feed.feed.link.endswith(f"/storylines/{storyline}")
    entry = next(e for e in feed.entries if e.link.endswith("/harbour-b"))
    assert entry.title == "Port Brenna cranes idle as pay dispute escalates"
    assert "Coastal Courier" in entry.summary and "2024-03-05" in entry.summary
    assert entry.published.startswith("2024-03-05")


def test_web_feeds_entity_and_search_feeds(client, web_db):
    with SQLiteStore(web_db) as store:
        entity = next(e for e in store.iter_records("entity") if len(e.get("documents", [])) >= 2)
    feed = parse(client.get(f"/entities/{entity['id']}/feed.atom"))
    assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == set(entity["documents"])
    assert entity["name"] in feed.feed.title
    search = parse(client.get("/search/feed.atom", params={"q": "ferry"}))
    assert "unicode-1" in {e.link.rsplit("/", 1)[1] for e in search.entries}
    assert parse(client.get("/search/feed.atom", params={"q": "zzzznothing"})).entries == []


def test_web_feeds_escape_hostile_text(client):
    feed = parse(client.get("/search/feed.atom", params={"q": "Brenna vote"}))
    hostile = [e for e in feed.entries if e.link.endswith("/hostile-1")]
    assert hostile, [e.link for e in feed.entries]
    assert "<script>" in hostile[0].title  # the text survives as text...
    raw = client.get("/search/feed.atom", params={"q": "Brenna vote"}).text
    assert "<script>" not in raw and "&lt;script&gt;" in raw  # ...escaped in the XML


def test_web_feeds_atom_builder_drops_characters_xml_cannot_carry():
    body = atom_feed(feed_id="urn:x", title="bell\x07 and null\x00 <b>", self_url="http://h/f?q=a&b=c",
                     page_url="http://h/", subtitle=None,
                     entries=[{"id": "urn:e", "title": "t\x0b", "updated": "2024-01-01T00:00:00Z",
                               "link": "http://h/d?x=1&y=2", "summary": "s\ufffe"}])
    feed = feedparser.parse(body)
    assert feed.bozo == 0 and feed.feed.title == "bell and null <b>"
    assert feed.entries[0].link == "http://h/d?x=1&y=2"
    assert rfc3339("2024-03-05") == "2024-03-05T00:00:00Z" and rfc3339("soon") is None


def test_web_feeds_are_linked_from_the_pages(client, web_db):
    with SQLiteStore(web_db) as store:
        storyline = store.get_document("harbour-a").storyline
        entity = next(iter(store.iter_records("entity")))
    for page, feed in ((f"/storylines/{storyline}", f"/storylines/{storyline}/feed.atom"),
                       (f"/entities/{entity['id']}", f"/entities/{entity['id']}/feed.atom"),
                       ("/search?q=harbour+%22crane%22", "/search/feed.atom?q=harbour%20%22crane%22")):
        links = alternate_links(client.get(page).text)
        atom = [link for link in links if link.get("type") == "application/atom+xml"]
        assert [link["href"] for link in atom] == [feed], page
        parse(client.get(atom[0]["href"]))
    assert alternate_links(client.get("/search").text) == []


def test_web_feeds_unknown_ids_are_404_and_empty_query_422(client):
    assert client.get("/storylines/sl-nope/feed.atom").status_code == 404
    assert client.get("/entities/nobody-at-all/feed.atom").status_code == 404
    assert client.get("/search/feed.atom?q=").status_code == 422
    assert client.get("/search/feed.atom?q=%20%20").status_code == 422
