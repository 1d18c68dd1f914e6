"""The store contract: every backend passes the same tests through the `store` fixture."""

from __future__ import annotations

import hashlib

import pytest

from storyline.errors import NotFound, StoreUnavailable
from storyline.model import Document, Flag, Removed
from storyline.stores.sqlite import SQLiteStore, fts_query


def make_doc(doc_id: str, text: str, **fields) -> Document:
    raw = (fields.pop("raw", None) or text).encode()
    return Document(id=doc_id, raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest(), text=text,
                    body=text, **fields)


def test_store_documents_round_trip(store):
    doc = make_doc("d1", "The harbour strike ended on Monday.", title="Strike ends", source="Wire",
                   language="en", published="2024-03-04", removed=[Removed(0, 4, "junk")],
                   flags={"paywall": Flag("paywall", 0.9, ["Subscribe now"])}, extra={"keep": 1, "_drop": 2})
    store.put_documents([doc])
    back = store.get_document("d1")
    assert (back.title, back.source, back.language, back.published) == ("Strike ends", "Wire", "en", "2024-03-04")
    assert back.removed == [Removed(0, 4, "junk")]
    assert back.flags["paywall"].evidence == ["Subscribe now"]
    assert back.extra == {"keep": 1}  # "_" keys are per-run scratch data
    assert store.get_raw(back.raw_sha256) == doc.raw
    assert store.count_documents() == 1 and store.document_ids() == ["d1"]


def test_store_status_and_versions(store):
    first = make_doc("d1", "first text")
    assert store.document_status("d1", first.raw_sha256) == "new"
    store.put_documents([first])
    assert store.document_status("d1", first.raw_sha256) == "unchanged"
    second = make_doc("d1", "second text")
    assert store.document_status("d1", second.raw_sha256) == "version"
    store.put_documents([second])
    assert store.get_document("d1").text == "second text"
    assert store.get_document("d1", version=1).text == "first text"
    assert store.count_documents() == 1


def test_store_missing_things_raise_not_found(store):
    with pytest.raises(NotFound, match="no document 'nope'"):
        store.get_document("nope")
    with pytest.raises(NotFound):
        store.get_record("event", "ev-nope")


