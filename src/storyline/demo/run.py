"""`storyline demo`: ingest the embedded corpus and show what storyline makes of it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from ..pipeline import analyze, ingest
from ..settings import load_settings
from ..stores.sqlite import SQLiteStore
from ..views import storylines
from . import CORPUS_DIR

DEFAULT_DB = "storyline-demo.db"


def run_demo(db: str | None = None, *, out: Console, err: Console, progress=None) -> dict:
    """Ingest the demo corpus into `db` (default ./storyline-demo.db) and print a tour.

    Returns the ingest report and the storylines as a dict (for tests).
    """
    db = db or DEFAULT_DB
    settings = load_settings()
    with SQLiteStore(db) as store:
        err.print(f"ingesting the demo corpus ({CORPUS_DIR}) into {db} ...")
        report = ingest(store, [CORPUS_DIR], settings, progress=progress,
                        on_reject=lambda r: err.print(f"{escape(r.origin)}: {escape(r.reason)}"))
        analyze(store, settings, progress=progress)
        stories = storylines(store)
        out.print(f"\n[bold]{store.count_documents()} articles[/bold] → {sum(len(s['events']) for s in stories)} "
                  f"events in {len(stories)} storylines "
                  f"(ingest: {report.stored} new, {report.unchanged} already stored, {report.seconds:.1f}s)\n")
        for s in stories:
            out.print(f"[bold]{escape(s['title'])}[/bold]  [dim]{s['id']}[/dim]")
            for e in s["event_details"]:
                out.print(f"  {e['date'] or 'undated':10}  {escape(e['title'])}  [dim]({e['outlets']} outlets, "
                          f"{e['independent_reports']} independent reports)[/dim]")
        if stories:
            top = stories[0]
            briefing = store.get_record("briefing", top["id"]) if top else None
            out.print(f"\n[bold]Briefing: {escape(top['title'])}[/bold]")
            for n, sentence in enumerate(briefing.get("sentences", []), start=1):
                out.print(f"  {escape(sentence['text'])} [dim][{n}: {sentence['document']} "
                          f"{sentence['start']}-{sentence['end']}][/dim]")
        out.print(f"\nNext: [bold]storyline serve --db {db}[/bold] and open http://127.0.0.1:8000 to browse, "
                  f"or [bold]storyline export --db {db}[/bold] for JSON.")
    return {"report": report.as_dict(), "storylines": stories}
