"""Polite, careful HTTP fetching for `storyline watch`.

- Only http(s) URLs, and only to public addresses: every address a host name
  resolves to is checked (and again after each redirect), so a feed cannot point
  us at 127.0.0.1, 10.x, 169.254.169.254 or ::1 unless `allow_private` is set.
- robots.txt is read once per site (cached for a day) and obeyed, Crawl-delay
  included; a missing robots.txt (4xx) allows everything, an unreachable one (5xx,
  network error) allows nothing until the next try, as RFC 9309 says.
- One request at a time per host, `host_delay` seconds apart.
- Timeouts, 5xx and 429 answers are retried with exponential backoff (Retry-After
  honoured); other errors are not.
- Conditional requests: pass the ETag / Last-Modified of the previous answer and
  an unchanged resource comes back as `not_modified` with no body.

Known limit: the address check runs before httpx resolves the name again, so a DNS
answer that changes in between (rebinding) is not caught; fetch hostile feeds
through an egress proxy that enforces the same rule.

Example:
    with Fetcher(user_agent="storyline/0.1") as fetcher:
        page = fetcher.get("https://example.org/feed.xml", etag=previous_etag)
        if not page.not_modified:
            handle(page.content)
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import FetchError

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_BACKOFF = 60.0
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for hours between requests is capped
ROBOTS_TTL = 86_400.0
ROBOTS_RETRY = 300.0  # after robots.txt was unreachable, try it again this much later


@dataclass
class Response:
    """A fetched resource; `not_modified` when the server answered 304."""

    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_url(url: str, *, allow_private: bool = False,
              resolve: Callable[..., list] = socket.getaddrinfo) -> None:
    """Refuse URLs we must not fetch: not http(s), no host, or a host with any
    non-public address (private, loopback, link-local, multicast, reserved).

    Raises:
        FetchError: with the reason.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(url, f"malformed URL ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(url, f"only http and https URLs are fetched, not {parts.scheme or 'a scheme-less path'}")
    host = parts.hostname
    if not host:
        raise FetchError(url, "the URL has no host")
    if allow_private:
        return
    try:
        infos = resolve(host, port or (443 if parts.scheme.lower() == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host}: {exc}") from exc
    if not infos:
        raise FetchError(url, f"host {host} has no address")
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise FetchError(url, f"host {host} resolves to the non-public address {address}; "
                                  "pass --allow-private to fetch from private networks")


class Fetcher:
    """Fetches URLs politely (see the module docstring); reuse one for many URLs.

    Args:
        user_agent: sent with every request; its first word is the robots.txt agent.
        host_delay: seconds between two requests to one host.
        retries: further attempts after a timeout or a 5xx/429 answer.
        backoff: seconds before the first retry, doubled for each next one.
        timeout: seconds for connecting and for each read.
        max_bytes: larger answers are refused.
        allow_private: fetch from private/loopback addresses too (tests, intranets).
        robots: obey robots.txt.
        transport: an httpx transport (tests use httpx.MockTransport).
    """

    def __init__(self, *, user_agent: str = "storyline", host_delay: float = 1.0, retries: int = 3,
                 backoff: float = 1.0, timeout: float = 20.0, max_bytes: int = 10_000_000,
                 allow_private: bool = False, robots: bool = True, transport: httpx.BaseTransport | None = None,
                 resolve: Callable[..., list] = socket.getaddrinfo,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.user_agent = user_agent
        self.host_delay = host_delay
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.robots = robots
        self._resolve = resolve
        self._sleep = sleep
        self._clock = clock
        self._last_at: dict[str, float] = {}  # host -> when its last request started
        self._crawl_delay: dict[str, float] = {}
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser, float]] = {}
        # Redirects are followed by hand so each hop passes check_url and robots.txt.
        self.client = httpx.Client(headers={"User-Agent": user_agent}, timeout=timeout,
                                   follow_redirects=False, transport=transport)

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "Fetcher":
        """A Fetcher configured by the `watch.*` and `ingest.max_bytes` settings."""
        options = dict(user_agent=settings.watch.user_agent, host_delay=settings.watch.host_delay,
                       retries=settings.watch.retries, backoff=settings.watch.backoff,
                       timeout=settings.watch.timeout, max_bytes=settings.ingest.max_bytes)
        options.update(overrides)
        return cls(**options)

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # public --------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """Fetch `url` (conditionally when a validator is given).

        Raises:
            FetchError: refused by policy or robots.txt, an HTTP error status, too large,
                or the network failed on every attempt.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        status, response_headers, body, final = self._follow(url, headers, robots=self.robots)
        if status == 304:
            return Response(final, 304, b"", "", etag, last_modified)
        if not 200 <= status < 300:
            raise FetchError(url, f"HTTP {status}" + (f" (at {final})" if final != url else ""))
        return Response(final, status, body, response_headers.get("content-type", ""),
                        response_headers.get("etag"), response_headers.get("last-modified"))

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch `url` (fetching robots.txt if needed)."""
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        cached = self._robots.get(site)
        if cached is None or cached[1] <= self._clock():
            cached = self._robots[site] = self._read_robots(site)
        return cached[0].can_fetch(self.user_agent, url)

    # internals -----------------------------------------------------------------
    def _follow(self, url: str, headers: dict[str, str], *, robots: bool) -> tuple[int, httpx.Headers, bytes, str]:
        """GET with redirects followed by hand, each hop checked."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            check_url(current, allow_private=self.allow_private, resolve=self._resolve)
            if robots and not self.allowed(current):
                raise FetchError(url, f"robots.txt of {urlsplit(current).netloc} disallows {current}")
            status, response_headers, body = self._request(current, headers)
            if status in REDIRECT_STATUS:
                location = response_headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {status} redirect without a Location")
                current = urljoin(current, location)
                continue
            return status, response_headers, body, current
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        """One GET with per-host spacing and retries; the body is capped at max_bytes."""
        host = (urlsplit(url).hostname or "").lower()
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    if response.status_code in RETRY_STATUS and attempt < self.retries:
                        self._sleep(self._retry_delay(attempt, response.headers.get("retry-after")))
                        continue
                    return response.status_code, response.headers, self._read_capped(url, response)
            except httpx.TimeoutException as exc:
                problem = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:
                problem = f"network error: {exc or type(exc).__name__}"
            except httpx.HTTPError as exc:  # e.g. a broken content encoding
                raise FetchError(url, f"bad HTTP answer: {exc}") from exc
            if attempt == self.retries:
                raise FetchError(url, f"{problem} after {attempt + 1} attempts")
            self._sleep(self._retry_delay(attempt, None))
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"too large ({int(declared) / 1e6:.1f} MB > {self.max_bytes / 1e6:.1f} MB)")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, f"too large (more than {self.max_bytes / 1e6:.1f} MB)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _retry_delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff * (2 ** attempt)
        if retry_after:
            delay = max(delay, _parse_retry_after(retry_after))
        return min(delay, MAX_BACKOFF)

    def _wait_turn(self, host: str) -> None:
        now = self._clock()
        last = self._last_at.get(host)
        if last is not None:
            wait = last + max(self.host_delay, self._crawl_delay.get(host, 0.0)) - now
            if wait > 0:
                self._sleep(wait)
                now += wait
        self._last_at[host] = now

    def _read_robots(self, site: str) -> tuple[urllib.robotparser.RobotFileParser, float]:
        parser = urllib.robotparser.RobotFileParser(site + "/robots.txt")
        try:
            status, _, body, _ = self._follow(site + "/robots.txt", {}, robots=False)
        except FetchError:
            status, body = 503, b""
        if 200 <= status < 300:
            parser.parse(body.decode("utf-8", "replace").splitlines())
            delay = parser.crawl_delay(self.user_agent)
            if delay:
                self._crawl_delay[(urlsplit(site).hostname or "").lower()] = min(float(delay), MAX_CRAWL_DELAY)
            return parser, self._clock() + ROBOTS_TTL
        if 400 <= status < 500:
            parser.allow_all = True  # no robots.txt: everything is allowed
            return parser, self._clock() + ROBOTS_TTL
        parser.disallow_all = True  # unreachable: assume nothing is allowed, ask again later
        return parser, self._clock() + ROBOTS_RETRY


def _parse_retry_after(value: str) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())
