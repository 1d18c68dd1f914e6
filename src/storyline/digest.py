"""Digests: what is new in the followed storylines, entities and searches since a date.

"New" means *stored* after the date: a document counts from its `ingested_at` (a new
version of an article counts again), whatever its publication date, so a digest run
every morning with yesterday's date never misses a late-arriving report. The lazy
analysis is brought up to date first for every storyline that can hold news (those
with new documents, and the followed ones), so quotes and figures are never missing.

Each item cites its documents: `{id, source, published, ingested_at, title}` and, for
quotes and figures, the `start`/`end` of the cited span in that document's text.

Example:
    data = digest(store, "2025-01-01")
    print(render_digest(data, "md"))
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .errors import ConfigError, NotFound
from .follow import matching_entities
from .settings import Settings, load_settings
from .stores.base import Store
from .text import fold
from .views import ensure_analysis

# Item types, in the order a section lists them.
ITEM_TYPES = ("new_event", "new_reports", "mention", "new_quote", "figure_disagreement", "search_hit")
ITEM_LABELS = {"new_event": "New event", "new_reports": "New reports", "mention": "Mentioned",
               "new_quote": "New quote", "figure_disagreement": "Figures disagree", "search_hit": "Search hit"}
SEARCH_LIMIT = 5000
_RELATIVE = re.compile(r"^\s*(\d{1,5})\s*([dhw])\s*$")


def parse_since(value: str | date | datetime, *, now: datetime | None = None) -> str:
    """A date, timestamp or relative age (`7d`, `12h`, `2w`) as a UTC ISO timestamp.

    A date means its midnight UTC; a timestamp without a zone is taken as UTC.

    Example:
        >>> parse_since("2025-01-15")
        '2025-01-15T00:00:00+00:00'

    Raises:
        ConfigError: not a date.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        relative = _RELATIVE.match(text)
        if relative:
            amount, unit = int(relative.group(1)), relative.group(2)
            delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount), "w": timedelta(weeks=amount)}[unit]
            moment = (now or datetime.now(timezone.utc)) - delta
        else:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
            except ValueError:
                raise ConfigError(f"--since {text!r} is not a date: use 2025-01-15, 2025-01-15T08:00 "
                                  "or an age like 7d, 12h, 2w") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _cite(doc: dict[str, Any], **span: Any) -> dict[str, Any]:
    return {"id": doc["id"], "source": doc.get("source"), "published": doc.get("published"),
            "ingested_at": doc.get("ingested_at"), "title": doc.get("title"), **span}


