"""dedup: syndicated copies point at their original; different stories do not."""

from __future__ import annotations

import hashlib

from storyline.model import Document
from storyline.registry import Batch
from storyline.stages.dedup import Dedup, signature
from storyline.stores.sqlite import SQLiteStore

WIRE = ("KESSMERE — A section of the Halvik dam gave way before dawn on Sunday, sending water through the town "
        "and forcing about 1,200 people from their homes, officials said. Rescue teams worked through the night "
        "and the interior ministry opened an inquiry into the maintenance of the dam, which was built in 1968.")
OTHER = ("LINDQVIST — The city council voted on Tuesday to build a tram line to the university, a project expected "
         "to cost 240 million euros and to take three years, the mayor's office said in a statement.")


def doc(doc_id: str, text: str, published: str | None = None) -> Document:
    return Document(id=doc_id, text=text, raw=text.encode(), raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
                    published=published)


def run(stage: Dedup, store, settings, docs: list[Document]) -> list[Document]:
    docs = [stage.process(d) for d in docs]
    stage.process_batch(Batch(docs, store, settings))
    return docs


def test_dedup_collapses_wire_copies_onto_the_original(sqlite_store, settings):
    copy = WIRE + "\n\nThis story was provided by Meridian Wire."
    docs = run(Dedup(settings), sqlite_store, settings, [doc("orig", WIRE, "2024-03-01"), doc("copy", copy, "2024-03-02"),
                                                                  doc("tram", OTHER)])
    assert [d.duplicate_of for d in docs] == [None, "orig", None]
    assert "duplicate" in docs[1].flags and docs[1].flags["duplicate"].score >= 0.8
    assert "duplicate" not in docs[0].flags


def test_dedup_copy_of_a_copy_points_at_the_first_original_across_batches(sqlite_store, settings):
    run(Dedup(settings), sqlite_store, settings, [doc("orig", WIRE, "2024-03-01")])
    second = run(Dedup(settings), sqlite_store, settings, [doc("copy1", WIRE + " Roads stayed closed.", "2024-03-02")])
    third = run(Dedup(settings), sqlite_store, settings,
                [doc("copy2", WIRE + " Roads stayed closed. Schools too.", "2024-03-03")])
    assert second[0].duplicate_of == "orig" and third[0].duplicate_of == "orig"


def test_dedup_earliest_copy_is_the_original_whatever_the_arrival_order(sqlite_store, settings, tmp_path):
    # The later copies arrive first, each in its own batch; the earliest arrives last and
    # becomes the original: the stored copies are re-pointed at it, as in one batch.
    texts = {"c": WIRE + " Roads stayed closed. Schools too.", "b": WIRE + " Roads stayed closed.", "a": WIRE}
    dates = {"a": "2024-03-01", "b": "2024-03-02", "c": "2024-03-03"}
    with SQLiteStore(tmp_path / "one-batch.db") as other:
        one_batch = run(Dedup(settings), other, settings, [doc(i, texts[i], dates[i]) for i in "cab"])
    stage = Dedup(settings)
    for i in "cba":
        docs = run(stage, sqlite_store, settings, [doc(i, texts[i], dates[i])])
        sqlite_store.put_documents(docs)
    stored = {d.id: d for d in sqlite_store.iter_documents(["a", "b", "c"])}
    assert {d.id: d.duplicate_of for d in one_batch} == {"a": None, "b": "a", "c": "a"}
    assert [stored[i].duplicate_of for i in "abc"] == [None, "a", "a"]
    assert "duplicate" not in stored["a"].flags and stored["b"].flags["duplicate"].evidence[0].endswith(" a")


def test_dedup_signature_is_stable_and_compact():
    assert signature(WIRE, 64) == signature(WIRE, 64)
    assert signature(WIRE, 64) != signature(OTHER, 64)
    assert len(signature(WIRE, 128)) == 128 * 4


def test_dedup_new_version_replaces_its_old_signature(sqlite_store, settings):
    stage = Dedup(settings)
    run(stage, sqlite_store, settings, [doc("a", WIRE)])
    again = run(stage, sqlite_store, settings, [doc("a", WIRE + " Updated with a new paragraph.")])
    assert again[0].duplicate_of is None  # not a copy of its own previous version
