"""watch and fetch: live feeds served by a local HTTP server on 127.0.0.1 that change between polls."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from conftest import write
from storyline.errors import FetchError, InputError
from storyline.fetch import Fetcher, check_url
from storyline.settings import load_settings
from storyline.watch import STATE_NS, poll, read_sources, watch

pytestmark = pytest.mark.issue(9)

PARAGRAPH = ("The harbour authority of Kelmouth said on {day} that dock workers had agreed to a new wage deal "
             "after {n} days of talks, ending a strike that had stranded dozens of ships. Union leaders called "
             "the agreement fair and said members would vote on it next week. Shipping firms welcomed the news.")


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    fail: list[int] = field(default_factory=list)  # statuses to answer first, one per request
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    """A tiny site whose routes tests change between polls; it logs every request."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[float, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.log.append((time.monotonic(), self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    return self._send(404, b"not found", "text/plain")
                if route.fail:
                    return self._send(route.fail.pop(0), b"busy", "text/plain", route.headers)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    return self._send(304, b"", None)
                if route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                    return self._send(304, b"", None)
                extra = {k: v for k, v in (("ETag", route.etag), ("Last-Modified", route.last_modified)) if v}
                return self._send(200, route.body, route.content_type, {**extra, **route.headers})

            def _send(self, status, body, content_type, headers=None):
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> list[dict[str, str]]:
        return [headers for _, p, headers in self.log if p == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    site = FeedServer()
    yield site
    site.close()


@pytest.fixture
def fast_settings():
    return load_settings(environ={}, overrides={"watch.host_delay": 0, "watch.backoff": 0.01, "watch.timeout": 5})


def rss(entries: list[tuple[str, str]]) -> bytes:
    """An RSS feed with one item per (guid, title); each item carries a full article."""
    items = "".join(
        f"<item><title>{title}</title><link>https://kelmouth.example/{guid}</link><guid>{guid}</guid>"
        f"<pubDate>Mon, 0{i + 1} Apr 2024 10:00:00 +0000</pubDate>"
        f"<description><![CDATA[<p>{PARAGRAPH.format(day='Monday', n=i + 3)} {title}.</p>]]></description></item>"
        for i, (guid, title) in enumerate(entries))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kelmouth Herald</title>'
            f"<link>https://kelmouth.example/</link>{items}</channel></rss>").encode()


