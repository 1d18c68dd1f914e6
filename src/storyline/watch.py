"""watch: poll RSS/Atom feeds and article pages, and ingest what is new.

A sources file lists one URL per line (`#` starts a comment). Each poll fetches
every source with a conditional GET (the ETag / Last-Modified of the last answer
live in the store, state namespace "watch", so a restart does not re-download
everything), then runs all new items through the normal ingest pipeline in one
go: a feed gives one document per entry (the same ids and bytes as ingesting the
saved feed file), an article page one HTML document with `url` and `fetched_at`.
An entry already stored is `unchanged`, a changed one becomes a new version, as
with files. A source's validators are saved only after its items are committed,
so a crash mid-poll re-fetches rather than loses items.

Fetching rules (http(s) only, public addresses only unless allowed, robots.txt,
per-host spacing, retries with backoff) are `storyline.fetch.Fetcher`'s.

Example:
    with open_store("news.db") as store, Fetcher.from_settings(settings) as fetcher:
        report = poll(store, read_sources("feeds.txt"), settings, fetcher=fetcher)
        print(report.as_dict())
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from .engines import Engine
from .errors import FetchError, InputError
from .fetch import Fetcher, Response
from .model import Document
from .pipeline import IngestReport, Pipeline, ingest_items
from .settings import Settings, load_settings
from .stages.ingest import Rejected, iter_feed, raw_document, sanitize_id
from .stores.base import Store

STATE_NS = "watch"
DEFAULT_INTERVAL = 300.0
# Feed entries rejected once (no content, ...) are remembered per source so a feed
# that keeps serving them does not add a reject record at every poll.
MAX_REMEMBERED_REJECTS = 1000
FEED_TYPES = ("rss", "atom", "rdf", "xml")


@dataclass
class SourceResult:
    """What one poll did with one source."""

    url: str
    status: str  # "fetched", "not_modified" or "failed"
    kind: str | None = None  # "feed" or "page"
    items: int = 0
    error: str | None = None


@dataclass
class PollReport:
    """One poll over all sources; `ingest` holds the pipeline's counts for the new items."""

    sources: list[SourceResult] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)
    started: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> list[SourceResult]:
        return [s for s in self.sources if s.status == "failed"]

    @property
    def exit_code(self) -> int:
        # 0 when at least one source answered (new items or not modified), 1 when none did.
        return 0 if len(self.failed) < len(self.sources) else 1

    def as_dict(self) -> dict[str, Any]:
        counts = self.ingest.as_dict()
        return {
            "started": self.started, "sources": len(self.sources),
            "fetched": sum(s.status == "fetched" for s in self.sources),
            "not_modified": sum(s.status == "not_modified" for s in self.sources),
            "failed": len(self.failed), "items": sum(s.items for s in self.sources),
            "stored": counts["stored"], "versions": counts["versions"], "unchanged": counts["unchanged"],
            "rejected": counts["rejected"], "problems": counts["problems"], "seconds": round(self.seconds, 3),
            "errors": [{"url": s.url, "error": s.error} for s in self.failed],
        }


