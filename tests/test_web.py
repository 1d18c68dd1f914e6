"""The web app and HTTP API through FastAPI's TestClient (no server, no browser)."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from storyline import views
from storyline.errors import ConfigError
from storyline.pipeline import analyze
from storyline.settings import load_settings
from storyline.stores.sqlite import SQLiteStore
from storyline.web import create_app
from web_support import HOSTILE, TOKEN, web_db, writable_db  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_app(str(web_db), settings=load_settings(environ={}))) as c:
        yield c


@pytest.fixture
def writer(writable_db):
    app = create_app(str(writable_db), allow_ingest=True, token=TOKEN, settings=load_settings(environ={}))
    with TestClient(app) as c:
        yield c


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def first_storyline_with_briefing(client) -> dict:
    for item in client.get("/api/storylines?limit=200").json()["items"]:
        view = client.get(f"/api/storylines/{item['id']}").json()["storyline"]
        if view["briefing"] and view["briefing"]["sentences"]:
            return view
    pytest.fail("no storyline has a briefing")


# --- listings and items ---------------------------------------------------------------

def test_web_api_lists_storylines_page_by_page(client):
    full = client.get("/api/storylines?limit=200").json()
    assert full["ok"] is True and full["total"] == len(full["items"]) >= 2
    for item in full["items"]:
        assert {"id", "title", "events", "documents", "first_date", "last_date"} <= set(item)
    first = client.get("/api/storylines?limit=1").json()
    assert len(first["items"]) == 1 and first["prev"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert second["offset"] == 1 and second["items"][0]["id"] != first["items"][0]["id"]
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [i["id"] for i in full["items"][:2]]
    beyond = client.get(f"/api/storylines?limit=5&offset={full['total']}").json()
    assert beyond["items"] == [] and beyond["next"] is None
    last_dates = [i["last_date"] or "" for i in full["items"]]
    assert last_dates == sorted(last_dates, reverse=True)  # latest activity first


def test_web_api_storyline_holds_the_export_shapes_and_valid_spans(client):
    view = first_storyline_with_briefing(client)
    assert {"id", "title", "events", "briefing", "quotes", "figures", "entities", "documents", "coverage"} <= set(view)
    for event in view["events"]:
        assert {"id", "title", "documents", "date", "date_confidence", "independent_reports"} <= set(event)
    texts = {}
    for s in view["briefing"]["sentences"]:
        doc = client.get(f"/api/documents/{s['document']}").json()["document"]
        texts[doc["id"]] = doc["text"]
        assert doc["text"][s["start"]:s["end"]] == s["text"]
    for quote in view["quotes"]:
        for m in quote["mentions"]:
            text = texts.get(m["document"]) or client.get(f"/api/documents/{m['document']}").json()["document"]["text"]
            assert 0 <= m["start"] < m["end"] <= len(text)
    assert all("text" not in d for d in view["documents"])
    with_texts = client.get(f"/api/storylines/{view['id']}?texts=true").json()["storyline"]
    assert all(isinstance(d["text"], str) and d["text"] for d in with_texts["documents"])


def test_web_api_filters_events_and_documents(client):
    docs = client.get("/api/documents?limit=200").json()["items"]
    assert all("text" not in d for d in docs)
    outlet = next(d["source"] for d in docs if d["source"] == "Le Quai")
    by_outlet = client.get("/api/documents", params={"outlet": outlet}).json()
    assert by_outlet["total"] >= 1 and all(d["source"] == outlet for d in by_outlet["items"])
    french = client.get("/api/documents", params={"language": "fr"}).json()["items"]
    assert "harbour-fr" in {d["id"] for d in french} and all(d["language"] == "fr" for d in french)
    dated = client.get("/api/documents", params={"from": "2024-03-10", "to": "2024-03-15"}).json()["items"]
    assert dated and all("2024-03-10" <= d["published"][:10] <= "2024-03-15" for d in dated)

    events = client.get("/api/events", params={"outlet": outlet}).json()["items"]
    assert events and all(outlet in e["outlet_names"] for e in events)
    since = client.get("/api/events", params={"from": "2024-03-10"}).json()["items"]
    assert since and all(e["date"] >= "2024-03-10" for e in since)
    words = client.get("/api/events", params={"q": "tram university"}).json()["items"]
    tram = next(d for d in docs if d["id"] == "tram-vote")
    assert [e["id"] for e in words] == [tram["event"]]
    stories = client.get("/api/storylines", params={"q": "tram university"}).json()["items"]
    assert [s["id"] for s in stories] == [tram["storyline"]]


def test_web_api_entity_filter_and_entity_item(client):
    entities = client.get("/api/entities", params={"q": "marrin", "limit": 50}).json()
    assert entities["total"] >= 1
    entity = entities["items"][0]
    item = client.get(f"/api/entities/{entity['id']}").json()["entity"]
    assert {"id", "name", "type", "variants", "documents", "document_details", "storylines", "corrections"} <= set(item)
    assert {d["id"] for d in item["document_details"]} <= set(entity["documents"])
    stories = client.get("/api/storylines", params={"entity": entity["id"]}).json()["items"]
    owners = {client.get(f"/api/documents/{d}").json()["document"]["storyline"] for d in entity["documents"]}
    assert stories and {s["id"] for s in stories} == owners
    assert client.get("/api/storylines", params={"entity": "en-nope"}).status_code == 404


def test_web_api_search_gives_snippets_and_metadata(client):
    result = client.get("/api/search", params={"q": "tram"}).json()
    assert result["ok"] and result["total"] is None
    hit = result["items"][0]
    assert hit["document"] == "tram-vote" and "[[" in hit["snippet"] and hit["source"] is None
    assert client.get("/api/search", params={"q": '"unterminated'}).status_code == 200
    assert client.get("/api/search", params={"q": "AND OR NOT ("}).json()["items"] == []


def test_web_api_document_carries_body_removed_spans_and_versions(client):
    doc = client.get("/api/documents/harbour-a").json()["document"]
    assert {"text", "body", "removed", "versions", "entities", "quotes", "figures", "dates", "flags"} <= set(doc)
    for span in doc["removed"]:
        assert 0 <= span["start"] < span["end"] <= len(doc["body"])
    assert "Read also" not in doc["text"]
    assert any("Read also" in doc["body"][r["start"]:r["end"]] for r in doc["removed"])
    assert doc["versions"][0]["version"] == 1 and doc["current"] is True


def test_web_api_quotes_and_figures_lists(client):
    quotes = client.get("/api/quotes?limit=2").json()
    assert quotes["ok"] and quotes["total"] >= 1 and len(quotes["items"]) <= 2
    one = client.get(f"/api/quotes/{quotes['items'][0]['id']}").json()
    assert one["quote"]["id"] == quotes["items"][0]["id"]
    assert client.get("/api/figures").json()["ok"] is True
    assert client.get("/api/quotes/q-missing").status_code == 404


# --- errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("url, status", [
    ("/api/storylines/sl-missing", 404), ("/api/events/ev-missing", 404), ("/api/documents/missing", 404),
    ("/api/entities/en-missing", 404), ("/api/no-such-route", 404),
    ("/api/storylines?limit=0", 422), ("/api/storylines?limit=100000", 422), ("/api/events?offset=-1", 422),
    ("/api/documents?from=yesterday", 422), ("/api/documents?to=2024-13-45", 422), ("/api/search", 422),
    ("/api/documents/harbour-a?version=0", 422), ("/api/documents/harbour-a?version=99", 404),
])
def test_web_api_bad_requests_get_clear_json_errors(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    assert "Traceback" not in response.text


def test_web_pages_errors_are_pages(client):
    response = client.get("/storylines/sl-missing")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "no storyline" in response.text and "Traceback" not in response.text
    bad = client.get("/documents/harbour-a?version=abc")
    assert bad.status_code == 422 and "<h1>Bad parameters</h1>" in bad.text


def test_web_api_write_methods_are_refused_when_read_only(client):
    response = client.post("/api/documents", content=b'{"id": "x", "text": "hello there"}',
                           headers={"content-type": "application/x-ndjson", **auth()})
    assert response.status_code == 403 and "--allow-ingest" in response.json()["error"]
    assert client.post("/api/entities/en-x/aliases", json={"action": "merge", "variant": "A"}).status_code == 403
    assert client.delete("/api/documents/harbour-a").status_code == 405


# --- security ---------------------------------------------------------------------------

def test_web_pages_send_security_headers(client):
    for url in ("/", "/api/storylines", "/static/style.css", "/docs"):
        headers = client.get(url).headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
    assert "unsafe-inline" not in client.get("/").headers["content-security-policy"]


def _hostile_pages(client) -> dict[str, str]:
    doc = client.get("/api/documents/hostile-1").json()["document"]
    pages = {"document": f"/documents/hostile-1", "search": "/search?q=Brenna+harbour+board",
             "storyline": f"/storylines/{doc['storyline']}", "event": f"/events/{doc['event']}",
             "report": f"/storylines/{doc['storyline']}/report", "home": "/?limit=200",
             "outlet": "/search?outlet=" + HOSTILE["source"]}
    return {name: client.get(url).text for name, url in pages.items()}


def test_web_pages_escape_hostile_article_text_and_metadata(client):
    for name, page in _hostile_pages(client).items():
        for needle in ("<script>window", "<img src=x", "<svg onload", "<iframe", "onerror=\"window",
                       'href="javascript:', "href='javascript:"):
            assert needle not in page, f"{name} page contains {needle!r}"
        inline = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S) if s[1].strip()]
        if name == "report":
            assert len(inline) == 1 and "window.__xss" not in inline[0][1]
        else:
            assert inline == [], f"{name} page has inline script"
    document = _hostile_pages(client)["document"]
    assert str(escape(HOSTILE["title"])) in document  # shown as text, escaped
    assert "javascript:window.__xss=5" in document and 'class="unsafe-url"' in document


def test_web_document_page_highlights_the_cited_span(client):
    doc = client.get("/api/documents/unicode-1").json()["document"]
    start = doc["text"].index("“Ærø”")
    end = doc["text"].index(".", start) + 1
    page = client.get(f"/documents/unicode-1?hl={start}-{end}").text
    marked = re.findall(r'<mark class="[^"]*hl[^"]*"[^>]*>(.*?)</mark>', page, re.S)
    assert html.unescape("".join(marked)) == doc["text"][start:end]
    assert 'id="hl"' in page
    for hl in (f"{end}-{start}", "0-999999", "x-y", "-1-3"):
        response = client.get("/documents/unicode-1", params={"hl": hl})
        assert response.status_code == 200 and 'id="hl"' not in response.text


def test_web_document_page_shows_removed_boilerplate_behind_a_toggle(client):
    page = client.get("/documents/harbour-a").text
    assert 'id="show-removed"' in page and 'class="doc-text body-text"' in page
    removed = [html.unescape(r) for r in re.findall(r'<del class="removed"[^>]*>(.*?)</del>', page, re.S)]
    assert any("Read also" in r for r in removed)
    clean = re.search(r'<article class="doc-text clean-text"[^>]*>(.*?)</article>', page, re.S).group(1)
    assert "Read also" not in html.unescape(clean)


def test_web_pages_render(client):
    view = first_storyline_with_briefing(client)
    pages = {"/": "Latest storylines", f"/storylines/{view['id']}": "Timeline", "/search?q=crane": "Search",
             f"/events/{view['events'][0]['id']}": "Articles", "/search": "Search",
             "/docs": "swagger-ui"}
    for url, marker in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert marker in response.text, url
    story = client.get(f"/storylines/{view['id']}").text
    assert "<svg" in story and 'class="cite"' in story and "independent report" in story
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_web_home_filters_and_pages(client):
    page = client.get("/", params={"language": "fr"}).text
    items, total = views.list_storylines(SQLiteStore(client.app.state.web.store_url), language="fr", limit=None)
    assert total == len(items) >= 1
    assert f"in {total} storyline" in page
    assert client.get("/", params={"from": "not-a-date"}).status_code == 422


# --- writes ------------------------------------------------------------------------------

def test_web_ingest_needs_the_token(writer):
    body = b'{"id": "up-1", "title": "Upload", "text": "The Brenna ferry resumed its crossings on Friday."}\n'
    headers = {"content-type": "application/x-ndjson"}
    assert writer.post("/api/documents", content=body, headers=headers).status_code == 401
    wrong = writer.post("/api/documents", content=body, headers={**headers, **auth("nope")})
    assert wrong.status_code == 401 and wrong.json()["ok"] is False
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert writer.get("/api/documents/up-1").status_code == 404


def test_web_ingest_by_jsonl_and_files(writer):
    body = (b'{"id": "up-1", "title": "Upload", "text": "The Brenna ferry resumed its crossings on Friday '
            b'after a storm."}\n{"id": "bad"}\n')
    result = writer.post("/api/documents", content=body,
                         headers={"content-type": "application/x-ndjson", **auth()}).json()
    assert result["ok"] and result["stored"] == 1 and len(result["rejected"]) == 1
    assert "/tmp" not in result["rejected"][0]["origin"] and "neither" in result["rejected"][0]["reason"]
    again = writer.post("/api/documents", content=body, headers={"content-type": "application/x-ndjson", **auth()})
    assert again.json()["unchanged"] == 1
    files = [("files", ("../../etc/new-doc.txt", b"Ferry returns\n\nThe ferry to Brenna island returned.", "text/plain")),
             ("files", ("page.html", b"<html><body><article><p>The Brenna lighthouse reopened on Sunday "
                                     b"after a two-year restoration, the harbour board said.</p></article></body></html>",
                        "text/html"))]
    uploaded = writer.post("/api/documents", files=files, headers=auth()).json()
    assert uploaded["stored"] + len(uploaded["rejected"]) == 2 and uploaded["stored"] >= 1
    assert writer.get("/api/documents/new-doc").json()["document"]["title"]
    assert writer.get("/api/search", params={"q": "ferry crossings"}).json()["items"][0]["document"] == "up-1"
    nothing = writer.post("/api/documents", content=b"not json at all\n",
                          headers={"content-type": "application/x-ndjson", **auth()})
    assert nothing.status_code == 422 and "nothing could be ingested" in nothing.json()["error"]
    odd = writer.post("/api/documents", content=b"x", headers={"content-type": "image/png", **auth()})
    assert odd.status_code == 415


def test_web_upload_over_the_size_limit_is_413(writable_db):
    app = create_app(str(writable_db), allow_ingest=True, token=TOKEN, max_upload_bytes=1000)
    with TestClient(app) as c:
        big = b'{"id": "big", "text": "' + b"x" * 2000 + b'"}\n'
        response = c.post("/api/documents", content=big, headers={"content-type": "application/x-ndjson", **auth()})
        assert response.status_code == 413 and response.json()["status"] == 413

        def chunks():  # no Content-Length: counted while read
            for _ in range(5):
                yield b"y" * 400

        chunked = c.post("/api/documents", content=chunks(), headers={"content-type": "application/x-ndjson", **auth()})
        assert chunked.status_code == 413
        small = c.post("/api/documents", content=b'{"id": "s", "text": "A small note about the harbour."}',
                       headers={"content-type": "application/x-ndjson", **auth()})
        assert small.status_code == 200


def test_web_alias_corrections_need_the_token_and_are_recorded(writer):
    entity = writer.get("/api/entities", params={"q": "marrin"}).json()["items"][0]
    url = f"/api/entities/{entity['id']}/aliases"
    assert writer.post(url, json={"action": "merge", "variant": "I. Marrin"}).status_code == 401
    assert writer.post(url, json={"action": "shout", "variant": "I. Marrin"}, headers=auth()).status_code == 422
    done = writer.post(url, json={"action": "merge", "variant": "I. Marrin"}, headers=auth()).json()
    assert done["correction"]["canonical"] == entity["name"] and done["correction"]["action"] == "merge"
    item = writer.get(f"/api/entities/{entity['id']}").json()["entity"]
    assert [c["variant"] for c in item["corrections"]] == ["I. Marrin"]
    page = writer.get(f"/entities/{entity['id']}").text
    assert 'name="token"' in page and "I. Marrin" in page
    form = writer.post(f"/entities/{entity['id']}/aliases", data={"action": "veto", "variant": "I. Marrin",
                                                                   "token": TOKEN}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"].endswith("done=veto")
    refused = writer.post(f"/entities/{entity['id']}/aliases", data={"action": "veto", "variant": "X", "token": "no"})
    assert refused.status_code == 401 and "text/html" in refused.headers["content-type"]
    actions = [c["action"] for c in writer.get(f"/api/entities/{entity['id']}").json()["entity"]["corrections"]]
    assert actions == ["veto"]  # the same pair keeps one record; the latest action wins


def test_web_create_app_refuses_ingest_without_token(web_db):
    with pytest.raises(ConfigError):
        create_app(str(web_db), allow_ingest=True)


# --- views used by the pages ------------------------------------------------------------

def test_web_views_freshness_follows_the_pipeline(writable_db):
    settings = load_settings(environ={})
    with SQLiteStore(writable_db) as store:
        doc = store.get_document("harbour-a")
        assert views.storyline_is_fresh(store, settings, doc.storyline)
        doc.event = "ev-moved-for-test"  # as if the events stage split the event
        store.put_records("event", [{"id": doc.event, "storyline": doc.storyline, "title": doc.title}])
        store.update_documents([doc], ("event",))
        assert not views.storyline_is_fresh(store, settings, doc.storyline)
        analyze(store, settings, storylines=[doc.storyline])
        assert views.storyline_is_fresh(store, settings, doc.storyline)
        other = load_settings(environ={}, overrides={"briefing.sentences": 3})
        assert not views.storyline_is_fresh(store, other, doc.storyline)


def test_web_storyline_detail_matches_storyline_view(web_db):
    settings = load_settings(environ={})
    with SQLiteStore(web_db) as store:
        for item in views.storylines(store):
            slow = views.storyline_view(store, item["id"], settings)
            fast = views.storyline_detail(store, item["id"], settings)
            for key in ("id", "title", "events", "briefing", "quotes", "figures", "coverage"):
                assert fast[key] == slow[key], key
            assert [d["id"] for d in fast["documents"]] == [d["id"] for d in slow["documents"]]


def test_web_listing_totals_match_the_full_views(web_db):
    with SQLiteStore(web_db) as store:
        every = views.storylines(store)
        items, total = views.list_storylines(store, limit=None)
        assert total == len(every) and {s["id"] for s in items} == {s["id"] for s in every}
        events, total = views.list_events(store, limit=None)
        assert total == sum(len(s["events"]) for s in every) == len(events)
        docs, total = views.list_documents(store, limit=3)
        assert total == store.count_documents() and len(docs) == 3
        assert json.dumps(docs)  # JSON-ready


def test_web_restricted_listings_keep_the_sql_order(web_db):
    with SQLiteStore(web_db) as store:
        events, _ = store.web_events(limit=None)
        assert store.web_events(only={e["id"] for e in events}, limit=None)[0] == events
        stories, total = store.web_storylines(limit=None)
        assert store.web_storylines(only={s["id"] for s in stories}, limit=None) == (stories, total)
        assert [s["id"] for s in store.web_storylines(limit=2, offset=1)[0]] == [s["id"] for s in stories[1:3]]
        docs, total = store.web_documents(limit=None)
        assert store.web_documents(only={d["id"] for d in docs}, limit=None) == (docs, total)


def test_web_serve_refuses_an_unusable_store(runner, tmp_path):
    from storyline.cli import cli

    result = runner.invoke(cli, ["serve", "--db", str(tmp_path / "missing" / "x.db")])
    assert result.exit_code == 1 and "does not exist" in result.stderr and "Traceback" not in result.output