def page(title: str) -> bytes:
    body = "".join(f"<p>{PARAGRAPH.format(day=d, n=i + 2)}</p>" for i, d in enumerate(["Monday", "Tuesday", "Friday"]))
    return (f"<html><head><title>{title}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode()


def test_watch_ingests_new_feed_entries_incrementally(server, sqlite_store, fast_settings):
    server.routes["/feed.xml"] = Route(rss([("e1", "Strike ends"), ("e2", "Ships leave port")]),
                                       "application/rss+xml", etag='"v1"')
    url = server.url("/feed.xml")
    first = poll(sqlite_store, [url], fast_settings, allow_private=True)
    assert (first.ingest.stored, first.sources[0].kind, first.sources[0].items) == (2, "feed", 2)
    doc = sqlite_store.get_document("e1")
    assert doc.url == "https://kelmouth.example/e1" and doc.source == "Kelmouth Herald" and doc.fetched_at
    assert sqlite_store.get_state(STATE_NS, url)["etag"] == '"v1"'

    second = poll(sqlite_store, [url], fast_settings, allow_private=True)  # a new fetcher: state from the store
    assert server.requests("/feed.xml")[-1].get("If-None-Match") == '"v1"'
    assert second.sources[0].status == "not_modified" and second.ingest.stored == 0

    server.routes["/feed.xml"] = Route(rss([("e1", "Strike ends"), ("e2", "Ships leave port"), ("e3", "Vote set")]),
                                       "application/rss+xml", etag='"v2"')
    third = poll(sqlite_store, [url], fast_settings, allow_private=True)
    assert (third.ingest.stored, third.ingest.unchanged, third.ingest.versions) == (1, 2, 0)
    assert sqlite_store.document_ids() == ["e1", "e2", "e3"]


def test_watch_article_page_is_an_html_document_with_url_and_fetched_at(server, sqlite_store, fast_settings):
    stamp = formatdate(usegmt=True)
    server.routes["/news/strike-ends"] = Route(page("Kelmouth strike ends"), last_modified=stamp)
    url = server.url("/news/strike-ends")
    report = poll(sqlite_store, [url], fast_settings, allow_private=True)
    assert report.ingest.stored == 1 and report.sources[0].kind == "page"
    [doc] = list(sqlite_store.iter_documents())
    assert (doc.url, doc.format, doc.title) == (url, "html", "Kelmouth strike ends")
    assert doc.fetched_at and "wage deal" in doc.text and "Home | World" not in doc.text
    again = poll(sqlite_store, [url], fast_settings, allow_private=True)
    assert server.requests("/news/strike-ends")[-1].get("If-Modified-Since") == stamp
    assert again.sources[0].status == "not_modified"


def test_watch_retries_server_errors_with_backoff(server, sqlite_store):
    server.routes["/feed.xml"] = Route(rss([("e1", "Strike ends")]), "application/rss+xml", fail=[503, 502])
    sleeps: list[float] = []
    fetcher = Fetcher(host_delay=0, backoff=0.5, allow_private=True, sleep=sleeps.append)
    report = poll(sqlite_store, [server.url("/feed.xml")], fetcher=fetcher)
    assert report.ingest.stored == 1 and len(server.requests("/feed.xml")) == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff


def test_watch_honours_retry_after_and_gives_up_after_retries(server, sqlite_store):
    server.routes["/busy"] = Route(b"", fail=[429, 429, 429, 429], headers={"Retry-After": "7"})
    sleeps: list[float] = []
    fetcher = Fetcher(host_delay=0, backoff=0.5, retries=2, allow_private=True, sleep=sleeps.append)
    with pytest.raises(FetchError, match="HTTP 429"):
        fetcher.get(server.url("/busy"))
    assert sleeps == [7.0, 7.0] and len(server.requests("/busy")) == 3


def test_watch_failing_source_does_not_stop_the_others(server, sqlite_store, fast_settings):
    server.routes["/feed.xml"] = Route(rss([("e1", "Strike ends")]), "application/rss+xml")
    server.routes["/broken"] = Route(b"", fail=[500] * 20)
    urls = [server.url("/broken"), server.url("/missing"), server.url("/feed.xml")]
    errors: list[tuple[str, str]] = []
    for _ in range(2):
        report = poll(sqlite_store, urls, fast_settings, allow_private=True, on_error=lambda u, r: errors.append((u, r)))
    # no validators on this feed: fetched again, its entry already stored
    assert [s.status for s in report.sources] == ["failed", "failed", "fetched"] and report.ingest.unchanged == 1
    assert sqlite_store.document_ids() == ["e1"] and report.exit_code == 0
    assert errors[0] == (urls[0], "HTTP 500") and errors[1] == (urls[1], "HTTP 404")
    assert len(sqlite_store.problems()) == 2  # one per failing source, not one per poll


def test_watch_obeys_robots_txt_and_its_crawl_delay(server, sqlite_store):
    server.routes["/robots.txt"] = Route(b"User-agent: storyline\nDisallow: /private/\nCrawl-delay: 3\n",
                                         "text/plain")
    server.routes["/private/memo"] = Route(page("Internal memo"))
    server.routes["/news/a"] = Route(page("Kelmouth strike ends"))
    server.routes["/news/b"] = Route(page("Ships leave Kelmouth"))
    sleeps: list[float] = []
    now = [0.0]
    fetcher = Fetcher(user_agent="storyline/0.1", host_delay=0.5, allow_private=True,
                      sleep=lambda s: (sleeps.append(s), now.__setitem__(0, now[0] + s)), clock=lambda: now[0])
    report = poll(sqlite_store, [server.url("/private/memo"), server.url("/news/a"), server.url("/news/b")],
                  fetcher=fetcher)
    assert "robots.txt" in report.sources[0].error and "disallows" in report.sources[0].error
    assert server.requests("/private/memo") == [] and len(server.requests("/robots.txt")) == 1
    assert report.ingest.stored == 2
    assert sleeps and all(s == pytest.approx(3.0) for s in sleeps)  # Crawl-delay beats host_delay


def test_watch_spaces_requests_to_one_host(server, sqlite_store):
    for name in "abc":
        server.routes[f"/news/{name}"] = Route(page(f"Story {name}"))
    fetcher = Fetcher(host_delay=0.3, allow_private=True, robots=False)
    poll(sqlite_store, [server.url(f"/news/{n}") for n in "abc"], fetcher=fetcher)
    times = [t for t, path, _ in server.log if path.startswith("/news/")]
    assert len(times) == 3 and all(b - a >= 0.28 for a, b in zip(times, times[1:]))


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "only http and https"),
    ("ftp://example.org/feed", "only http and https"),
    ("http:///nohost", "no host"),
    ("http://127.0.0.1:8080/feed", "non-public address 127.0.0.1"),
    ("http://[::1]/feed", "non-public address ::1"),
    ("http://169.254.169.254/latest/meta-data", "non-public address 169.254.169.254"),
    ("http://intranet.example/feed", "non-public address 10.1.2.3"),
    ("http://mixed.example/feed", "non-public address 192.168.0.9"),
    ("http://mapped.example/feed", "non-public address 127.0.0.1"),
    ("http://nowhere.example/feed", "cannot resolve"),
])
def test_fetch_refuses_non_http_and_non_public_addresses(url, reason):
    with pytest.raises(FetchError, match=reason):
        check_url(url, resolve=fake_resolve)