def _by_time(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(docs, key=lambda d: (d.get("published") or "9999", d["id"]))


class _Corpus:
    """What the sections share: the new documents and per-storyline lookups, read once."""

    def __init__(self, store: Store, since: str):
        self.store = store
        self.new = {d["id"]: d for d in store.documents_ingested_since(since)}
        self._storylines: dict[str, dict[str, Any]] = {}
        self._entities: list[dict[str, Any]] | None = None

    def storyline(self, storyline_id: str) -> dict[str, Any]:
        """Documents, events, quotes and figures of one storyline (cached)."""
        if storyline_id not in self._storylines:
            store = self.store
            docs = store.document_summaries(storyline=storyline_id)
            self._storylines[storyline_id] = {
                "documents": {d["id"]: d for d in docs},
                "events": store.scoped_records("event", storyline=storyline_id),
                "quotes": store.scoped_records("quote", storyline=storyline_id),
                "figures": store.scoped_records("figure", storyline=storyline_id),
            }
        return self._storylines[storyline_id]

    def new_storylines(self) -> list[str]:
        return sorted({d["storyline"] for d in self.new.values() if d.get("storyline")})

    def entities(self) -> list[dict[str, Any]]:
        if self._entities is None:
            self._entities = list(self.store.iter_records("entity"))
        return self._entities

    def event_title(self, storyline_id: str | None, event_id: str | None) -> str | None:
        if not event_id:
            return None
        if storyline_id:
            for e in self.storyline(storyline_id)["events"]:
                if e["id"] == event_id:
                    return e.get("title")
        try:
            return self.store.get_record("event", event_id).get("title")
        except NotFound:
            return None


def _event_items(corpus: _Corpus, storyline_id: str) -> list[dict[str, Any]]:
    data = corpus.storyline(storyline_id)
    members: dict[str, list[dict[str, Any]]] = {}
    for doc in data["documents"].values():
        if doc.get("event"):
            members.setdefault(doc["event"], []).append(doc)
    items = []
    for event in data["events"]:
        docs = members.get(event["id"], [])
        fresh = [d for d in docs if d["id"] in corpus.new]
        if not fresh:
            continue
        kind = "new_event" if len(fresh) == len(docs) else "new_reports"
        items.append({"type": kind, "text": event.get("title") or fresh[0].get("title") or event["id"],
                      "event": event["id"], "storyline": storyline_id, "date": event.get("date"),
                      "known_reports": len(docs) - len(fresh),
                      "documents": [_cite(d) for d in _by_time(fresh)]})
    return items


def _quote_items(corpus: _Corpus, storyline_id: str, speakers: set[str] | None = None) -> list[dict[str, Any]]:
    data = corpus.storyline(storyline_id)
    items = []
    for quote in data["quotes"]:
        if speakers is not None and fold(quote.get("speaker") or "") not in speakers:
            continue
        cites = [_cite(corpus.new[m["document"]], start=m.get("start"), end=m.get("end"))
                 for m in quote.get("mentions", []) if m.get("document") in corpus.new]
        if cites:
            items.append({"type": "new_quote", "text": quote.get("text") or "", "speaker": quote.get("speaker"),
                          "quote": quote["id"], "storyline": storyline_id, "documents": _by_time(cites)})
    return items


def _figure_items(corpus: _Corpus, storyline_id: str) -> list[dict[str, Any]]:
    data = corpus.storyline(storyline_id)
    items = []
    for figure in data["figures"]:
        mentions = figure.get("mentions", [])
        if figure.get("agreement") != "disagree":
            continue
        # "Now" disagree: a new report brings a value no earlier report gave (a new report
        # repeating one side of an old dispute is not news about the figure).
        old = {(m.get("value"), m.get("unit")) for m in mentions if m.get("document") not in corpus.new}
        new = {(m.get("value"), m.get("unit")) for m in mentions if m.get("document") in corpus.new}
        if not new or (old and not new - old):
            continue
        cites = []
        for m in mentions:
            doc = corpus.new.get(m.get("document")) or data["documents"].get(m.get("document"))
            if doc is not None:
                cites.append(_cite(doc, start=m.get("start"), end=m.get("end"), value=m.get("value"),
                                   unit=m.get("unit"), new=doc["id"] in corpus.new))
        values = sorted({(m.get("value"), m.get("unit") or "") for m in mentions}, key=lambda v: (str(v[1]), v[0] or 0))
        text = f"{figure.get('what') or 'figure'}: " + " vs ".join(f"{_number(v)}{' ' + u if u else ''}" for v, u in values)
        items.append({"type": "figure_disagreement", "text": text, "figure": figure["id"], "storyline": storyline_id,
                      "documents": _by_time(cites)})
    return items


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def _mention_items(corpus: _Corpus, doc_ids: set[str], kind: str) -> list[dict[str, Any]]:
    """New documents among `doc_ids`, one item per event (per document when it has none)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for doc_id in doc_ids:
        doc = corpus.new.get(doc_id)
        if doc is not None:
            by_event = doc.get("event") and kind != "search_hit"  # a search hit is one article
            groups.setdefault(("event", doc["event"]) if by_event else ("doc", doc_id), []).append(doc)
    items = []
    for (group, key), docs in groups.items():
        docs = _by_time(docs)
        event = docs[0].get("event")
        title = corpus.event_title(docs[0].get("storyline"), event) if group == "event" else None
        items.append({"type": kind, "text": title or docs[0].get("title") or docs[0]["id"], "event": event,
                      "storyline": docs[0].get("storyline"), "documents": [_cite(d) for d in docs]})
    return items


def _section(corpus: _Corpus, follow: dict[str, Any]) -> dict[str, Any]:
    kind, target = follow["kind"], follow["target"]
    section: dict[str, Any] = {"follow": {k: follow.get(k) for k in ("kind", "target", "created_at")},
                               "title": target, "items": []}
    store = corpus.store
    if kind == "storyline":
        storyline_id = store.resolve("storyline", target)
        try:
            record = store.get_record("storyline", storyline_id)
        except NotFound:
            section["missing"] = True
            return section
        section["storyline"] = storyline_id
        items = _event_items(corpus, storyline_id) + _quote_items(corpus, storyline_id) + _figure_items(corpus, storyline_id)
        data = corpus.storyline(storyline_id)
        first = next(iter(data["events"]), None)
        section["title"] = record.get("title") or (first or {}).get("title") or storyline_id
    elif kind == "entity":
        entities = matching_entities(target, corpus.entities())
        section["entities"] = [e["id"] for e in entities]
        names = {fold(target)} | {fold(e.get("name") or "") for e in entities}
        doc_ids = {d for e in entities for d in e.get("documents", [])}
        items = _mention_items(corpus, doc_ids, "mention")
        for storyline_id in corpus.new_storylines():
            items += _quote_items(corpus, storyline_id, names)
        if entities:
            section["title"] = entities[0].get("name") or target
    else:
        hits = set(store.search_document_ids(target, SEARCH_LIMIT))
        items = _mention_items(corpus, hits, "search_hit")
    order = {t: n for n, t in enumerate(ITEM_TYPES)}
    items.sort(key=lambda i: (order[i["type"]], min((d.get("published") or "9999") for d in i["documents"]),
                              i["text"]))
    section["items"] = items
    return section


def digest(store: Store, since: str | date | datetime, settings: Settings | None = None, *,
           follows: list[dict[str, Any]] | None = None, engine=None) -> dict[str, Any]:
    """What is new in every followed item since `since` (documents stored after it).

    Args:
        store: an open store.
        since: ISO date/timestamp (UTC when no zone) or an age like `7d` (see `parse_since`).
        settings: for the lazy analysis run first (defaults when None).
        follows: the follows to report on (default: every follow in the store).

    Returns:
        {since, generated_at, new_documents, follows, sections: [{follow, title, items}]};
        each item has `type` (one of ITEM_TYPES), `text` and `documents` (citations).

    Raises:
        ConfigError: `since` is not a date.
    """
    since_iso = parse_since(since)
    follows = store.follows() if follows is None else follows
    corpus = _Corpus(store, since_iso)
    wanted = set(corpus.new_storylines())
    wanted |= {store.resolve("storyline", f["target"]) for f in follows if f["kind"] == "storyline"}
    if follows and wanted:
        ensure_analysis(store, settings or load_settings(), sorted(wanted))
    sections = [_section(corpus, f) for f in follows]
    return {"since": since_iso, "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "new_documents": len(corpus.new), "follows": len(follows), "sections": sections}


# --- rendering ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: Any) -> str:
    """Plain text safe inside a Markdown line (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def _cite_text(c: dict[str, Any]) -> str:
    parts = [c["id"], c.get("source") or "unknown outlet", (c.get("published") or "undated")[:10]]
    if c.get("start") is not None:
        parts[0] += f" [{c['start']}:{c['end']}]"
    if c.get("value") is not None:
        parts.append(f"{_number(c['value'])}{' ' + c['unit'] if c.get('unit') else ''}")
    return ", ".join(parts)


def _item_text(item: dict[str, Any]) -> str:
    if item["type"] == "new_quote":
        return f"{item.get('speaker') or 'unattributed'}: “{item['text']}”"
    if item["type"] in ("new_event", "new_reports") and item.get("date"):
        return f"{item['date'][:10]} {item['text']}"
    return item["text"]


def render_markdown(data: dict[str, Any]) -> str:
    lines = [f"# storyline digest since {data['since'][:10]}", "",
             f"{data['new_documents']} documents stored since {data['since']}; {data['follows']} follows.", ""]
    if not data["sections"]:
        lines.append("Nothing followed yet: `storyline follow storyline ID`, `storyline follow entity NAME` "
                     "or `storyline follow search QUERY`.")
    for section in data["sections"]:
        kind = section["follow"]["kind"]
        lines.append(f"## {kind.capitalize()}: {_md(section['title'])}"
                     + (f" ({_md(section['storyline'])})" if section.get("storyline") else ""))
        lines.append("")
        if section.get("missing"):
            lines.append(f"- this {kind} no longer exists")
        elif not section["items"]:
            lines.append("- nothing new")
        for item in section["items"]:
            cites = "; ".join(_md(_cite_text(c)) for c in item["documents"])
            lines.append(f"- **{ITEM_LABELS[item['type']]}** {_md(_item_text(item))} — {cites}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>storyline digest since {{ data.since[:10] }}</title></head>
<body>
<h1>storyline digest since {{ data.since[:10] }}</h1>
<p>{{ data.new_documents }} documents stored since {{ data.since }}; {{ data.follows }} follows.</p>
{% for section in data.sections %}
<section>
<h2>{{ section.follow.kind | capitalize }}: {{ section.title }}{% if section.storyline %} <small>({{ section.storyline }})</small>{% endif %}</h2>
{% if section.missing %}<p>This {{ section.follow.kind }} no longer exists.</p>
{% elif not section["items"] %}<p>Nothing new.</p>
{% else %}<ul>
{% for item in section["items"] %}<li><strong>{{ labels[item.type] }}</strong> {{ item_text(item) }}
<ul class="cites">{% for c in item.documents %}<li>{{ cite_text(c) }}{% if c.title %} — <cite>{{ c.title }}</cite>{% endif %}</li>{% endfor %}</ul></li>
{% endfor %}</ul>{% endif %}
</section>
{% endfor %}
</body></html>
"""


def render_html(data: dict[str, Any]) -> str:
    """A standalone HTML page; every value is escaped by Jinja's autoescaping."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    return env.from_string(_HTML).render(data=data, labels=ITEM_LABELS, item_text=_item_text, cite_text=_cite_text)


def render_digest(data: dict[str, Any], fmt: str = "md") -> str:
    """The digest as Markdown (`md`), a standalone HTML page (`html`) or JSON (`json`)."""
    if fmt == "md":
        return render_markdown(data)
    if fmt == "html":
        return render_html(data)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    raise ConfigError(f"digest format must be md, html or json, not {fmt!r}")
