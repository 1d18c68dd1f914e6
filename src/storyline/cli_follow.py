"""CLI commands for follows, digests and the researcher exports (CSV, JSONL).

Each command parses its options and calls one library function: `storyline.follow`,
`storyline.digest`, `storyline.tables`.
"""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from .cli import _write_output, config_option, db_option, err, handle_errors, json_option, out, print_json, progress_bar
from .follow import FOLLOW_KINDS
from .settings import load_settings
from .stores import open_store


@click.command()
@click.argument("kind", required=False, type=click.Choice(FOLLOW_KINDS))
@click.argument("target", required=False)
@click.option("--list", "show_list", is_flag=True, help="List what is followed (the default with no arguments).")
@db_option
@json_option
@handle_errors
def follow(kind, target, show_list, db, as_json):
    """Follow a storyline (by id), an entity (by name) or a full-text search.

    `storyline digest` then reports what is new in everything followed. With no
    arguments, or with --list, lists the follows.

    Example: storyline follow entity "Grace Okafor"
    """
    from .follow import follow as add, list_follows

    if kind is not None and target is None:
        raise click.UsageError(f"give the {kind} to follow, e.g. `storyline follow {kind} "
                               + ('sl-3f2a9c01be`' if kind == "storyline" else '"Grace Okafor"`'))
    with open_store(db) as store:
        if kind is not None and not show_list:
            added = add(store, kind, target)
            if as_json:
                print_json(added)
            else:
                out.print(f"following {added['kind']} {escape(added['target'])}")
            return
        items = list_follows(store)
    if as_json:
        print_json(items)
        return
    for f in items:
        out.print(f"{f['kind']:<10} {escape(f['target'])}  [dim]since {f['created_at']}[/dim]")
    if not items:
        out.print("nothing followed yet: `storyline follow storyline ID | entity NAME | search QUERY`")


@click.command()
@click.argument("kind", type=click.Choice(FOLLOW_KINDS))
@click.argument("target")
@db_option
@json_option
@handle_errors
def unfollow(kind, target, db, as_json):
    """Stop following a storyline, entity or search.

    Example: storyline unfollow search '"harbour strike"'
    """
    from .follow import unfollow as remove

    with open_store(db) as store:
        removed = remove(store, kind, target)
    if as_json:
        print_json(removed)
    else:
        out.print(f"no longer following {removed['kind']} {escape(removed['target'])}")


@click.command()
@click.option("--since", required=True, metavar="DATE",
              help="Report documents stored after this date/timestamp (UTC), or an age like 7d, 12h, 2w.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@db_option
@config_option
@handle_errors
def digest(since, fmt, output, db, config):
    """What is new in the followed storylines, entities and searches since DATE.

    New events, new reports on known events, new quotes by followed people, figures
    that now disagree and new search hits; each line cites its documents (id, outlet,
    publication date). "New" means stored in the database after DATE.

    Example: storyline digest --since 7d --format html -o digest.html
    """
    from .digest import digest as make_digest, render_digest

    with open_store(db) as store:
        data = make_digest(store, since, load_settings(config))
    _write_output(render_digest(data, fmt), output)


def export_tables(db: str, config: str | None, fmt: str, output: str | None) -> None:
    """`storyline export --format csv|jsonl`: the researcher exports (see docs/export.md)."""
    from .tables import export_csv, write_jsonl

    with open_store(db) as store:
        if fmt == "csv":
            if not output:
                raise click.UsageError("--format csv writes one file per table: give a folder with -o DIR")
            with progress_bar() as bar:
                counts = export_csv(store, output, load_settings(config), progress=bar)
            err.print(f"wrote {len(counts)} tables to {escape(output)}: "
                      + ", ".join(f"{name} {n}" for name, n in counts.items()))
            return
        count = write_jsonl(store, output or sys.stdout)
    if output:
        err.print(f"wrote {count} documents to {escape(output)}")
