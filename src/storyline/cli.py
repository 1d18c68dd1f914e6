"""The `storyline` command: each command parses its options, calls one library function
and prints the result. Results go to stdout; progress, logs and warnings to stderr."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import ExportError, NotFound, StorylineError
from .settings import SETTINGS, load_settings
from .stores import DEFAULT_DB, open_store

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


# --- shared options --------------------------------------------------------------

def db_option(f: Callable) -> Callable:
    return click.option("--db", "db", envvar="STORYLINE_DB", default=DEFAULT_DB, show_default=True,
                        help="SQLite file or postgresql:// URL (or set STORYLINE_DB).")(f)


def config_option(f: Callable) -> Callable:
    return click.option("--config", "config", envvar="STORYLINE_CONFIG", type=click.Path(dir_okay=False),
                        help="TOML settings file overriding the defaults (see `storyline config`).")(f)


def json_option(f: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print one line of JSON instead of a table.")(f)


def print_json(data: Any) -> None:
    """The contract: stdout ends with exactly one line of compact JSON."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
    sys.stdout.flush()


class progress_bar:
    """A rich progress bar on stderr fed by the library's progress(description, advance, total) calls."""

    def __init__(self):
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err, transient=True,
                                 disable=not err.is_terminal)
        self.tasks: dict[str, Any] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)

    def __call__(self, description: str, advance: int, total: int | None) -> None:
        if description not in self.tasks:
            self.tasks[description] = self.progress.add_task(description, total=total)
        self.progress.update(self.tasks[description], advance=advance, total=total)


def handle_errors(f: Callable) -> Callable:
    """Turn storyline's errors into one clear line on stderr and exit code 1."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except StorylineError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            sys.exit(1)
    return wrapper


# --- commands --------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storyline")
def cli() -> None:
    """storyline: turn piles of news articles into events, storylines, quotes,
    figures and cited briefings, offline.

    Example: storyline ingest articles/ && storyline stories
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@config_option
@json_option
@click.option("--engine", type=click.Choice(["serial", "local", "dask"]), default="local", show_default=True,
              help="Where per-document stages run: this process, a local process pool, or a Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address (with --engine dask); default: a LocalCluster.")
@handle_errors
def ingest(paths, db, config, as_json, engine, scheduler):
    """Ingest files and folders (.txt, .md, .html[.gz], .jsonl, RSS/Atom feeds).

    Re-ingesting the same content is a no-op; the same id with new content becomes
    a new version. Unusable inputs are listed on stderr as `path: reason`.

    Example: storyline ingest articles/ feeds/world.rss --db news.db
    """
    from .engines import make_engine
    from .pipeline import ingest as run_ingest

    settings = load_settings(config)
    with open_store(db) as store, progress_bar() as bar:
        engine_obj = make_engine(engine, settings, scheduler=scheduler)
        try:
            report = run_ingest(store, paths, settings, engine=engine_obj, progress=bar,
                                on_reject=lambda r: err.print(f"{escape(r.origin)}: {escape(r.reason)}"),
                                on_warning=lambda m: err.print(f"[yellow]warning:[/yellow] {escape(m)}"))
        finally:
            engine_obj.close()
    summary = report.as_dict()
    if as_json:
        print_json(summary)
    else:
        rate = f" ({summary['docs_per_s']} docs/s)" if summary["docs_per_s"] else ""
        out.print(f"stored {report.stored} new, {report.versions} new versions, {report.unchanged} unchanged, "
                  f"{report.rejects} rejected in {report.seconds:.1f}s{rate}")
        for reason, count in report.reject_reasons.most_common():
            out.print(f"  {count:>6}  rejected: {escape(reason)}")
        if report.rejects:
            out.print("  (every reject, with its input, is in the store's rejects table; `storyline export` lists them)")
    sys.exit(report.exit_code)


@cli.command()
@db_option
@config_option
@json_option
@handle_errors
def analyze(db, config, as_json):
    """Run the deep analysis (entities, quotes, figures, timeline, briefings) now.

    Other commands run it lazily when they need it; this does all of it up front.

    Example: storyline analyze --db news.db
    """
    from .pipeline import analyze as run_analyze

    with open_store(db) as store, progress_bar() as bar:
        report = run_analyze(store, load_settings(config), progress=bar)
    data = {"documents": report.documents, "storylines": report.storylines, "problems": report.problems,
            "seconds": round(report.seconds, 2)}
    print_json(data) if as_json else out.print(
        f"analysed {report.documents} documents and {report.storylines} storylines in {report.seconds:.1f}s")


