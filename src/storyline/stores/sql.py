"""The store logic shared by the SQL backends; a backend supplies the connection,
the schema migrations, the parameter style and full-text search."""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator

from ..errors import NotFound
from ..model import Document, Flag, Removed
from .base import Hit

# Columns of `documents` that map 1:1 to Document attributes.
DOC_COLUMNS = (
    "id", "version", "raw_sha256", "origin", "format", "title", "source", "url", "author",
    "published", "published_confidence", "published_evidence", "fetched_at", "body", "text",
    "language", "language_score", "duplicate_of", "event", "storyline",
)
JSON_COLUMNS = ("removed", "flags", "extra")
RECORD_COLUMNS = ("storyline", "event", "date", "title")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _persisted_extra(extra: dict[str, Any]) -> dict[str, Any]:
    # Keys starting with "_" are scratch data for one run (e.g. feature vectors).
    return {k: v for k, v in extra.items() if not k.startswith("_")}



def current_where(**equal: str | None) -> tuple[list[str], list[Any]]:
    """WHERE terms and parameters for current documents whose given columns equal the given
    values (None: any value). Column names come from code, never from input."""
    where, params = ["current = 1"], []
    for column, value in equal.items():
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params

class SQLStore:
    """Backend-independent half of a SQL store. Subclasses set `placeholder` and implement
    `_connect`, `_migrations`, `_fts_*` and `_translate` (driver errors → StoreError)."""

    placeholder = "?"
    url = ""

    def __init__(self) -> None:
        self._depth = 0
        self._reading = False
        self._lock = threading.RLock()
        # The run (see `begin_run`) that documents and records written now are stamped with.
        self.run_id: int | None = None

    # plumbing ------------------------------------------------------------
    def _q(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _execute(self, sql: str, params: Iterable[Any] = ()):
        with self._translate():
            return self.conn.execute(self._q(sql), tuple(params))

    def _executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            with self._translate():
                self.conn.executemany(self._q(sql), rows)

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        return self._execute(sql, params).fetchall()

    def _one(self, sql: str, params: Iterable[Any] = ()):
        return self._execute(sql, params).fetchone()

    @contextmanager
    def transaction(self):
        """Group writes; nested uses join the outer transaction. Rolls back on error."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._begin()
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._rollback()
                raise
            self._depth -= 1
            if outer:
                self._commit()

    @contextmanager
    def snapshot(self):
        """A read-only block in which every read sees one committed state of the store.

        Without it, a reader that runs several queries (an export, a storyline page)
        while an ingest commits can see a document whose event it has not read yet.
        Writes inside the block are not allowed (run lazy analysis before entering).
        Inside a transaction it simply joins it.

        Example:
            with store.snapshot():
                docs = list(store.iter_documents())
                events = list(store.iter_records("event"))
        """
        with self._lock:
            if self._depth:
                yield self
                return
            self._begin_read()
            self._depth += 1
            self._reading = True
            try:
                yield self
            finally:
                self._depth -= 1
                self._reading = False
                self._end_read()

    def _begin_read(self) -> None:
        self._begin()

    def _end_read(self) -> None:
        self._commit()

    @contextmanager
    def _write(self):
        """A write outside any explicit transaction commits by itself."""
        if self._reading:
            raise RuntimeError("store.snapshot() is read-only: write before entering it")
        with self.transaction():
            yield

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()
            self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # schema --------------------------------------------------------------
    def _migrate(self) -> None:
        with self._write():
            self._execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
            current = int(row[0]) if row else 0
            for version, statements in enumerate(self._migrations(), start=1):
                if version <= current:
                    continue
                for statement in statements:
                    self._execute(statement)
                self._execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(version),))

    def lock_batch(self) -> int:
        """Serialise batch writers (across processes) until this transaction ends.

        Call it first thing inside `transaction()`. Returns the store's batch
        generation before this batch: when it is not the one this writer left behind,
        another process wrote in between and in-memory stage caches are stale.
        """
        if self._depth == 0:
            raise RuntimeError("lock_batch() must be called inside store.transaction()")
        self._lock_writers()
        row = self._one("SELECT value FROM meta WHERE key = 'batch_generation'")
        generation = int(row[0]) if row else 0
        self._execute("INSERT INTO meta (key, value) VALUES ('batch_generation', ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(generation + 1),))
        return generation

    def _lock_writers(self) -> None:
        """Take the cross-process writer lock for the current transaction. A no-op here:
        SQLite's BEGIN IMMEDIATE already holds the database's one write lock."""

    def schema_version(self) -> int:
        row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    # documents -----------------------------------------------------------
    def document_status(self, doc_id: str, raw_sha256: str) -> str:
        # Any stored version with this content makes it a no-op, not only the current one:
        # otherwise re-ingesting a folder holding versions A and B of one id would add
        # A again as version 3, B as version 4, and so on at every run.
        rows = self._all("SELECT raw_sha256 FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            return "new"
        return "unchanged" if any(r[0] == raw_sha256 for r in rows) else "version"

    def put_documents(self, docs: Iterable[Document]) -> None:
        with self._write():
            for doc in docs:
                self._put_blob(doc.raw_sha256, doc.raw)
                previous = self._one(
                    "SELECT rowid, version, title, text FROM documents WHERE id = ? AND current = 1",
                    (doc.id,))
                if previous is not None:
                    self._fts_delete(previous[0], previous[2], previous[3])
                    self._execute("UPDATE documents SET current = 0 WHERE rowid = ?", (previous[0],))
                    doc.version = max(doc.version, previous[1] + 1)
                row = self._document_row(doc)
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                self._execute(f"INSERT INTO documents ({columns}, current, ingested_at, run_id) "
                              f"VALUES ({marks}, 1, ?, ?)", (*row.values(), now(), self.run_id))
                rowid = self._one("SELECT rowid FROM documents WHERE id = ? AND current = 1",
                                  (doc.id,))[0]
                self._fts_insert(rowid, doc.title, doc.text)

    def _put_blob(self, sha: str, raw: bytes) -> None:
        self._execute("INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) "
                      "ON CONFLICT (sha256) DO NOTHING", (sha, len(raw), self._blob(raw)))

    def _blob(self, raw: bytes) -> Any:
        return raw

    def _document_row(self, doc: Document) -> dict[str, Any]:
        row = {c: getattr(doc, c) for c in DOC_COLUMNS}
        row["removed"] = dumps([[r.start, r.end, r.reason] for r in doc.removed])
        row["flags"] = dumps({n: {"score": f.score, "evidence": f.evidence} for n, f in doc.flags.items()})
        row["extra"] = dumps(_persisted_extra(doc.extra))
        return row

    def update_documents(self, docs: Iterable[Document], fields: tuple[str, ...]) -> None:
        unknown = set(fields) - set(DOC_COLUMNS) - set(JSON_COLUMNS)
        if unknown:
            raise ValueError(f"cannot update unknown document fields {sorted(unknown)}")
        sets = ", ".join(f"{f} = ?" for f in fields)
        rows = []
        for doc in docs:
            full = self._document_row(doc)
            rows.append([full[f] for f in fields] + [doc.id])
        with self._write():
            self._executemany(f"UPDATE documents SET {sets} WHERE id = ? AND current = 1", rows)

    _SELECT = "SELECT " + ", ".join(DOC_COLUMNS + JSON_COLUMNS) + " FROM documents"

    def _to_document(self, row: tuple, raw: bool = False) -> Document:
        values = dict(zip(DOC_COLUMNS + JSON_COLUMNS, row))
        removed = [Removed(*r) for r in json.loads(values.pop("removed") or "[]")]
        flags = {n: Flag(n, f["score"], f["evidence"])
                 for n, f in json.loads(values.pop("flags") or "{}").items()}
        extra = json.loads(values.pop("extra") or "{}")
        doc = Document(**values, removed=removed, flags=flags, extra=extra)
        if raw:
            doc.raw = self.get_raw(doc.raw_sha256)
        return doc

    def get_document(self, doc_id: str, version: int | None = None, *, raw: bool = False) -> Document:
        if version is None:
            row = self._one(self._SELECT + " WHERE id = ? AND current = 1", (doc_id,))
        else:
            row = self._one(self._SELECT + " WHERE id = ? AND version = ?", (doc_id, version))
        if row is None:
            suffix = f" version {version}" if version is not None else ""
            raise NotFound(f"no document '{doc_id}'{suffix} (try `storyline search` or `storyline stories`)")
        return self._to_document(row, raw)

    def iter_documents(self, ids: Iterable[str] | None = None, *, event: str | None = None,
                       storyline: str | None = None) -> Iterator[Document]:
        where, params = current_where(event=event, storyline=storyline)
        sql = self._SELECT + " WHERE " + " AND ".join(where)
        if ids is None:
            # Ids first, then rows 500 at a time: memory stays bounded at 100k documents.
            ids = [r[0] for r in self._all("SELECT id FROM documents WHERE " + " AND ".join(where)
                                           + " ORDER BY id", params)]
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self._all(sql + f" AND id IN ({marks})", [*params, *chunk])
            by_id = {row[0]: row for row in rows}
            for doc_id in chunk:
                if doc_id in by_id:
                    yield self._to_document(by_id[doc_id])

    def document_ids(self) -> list[str]:
        return [r[0] for r in self._all("SELECT id FROM documents WHERE current = 1 ORDER BY id")]

    def assignments(self, *, events: Iterable[str] = (), ids: Iterable[str] = ()) -> dict[str, tuple[str | None, str | None]]:
        """id -> (event, storyline) of the current documents in `events` or with `ids`: what
        re-assignment after a batch needs, without loading texts."""
        out: dict[str, tuple[str | None, str | None]] = {}
        for column, values in (("event", sorted(set(events))), ("id", sorted(set(ids)))):
            for start in range(0, len(values), 500):
                chunk = values[start:start + 500]
                marks = ", ".join("?" for _ in chunk)
                for doc_id, event, line in self._all(f"SELECT id, event, storyline FROM documents WHERE current = 1 "
                                                     f"AND {column} IN ({marks})", chunk):
                    out[doc_id] = (event, line)
        return out

    def document_versions(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self._all("SELECT version, raw_sha256, ingested_at, current, title FROM documents "
                         "WHERE id = ? ORDER BY version", (doc_id,))
        return [dict(zip(("version", "raw_sha256", "ingested_at", "current", "title"), r)) for r in rows]

    def count_documents(self) -> int:
        return self._one("SELECT COUNT(*) FROM documents WHERE current = 1")[0]

    def get_raw(self, raw_sha256: str) -> bytes:
        row = self._one("SELECT data FROM blobs WHERE sha256 = ?", (raw_sha256,))
        if row is None:
            raise NotFound(f"no raw input with sha256 {raw_sha256}")
        return bytes(row[0])

    def delete_document(self, doc_id: str) -> None:
        with self._write():
            for rowid, title, text in self._all(
                    "SELECT rowid, title, text FROM documents WHERE id = ? AND current = 1", (doc_id,)):
                self._fts_delete(rowid, title, text)
            self._execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self._execute("DELETE FROM analysis WHERE doc_id = ?", (doc_id,))

    # problems ------------------------------------------------------------
    def put_reject(self, origin: str, reason: str, doc_id: str | None = None,
                   raw: bytes | None = None) -> None:
        sha = hashlib.sha256(raw).hexdigest() if raw is not None else None
        with self._write():
            # The same input rejected again for the same reason (a re-run, or a run after
            # one killed half-way) is one record, not two.
            seen = self._one("SELECT 1 FROM rejects WHERE origin = ? AND reason = ? AND COALESCE(doc_id, '') = ? "
                             "AND COALESCE(raw_sha256, '') = ?", (origin, reason, doc_id or "", sha or ""))
            if seen is not None:
                return
            if raw is not None:
                self._put_blob(sha, raw)
            self._execute("INSERT INTO rejects (origin, doc_id, reason, raw_sha256, at) "
                          "VALUES (?, ?, ?, ?, ?)", (origin, doc_id, reason, sha, now()))

    def rejects(self) -> list[dict[str, Any]]:
        rows = self._all("SELECT origin, doc_id, reason, raw_sha256, at FROM rejects ORDER BY id")
        return [dict(zip(("origin", "doc_id", "reason", "raw_sha256", "at"), r)) for r in rows]

    def put_problem(self, stage: str, doc_id: str | None, error: str, message: str) -> None:
        with self._write():
            self._execute("INSERT INTO problems (stage, doc_id, error, message, at) VALUES (?, ?, ?, ?, ?)",
                          (stage, doc_id, error, message, now()))

    def problems(self) -> list[dict[str, Any]]:
        rows = self._all("SELECT stage, doc_id, error, message, at FROM problems ORDER BY id")
        return [dict(zip(("stage", "doc_id", "error", "message", "at"), r)) for r in rows]

    # records -------------------------------------------------------------
    def put_records(self, kind: str, records: Iterable[dict[str, Any]]) -> None:
        rows = [(kind, r["id"], *(r.get(c) for c in RECORD_COLUMNS), dumps(r), now(), self.run_id)
                for r in records]
        with self._write():
            self._executemany(
                "INSERT INTO records (kind, id, storyline, event, date, title, data, updated_at, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
                "storyline = excluded.storyline, event = excluded.event, date = excluded.date, "
                "title = excluded.title, data = excluded.data, updated_at = excluded.updated_at, "
                "run_id = COALESCE(excluded.run_id, records.run_id)", rows)

    def get_record(self, kind: str, record_id: str) -> dict[str, Any]:
        row = self._one("SELECT data FROM records WHERE kind = ? AND id = ?",
                        (kind, self.resolve(kind, record_id)))
        if row is None:
            raise NotFound(f"no {kind} '{record_id}' (list them with `storyline stories`)")
        return json.loads(row[0])

    def iter_records(self, kind: str, *, storyline: str | None = None,
                     event: str | None = None) -> Iterator[dict[str, Any]]:
        sql, params = "SELECT data FROM records WHERE kind = ?", [kind]
        if storyline is not None:
            sql += " AND storyline = ?"
            params.append(storyline)
        if event is not None:
            sql += " AND event = ?"
            params.append(event)
        for (data,) in self._all(sql + " ORDER BY id", params):
            yield json.loads(data)

    def delete_records(self, kind: str, ids: Iterable[str] | None = None, *,
                       storyline: str | None = None) -> None:
        with self._write():
            if storyline is not None:
                self._execute("DELETE FROM records WHERE kind = ? AND storyline = ?", (kind, storyline))
            for record_id in ids or ():
                self._execute("DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id))

    def redirect(self, kind: str, old_id: str, new_id: str) -> None:
        with self._write():
            self._execute("INSERT INTO redirects (kind, old_id, new_id, at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (kind, old_id) DO UPDATE SET new_id = excluded.new_id",
                          (kind, old_id, new_id, now()))

    def remove_redirect(self, kind: str, old_id: str) -> None:
        """Forget a redirect (an undone merge); `old_id` resolves to itself again."""
        with self._write():
            self._execute("DELETE FROM redirects WHERE kind = ? AND old_id = ?", (kind, old_id))

    def resolve(self, kind: str, record_id: str) -> str:
        seen = {record_id}
        while True:
            row = self._one("SELECT new_id FROM redirects WHERE kind = ? AND old_id = ?", (kind, record_id))
            if row is None or row[0] in seen:
                return record_id
            record_id = row[0]
            seen.add(record_id)

    # stage state -----------------------------------------------------------
    def get_state(self, ns: str, key: str) -> Any:
        row = self._one("SELECT value FROM state WHERE ns = ? AND key = ?", (ns, key))
        return None if row is None else _load_state(row[0])

    def get_states(self, ns: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
        if keys is None:
            rows = self._all("SELECT key, value FROM state WHERE ns = ?", (ns,))
            return {k: _load_state(v) for k, v in rows}
        out: dict[str, Any] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for k, v in self._all(f"SELECT key, value FROM state WHERE ns = ? AND key IN ({marks})",
                                  (ns, *chunk)):
                out[k] = _load_state(v)
        return out

    def put_state(self, ns: str, items: dict[str, Any]) -> None:
        rows = [(ns, k, self._blob(_dump_state(v))) for k, v in items.items()]
        with self._write():
            self._executemany("INSERT INTO state (ns, key, value) VALUES (?, ?, ?) "
                              "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value", rows)

    def delete_state(self, ns: str, keys: Iterable[str]) -> None:
        with self._write():
            self._executemany("DELETE FROM state WHERE ns = ? AND key = ?", ((ns, k) for k in keys))

    def add_keys(self, ns: str, pairs: Iterable[tuple[str, str]]) -> None:
        with self._write():
            self._executemany("INSERT INTO keys (ns, key, target) VALUES (?, ?, ?) "
                              "ON CONFLICT (ns, key, target) DO NOTHING",
                              ((ns, k, t) for k, t in pairs))

    def lookup_keys(self, ns: str, keys: Iterable[str]) -> list[tuple[str, str]]:
        keys = list(dict.fromkeys(keys))
        out: list[tuple[str, str]] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            out.extend(self._all(f"SELECT key, target FROM keys WHERE ns = ? AND key IN ({marks})",
                                 (ns, *chunk)))
        return out

    def remove_keys(self, ns: str, targets: Iterable[str]) -> None:
        with self._write():
            self._executemany("DELETE FROM keys WHERE ns = ? AND target = ?", ((ns, t) for t in targets))

    # analysis cache ----------------------------------------------------------
    def put_analysis(self, items: dict[str, dict[str, Any]], stamp: str) -> None:
        with self._write():
            self._executemany(
                "INSERT INTO analysis (doc_id, stamp, data) VALUES (?, ?, ?) "
                "ON CONFLICT (doc_id) DO UPDATE SET stamp = excluded.stamp, data = excluded.data",
                ((doc_id, stamp, dumps(data)) for doc_id, data in items.items()))

    def update_analysis(self, items: dict[str, dict[str, Any]]) -> None:
        """Rewrite cached analysis payloads in place, keeping their stamps."""
        with self._write():
            self._executemany("UPDATE analysis SET data = ? WHERE doc_id = ?",
                              ((dumps(data), doc_id) for doc_id, data in items.items()))

    def get_analysis(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        ids = list(doc_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for doc_id, data in self._all(f"SELECT doc_id, data FROM analysis WHERE doc_id IN ({marks})", chunk):
                out[doc_id] = json.loads(data)
        return out

    def get_analysis_stamps(self, doc_ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(doc_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            out.update(self._all(f"SELECT doc_id, stamp FROM analysis WHERE doc_id IN ({marks})", chunk))
        return out

    def stale_analysis(self, stamp: str) -> list[str]:
        rows = self._all("SELECT d.id FROM documents d LEFT JOIN analysis a ON a.doc_id = d.id "
                         "WHERE d.current = 1 AND (a.stamp IS NULL OR a.stamp <> ?) ORDER BY d.id", (stamp,))
        return [r[0] for r in rows]

    # corrections log ---------------------------------------------------------
    _CORRECTION_KEYS = ("id", "at", "by", "action", "target", "args", "undone_at", "undone_by")
    _CORRECTION_COLUMNS = "id, at, made_by, action, target, args, undone_at, undone_by"

    def add_correction(self, action: str, target: str, args: dict[str, Any], by: str | None) -> dict[str, Any]:
        """Append one correction to the log; returns it with its number (`id`)."""
        with self._write():
            row = self._one("INSERT INTO corrections (at, made_by, action, target, args) VALUES (?, ?, ?, ?, ?) "
                            "RETURNING id", (now(), by, action, target, dumps(args)))
        return self.get_correction(int(row[0]))

    def _correction(self, row: tuple) -> dict[str, Any]:
        out = dict(zip(self._CORRECTION_KEYS, row))
        out["args"] = json.loads(out["args"] or "{}")
        out["active"] = out["undone_at"] is None
        return out

    def get_correction(self, number: int) -> dict[str, Any]:
        row = self._one("SELECT " + self._CORRECTION_COLUMNS + " FROM corrections WHERE id = ?", (number,))
        if row is None:
            raise NotFound(f"no correction {number} (list them with `storyline corrections list`)")
        return self._correction(row)

    def corrections(self, *, active: bool | None = None) -> list[dict[str, Any]]:
        """The corrections log, oldest first; `active=True` leaves out undone ones."""
        sql = "SELECT " + self._CORRECTION_COLUMNS + " FROM corrections"
        if active is not None:
            sql += " WHERE undone_at IS NULL" if active else " WHERE undone_at IS NOT NULL"
        return [self._correction(r) for r in self._all(sql + " ORDER BY id")]

    def undo_correction(self, number: int, by: str | None) -> dict[str, Any]:
        """Mark a correction undone (it stays in the log); NotFound for an unknown number."""
        self.get_correction(number)
        with self._write():
            self._execute("UPDATE corrections SET undone_at = ?, undone_by = ? WHERE id = ? AND undone_at IS NULL",
                          (now(), by, number))
        return self.get_correction(number)

    # runs --------------------------------------------------------------------
    _RUN_KEYS = ("id", "kind", "started_at", "finished_at", "version", "settings_digest", "info")

    def begin_run(self, kind: str, version: str, settings_digest: str | None, info: dict[str, Any]) -> int:
        """Record the start of a run; documents and records written until `finish_run`
        are stamped with its number."""
        with self._write():
            row = self._one("INSERT INTO runs (kind, started_at, version, settings_digest, info) "
                            "VALUES (?, ?, ?, ?, ?) RETURNING id", (kind, now(), version, settings_digest, dumps(info)))
        self.run_id = int(row[0])
        return self.run_id

    def finish_run(self, run_id: int, stats: dict[str, Any] | None = None, *, keep: bool = True) -> None:
        """Record the end of a run; `keep=False` forgets a run that wrote nothing."""
        if not keep:
            with self._write():
                self._execute("DELETE FROM runs WHERE id = ?", (run_id,))
            if self.run_id == run_id:
                self.run_id = None
            return
        with self._write():
            if stats is not None:
                row = self._one("SELECT info FROM runs WHERE id = ?", (run_id,))
                info = {**json.loads(row[0] if row else "{}"), "stats": stats}
                self._execute("UPDATE runs SET finished_at = ?, info = ? WHERE id = ?", (now(), dumps(info), run_id))
            else:
                self._execute("UPDATE runs SET finished_at = ? WHERE id = ?", (now(), run_id))
        if self.run_id == run_id:
            self.run_id = None

    def runs(self) -> list[dict[str, Any]]:
        out = []
        for row in self._all("SELECT " + ", ".join(self._RUN_KEYS) + " FROM runs ORDER BY id"):
            run = dict(zip(self._RUN_KEYS, row))
            run["info"] = json.loads(run["info"] or "{}")
            out.append(run)
        return out

    def document_runs(self) -> dict[str, int | None]:
        """Current document id -> the run that stored its current version."""
        return dict(self._all("SELECT id, run_id FROM documents WHERE current = 1"))

    def record_runs(self, kind: str) -> dict[str, int | None]:
        """Record id -> the run that last wrote it."""
        return dict(self._all("SELECT id, run_id FROM records WHERE kind = ?", (kind,)))

    # search ------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
        return self._fts_search(query, limit, offset)


def _dump_state(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"B" + bytes(value)
    if type(value) is int:  # most state rows are counts (document frequencies): skip the encoder
        return b"J%d" % value
    return b"J" + dumps(value).encode()


def _load_state(blob: Any) -> Any:
    blob = bytes(blob)
    return blob[1:] if blob[:1] == b"B" else json.loads(blob[1:])


# --- web queries --------------------------------------------------------------------
# Read-only, paginated listings for the web app and HTTP API. They select metadata
# columns only (never `body`/`text`), so a listing or a storyline page never loads
# article texts it does not show. Portable SQL with `?` placeholders: PostgresStore
# inherits them. Kept in one block at the end of the module (attached to SQLStore
# below) so merges with other store work stay trivial.

SUMMARY_COLUMNS = ("id", "version", "title", "source", "url", "author", "published", "language",
                   "flags", "duplicate_of", "event", "storyline", "format", "ingested_at")
# Up to this many ids, a restriction runs as chunked `IN (...)` look-ups; above it, as one
# scan filtered in Python (a backend caps the parameters of one statement).
ID_LOOKUP_LIMIT = 20_000
_EVENT_KEYS = ("id", "storyline", "date", "title")


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _page(rows: list[Any], limit: int | None, offset: int) -> list[Any]:
    return rows[offset:None if limit is None else offset + limit]


def _newest_first(key_date, key_id):
    """Sort key: dated items newest first, undated last, then by id (matches the SQL order)."""
    return lambda row: (key_date(row) is None, _invert(key_date(row) or ""), key_id(row))


def _invert(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text) + (1,)


class WebQueries:
    """Listing queries used by `storyline.views` for the web app; mixed into SQLStore."""

    # documents -------------------------------------------------------------------
    def document_summaries(self, ids: Iterable[str] | None = None, *, storyline: str | None = None,
                           event: str | None = None, events: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Metadata of current documents (no text), by ids, storyline, event or events; oldest first."""
        where, params = current_where(storyline=storyline, event=event)
        sql = "SELECT " + ", ".join(SUMMARY_COLUMNS) + " FROM documents WHERE " + " AND ".join(where)
        rows: list[tuple] = []
        if ids is None and events is None:
            rows = self._all(sql, params)
        else:
            column, values = ("id", ids) if ids is not None else ("event", events)
            for chunk in _chunks(list(dict.fromkeys(values))):
                marks = ", ".join("?" for _ in chunk)
                rows.extend(self._all(sql + f" AND {column} IN ({marks})", [*params, *chunk]))
        out = [_summary(r) for r in rows]
        out.sort(key=lambda d: (d["published"] is None, d["published"] or "", d["id"]))
        return out

    def _document_filter(self, date_from, date_to, outlet, language, storyline, event) -> tuple[list[str], list[Any]]:
        where, params = current_where(source=outlet, language=language, storyline=storyline, event=event)
        if date_from:
            where.append("published >= ?")
            params.append(date_from)
        if date_to:
            where.append("substr(published, 1, 10) <= ?")
            params.append(date_to)
        return where, params

    def web_documents(self, *, date_from: str | None = None, date_to: str | None = None,
                      outlet: str | None = None, language: str | None = None, storyline: str | None = None,
                      event: str | None = None, only: set[str] | None = None, limit: int | None = 50,
                      offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Current documents matching the filters, newest first: (page of summaries, total).

        `only` restricts to a set of ids (from an entity or a text query).
        """
        where, params = self._document_filter(date_from, date_to, outlet, language, storyline, event)
        base = " FROM documents WHERE " + " AND ".join(where)
        order = " ORDER BY (published IS NULL), published DESC, id"
        if only is not None:
            if len(only) <= ID_LOOKUP_LIMIT:
                rows = []
                for chunk in _chunks(sorted(only)):
                    marks = ", ".join("?" for _ in chunk)
                    rows.extend(self._all("SELECT id, published" + base + f" AND id IN ({marks})", [*params, *chunk]))
                rows.sort(key=_newest_first(lambda r: r[1], lambda r: r[0]))
            else:
                rows = [r for r in self._all("SELECT id, published" + base + order, params) if r[0] in only]
            page = [r[0] for r in _page(rows, limit, offset)]
            by_id = {d["id"]: d for d in self.document_summaries(page)}
            return [by_id[i] for i in page if i in by_id], len(rows)
        total = self._one("SELECT COUNT(*)" + base, params)[0]
        select = "SELECT " + ", ".join(SUMMARY_COLUMNS) + base + order
        if limit is not None:
            select += " LIMIT ? OFFSET ?"
            params = [*params, limit, offset]
        return [_summary(r) for r in self._all(select, params)], total

    def web_document_groups(self, column: str, *, outlet: str | None = None,
                            language: str | None = None) -> set[str]:
        """Distinct events (or storylines: `column`) of current documents from an outlet / in a language."""
        if column not in ("event", "storyline"):
            raise ValueError(f"cannot group documents by {column!r}")
        where, params = self._document_filter(None, None, outlet, language, None, None)
        return {r[0] for r in self._all(f"SELECT DISTINCT {column} FROM documents WHERE "
                                        + " AND ".join(where) + f" AND {column} IS NOT NULL", params)}

    # events & storylines ---------------------------------------------------------
    def _event_dates_filter(self, date_from, date_to, storyline) -> tuple[str, list[Any]]:
        where = ["r.kind = 'event'",
                 "EXISTS (SELECT 1 FROM documents d WHERE d.current = 1 AND d.event = r.id)"]
        params: list[Any] = []
        if storyline is not None:
            where.append("r.storyline = ?")
            params.append(storyline)
        if date_from:
            where.append("r.date >= ?")
            params.append(date_from)
        if date_to:
            where.append("substr(r.date, 1, 10) <= ?")
            params.append(date_to)
        return " WHERE " + " AND ".join(where), params

    def _restrict(self, only: set[str] | None, outlet: str | None, language: str | None,
                  column: str) -> set[str] | None:
        """Combine an id restriction with the outlet/language filters (as a set of `column` ids)."""
        if outlet is None and language is None:
            return only
        allowed = self.web_document_groups(column, outlet=outlet, language=language)
        return allowed if only is None else allowed & only

    def web_events(self, *, date_from: str | None = None, date_to: str | None = None,
                   outlet: str | None = None, language: str | None = None, storyline: str | None = None,
                   only: set[str] | None = None, limit: int | None = 50,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Events with at least one current document, matching the filters, newest first.

        Returns (page of {id, storyline, date, title}, total). Date filters apply to the
        event date; outlet and language to its documents; `only` restricts to event ids.
        """
        only = self._restrict(only, outlet, language, "event")
        where, params = self._event_dates_filter(date_from, date_to, storyline)
        select = "SELECT r.id, r.storyline, r.date, r.title FROM records r" + where
        if only is not None:
            if len(only) <= ID_LOOKUP_LIMIT:
                rows = []
                for chunk in _chunks(sorted(only)):
                    marks = ", ".join("?" for _ in chunk)
                    rows.extend(self._all(select + f" AND r.id IN ({marks})", [*params, *chunk]))
                rows.sort(key=_newest_first(lambda r: r[2], lambda r: r[0]))
            else:
                rows = [r for r in self._all(select + " ORDER BY r.date DESC NULLS LAST, r.id", params)
                        if r[0] in only]
            return [dict(zip(_EVENT_KEYS, r)) for r in _page(rows, limit, offset)], len(rows)
        if params:
            total = self._one("SELECT COUNT(*) FROM records r" + where, params)[0]
        else:  # the covering index on documents(event) answers this without touching the events
            total = self._one("SELECT COUNT(DISTINCT event) FROM documents WHERE current = 1 "
                              "AND event IS NOT NULL")[0]
        # DESC NULLS LAST walks the (kind, date) index and stops at the page: no full sort.
        sql = select + " ORDER BY r.date DESC NULLS LAST, r.id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, limit, offset]
        return [dict(zip(_EVENT_KEYS, r)) for r in self._all(sql, params)], total

    def event_records(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Event records by id, in one query per 500 ids."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ", ".join("?" for _ in chunk)
            for record_id, data in self._all(f"SELECT id, data FROM records WHERE kind = 'event' AND id IN ({marks})",
                                             chunk):
                out[record_id] = json.loads(data)
        return out

    def web_storylines(self, *, date_from: str | None = None, date_to: str | None = None,
                       outlet: str | None = None, language: str | None = None,
                       only: set[str] | None = None, limit: int | None = 20,
                       offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Storylines with an event matching the filters, latest activity first.

        Returns (page of {id, title, events, documents, first_date, last_date}, total); the
        counts and dates describe the whole storyline, the filters only select it.
        `only` restricts to storyline ids.
        """
        only = self._restrict(only, outlet, language, "storyline")
        grouped = ("SELECT r.storyline, COUNT(*), MIN(r.date), MAX(r.date) FROM records r "
                   "WHERE r.kind = 'event' AND r.storyline IS NOT NULL AND "
                   "EXISTS (SELECT 1 FROM documents d WHERE d.current = 1 AND d.event = r.id)")
        order = " GROUP BY r.storyline ORDER BY (MAX(r.date) IS NULL), MAX(r.date) DESC, r.storyline"
        params: list[Any] = []
        if date_from or date_to:
            where, params = self._event_dates_filter(date_from, date_to, None)
            grouped += " AND r.storyline IN (SELECT r.storyline FROM records r" + where + ")"
        if only is not None:
            if len(only) <= ID_LOOKUP_LIMIT:
                rows = []
                for chunk in _chunks(sorted(only)):
                    marks = ", ".join("?" for _ in chunk)
                    rows.extend(self._all(grouped + f" AND r.storyline IN ({marks})" + order, [*params, *chunk]))
                rows.sort(key=_newest_first(lambda r: r[3], lambda r: r[0]))
            else:
                rows = [r for r in self._all(grouped + order, params) if r[0] in only]
            total = len(rows)
            rows = _page(rows, limit, offset)
        elif params:
            total = self._one("SELECT COUNT(*) FROM (" + grouped + " GROUP BY r.storyline) t", params)[0]
            sql = grouped + order
            if limit is not None:
                sql += " LIMIT ? OFFSET ?"
                params = [*params, limit, offset]
            rows = self._all(sql, params)
        else:
            total = self._one("SELECT COUNT(DISTINCT storyline) FROM documents WHERE current = 1 "
                              "AND storyline IS NOT NULL")[0]
            ids = self._latest_storylines(offset + limit if limit is not None else None)[offset:]
            rows = []
            for chunk in _chunks(ids):
                marks = ", ".join("?" for _ in chunk)
                rows.extend(self._all(grouped + f" AND r.storyline IN ({marks})" + order, chunk))
            rows.sort(key=_newest_first(lambda r: r[3], lambda r: r[0]))
        ids = [r[0] for r in rows]
        titles, counts = {}, {}
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            titles.update(self._all(f"SELECT id, title FROM records WHERE kind = 'storyline' AND id IN ({marks})", chunk))
            counts.update(self._all(f"SELECT storyline, COUNT(*) FROM documents WHERE current = 1 AND "
                                    f"storyline IN ({marks}) GROUP BY storyline", chunk))
        return [{"id": r[0], "title": titles.get(r[0]) or "", "events": r[1], "documents": counts.get(r[0], 0),
                 "first_date": r[2], "last_date": r[3]} for r in rows], total

    def _latest_storylines(self, wanted: int | None) -> list[str]:
        """Storyline ids by their latest event date (newest first), reading only as many events
        as it takes: a storyline's first appearance in a date-descending walk is its latest date."""
        sql = ("SELECT r.storyline FROM records r WHERE r.kind = 'event' AND r.storyline IS NOT NULL AND "
               "EXISTS (SELECT 1 FROM documents d WHERE d.current = 1 AND d.event = r.id) "
               "ORDER BY r.date DESC NULLS LAST, r.storyline")
        if wanted is None:
            return list(dict.fromkeys(r[0] for r in self._all(sql)))
        batch = max(wanted * 8, 200)
        while True:
            rows = self._all(sql + " LIMIT ?", (batch,))
            found = list(dict.fromkeys(r[0] for r in rows))
            if len(found) >= wanted or len(rows) < batch:
                return found[:wanted]
            batch *= 4

    def web_largest_storylines(self, n: int = 1) -> list[str]:
        """Ids of the `n` storylines with the most current documents (the slowest pages)."""
        rows = self._all("SELECT storyline, COUNT(*) FROM documents WHERE current = 1 AND storyline IS NOT NULL "
                         "GROUP BY storyline ORDER BY COUNT(*) DESC, storyline LIMIT ?", (n,))
        return [r[0] for r in rows]

    # other records -----------------------------------------------------------------
    def scoped_records(self, kind: str, *, storyline: str | None = None,
                       event: str | None = None) -> list[dict[str, Any]]:
        """Records of one kind in one storyline or event, by id.

        Like `iter_records`, but sorted here: with `ORDER BY id` SQLite walks the whole
        (kind, id) index instead of the (kind, storyline) one (180 ms vs 0.2 ms at 40k quotes).
        """
        column, value = ("storyline", storyline) if storyline is not None else ("event", event)
        if value is None:
            raise ValueError("scoped_records needs a storyline or an event")
        rows = self._all(f"SELECT id, data FROM records WHERE kind = ? AND {column} = ?", (kind, value))
        return [json.loads(data) for _, data in sorted(rows)]

    def web_records(self, kind: str, *, q: str | None = None, storyline: str | None = None,
                    limit: int | None = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Records of one kind, optionally those whose JSON contains `q` (case-insensitive)."""
        where, params = ["kind = ?"], [kind]
        if storyline is not None:
            where.append("storyline = ?")
            params.append(storyline)
        if q:
            where.append("LOWER(data) LIKE ?")
            params.append("%" + q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%")
        base = " FROM records WHERE " + " AND ".join(where)
        total = self._one("SELECT COUNT(*)" + base, params)[0]
        # `id || ''` keeps a storyline filter on its index (see scoped_records); portable SQL.
        sql = "SELECT data" + base + (" ORDER BY id || ''" if storyline is not None else " ORDER BY id")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, limit, offset]
        return [json.loads(r[0]) for r in self._all(sql, params)], total

    def web_facets(self) -> dict[str, list[tuple[str, int]]]:
        """Outlets and languages of current documents with their counts, most frequent first.

        A scan of the documents: callers cache it (the web app refreshes it in the background).
        """
        out = {}
        for name, column in (("outlets", "source"), ("languages", "language")):
            rows = self._all(f"SELECT {column}, COUNT(*) FROM documents WHERE current = 1 AND {column} "
                             f"IS NOT NULL GROUP BY {column} ORDER BY COUNT(*) DESC, {column}")
            out[name] = [(r[0], r[1]) for r in rows]
        return out

    # links and freshness -----------------------------------------------------------
    def events_of_documents(self, ids: Iterable[str]) -> dict[str, str | None]:
        """doc id → event id, for current documents."""
        return {d: e for d, e, _ in self._doc_links(ids)}

    def storylines_of_documents(self, ids: Iterable[str]) -> dict[str, str | None]:
        """doc id → storyline id, for current documents."""
        return {d: s for d, _, s in self._doc_links(ids)}

    def _doc_links(self, ids: Iterable[str]) -> list[tuple]:
        out: list[tuple] = []
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ", ".join("?" for _ in chunk)
            out.extend(self._all(f"SELECT id, event, storyline FROM documents WHERE current = 1 AND id IN ({marks})",
                                 chunk))
        return out

    def storyline_members(self, storyline: str) -> list[tuple[str, int, str | None]]:
        """(id, version, event) of a storyline's current documents: what its analysis stamp covers."""
        return [tuple(r) for r in self._all("SELECT id, version, event FROM documents WHERE current = 1 "
                                            "AND storyline = ?", (storyline,))]

    def stale_in_storyline(self, storyline: str, stamp: str) -> int:
        """How many of a storyline's documents have no analysis made under `stamp`."""
        return self._one("SELECT COUNT(*) FROM documents d LEFT JOIN analysis a ON a.doc_id = d.id "
                         "WHERE d.current = 1 AND d.storyline = ? AND (a.stamp IS NULL OR a.stamp <> ?)",
                         (storyline, stamp))[0]

    def search_document_ids(self, query: str, limit: int = 5000) -> list[str]:
        """Ids of the best-matching documents for a full-text query (for filtering listings)."""
        return [h.document for h in self._fts_search(query, limit, 0)]

    def change_marker(self) -> int:
        """A number that changes whenever documents are added, versioned or deleted, or a
        correction is made or undone (cache key; about the number of documents)."""
        documents = self._one("SELECT COUNT(*) FROM documents")[0]
        made, undone = self._one("SELECT COUNT(*), COUNT(undone_at) FROM corrections")
        return documents + 2 * (made + undone)


def _summary(row: tuple) -> dict[str, Any]:
    out = dict(zip(SUMMARY_COLUMNS, row))
    raw = out.pop("flags")
    flags = json.loads(raw) if raw and raw != "{}" else {}
    out["flags"] = sorted(flags)
    out["flag_details"] = {n: flags[n] for n in sorted(flags)}
    return out


for _name, _member in list(vars(WebQueries).items()):
    if callable(_member) and not _name.startswith("__"):
        setattr(SQLStore, _name, _member)


# --- follows and "what is new" ---------------------------------------------------------
# Read and write the `follows` table and find documents stored after a date, for
# digests and feeds (storyline.follow, storyline.digest, storyline.web.feeds). Kept in
# its own block, attached to SQLStore like WebQueries, so merges stay trivial.

_FOLLOW_KEYS = ("id", "kind", "key", "target", "created_at")


class FollowQueries:
    """Follow bookkeeping and ingest-time queries; mixed into SQLStore."""

    def add_follow(self, kind: str, key: str, target: str) -> dict[str, Any]:
        """Record a follow (idempotent on (kind, key)); returns the stored row."""
        with self._write():
            self._execute("INSERT INTO follows (kind, key, target, created_at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (kind, key) DO NOTHING", (kind, key, target, now()))
            row = self._one("SELECT " + ", ".join(_FOLLOW_KEYS) + " FROM follows WHERE kind = ? AND key = ?",
                            (kind, key))
        return dict(zip(_FOLLOW_KEYS, row))

    def remove_follow(self, kind: str, key: str) -> bool:
        """Forget a follow; False when there was none."""
        with self._write():
            found = self._one("SELECT 1 FROM follows WHERE kind = ? AND key = ?", (kind, key)) is not None
            self._execute("DELETE FROM follows WHERE kind = ? AND key = ?", (kind, key))
        return found

    def follows(self) -> list[dict[str, Any]]:
        """Every follow, oldest first."""
        rows = self._all("SELECT " + ", ".join(_FOLLOW_KEYS) + " FROM follows ORDER BY id")
        return [dict(zip(_FOLLOW_KEYS, r)) for r in rows]

    def documents_ingested_since(self, since: str, *, storyline: str | None = None,
                                 ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Summaries (no text) of current documents stored at or after `since` (ISO, UTC),
        optionally only in one storyline or among `ids`; oldest stored first."""
        where, params = ["current = 1", "ingested_at >= ?"], [since]
        if storyline is not None:
            where.append("storyline = ?")
            params.append(storyline)
        sql = "SELECT " + ", ".join(SUMMARY_COLUMNS) + " FROM documents WHERE " + " AND ".join(where)
        if ids is None:
            rows = self._all(sql, params)
        else:
            rows = []
            for chunk in _chunks(list(dict.fromkeys(ids))):
                marks = ", ".join("?" for _ in chunk)
                rows.extend(self._all(sql + f" AND id IN ({marks})", [*params, *chunk]))
        out = [_summary(r) for r in rows]
        out.sort(key=lambda d: (d["ingested_at"] or "", d["id"]))
        return out


for _name, _member in list(vars(FollowQueries).items()):
    if callable(_member) and not _name.startswith("__"):
        setattr(SQLStore, _name, _member)
