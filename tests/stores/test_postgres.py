"""PostgreSQL specifics, and concurrent ingest from several processes into one store."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storyline.errors import ConflictError, StoreError, StoreUnavailable
from storyline.stores import open_store
from storyline.stores.postgres import MIGRATIONS

from .test_store_contract import make_doc

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.issue(9)

WORDS = ("council harbour strike minister bridge budget river court verdict storm flood tram vote "
         "union port election mayor police report hospital school farmers drought price fuel "
         "railway airport border treaty talks ceasefire summit protest wages teachers doctors").split()


def article(seed: int, words: int = 220) -> str:
    """A deterministic pseudo-article: different seeds share few 5-word shingles."""
    rng = random.Random(seed)
    sentences, count = [], 0
    while count < words:
        n = rng.randint(8, 16)
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
        count += n
    return " ".join(sentences)


def near_copy(text: str) -> str:
    """The same article with one word changed, as a syndicated copy with an edit."""
    words = text.split(" ")
    words[len(words) // 2] = "amended"
    return " ".join(words)


def test_postgres_open_store_picks_backend_from_url(pg_url):
    from storyline.stores.postgres import PostgresStore

    with open_store(pg_url) as store:
        assert isinstance(store, PostgresStore) and store.schema_version() >= 1
    with open_store(pg_url) as again:  # reopening does not re-run migrations
        assert again.schema_version() >= 1


def test_postgres_unreachable_server_is_unavailable_without_password():
    with pytest.raises(StoreUnavailable, match="cannot connect") as info:
        open_store("postgresql://user:s3cret@127.0.0.1:1/nodb")
    assert "s3cret" not in str(info.value) and "***" in str(info.value)


def test_postgres_without_driver_names_the_extra(monkeypatch):
    from storyline.errors import MissingExtra
    from storyline.stores import postgres

    monkeypatch.setattr(postgres, "psycopg", None)
    with pytest.raises(MissingExtra, match=r"pip install 'storyline\[postgres\]'"):
        open_store("postgresql://127.0.0.1/news")


def test_postgres_driver_errors_become_store_errors(pg_url):
    import psycopg

    with open_store(pg_url) as store:
        store._execute("INSERT INTO records (kind, id, data, updated_at) VALUES ('event', 'e1', '{}', 'now')")
        with pytest.raises(ConflictError) as info:
            store._execute("INSERT INTO records (kind, id, data, updated_at) VALUES ('event', 'e1', '{}', 'now')")
        assert isinstance(info.value.__cause__, psycopg.Error)
        with pytest.raises(StoreError):
            store._execute("SELECT no_such_column FROM documents")
        assert store.count_documents() == 0  # the connection is usable after an error


def test_postgres_search_folds_accents_and_ranks_titles_first(pg_url):
    with open_store(pg_url) as store:
        store.put_documents([
            make_doc("d1", "Flooding closed the roads around São Paulo on Monday.", title="Storm damage"),
            make_doc("d2", "Officials said the river crossing would reopen.", title="Flooding in the valley"),
            make_doc("d3", "A 100% rise; costs (and 'quotes') with ? marks & pipes | too.", title="Odd text"),
        ])
        assert [h.document for h in store.search("Sao Paulo")] == ["d1"]
        assert [h.document for h in store.search("flooding")] == ["d2", "d1"]  # title weight A
        assert [h.document for h in store.search("flood*")][:2] == ["d2", "d1"]
        assert [h.document for h in store.search("100% rise?")] == ["d3"]
        assert store.search("paulo", limit=1, offset=1) == []


def test_store_orders_ids_by_code_point_on_every_backend(store):
    ids = ["b", "B", "a_b", "a-b", "é", "Z10", "z2"]
    store.put_documents([make_doc(i, f"text of {i}") for i in ids])
    assert store.document_ids() == sorted(ids)  # Python order = SQLite BINARY = PostgreSQL "C"
    assert [d.id for d in store.iter_documents()] == sorted(ids)


def test_postgres_text_columns_ignore_the_server_locale(pg_url):
    with open_store(pg_url) as store:
        rows = store._all("SELECT table_name, column_name, collation_name FROM information_schema.columns "
                          "WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'meta'")
    assert rows and {r[2] for r in rows} == {"C"}


@pytest.mark.parametrize("query, expected", [
    ("strike", "'strike'"), ('"port alder" strike', "('port' <-> 'alder') & 'strike'"),
    ("asyl*", "'asyl':*"), ("AND OR (", "'AND' & 'OR'"), ('"', ""), ("it's", "'it' <-> 's'"),
    ("o'brien:* & | !", "'o' <-> 'brien'"),
])
def test_postgres_ts_query_is_always_valid(query, expected):
    from storyline.stores.postgres import ts_query

    assert ts_query(query) == expected


def test_postgres_concurrent_openers_migrate_once(pg_url):
    errors: list[BaseException] = []

    def open_and_close():
        try:
            with open_store(pg_url) as store:
                store.count_documents()
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(pg_url) as store:
        assert store.schema_version() == len(MIGRATIONS)


def test_store_lock_batch_counts_generations(store):
    with pytest.raises(RuntimeError, match="inside store.transaction"):
        store.lock_batch()
    with store.transaction():
        first = store.lock_batch()
    with store.transaction():
        assert store.lock_batch() == first + 1


# --- several processes ingesting into one store -----------------------------------------

def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _ingest_process(db: str, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "STORYLINE_INGEST_BATCH_SIZE": "3"}
    env.pop("STORYLINE_CONFIG", None)
    return subprocess.Popen([sys.executable, "-m", "storyline", "ingest", str(folder), "--db", db,
                             "--engine", "serial", "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_store_concurrent_ingest_keeps_each_document_once(request, tmp_path, backend):
    db = request.getfixturevalue("pg_url") if backend == "postgres" else str(tmp_path / "shared.db")
    originals = {f"a{i:02d}": article(i) for i in range(48)}
    records = [{"id": k, "title": f"Report {k}", "text": v, "published": "2024-05-01"} for k, v in originals.items()]
    copies = [{"id": f"copy-{k}", "title": f"Copy of {k}", "text": near_copy(v), "published": "2024-05-01"}
              for k, v in list(originals.items())[:12]]
    # Overlap: 24 identical records in both inputs; each input also has copies of the other's originals.
    _write_jsonl(tmp_path / "one" / "feed.jsonl", records[:36] + copies[6:])
    _write_jsonl(tmp_path / "two" / "feed.jsonl", records[12:] + copies[:6])
    procs = [_ingest_process(db, tmp_path / "one"), _ingest_process(db, tmp_path / "two")]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (stdout, stderr) in zip(procs, outputs):
        assert proc.returncode == 0, stderr
    reports = [json.loads(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]
    assert sum(r["stored"] for r in reports) == 60
    assert sum(r["unchanged"] for r in reports) == 24
    assert sum(r["versions"] for r in reports) == 0

    with open_store(db) as store:
        docs = {d.id: d for d in store.iter_documents()}
        assert sorted(docs) == sorted([r["id"] for r in records] + [c["id"] for c in copies])
        assert all(len(store.document_versions(i)) == 1 for i in docs)  # no spurious versions
        events = {r["id"] for r in store.iter_records("event")}
        assert all(d.event in events for d in docs.values())
        for i, key in enumerate(list(originals)[:12]):
            original, copy = docs[key], docs[f"copy-{key}"]
            # whichever process stored it first is the original; the other points at it
            assert {original.duplicate_of, copy.duplicate_of} in ({None, key}, {None, f"copy-{key}"})
            assert original.event == copy.event
        assert store.problems() == []