@cli.command()
@db_option
@config_option
@json_option
@handle_errors
def stories(db, config, as_json):
    """List storylines with their events.

    Example: storyline stories --db news.db
    """
    from .views import storylines

    with open_store(db) as store:
        items = storylines(store)
    if as_json:
        print_json([{k: v for k, v in s.items() if k != "event_details"} for s in items])
        return
    if not items:
        out.print("no storylines yet: run `storyline ingest PATH` first")
        return
    for s in items:
        out.print(f"[bold]{escape(s['id'])}[/bold]  {escape(s['title'] or '')}  "
                  f"({len(s['events'])} events, {s['documents']} documents)")
        for e in s["event_details"]:
            out.print(f"  {escape(e['id'])}  {e['date'] or '????-??-??'}  {escape(e['title'] or '')}  "
                      f"[dim]{e['outlets']} outlets, {e['independent_reports']} independent reports[/dim]")


@cli.command()
@click.argument("item_id")
@db_option
@config_option
@json_option
@click.option("--versions", is_flag=True,
              help="For a document: list its stored versions with a diff of each against the one before.")
@handle_errors
def show(item_id, db, config, as_json, versions):
    """Show a document, event, storyline, entity or quote by id.

    Example: storyline show sl-3f2a9c01be
    """
    from . import views
    from .corrections import explain_missing, corrected_marks

    with open_store(db) as store:
        try:
            kind = views.find_kind(store, item_id)
        except NotFound as exc:
            raise NotFound(explain_missing(store, item_id) or str(exc)) from None
        if kind == "storyline":
            data = views.storyline_view(store, item_id, load_settings(config))
        elif kind == "document":
            doc = store.get_document(item_id)
            data = views.document_dict(doc, body=True)
            if versions:
                from .lifecycle import document_history
                data["versions"] = document_history(store, item_id)
        else:
            if kind != "event":
                views.ensure_analysis(store, load_settings(config))
            data = store.get_record(kind, item_id)
            if kind == "event":
                data = views.event_dict(data, list(store.iter_documents(event=data["id"])))
        marks = corrected_marks(store).get(kind, {}).get(data.get("id"))
        if marks:
            data["corrected"] = sorted(marks)
        data = {"kind": kind, **data}
    if as_json:
        print_json(data)
    elif kind == "document" and versions:
        for v in data["versions"]:
            out.print(f"[bold]version {v['version']}[/bold]{' (current)' if v['current'] else ''}  "
                      f"ingested {v['ingested_at']}  sha256 {v['raw_sha256'][:12]}  {escape(v['title'] or '')}")
            if v["diff"]:
                sys.stdout.flush()
                out.file.flush()
                out.print(escape(v["diff"].rstrip("\n")), markup=False)
            elif v["diff"] is not None:
                out.print("  (same clean text)")
    else:
        out.print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@cli.command()
@click.argument("item_id")
@db_option
@config_option
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--llm", "llm_endpoint", metavar="URL",
              help="Also have an OpenAI-compatible model (e.g. http://127.0.0.1:8080/v1) rewrite the briefing; "
                   "sentences its cited spans do not support are dropped.")
@click.option("--llm-model", default="default", show_default=True, help="Model name sent to the --llm server.")
@handle_errors
def brief(item_id, db, config, fmt, output, llm_endpoint, llm_model):
    """Print the cited briefing of a storyline (or of the storyline an event belongs to).

    The API key for --llm, if the server needs one, is read from STORYLINE_LLM_API_KEY.

    Example: storyline brief sl-3f2a9c01be --format md
    """
    from .briefs import render_brief

    llm = {"endpoint": llm_endpoint, "model": llm_model,
           "api_key": os.environ.get("STORYLINE_LLM_API_KEY")} if llm_endpoint else None
    with open_store(db) as store:
        text = render_brief(store, item_id, fmt, load_settings(config), llm=llm)
    _write_output(text, output)


@cli.command()
@click.argument("query")
@db_option
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@handle_errors
def search(query, db, as_json, limit):
    """Full-text search over clean text and titles; "quoted phrases" and prefix* work.

    Example: storyline search '"safe haven" asylum'
    """
    with open_store(db) as store:
        hits = store.search(query, limit=limit)
    if as_json:
        print_json([h.__dict__ for h in hits])
        return
    if not hits:
        out.print(f"no documents match {query!r}")
    for h in hits:
        out.print(f"[bold]{escape(h.document)}[/bold]  {escape(h.title or '')}")
        out.print(_highlight(h.snippet), soft_wrap=True)


@cli.command()
@db_option
@config_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "jsonl"]), default="json", show_default=True,
              help="json: one object; csv: one file per table in -o DIR; jsonl: one document per line, streamed.")
@click.option("-o", "--output", type=click.Path(), help="Write to this file (a folder for csv) instead of stdout.")
@handle_errors
def export(db, config, fmt, output):
    """Export everything as one JSON object (schema in docs/export.md), CSV tables or JSON lines.

    Example: storyline export --format json -o corpus.json
    """
    from .export import export_json

    if fmt != "json":
        from .cli_follow import export_tables
        return export_tables(db, config, fmt, output)

    with open_store(db) as store, progress_bar() as bar:
        data = export_json(store, load_settings(config), progress=bar)
    _write_output(json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str), output)


