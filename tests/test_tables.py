"""Researcher exports: CSV tables that load with pandas and match the JSON export; streamed JSONL."""

from __future__ import annotations

import json

import pytest

from conftest import write
from storyline.cli import cli
from storyline.errors import ExportError
from storyline.tables import TABLES, export_csv, iter_jsonl, write_jsonl
from tests.test_cli import ARTICLES

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The small CLI corpus ingested once, exported as JSON, CSV and JSONL through the CLI."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("tables")
    for name, text in ARTICLES.items():
        write(folder / "corpus", name, text + (" Ein Satz mit Umlauten: Grüße, \"Zitat\", a;b" if "tram" in name else ""))
    db = str(folder / "t.db")
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, [*map(str, args), "--db", db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("ingest", folder / "corpus")
    data = json.loads(run("export").stdout)
    run("export", "--format", "csv", "-o", folder / "csv")
    jsonl = run("export", "--format", "jsonl").stdout
    return {"db": db, "json": data, "csv": folder / "csv", "jsonl": jsonl, "folder": folder}


def _read(exported, name):
    return pd.read_csv(exported["csv"] / f"{name}.csv", keep_default_na=False, na_values=[""])


def _value(v):
    return None if (v is None or (isinstance(v, float) and pd.isna(v))) else v


def test_tables_every_table_loads_with_pandas_with_its_documented_columns(exported):
    docs = (__import__("conftest").ROOT / "docs" / "export.md").read_text()
    for name, columns in TABLES.items():
        frame = _read(exported, name)
        assert tuple(frame.columns) == columns, name
        assert f"`{name}.csv`" in docs, f"document {name}.csv in docs/export.md"
        for column in columns:
            assert f"`{column}`" in docs, f"document column {column} of {name}.csv"
    assert not list(exported["csv"].glob(".*tmp"))


def test_tables_rows_match_the_json_export(exported):
    data = exported["json"]
    documents = _read(exported, "documents")
    assert list(documents["id"]) == [d["id"] for d in data["documents"]]
    for row, doc in zip(documents.to_dict("records"), data["documents"]):
        assert row["text"] == doc["text"]  # newlines, quotes and umlauts survive the round trip
        assert (_value(row["event"]), _value(row["storyline"])) == (doc["event"], doc["storyline"])
        assert json.loads(row["flags"]) == doc["flags"]
    events = _read(exported, "events")
    assert list(events["id"]) == [e["id"] for e in data["events"]]
    assert list(events["document_count"]) == [len(e["documents"]) for e in data["events"]]
    pairs = {(r["event"], r["document"]) for r in _read(exported, "event_documents").to_dict("records")}
    assert pairs == {(e["id"], d) for e in data["events"] for d in e["documents"]}
    storylines = _read(exported, "storylines")
    assert list(storylines["id"]) == [s["id"] for s in data["storylines"]]
    assert list(storylines["event_count"]) == [len(s["events"]) for s in data["storylines"]]
    entities = _read(exported, "entities")
    assert list(entities["id"]) == [e["id"] for e in data["entities"]]
    assert [json.loads(v) for v in entities["variants"]] == [e["variants"] for e in data["entities"]]
    mentioned = {(r["entity"], r["document"]) for r in _read(exported, "entity_mentions").to_dict("records")}
    assert mentioned <= {(e["id"], d) for e in data["entities"] for d in e["documents"]}
    quotes = _read(exported, "quotes")
    assert list(quotes["id"]) == [q["id"] for q in data["quotes"]]
    assert [_value(s) for s in quotes["speaker"]] == [q["speaker"] for q in data["quotes"]]
    rows = _read(exported, "quote_mentions").to_dict("records")
    assert [(r["quote"], r["document"], r["start"], r["end"]) for r in rows] == [
        (q["id"], m["document"], m["start"], m["end"]) for q in data["quotes"] for m in q["mentions"]]
    figures = _read(exported, "figures")
    assert list(figures["id"]) == [f["id"] for f in data["figures"]]
    assert list(figures["value"]) == pytest.approx([f["value"] for f in data["figures"]])
    rows = _read(exported, "figure_mentions").to_dict("records")
    assert [(r["figure"], r["document"], r["start"], r["end"]) for r in rows] == [
        (f["id"], m["document"], m["start"], m["end"]) for f in data["figures"] for m in f["mentions"]]
    assert len(rows) > 0 and len(data["quotes"]) > 0


def test_tables_spans_in_csv_cite_the_csv_text(exported):
    texts = dict(zip(*[_read(exported, "documents")[c] for c in ("id", "text")]))
    for row in _read(exported, "entity_mentions").to_dict("records"):
        assert texts[row["document"]][row["start"]:row["end"]] == str(row["text"])


def test_tables_jsonl_lines_are_the_json_export_documents(exported):
    lines = exported["jsonl"].splitlines()
    # The JSON export's trace fields (`run`, `corrected`) need whole-store lookups; the
    # streaming export leaves them out.
    expected = [{k: v for k, v in d.items() if k not in ("run", "corrected")}
                for d in exported["json"]["documents"]]
    assert [json.loads(line) for line in lines] == expected


def test_tables_jsonl_streams_from_the_store_iterator(exported):
    from storyline.stores.sqlite import SQLiteStore

    with SQLiteStore(exported["db"]) as store:
        pulled = []
        original = store.iter_documents

        def counting(*args, **kwargs):
            for doc in original(*args, **kwargs):
                pulled.append(doc.id)
                yield doc

        store.iter_documents = counting
        rows = iter_jsonl(store)
        first = next(rows)
        assert len(pulled) == 1 and first["id"] == pulled[0]  # one document read, one written
        assert len(list(rows)) == store.count_documents() - 1
        target = exported["folder"] / "docs.jsonl"
        assert write_jsonl(store, target) == store.count_documents()
        assert len(target.read_text().splitlines()) == store.count_documents()


def test_tables_csv_into_a_file_path_fails_cleanly(exported, runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from storyline.stores.sqlite import SQLiteStore

    with SQLiteStore(exported["db"]) as store, pytest.raises(ExportError):
        export_csv(store, blocker / "sub")
    result = runner.invoke(cli, ["export", "--format", "csv", "--db", exported["db"]])
    assert result.exit_code == 2 and "-o DIR" in result.output
