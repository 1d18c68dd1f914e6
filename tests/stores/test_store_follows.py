"""Follows and ingest-time queries, on every backend (the `store` fixture)."""

from __future__ import annotations

from storyline.stores import sql
from tests.stores.test_store_contract import make_doc


def test_store_follows_add_is_idempotent_and_remove_reports(store):
    first = store.add_follow("entity", "grace okafor", "Grace Okafor")
    again = store.add_follow("entity", "grace okafor", "GRACE OKAFOR")
    assert again == first and first["target"] == "Grace Okafor" and first["created_at"]
    store.add_follow("search", "harbour strike", "harbour strike")
    assert [(f["kind"], f["target"]) for f in store.follows()] == [("entity", "Grace Okafor"),
                                                                   ("search", "harbour strike")]
    assert store.remove_follow("entity", "grace okafor") is True
    assert store.remove_follow("entity", "grace okafor") is False
    assert [f["kind"] for f in store.follows()] == ["search"]


def test_store_documents_ingested_since_filters_by_store_time(store, monkeypatch):
    monkeypatch.setattr(sql, "now", lambda: "2024-01-01T00:00:00+00:00")
    store.put_documents([make_doc("old", "an old text", storyline="sl-1", title="Old")])
    monkeypatch.setattr(sql, "now", lambda: "2024-06-01T12:00:00+00:00")
    store.put_documents([make_doc("new", "a new text", storyline="sl-1"), make_doc("other", "x", storyline="sl-2")])
    since = "2024-03-01T00:00:00+00:00"
    assert [d["id"] for d in store.documents_ingested_since(since)] == ["new", "other"]
    assert [d["id"] for d in store.documents_ingested_since(since, storyline="sl-1")] == ["new"]
    assert [d["id"] for d in store.documents_ingested_since(since, ids=["old", "other"])] == ["other"]
    assert store.documents_ingested_since(since)[0]["ingested_at"] == "2024-06-01T12:00:00+00:00"
    # A new version of an old document is new again.
    store.put_documents([make_doc("old", "an old text, corrected")])
    assert "old" in [d["id"] for d in store.documents_ingested_since(since)]