@cli.command()
@db_option
@config_option
@json_option
@handle_errors
def verify(db, config, as_json):
    """Check every quote, figure and briefing span against the stored text.

    Exits 1 when any span does not cite exactly what it claims.

    Example: storyline verify --db news.db
    """
    from .verify import verify as run_verify

    with open_store(db) as store:
        checked, problems = run_verify(store, load_settings(config))
    if as_json:
        print_json({"checked": checked, "mismatches": [p.__dict__ for p in problems]})
    else:
        for p in problems:
            out.print(f"{p.kind} {escape(p.record)} in {escape(p.document)} [{p.start}:{p.end}]: {escape(p.problem)}")
        out.print(f"checked {checked} spans: {len(problems)} mismatches")
    sys.exit(1 if problems else 0)


@cli.command()
@config_option
@json_option
@handle_errors
def config(config, as_json):
    """Print every setting with its resolved value and help.

    Example: STORYLINE_DEDUP_THRESHOLD=0.7 storyline config
    """
    settings = load_settings(config)
    if as_json:
        print_json(dict(settings.items()))
        return
    table = Table("setting", "value", "help")
    for s in SETTINGS:
        table.add_row(s.name, repr(settings[s.name]), s.help)
    out.print(table)


@cli.command()
@click.option("--db", "db", default=None, help="Database file for the demo (default: ./storyline-demo.db).")
@handle_errors
def demo(db):
    """Ingest the built-in demo corpus and show its storylines, events and one briefing.

    Example: storyline demo --db demo.db
    """
    from .demo.run import run_demo

    with progress_bar() as bar:
        run_demo(db, out=out, err=err, progress=bar)


@cli.group()
def alias() -> None:
    """Teach the entity linker: merge a name variant into an entity, or forbid it.

    Corrections are logged in the store and obeyed by every later run.

    Example: storyline alias add "Brannik" "Teodor Brannick"
    """


def _alias_command(action: str, verb: str):
    @alias.command(verb, help=f"{'Merge VARIANT into' if action == 'merge' else 'Never merge VARIANT into'} "
                              f"the entity named CANONICAL.\n\nExample: storyline alias {verb} \"Okafor\" \"Grace Okafor\"")
    @click.argument("variant")
    @click.argument("canonical")
    @db_option
    @json_option
    @handle_errors
    def command(variant, canonical, db, as_json):
        from .stages.entities import apply_alias

        with open_store(db) as store:
            result = apply_alias(store, action, variant, canonical)
        if as_json:
            print_json(result)
        else:
            out.print(f"{escape(result['title'])} (recorded as {result['id']}; {result['documents']} documents re-linked)")
    return command


_alias_command("merge", "add")
_alias_command("veto", "veto")


@alias.command("list")
@db_option
@json_option
@handle_errors
def alias_list(db, as_json):
    """List the recorded alias corrections, newest first.

    Example: storyline alias list
    """
    from .curation import alias_corrections

    with open_store(db) as store:
        items = alias_corrections(store)
    if as_json:
        print_json(items)
        return
    for c in items:
        out.print(f"{c['at']}  {escape(c['title'])}")
    if not items:
        out.print("no alias corrections yet")


def _highlight(snippet: str):
    """A search snippet with its [[matches]] in bold, built as rich Text (no markup parsing)."""
    from rich.text import Text

    text = Text("  ")
    for n, part in enumerate(snippet.replace("]]", "[[").split("[[")):
        text.append(part, style="bold yellow" if n % 2 else None)
    return text


def _write_output(text: str, output: str | None) -> None:
    if output:
        # Exactly where asked (never a name made from ids), via a temporary file and an
        # atomic rename, so an interrupted export cannot leave half a file behind.
        target = Path(output)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from exc
        err.print(f"wrote {escape(output)}")
    else:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))


def main() -> None:
    """Entry point: no traceback reaches the user for anticipated problems."""
    try:
        cli(prog_name="storyline")
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # a bug: say so in one line, offer the traceback on request
        if os.environ.get("STORYLINE_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {escape(str(exc))} "
                  "(set STORYLINE_DEBUG=1 for a traceback, and please report it)")
        sys.exit(3)


from . import cli_web  # noqa: E402  (after the shared decorators it imports)
cli.add_command(cli_web.serve)
cli.add_command(cli_web.report)
from .cli_scale import watch as _watch  # noqa: E402  (imported last: it uses this module's helpers)
cli.add_command(_watch)
from .cli_eval import eval_group as _eval  # noqa: E402
cli.add_command(_eval)
from .cli_follow import digest as _digest, follow as _follow, unfollow as _unfollow  # noqa: E402
cli.add_command(_follow)
cli.add_command(_unfollow)
cli.add_command(_digest)
from .cli_curation import COMMANDS as _curation  # noqa: E402
for _command in _curation: cli.add_command(_command)  # noqa: E701
