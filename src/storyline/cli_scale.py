"""`storyline watch`: poll feeds and article pages (the work is in `storyline.watch`)."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from .cli import config_option, db_option, err, handle_errors, json_option, out, print_json
from .settings import load_settings
from .stores import open_store


@click.command()
@click.argument("feeds_file", type=click.Path(dir_okay=False))
@db_option
@config_option
@json_option
@click.option("--interval", type=click.FloatRange(min=1), default=300, show_default=True,
              help="Seconds between the starts of two polls.")
@click.option("--once", is_flag=True, help="Poll every source once, then exit.")
@click.option("--allow-private", is_flag=True,
              help="Also fetch from private, loopback and link-local addresses (intranets, tests).")
@click.option("--engine", type=click.Choice(["serial", "local", "dask"]), default="serial", show_default=True,
              help="Where per-document stages run (as for `ingest`).")
@click.option("--scheduler", help="Dask scheduler address (with --engine dask); default: a LocalCluster.")
@handle_errors
def watch(feeds_file, db, config, as_json, interval, once, allow_private, engine, scheduler):
    """Poll RSS/Atom feeds and article URLs and ingest new items as they appear.

    FEEDS_FILE lists one URL per line (`#` comments). Requests are conditional
    (ETag/Last-Modified), spaced per host, retried with backoff, and obey robots.txt;
    only public http(s) addresses are fetched unless --allow-private. The file is
    re-read before each poll. Stop with Ctrl-C. With --json, one JSON line per poll.

    Example: storyline watch feeds.txt --interval 600 --db news.db
    """
    from .engines import make_engine
    from .watch import watch as run_watch

    settings = load_settings(config)

    def show(report) -> None:
        data = report.as_dict()
        if as_json:
            print_json(data)
            return
        out.print(f"{data['started']}: {data['sources']} sources ({data['not_modified']} not modified, "
                  f"{data['failed']} failed): {data['stored']} new, {data['versions']} new versions, "
                  f"{data['unchanged']} unchanged, {data['rejected']} rejected")

    with open_store(db) as store:
        engine_obj = make_engine(engine, settings, scheduler=scheduler)
        try:
            report = run_watch(
                store, feeds_file, settings, interval=interval, once=once, allow_private=allow_private,
                engine=engine_obj, on_poll=show,
                on_error=lambda url, reason: err.print(f"{escape(url)}: {escape(reason)}"),
                on_reject=lambda r: err.print(f"{escape(r.origin)}: {escape(r.reason)}"),
                on_warning=lambda m: err.print(f"[yellow]warning:[/yellow] {escape(m)}"))
        except KeyboardInterrupt:
            err.print("stopped")
            sys.exit(0)
        finally:
            engine_obj.close()
    sys.exit(report.exit_code if once else 0)