def test_fetch_allows_public_addresses_and_private_ones_when_told():
    check_url("https://news.example/feed.xml", resolve=fake_resolve)
    check_url("http://127.0.0.1:8080/feed", allow_private=True, resolve=fake_resolve)


DNS = {"news.example": ["93.184.216.34"], "intranet.example": ["10.1.2.3"],
       "mixed.example": ["93.184.216.34", "192.168.0.9"], "mapped.example": ["::ffff:127.0.0.1"]}


def fake_resolve(host, port, type=0):
    if host in ("127.0.0.1", "169.254.169.254", "::1"):
        addresses = [host]
    elif host in DNS:
        addresses = DNS[host]
    else:
        raise socket.gaierror(-2, "Name or service not known")
    return [(socket.AF_INET6 if ":" in a else socket.AF_INET, type, 6, "", (a, port)) for a in addresses]


def test_fetch_checks_every_redirect_hop():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": "http://127.0.0.1/admin"})

    fetcher = Fetcher(host_delay=0, transport=httpx.MockTransport(handler), resolve=fake_resolve)
    with pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        fetcher.get("https://news.example/feed.xml")


def test_fetch_refuses_oversized_answers():
    handler = lambda request: httpx.Response(200, content=b"x" * 5000)  # noqa: E731
    fetcher = Fetcher(host_delay=0, max_bytes=1000, robots=False, transport=httpx.MockTransport(handler),
                      resolve=fake_resolve)
    with pytest.raises(FetchError, match="too large"):
        fetcher.get("https://news.example/huge")


def test_fetch_unreachable_robots_txt_allows_nothing_for_now():
    handler = lambda request: httpx.Response(503 if request.url.path == "/robots.txt" else 200)  # noqa: E731
    fetcher = Fetcher(host_delay=0, retries=0, transport=httpx.MockTransport(handler), resolve=fake_resolve)
    with pytest.raises(FetchError, match="robots.txt"):
        fetcher.get("https://news.example/feed.xml")


def test_watch_read_sources_skips_comments_and_repeats(tmp_path):
    path = write(tmp_path, "feeds.txt", "# world news\nhttps://a.example/feed.xml  # main feed\n\n"
                                        "https://b.example/story\nhttps://a.example/feed.xml\n")
    assert read_sources(path) == ["https://a.example/feed.xml", "https://b.example/story"]
    with pytest.raises(InputError, match="cannot read the sources file"):
        read_sources(tmp_path / "missing.txt")


def test_watch_loop_rereads_the_sources_file_until_stopped(server, sqlite_store, fast_settings, tmp_path):
    server.routes["/a"] = Route(page("Kelmouth strike ends"))
    server.routes["/b"] = Route(page("Ships leave Kelmouth"))
    sources = write(tmp_path, "feeds.txt", server.url("/a") + "\n")
    stop = threading.Event()
    reports = []

    def on_poll(report):
        reports.append(report)
        if len(reports) == 1:
            sources.write_text(server.url("/a") + "\n" + server.url("/b") + "\n")
        else:
            stop.set()

    last = watch(sqlite_store, sources, fast_settings, interval=0.05, allow_private=True, stop=stop, on_poll=on_poll)
    assert len(reports) == 2 and last is reports[-1]
    assert [len(r.sources) for r in reports] == [1, 2]
    assert sqlite_store.count_documents() == 2


def test_watch_cli_polls_once(runner, server, tmp_path, monkeypatch):
    from storyline.cli import cli

    monkeypatch.setenv("STORYLINE_WATCH_HOST_DELAY", "0")
    server.routes["/feed.xml"] = Route(rss([("e1", "Strike ends"), ("e2", "Ships leave port")]), "application/rss+xml")
    feeds = write(tmp_path, "feeds.txt", f"{server.url('/feed.xml')}\nfile:///etc/passwd\n")
    db = str(tmp_path / "w.db")
    result = runner.invoke(cli, ["watch", str(feeds), "--once", "--allow-private", "--db", db, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert (data["stored"], data["failed"], data["sources"]) == (2, 1, 2)
    assert "file:///etc/passwd: only http and https" in result.stderr

    refused = runner.invoke(cli, ["watch", str(feeds), "--once", "--db", db])  # 127.0.0.1 without --allow-private
    assert refused.exit_code == 1 and "non-public address 127.0.0.1" in refused.stderr
    missing = runner.invoke(cli, ["watch", str(tmp_path / "nope.txt"), "--once", "--db", db])
    assert missing.exit_code == 1 and "cannot read the sources file" in missing.stderr
