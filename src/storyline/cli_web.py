"""`storyline serve` (web app + HTTP API) and `storyline report` (self-contained HTML)."""

from __future__ import annotations

import os
import secrets
import threading

import click
from rich.markup import escape

from .cli import _write_output, config_option, db_option, err, handle_errors
from .settings import load_settings
from .stores import open_store


@click.command()
@db_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 exposes the server to your network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port (0: any free one).")
@click.option("--allow-ingest", is_flag=True,
              help="Enable uploads (POST /api/documents) and alias corrections; each needs the token.")
@click.option("--token", envvar="STORYLINE_TOKEN",
              help="Bearer token for writes (or STORYLINE_TOKEN); generated and printed when omitted.")
@click.option("--max-upload-mb", default=20.0, show_default=True, type=click.FloatRange(0.001, 10_000),
              help="Largest request body accepted; bigger ones get a 413 error.")
@click.option("--no-warm-up", "warm_up", flag_value=False, default=True,
              help="Do not run pending analysis in the background at start (pages still run it when needed).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, help="uvicorn's log level (access log at info).")
@handle_errors
def serve(db, config, host, port, allow_ingest, token, max_upload_mb, warm_up, log_level):
    """Serve the web app and the HTTP API (OpenAPI docs at /docs).

    Read-only unless --allow-ingest; then every write needs 'Authorization: Bearer TOKEN'.

    Example: storyline serve --db news.db --port 8000
    """
    import uvicorn

    from .web import create_app

    if allow_ingest and not token:
        token = secrets.token_urlsafe(24)
        err.print(f"ingest token (send as 'Authorization: Bearer …'): [bold]{token}[/bold]")
    settings = load_settings(config)
    app = create_app(db, allow_ingest=allow_ingest, token=token if allow_ingest else None, settings=settings,
                     max_upload_bytes=int(max_upload_mb * 1_000_000))
    if warm_up:
        threading.Thread(target=_warm_up, args=(app,), name="storyline-warm-up", daemon=True).start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    err.print(f"storyline: serving {escape(str(db))} at [bold]http://{shown}:{port}/[/bold] "
              f"(API docs at /docs{', ingest enabled' if allow_ingest else ''}); Ctrl+C stops")
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                timeout_graceful_shutdown=5)


def _warm_up(app) -> None:
    """Run pending analysis once at start, so the first page views are fast."""
    state = app.state.web
    try:
        store = state.store()
        state.ensure_all_analysis(store)
        state.facets(store)
    except Exception as exc:  # the pages run it again on demand and report errors there
        err.print(f"[yellow]warning:[/yellow] background analysis failed: {escape(str(exc))}")
    finally:
        state.close_thread_store()


@click.command()
@click.argument("storyline", required=False)
@db_option
@config_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--title", help="Report title (default: the storyline's title, or 'storyline report').")
@handle_errors
def report(storyline, db, config, output, title):
    """Write a self-contained HTML report (no external assets) of one storyline, or of all.

    The report has the timeline chart, events with independent-report counts, the cited
    briefing (hover or click a citation for its source sentence), quotes by speaker,
    figures with agreement, coverage by outlet and quality flags.

    Example: storyline report sl-3f2a9c01be -o report.html
    """
    from .report import render_report

    with open_store(db) as store:
        ids = [store.resolve("storyline", storyline)] if storyline else None
        if ids:
            store.get_record("storyline", ids[0])  # NotFound → a clear one-line error
        html = render_report(store, ids, load_settings(config), title=title)
    if output and os.path.dirname(output) and not os.path.isdir(os.path.dirname(output)):
        raise click.BadParameter(f"folder {os.path.dirname(output)} does not exist", param_hint="-o")
    _write_output(html, output)
