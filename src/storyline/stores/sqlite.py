"""SQLite backend: the embedded default (WAL, foreign keys, FTS5 over clean text)."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConflictError, StoreError, StoreUnavailable
from .base import Hit
from .sql import SQLStore

# Each entry is one schema version; never edit a released entry, append a new one.
MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL)",
        """CREATE TABLE documents (
            id TEXT NOT NULL, version INTEGER NOT NULL, current INTEGER NOT NULL DEFAULT 1,
            raw_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            origin TEXT, format TEXT, title TEXT, source TEXT, url TEXT, author TEXT,
            published TEXT, published_confidence REAL, published_evidence TEXT, fetched_at TEXT,
            ingested_at TEXT, body TEXT, text TEXT, removed TEXT, language TEXT, language_score REAL,
            flags TEXT, duplicate_of TEXT, event TEXT, storyline TEXT, extra TEXT,
            PRIMARY KEY (id, version))""",
        "CREATE UNIQUE INDEX documents_current ON documents(id) WHERE current = 1",
        "CREATE INDEX documents_event ON documents(event) WHERE current = 1",
        "CREATE INDEX documents_storyline ON documents(storyline) WHERE current = 1",
        "CREATE INDEX documents_published ON documents(published) WHERE current = 1",
        "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
        """CREATE TABLE rejects (id INTEGER PRIMARY KEY AUTOINCREMENT, origin TEXT NOT NULL,
            doc_id TEXT, reason TEXT NOT NULL, raw_sha256 TEXT, at TEXT NOT NULL)""",
        """CREATE TABLE problems (id INTEGER PRIMARY KEY AUTOINCREMENT, stage TEXT NOT NULL,
            doc_id TEXT, error TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL)""",
        """CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, storyline TEXT, event TEXT,
            date TEXT, title TEXT, data TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (kind, id))""",
        "CREATE INDEX records_storyline ON records(kind, storyline)",
        "CREATE INDEX records_event ON records(kind, event)",
        "CREATE INDEX records_date ON records(kind, date)",
        """CREATE TABLE redirects (kind TEXT NOT NULL, old_id TEXT NOT NULL, new_id TEXT NOT NULL,
            at TEXT NOT NULL, PRIMARY KEY (kind, old_id))""",
        "CREATE TABLE state (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (ns, key))",
        "CREATE TABLE keys (ns TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (ns, key, target))",
        "CREATE INDEX keys_target ON keys(ns, target)",
        "CREATE TABLE analysis (doc_id TEXT PRIMARY KEY, stamp TEXT NOT NULL, data TEXT NOT NULL)",
    ],
    [
        # Filters by outlet and language, and per-storyline record reads in id order.
        "CREATE INDEX documents_source ON documents(source, storyline, event) WHERE current = 1",
        "CREATE INDEX documents_language ON documents(language, storyline, event) WHERE current = 1",
        "DROP INDEX records_storyline",
        "CREATE INDEX records_storyline ON records(kind, storyline, id)",
        "DROP INDEX records_event",
        "CREATE INDEX records_event ON records(kind, event, id)",
    ],
    [
        # put_reject looks a reject up before adding it (re-runs must not duplicate it).
        "CREATE INDEX rejects_origin ON rejects(origin)",
    ],
    [
        # Follows (storylines, entities, saved searches) for digests and feeds; "new" in a
        # digest means ingested after a date, hence the index on ingested_at.
        """CREATE TABLE follows (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
            key TEXT NOT NULL, target TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (kind, key))""",
        "CREATE INDEX documents_ingested ON documents(ingested_at) WHERE current = 1",
    ],
    [
        # The corrections log (storyline.corrections) and the runs that made each record.
        """CREATE TABLE corrections (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, made_by TEXT,
            action TEXT NOT NULL, target TEXT NOT NULL, args TEXT NOT NULL, undone_at TEXT, undone_by TEXT)""",
        """CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, started_at TEXT NOT NULL,
            finished_at TEXT, version TEXT, settings_digest TEXT, info TEXT NOT NULL)""",
        "ALTER TABLE documents ADD COLUMN run_id INTEGER",
        "ALTER TABLE records ADD COLUMN run_id INTEGER",
    ],
]

_FTS_WORD = re.compile(r"\w+", re.UNICODE)
BUSY_RETRIES = 3


class SQLiteStore(SQLStore):
    """A store in one SQLite file (or ':memory:').

    Example:
        with SQLiteStore("storyline.db") as store:
            print(store.count_documents())
    """

    def __init__(self, path: str | Path = "storyline.db", *, timeout: float = 30.0):
        super().__init__()
        self.path = str(path)
        self.url = self.path
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreUnavailable(f"cannot open store {self.path}: folder {parent} does not exist")
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a batch is one transaction.
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
            self._wal(timeout)
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"cannot open store {self.path}: {exc} (is it a storyline database?)") from exc
        self._migrate()

    def _wal(self, timeout: float) -> None:
        """Switch to WAL. Two processes opening a new file at once can get 'database is locked'
        here without SQLite's busy handler being asked: wait and retry like a busy write."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        # Only a store that needs a migration takes the write lock: readers opening the
        # store while an ingest writes must not queue behind its batches.
        if self._schema_current():
            return
        super()._migrate()

    def _schema_current(self) -> bool:
        with self._translate():
            if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
                return False
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row is not None and int(row[0]) >= len(self._migrations())

    @contextmanager
    def _translate(self):
        try:
            yield
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"{self.path}: {exc}") from exc
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreUnavailable(f"{self.path} is busy (another process holds the write lock): {exc}") from exc
            raise StoreError(f"{self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
        # instead of failing half-way through a batch. A writer holding the lock longer
        # than the timeout (a huge batch) gets a few more chances before we give up.
        for attempt in range(BUSY_RETRIES + 1):
            try:
                with self._translate():
                    self.conn.execute("BEGIN IMMEDIATE")
                return
            except StoreUnavailable:
                if attempt == BUSY_RETRIES:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _begin_read(self) -> None:
        # DEFERRED: a read transaction; in WAL mode it reads one snapshot and blocks nobody.
        with self._translate():
            self.conn.execute("BEGIN DEFERRED")

    def _commit(self) -> None:
        with self._translate():
            self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self.conn is not None and self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _migrations(self) -> list[list[str]]:
        return MIGRATIONS

    def _fts_insert(self, rowid: int, title: str | None, text: str | None) -> None:
        self._execute("INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)",
                      (rowid, title or "", text or ""))

    def _fts_delete(self, rowid: int, title: str | None, text: str | None) -> None:
        self._execute("INSERT INTO documents_fts (documents_fts, rowid, title, text) "
                      "VALUES ('delete', ?, ?, ?)", (rowid, title or "", text or ""))

    def _fts_search(self, query: str, limit: int, offset: int) -> list[Hit]:
        match = fts_query(query)
        if not match:
            return []
        rows = self._all(
            "SELECT d.id, d.title, snippet(documents_fts, 1, '[[', ']]', ' … ', 24), "
            "bm25(documents_fts, 4.0, 1.0) AS rank FROM documents_fts "
            "JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? AND d.current = 1 ORDER BY rank LIMIT ? OFFSET ?",
            (match, limit, offset))
        return [Hit(r[0], r[1], r[2], -float(r[3])) for r in rows]

    def integrity_check(self) -> str:
        return self._one("PRAGMA integrity_check")[0]


def fts_query(query: str) -> str:
    """Turn user text into a safe FTS5 query: words ANDed, quoted phrases kept.

    FTS5 syntax errors ("unterminated string", bare operators) would otherwise reach
    the user as SQL errors.
    """
    parts = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query):
        words = _FTS_WORD.findall(phrase or word)
        if words:
            parts.append('"' + " ".join(words) + '"' + ("" if phrase else "*" if (word or "").endswith("*") else ""))
    return " AND ".join(parts)