def test_store_transaction_rolls_back_everything(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.put_documents([make_doc("d1", "text")])
            store.put_records("event", [{"id": "ev-1"}])
            raise RuntimeError("crash in the middle of a batch")
    assert store.count_documents() == 0
    assert list(store.iter_records("event")) == []


def test_store_records_redirects_and_filters(store):
    store.put_records("event", [{"id": "ev-1", "storyline": "sl-1", "title": "A"},
                                {"id": "ev-2", "storyline": "sl-2", "title": "B"}])
    store.put_records("event", [{"id": "ev-1", "storyline": "sl-1", "title": "A2"}])  # upsert
    assert [r["title"] for r in store.iter_records("event")] == ["A2", "B"]
    assert [r["id"] for r in store.iter_records("event", storyline="sl-2")] == ["ev-2"]
    store.redirect("event", "ev-2", "ev-1")
    assert store.resolve("event", "ev-2") == "ev-1"
    assert store.get_record("event", "ev-2")["id"] == "ev-1"
    store.delete_records("event", storyline="sl-1")
    assert [r["id"] for r in store.iter_records("event")] == ["ev-2"]


def test_store_state_and_keys(store):
    store.put_state("ns", {"a": {"x": [1, 2]}, "b": b"\x00\x01"})
    assert store.get_state("ns", "a") == {"x": [1, 2]} and store.get_state("ns", "b") == b"\x00\x01"
    assert store.get_state("ns", "missing") is None
    assert set(store.get_states("ns")) == {"a", "b"}
    store.add_keys("idx", [("pompeo", "ev-1"), ("pompeo", "ev-2"), ("tashkent", "ev-2")])
    store.add_keys("idx", [("pompeo", "ev-1")])  # idempotent
    assert sorted(store.lookup_keys("idx", ["pompeo"])) == [("pompeo", "ev-1"), ("pompeo", "ev-2")]
    store.remove_keys("idx", ["ev-2"])
    assert store.lookup_keys("idx", ["pompeo", "tashkent"]) == [("pompeo", "ev-1")]


def test_store_analysis_cache_knows_what_is_stale(store):
    store.put_documents([make_doc("d1", "one"), make_doc("d2", "two")])
    store.put_analysis({"d1": {"quotes": []}}, "v1")
    assert store.stale_analysis("v1") == ["d2"]
    assert store.stale_analysis("v2") == ["d1", "d2"]
    assert store.get_analysis(["d1", "d2"]) == {"d1": {"quotes": []}}


def test_store_search_finds_current_text_with_snippets(store):
    store.put_documents([make_doc("d1", "Dock workers in Port Alder ended their strike.", title="Strike ends"),
                         make_doc("d2", "The council approved a tram line.", title="Tram")])
    hits = store.search("strike")
    assert [h.document for h in hits] == ["d1"] and "[[strike]]" in hits[0].snippet
    assert [h.document for h in store.search('"port alder"')] == ["d1"]
    assert store.search('unbalanced "quote AND OR (') == []  # no FTS syntax error reaches the user


def test_store_rejects_and_problems_are_recorded(store):
    store.put_reject("bad.bin", "binary file", "bad", b"\x00\x01")
    store.put_problem("quotes", "d1", "ValueError", "bad span")
    assert store.rejects()[0]["reason"] == "binary file"
    assert store.rejects()[0]["raw_sha256"] == hashlib.sha256(b"\x00\x01").hexdigest()
    assert store.problems()[0]["stage"] == "quotes"


def test_store_delete_document_removes_it_from_search(store):
    store.put_documents([make_doc("d1", "Dock workers ended their strike.")])
    store.put_analysis({"d1": {}}, "v1")
    store.delete_document("d1")
    assert store.count_documents() == 0 and store.search("strike") == [] and store.get_analysis(["d1"]) == {}


def test_sqlite_store_is_wal_and_migrated(db_path):
    with SQLiteStore(db_path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.schema_version() >= 1
        assert store.integrity_check() == "ok"
    with SQLiteStore(db_path) as again:  # reopening does not re-run migrations
        assert again.schema_version() >= 1


def test_sqlite_store_refuses_a_non_database(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not a database, just text " * 200)
    with pytest.raises(StoreUnavailable, match="notes.db"):
        SQLiteStore(bogus)
    with pytest.raises(StoreUnavailable, match="does not exist"):
        SQLiteStore(tmp_path / "no" / "such" / "dir.db")


@pytest.mark.parametrize("query, expected", [
    ("strike", '"strike"'), ('"port alder" strike', '"port alder" AND "strike"'),
    ("asyl*", '"asyl"*'), ("AND OR (", '"AND" AND "OR"'), ('"', ""),
])
def test_sqlite_fts_query_is_always_valid(query, expected):
    assert fts_query(query) == expected


def test_store_corrections_log_numbers_lists_and_undoes(store):
    first = store.add_correction("event.merge", "ev-a", {"survivor": "ev-a", "absorbed": ["ev-b"]}, "ana")
    second = store.add_correction("flag.add", "d1", {"document": "d1", "flag": "disputed"}, None)
    assert (first["id"], first["by"], first["args"]["absorbed"], first["active"]) == (1, "ana", ["ev-b"], True)
    assert second["id"] == 2
    undone = store.undo_correction(1, "ben")
    assert (undone["active"], undone["undone_by"]) == (False, "ben")
    assert [c["id"] for c in store.corrections(active=True)] == [2]
    assert [c["id"] for c in store.corrections()] == [1, 2]
    with pytest.raises(NotFound):
        store.undo_correction(9, "ben")


def test_store_runs_stamp_what_they_write(store):
    run = store.begin_run("ingest", "0.1.0", "abc123", {"packages": {"spacy": "3.8"}})
    store.put_documents([make_doc("d1", "Some text about a harbour.")])
    store.put_records("event", [{"id": "ev-1", "title": "t"}])
    store.finish_run(run, {"stored": 1})
    store.put_records("event", [{"id": "ev-1", "title": "t2"}])  # outside a run: keeps its run
    assert store.document_runs() == {"d1": run}
    assert store.record_runs("event") == {"ev-1": run}
    (row,) = store.runs()
    assert (row["kind"], row["settings_digest"], row["info"]["stats"]) == ("ingest", "abc123", {"stored": 1})
    assert row["finished_at"] is not None and store.run_id is None


def test_store_remove_redirect(store):
    store.redirect("event", "ev-old", "ev-new")
    assert store.resolve("event", "ev-old") == "ev-new"
    store.remove_redirect("event", "ev-old")
    assert store.resolve("event", "ev-old") == "ev-old"
