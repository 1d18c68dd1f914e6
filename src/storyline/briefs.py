"""Render a storyline's cited briefing as Markdown, HTML or JSON."""

from __future__ import annotations

import json

from .errors import ConfigError, NotFound
from .settings import Settings
from .stores.base import Store
from .views import find_kind, storyline_view


def _storyline_of(store: Store, item_id: str) -> str:
    kind = find_kind(store, item_id)
    if kind == "storyline":
        return store.resolve("storyline", item_id)
    if kind == "event":
        return store.get_record("event", item_id)["storyline"]
    if kind == "document":
        storyline = store.get_document(item_id).storyline
        if storyline:
            return storyline
    raise NotFound(f"'{item_id}' is a {kind}; give a storyline, event or document id")


def render_brief(store: Store, item_id: str, fmt: str = "md", settings: Settings | None = None) -> str:
    """The briefing of the storyline `item_id` names (a storyline, event or document id)."""
    storyline_id = _storyline_of(store, item_id)
    if fmt == "html":  # one HTML renderer: the self-contained report (report.py)
        from .report import render_report

        return render_report(store, [storyline_id], settings)
    view = storyline_view(store, storyline_id, settings)
    sentences = (view["briefing"] or {}).get("sentences", [])
    if fmt == "json":
        return json.dumps({"storyline": view["id"], "title": view["title"], "sentences": sentences,
                           "events": [{k: e[k] for k in ("id", "title", "date", "outlets", "independent_reports")}
                                      for e in view["events"]]}, ensure_ascii=False, indent=2)
    if fmt == "md":
        lines = [f"# {view['title']}", ""]
        for e in view["events"]:
            lines.append(f"- **{e['date'] or 'undated'}** {e['title']} ({e['outlets']} outlets, "
                         f"{e['independent_reports']} independent reports)")
        lines += ["", "## Briefing", ""]
        for n, s in enumerate(sentences, start=1):
            lines.append(f"{s['text']} [{n}]")
        lines += ["", "## Sources", ""]
        for n, s in enumerate(sentences, start=1):
            lines.append(f"[{n}] {s['document']} characters {s['start']}-{s['end']}")
        return "\n".join(lines)
    raise ConfigError(f"unknown brief format {fmt!r} (md, html or json)")
