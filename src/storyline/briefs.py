"""Render a storyline's cited briefing as Markdown, HTML or JSON."""

from __future__ import annotations

import json
from typing import Any

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


def render_brief(store: Store, item_id: str, fmt: str = "md", settings: Settings | None = None,
                 llm: dict[str, Any] | None = None) -> str:
    """The briefing of the storyline `item_id` names (a storyline, event or document id).

    With `llm` (`{"endpoint": URL, "model": NAME, "api_key": KEY}`), an OpenAI-compatible
    model also rewrites the extractive briefing; each rewritten sentence is kept only when
    the spans it cites support it, and is shown beside (never instead of) the cited text.
    """
    storyline_id = _storyline_of(store, item_id)
    if fmt == "html":  # one HTML renderer: the self-contained report (report.py)
        if llm:
            raise ConfigError("the LLM rewrite is shown in md and json briefs only")
        from .report import render_report

        return render_report(store, [storyline_id], settings)
    view = storyline_view(store, storyline_id, settings)
    sentences = (view["briefing"] or {}).get("sentences", [])
    rewritten = _rewrite(sentences, llm) if llm else None
    if fmt == "json":
        data = {"storyline": view["id"], "title": view["title"], "sentences": sentences,
                "events": [{k: e[k] for k in ("id", "title", "date", "outlets", "independent_reports")}
                           for e in view["events"]]}
        if rewritten is not None:
            data["rewrite"] = {kind: [_rewritten_dict(r) for r in getattr(rewritten, kind)]
                               for kind in ("accepted", "rejected")}
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "md":
        lines = [f"# {view['title']}", ""]
        for e in view["events"]:
            lines.append(f"- **{e['date'] or 'undated'}** {e['title']} ({e['outlets']} outlets, "
                         f"{e['independent_reports']} independent reports)")
        lines += ["", "## Briefing", ""]
        for n, s in enumerate(sentences, start=1):
            lines.append(f"{s['text']} [{n}]")
        if rewritten is not None:
            number = {(s["document"], s["start"], s["end"]): n for n, s in enumerate(sentences, start=1)}
            lines += ["", "## Rewritten by the model (each sentence checked against what it cites)", ""]
            for r in rewritten.accepted:
                refs = "".join(f"[{number[(c.document, c.start, c.end)]}]" for c in r.citations)
                lines.append(f"{r.text} {refs}")
            if rewritten.rejected:
                lines.append(f"\n_{len(rewritten.rejected)} rewritten sentences were dropped: "
                             "their cited sources do not support them._")
        lines += ["", "## Sources", ""]
        for n, s in enumerate(sentences, start=1):
            lines.append(f"[{n}] {s['document']} characters {s['start']}-{s['end']}")
        return "\n".join(lines)
    raise ConfigError(f"unknown brief format {fmt!r} (md, html or json)")


def _rewrite(sentences: list[dict[str, Any]], llm: dict[str, Any]):
    from .model import BriefingSentence
    from .stages.briefing.llm import rewrite

    extractive = [BriefingSentence(s["text"], s["document"], s["start"], s["end"]) for s in sentences]
    return rewrite(extractive, llm["endpoint"], model=llm.get("model") or "default", api_key=llm.get("api_key"))


def _rewritten_dict(r) -> dict[str, Any]:
    return {"text": r.text, "support": round(r.support, 3), "reason": r.reason,
            "citations": [{"document": c.document, "start": c.start, "end": c.end} for c in r.citations]}
