"""Corrections on the command line: each command calls one `storyline.corrections` function.

Every correction is logged (who: --by or $USER, when, what) and kept by every
later run; `storyline corrections list` shows them, `storyline corrections undo N`
reverts one.
"""

from __future__ import annotations

import click
from rich.markup import escape

from . import corrections as lib
from .cli import config_option, db_option, handle_errors, json_option, out, print_json
from .settings import load_settings
from .stores import open_store


def by_option(f):
    return click.option("--by", help="Who makes the correction, for the log (default: $USER).")(f)


def _done(correction: dict, as_json: bool, extra: str = "") -> None:
    if as_json:
        print_json({**correction, "summary": lib.summary(correction)})
    else:
        out.print(f"correction {correction['id']}: {escape(lib.summary(correction))}{extra} "
                  f"(undo with `storyline corrections undo {correction['id']}`)")


# --- event -------------------------------------------------------------------------

@click.group()
def event() -> None:
    """Correct events: merge several into one, or split documents off into a new one.

    Example: storyline event merge ev-1a2b3c ev-4d5e6f
    """


@event.command("merge")
@click.argument("event_ids", nargs=-1, required=True)
@db_option
@by_option
@json_option
@handle_errors
def event_merge(event_ids, db, by, as_json):
    """Merge events into the FIRST one; the others redirect to it, and later runs keep it so.

    Example: storyline event merge ev-1a2b3c ev-4d5e6f
    """
    with open_store(db) as store:
        correction = lib.merge_events(store, list(event_ids), by=by)
    _done(correction, as_json)


@event.command("split")
@click.argument("event_id")
@click.option("--documents", "documents", required=True, metavar="DOC,DOC",
              help="Comma-separated ids of the documents that leave for a new event.")
@db_option
@by_option
@json_option
@handle_errors
def event_split(event_id, documents, db, by, as_json):
    """Split the listed documents off an event into a new event; they stay there in later runs.

    Example: storyline event split ev-1a2b3c --documents wire-17,post-3
    """
    with open_store(db) as store:
        correction = lib.split_event(store, event_id, documents.split(","), by=by)
    _done(correction, as_json)


# --- document ----------------------------------------------------------------------

@click.group()
def document() -> None:
    """Correct a document's place: move it to another event.

    Example: storyline document move wire-17 --event ev-4d5e6f
    """


@document.command("move")
@click.argument("doc_id")
@click.option("--event", "event_id", required=True, help="The event the document belongs to.")
@db_option
@by_option
@json_option
@handle_errors
def document_move(doc_id, event_id, db, by, as_json):
    """Pin a document to an event (and that event's storyline).

    Example: storyline document move wire-17 --event ev-4d5e6f
    """
    with open_store(db) as store:
        correction = lib.move_document(store, doc_id, event_id, by=by)
    _done(correction, as_json)


# --- storyline ---------------------------------------------------------------------

@click.group("storyline")
def storyline_group() -> None:
    """Correct a storyline: give it a title of your own.

    Example: storyline storyline rename sl-3f2a9c01be "Harbour strike"
    """


@storyline_group.command("rename")
@click.argument("storyline_id")
@click.argument("title")
@db_option
@by_option
@json_option
@handle_errors
def storyline_rename(storyline_id, title, db, by, as_json):
    """Set a storyline's title; later runs keep it.

    Example: storyline storyline rename sl-3f2a9c01be "Harbour strike"
    """
    with open_store(db) as store:
        correction = lib.rename_storyline(store, storyline_id, title, by=by)
    _done(correction, as_json)


# --- quote -------------------------------------------------------------------------

@click.group()
def quote() -> None:
    """Correct a quote: who said it.

    Example: storyline quote speaker q-0062cefaed36 "Grace Okafor"
    """


@quote.command("speaker")
@click.argument("quote_id")
@click.argument("name")
@db_option
@by_option
@json_option
@handle_errors
def quote_speaker(quote_id, name, db, by, as_json):
    """Attribute a quote to NAME (its canonical name); later analyses keep it.

    Example: storyline quote speaker q-0062cefaed36 "Grace Okafor"
    """
    with open_store(db) as store:
        correction = lib.set_quote_speaker(store, quote_id, name, by=by)
    _done(correction, as_json)


# --- flag --------------------------------------------------------------------------

@click.group()
def flag() -> None:
    """Set or clear a quality flag on a document, over what the stages decided.

    Example: storyline flag add wire-17 machine_translated
    """


def _flag_command(add: bool):
    verb = "add" if add else "clear"

    @flag.command(verb, help=f"{'Set' if add else 'Clear'} flag FLAG on document DOC_ID; later runs keep it.\n\n"
                             f"Example: storyline flag {verb} wire-17 machine_translated")
    @click.argument("doc_id")
    @click.argument("flag_name", metavar="FLAG")
    @db_option
    @by_option
    @json_option
    @handle_errors
    def command(doc_id, flag_name, db, by, as_json):
        with open_store(db) as store:
            correction = lib.flag_document(store, doc_id, flag_name, add=add, by=by)
        _done(correction, as_json)
    return command


_flag_command(True)
_flag_command(False)


# --- delete ------------------------------------------------------------------------

@click.command()
@click.argument("doc_ids", nargs=-1, required=True)
@db_option
@config_option
@by_option
@json_option
@handle_errors
def delete(doc_ids, db, config, by, as_json):
    """Delete documents and everything derived from them alone (logged; undoable).

    Their quote, figure and entity mentions and briefing sentences go; an event left
    empty redirects to the nearest event of its storyline. Other documents' results
    do not change. The raw input is kept for audit; ingesting it again is refused
    until the deletion is undone.

    Example: storyline delete wire-17 post-3
    """
    with open_store(db) as store:
        correction = lib.delete_documents(store, list(doc_ids), load_settings(config), by=by)
    redirects = correction["args"].get("redirects") or {}
    extra = "".join(f"; empty event {old} now redirects to {new}" for old, new in sorted(redirects.items()))
    _done(correction, as_json, extra)


# --- corrections -------------------------------------------------------------------

@click.group("corrections")
def corrections_group() -> None:
    """The corrections log: list every correction, undo one.

    Example: storyline corrections list
    """


@corrections_group.command("list")
@db_option
@json_option
@click.option("--active", is_flag=True, help="Leave out undone corrections.")
@handle_errors
def corrections_list(db, as_json, active):
    """List corrections, oldest first: number, when, who, what, and whether undone.

    Example: storyline corrections list --json
    """
    with open_store(db) as store:
        items = lib.list_corrections(store, active=True if active else None)
    if as_json:
        print_json(items)
        return
    for c in items:
        out.print(f"{c['id']:>4}  {c['at']}  {escape(c['by'] or '?')}  {c['action']:<16} {escape(c['summary'])}")
    if not items:
        out.print("no corrections yet")


@corrections_group.command("undo")
@click.argument("number", type=int)
@db_option
@config_option
@by_option
@json_option
@handle_errors
def corrections_undo(number, db, config, by, as_json):
    """Undo correction NUMBER: it stays in the log, marked undone, and its effect reverts.

    Example: storyline corrections undo 3
    """
    with open_store(db) as store:
        correction = lib.undo(store, number, by=by, settings=load_settings(config))
    if as_json:
        print_json({**correction, "summary": lib.summary(correction)})
    else:
        out.print(f"correction {number} undone: {escape(lib.summary(correction))}")


COMMANDS = (event, document, storyline_group, quote, flag, delete, corrections_group)
