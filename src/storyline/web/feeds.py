"""Atom 1.0 feeds of a storyline, an entity and a saved search, for feed readers.

Each entry is one article (a document version), newest stored first: a new report on
a followed storyline, a new article mentioning a person, a new match of a search.
An entry's `updated` is when the article was stored, so a late-arriving report of
an old happening still shows up as new; a new version of an article is a new entry.

The XML is built with `xml.etree.ElementTree`, which escapes every text and attribute;
characters XML 1.0 cannot carry (control characters in a hostile article) are dropped
first, so a feed always parses.

Example:
    GET /storylines/sl-3f2a9c01be/feed.atom
    GET /entities/grace-okafor/feed.atom
    GET /search/feed.atom?q=%22harbour+strike%22
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from .. import __version__
from ..errors import ConfigError
from .api import get_state
from .app import WebState

router = APIRouter(include_in_schema=False)

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = 50
SEARCH_CANDIDATES = 5000
# Everything XML 1.0 forbids: C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

ET.register_namespace("", ATOM_NS)


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text if text is not None else ""))


def rfc3339(value: str | None) -> str | None:
    """An ISO date or timestamp as an Atom date (UTC when it has no zone); None if unparsable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _el(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def atom_feed(*, feed_id: str, title: str, self_url: str, page_url: str, subtitle: str | None,
              entries: list[dict[str, Any]]) -> bytes:
    """An Atom 1.0 document; each entry needs id, title, updated, link and summary
    (`published` and `author` optional). Returns UTF-8 bytes with an XML declaration."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _el(feed, "id", feed_id)
    _el(feed, "title", title)
    if subtitle:
        _el(feed, "subtitle", subtitle)
    _el(feed, "updated", max((e["updated"] for e in entries), default=now))
    _el(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(feed, "link", rel="alternate", type="text/html", href=page_url)
    _el(feed, "generator", "storyline", version=__version__)
    author = _el(feed, "author")
    _el(author, "name", "storyline")
    for entry in entries:
        item = _el(feed, "entry")
        _el(item, "id", entry["id"])
        _el(item, "title", entry["title"])
        _el(item, "updated", entry["updated"])
        if entry.get("published"):
            _el(item, "published", entry["published"])
        _el(item, "link", rel="alternate", type="text/html", href=entry["link"])
        if entry.get("author"):
            _el(_el(item, "author"), "name", entry["author"])
        _el(item, "summary", entry["summary"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def document_entries(store, base: str, summaries: list[dict[str, Any]], *,
                     limit: int = FEED_ENTRIES) -> list[dict[str, Any]]:
    """Feed entries for document summaries, the most recently stored first."""
    docs = sorted(summaries, key=lambda d: (d.get("ingested_at") or "", d["id"]), reverse=True)[:limit]
    titles = {k: (r.get("title") or "") for k, r in store.event_records(d["event"] for d in docs if d.get("event")).items()}
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    out = []
    for d in docs:
        link = f"{base}documents/{quote(str(d['id']), safe='')}"
        published = rfc3339(d.get("published"))
        parts = [d.get("source") or "unknown outlet", f"published {published[:10]}" if published else "undated"]
        if d.get("event") and titles.get(d["event"]):
            parts.append(f"event: {titles[d['event']]}")
        out.append({"id": f"{link}?version={int(d.get('version') or 1)}", "title": d.get("title") or d["id"],
                    "updated": rfc3339(d.get("ingested_at")) or now, "published": published, "link": link,
                    "author": d.get("source"), "summary": " · ".join(parts)})
    return out


def _response(request: Request, *, title: str, subtitle: str, page: str, entries: list[dict[str, Any]]) -> Response:
    base = str(request.base_url)
    body = atom_feed(feed_id=base + page.lstrip("/"), title=title, subtitle=subtitle, self_url=str(request.url),
                     page_url=base + page.lstrip("/"), entries=entries)
    return Response(body, media_type=MEDIA_TYPE)


@router.get("/storylines/{storyline_id}/feed.atom")
def storyline_feed(request: Request, storyline_id: str, state: WebState = Depends(get_state)):
    store = state.store()
    resolved = store.resolve("storyline", storyline_id)
    if resolved != storyline_id:  # merged: one canonical feed
        return RedirectResponse(f"/storylines/{quote(resolved, safe='')}/feed.atom", status_code=301)
    record = store.get_record("storyline", storyline_id)
    summaries = store.document_summaries(storyline=storyline_id)
    title = record.get("title") or (summaries[0].get("title") if summaries else None) or storyline_id
    return _response(request, title=f"{title} · storyline", subtitle=f"New reports in storyline {storyline_id}",
                     page=f"/storylines/{quote(storyline_id, safe='')}",
                     entries=document_entries(store, str(request.base_url), summaries))


@router.get("/entities/{entity_id}/feed.atom")
def entity_feed(request: Request, entity_id: str, state: WebState = Depends(get_state)):
    store = state.store()
    state.ensure_all_analysis(store)
    record = store.get_record("entity", entity_id)
    summaries = store.document_summaries(record.get("documents", []))
    name = record.get("name") or record["id"]
    return _response(request, title=f"{name} · storyline", subtitle=f"New articles mentioning {name}",
                     page=f"/entities/{quote(record['id'], safe='')}",
                     entries=document_entries(store, str(request.base_url), summaries))


@router.get("/search/feed.atom")
def search_feed(request: Request, q: str = Query(..., min_length=1, max_length=500),
                state: WebState = Depends(get_state)):
    store = state.store()
    if not q.strip():
        raise ConfigError("give a search query: /search/feed.atom?q=words")
    summaries = store.document_summaries(store.search_document_ids(q, SEARCH_CANDIDATES))
    return _response(request, title=f"“{q}” · storyline search", subtitle=f"New articles matching {q}",
                     page="/search?" + urlencode({"q": q}),
                     entries=document_entries(store, str(request.base_url), summaries))