def read_sources(path: str | Path) -> list[str]:
    """The URLs in a sources file: one per line, blank lines and `#` comments skipped,
    duplicates dropped (first kept).

    Raises:
        InputError: the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(str(path), f"cannot read the sources file: {exc.strerror or exc}") from exc
    urls: list[str] = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#") and line not in urls:
            urls.append(line)
    return urls


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _is_feed(response: Response) -> bool:
    content_type = response.content_type.split(";", 1)[0].strip().lower()
    head = response.content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(t in content_type for t in ("rss", "atom")):
        return True
    if content_type.endswith("html"):
        return False
    return head.startswith(b"<?xml") and any(tag in response.content[:4096].lower()
                                             for tag in (b"<rss", b"<feed", b"<rdf"))


def _items(url: str, response: Response, fetched_at: str, known_rejects: set[str]
           ) -> tuple[str, list[Document | Rejected]]:
    """The raw documents a fetched source holds: feed entries, or the page itself."""
    if _is_feed(response):
        items: list[Document | Rejected] = []
        for item in iter_feed(response.content, url):
            if isinstance(item, Rejected):
                if f"{item.doc_id}:{item.reason}" not in known_rejects:
                    items.append(item)
                continue
            item.extra["record"]["fetched_at"] = fetched_at  # not in raw: re-polls stay no-ops
            items.append(item)
        return "feed", items
    content_type = response.content_type.split(";", 1)[0].strip().lower()
    fmt = "text" if content_type == "text/plain" else "html"
    doc = raw_document(sanitize_id(url), response.content, url, fmt)
    doc.url, doc.fetched_at = response.url, fetched_at
    return "page", [doc]


def poll(store: Store, urls: Iterable[str], settings: Settings | None = None, *,
         fetcher: Fetcher | None = None, engine: Engine | str | None = "serial",
         pipeline: Pipeline | None = None, allow_private: bool = False,
         on_reject: Callable[[Rejected], None] | None = None,
         on_warning: Callable[[str], None] | None = None,
         on_error: Callable[[str, str], None] | None = None) -> PollReport:
    """Fetch every source once and ingest its new items.

    Args:
        store: an open store.
        urls: feed or article URLs.
        settings: resolved settings (defaults when None).
        fetcher: reuse one across polls (host spacing and robots.txt are remembered);
            default: one from the settings, closed afterwards.
        engine: where the per-document stages run (as for `ingest`).
        pipeline: reuse one across polls, so batch stages keep their caches.
        allow_private: with the default fetcher, also fetch from private addresses.
        on_error: called as on_error(url, reason) for each source that failed.

    Returns:
        PollReport; sources that failed carry the reason, and the others still ran.
    """
    settings = settings or (pipeline.settings if pipeline else load_settings())
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher.from_settings(settings, allow_private=allow_private)
    report = PollReport(started=_now())
    started = time.perf_counter()
    items: list[Document | Rejected] = []
    updates: dict[str, dict[str, Any]] = {}
    try:
        states = store.get_states(STATE_NS, list(urls := list(dict.fromkeys(urls))))
        for url in urls:
            state = dict(states.get(url) or {})
            result = SourceResult(url, "failed")
            report.sources.append(result)
            try:
                response = fetcher.get(url, etag=state.get("etag"), last_modified=state.get("last_modified"))
            except FetchError as exc:
                result.error = exc.reason
                if on_error:
                    on_error(url, exc.reason)
                if state.get("error") != exc.reason:  # a problem record when it starts or changes
                    store.put_problem("watch", None, "FetchError", f"{url}: {exc.reason}"[:500])
                updates[url] = {**state, "error": exc.reason, "checked_at": report.started}
                continue
            state.update(checked_at=report.started, error=None)
            if response.not_modified:
                result.status = "not_modified"
                updates[url] = state
                continue
            known = set(state.get("rejected") or [])
            result.kind, found = _items(url, response, report.started, known)
            result.status, result.items = "fetched", len(found)
            rejected = [f"{i.doc_id}:{i.reason}" for i in found if isinstance(i, Rejected)]
            state.update(etag=response.etag, last_modified=response.last_modified, kind=result.kind,
                         rejected=(list(known) + rejected)[-MAX_REMEMBERED_REJECTS:])
            updates[url] = state
            items.extend(found)
    finally:
        if own_fetcher:
            fetcher.close()
    if items:
        report.ingest = ingest_items(store, items, settings, engine=engine, pipeline=pipeline,
                                     on_reject=on_reject, on_warning=on_warning)
    # Only now: validators saved before the items were stored could lose them on a crash.
    if updates:
        store.put_state(STATE_NS, updates)
    report.seconds = time.perf_counter() - started
    return report


def watch(store: Store, sources: str | Path | list[str], settings: Settings | None = None, *,
          interval: float = DEFAULT_INTERVAL, once: bool = False, allow_private: bool = False,
          engine: Engine | str | None = "serial", fetcher: Fetcher | None = None,
          stop: threading.Event | None = None, on_poll: Callable[[PollReport], None] | None = None,
          on_reject: Callable[[Rejected], None] | None = None,
          on_warning: Callable[[str], None] | None = None,
          on_error: Callable[[str, str], None] | None = None) -> PollReport:
    """Poll the sources every `interval` seconds (start to start) until `stop` is set,
    or once. A sources *file* is re-read before each poll, so edits apply without a restart.

    Returns:
        The last poll's report.

    Raises:
        InputError: the sources file cannot be read at the first poll.
    """
    settings = settings or load_settings()
    stop = stop or threading.Event()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher.from_settings(settings, allow_private=allow_private)
    pipeline = Pipeline(settings)
    urls: list[str] = []
    report = PollReport()
    try:
        while True:
            began = time.monotonic()
            if isinstance(sources, (str, Path)):
                try:
                    urls = read_sources(sources)
                except InputError as exc:
                    if not urls:
                        raise
                    if on_warning:
                        on_warning(f"{exc}; polling the previous list again")
            else:
                urls = list(sources)
            report = poll(store, urls, settings, fetcher=fetcher, engine=engine, pipeline=pipeline,
                          on_reject=on_reject, on_warning=on_warning, on_error=on_error)
            if on_poll:
                on_poll(report)
            if once or stop.wait(max(0.0, interval - (time.monotonic() - began))):
                return report
    finally:
        if own_fetcher:
            fetcher.close()
