"""PostgreSQL backend: one database shared by many users and ingest processes.

The SQL is the shared `SQLStore` one; this module adds the schema (BYTEA,
BIGSERIAL, DOUBLE PRECISION), full-text search over a generated `tsvector`
column, and the locks that let several processes ingest into one database:

- every batch takes a transaction-level advisory lock (`lock_batch`), so batch
  stages (dedup, events) and the document writes of two processes never
  interleave, and a document stored by one is `unchanged` for the other;
- migrations take their own advisory lock, so two processes opening a fresh
  database do not race to create the tables.

Example:
    with PostgresStore("postgresql://news@db.example.org/storyline") as store:
        print(store.count_documents())
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterable
from urllib.parse import urlsplit, urlunsplit

from ..errors import ConflictError, MissingExtra, StoreError, StoreUnavailable
from .base import Hit
from .sql import SQLStore

try:
    import psycopg
    from psycopg import errors as pg_errors
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None

# Keys for pg_advisory_xact_lock: any two bigints unique to storyline will do.
BATCH_LOCK = 0x5354_4F52_5901  # "STORY" + 1
MIGRATION_LOCK = 0x5354_4F52_5902

# The text-search configuration: 'simple' (no stemming, no stop words: the corpus is
# multilingual) plus `unaccent` when the server has it, like SQLite's remove_diacritics.
TS_CONFIG = "storyline_search"

# Each entry is one schema version; never edit a released entry, append a new one.
# Every TEXT column gets the "C" collation (see _c_collate below).
_MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, data BYTEA NOT NULL)",
        # unaccent is a trusted contrib extension (PG >= 13); without it, search keeps accents.
        """DO $$ BEGIN
            CREATE EXTENSION IF NOT EXISTS unaccent;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'unaccent unavailable: search will not fold accents';
        END $$""",
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{TS_CONFIG}') THEN
                CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = simple);
                IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'unaccent') THEN
                    ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG}
                        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
                END IF;
            END IF;
        END $$""",
        f"""CREATE TABLE documents (
            rowid BIGSERIAL UNIQUE,
            id TEXT NOT NULL, version INTEGER NOT NULL, current INTEGER NOT NULL DEFAULT 1,
            raw_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            origin TEXT, format TEXT, title TEXT, source TEXT, url TEXT, author TEXT,
            published TEXT, published_confidence DOUBLE PRECISION, published_evidence TEXT,
            fetched_at TEXT, ingested_at TEXT, body TEXT, text TEXT, removed TEXT, language TEXT,
            language_score DOUBLE PRECISION, flags TEXT, duplicate_of TEXT, event TEXT,
            storyline TEXT, extra TEXT,
            tsv tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(title, '')), 'A') ||
                setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(text, '')), 'B')) STORED,
            PRIMARY KEY (id, version))""",
        "CREATE UNIQUE INDEX documents_current ON documents(id) WHERE current = 1",
        "CREATE INDEX documents_event ON documents(event) WHERE current = 1",
        "CREATE INDEX documents_storyline ON documents(storyline) WHERE current = 1",
        "CREATE INDEX documents_published ON documents(published) WHERE current = 1",
        "CREATE INDEX documents_tsv ON documents USING GIN (tsv) WHERE current = 1",
        """CREATE TABLE rejects (id BIGSERIAL PRIMARY KEY, origin TEXT NOT NULL,
            doc_id TEXT, reason TEXT NOT NULL, raw_sha256 TEXT, at TEXT NOT NULL)""",
        """CREATE TABLE problems (id BIGSERIAL PRIMARY KEY, stage TEXT NOT NULL,
            doc_id TEXT, error TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL)""",
        """CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, storyline TEXT, event TEXT,
            date TEXT, title TEXT, data TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (kind, id))""",
        "CREATE INDEX records_storyline ON records(kind, storyline)",
        "CREATE INDEX records_event ON records(kind, event)",
        "CREATE INDEX records_date ON records(kind, date)",
        """CREATE TABLE redirects (kind TEXT NOT NULL, old_id TEXT NOT NULL, new_id TEXT NOT NULL,
            at TEXT NOT NULL, PRIMARY KEY (kind, old_id))""",
        "CREATE TABLE state (ns TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL, PRIMARY KEY (ns, key))",
        "CREATE TABLE keys (ns TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (ns, key, target))",
        "CREATE INDEX keys_target ON keys(ns, target)",
        "CREATE TABLE analysis (doc_id TEXT PRIMARY KEY, stamp TEXT NOT NULL, data TEXT NOT NULL)",
    ],
    [
        # Follows for digests and feeds (SQLite's migration 4; its 2 and 3 were SQLite-only).
        """CREATE TABLE follows (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL,
            key TEXT NOT NULL, target TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (kind, key))""",
        "CREATE INDEX documents_ingested ON documents(ingested_at) WHERE current = 1",
    ],
    [
        # The corrections log (storyline.corrections) and the runs that made each record.
        """CREATE TABLE corrections (id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, made_by TEXT,
            action TEXT NOT NULL, target TEXT NOT NULL, args TEXT NOT NULL, undone_at TEXT, undone_by TEXT)""",
        """CREATE TABLE runs (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, started_at TEXT NOT NULL,
            finished_at TEXT, version TEXT, settings_digest TEXT, info TEXT NOT NULL)""",
        "ALTER TABLE documents ADD COLUMN run_id BIGINT",
        "ALTER TABLE records ADD COLUMN run_id BIGINT",
    ],
]



def _c_collate(statement: str) -> str:
    """TEXT columns in byte order ("C"), as SQLite's BINARY: ORDER BY id (exports,
    canonical order) then gives the same order on both backends whatever the server's locale."""
    if not statement.lstrip().startswith("CREATE TABLE"):
        return statement
    return re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', statement)


MIGRATIONS: list[list[str]] = [[_c_collate(s) for s in version] for version in _MIGRATIONS]

_WORD = re.compile(r"\w+", re.UNICODE)
# ts_headline options; mirrors SQLite's snippet(..., '[[', ']]', ' … ', 24).
HEADLINE_OPTIONS = 'StartSel="[[", StopSel="]]", MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
# ts_headline re-parses the whole text; a long article would make every hit slow.
HEADLINE_CHARS = 20_000


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresStore(SQLStore):
    """A store in a PostgreSQL database (server 12 or newer), shared by several processes.

    Args:
        url: a libpq URL, `postgresql://user[:password]@host[:port]/dbname`.
        connect_timeout: seconds to wait for the server.

    Raises:
        MissingExtra: psycopg is not installed (`pip install 'storyline[postgres]'`).
        StoreUnavailable: the server cannot be reached or refuses the login.

    Example:
        with PostgresStore("postgresql://postgres@127.0.0.1:5432/news") as store:
            store.search("harbour strike")
    """

    placeholder = "%s"

    def __init__(self, url: str, *, connect_timeout: float = 10.0):
        if psycopg is None:
            raise MissingExtra("a postgresql:// store", "postgres")
        super().__init__()
        self.url = url
        self.conn = None
        try:
            # autocommit: transactions are ours (BEGIN/COMMIT in _begin/_commit), so a read
            # outside one never holds a snapshot or locks open.
            self.conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1),
                                        autocommit=True, connect_timeout=int(connect_timeout))
        except psycopg.Error as exc:
            raise StoreUnavailable(f"cannot connect to {redact(url)}: {_first_line(exc)} "
                                   "(is the server running and the database created?)") from exc
        self._migrate()

    # plumbing ----------------------------------------------------------------
    def _execute(self, sql: str, params: Iterable[Any] = ()):
        params = tuple(params)
        with self._translate():
            # None, not (): psycopg then leaves a '%' in the SQL alone.
            return self.conn.execute(self._q(sql), params or None)

    def _executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            with self._translate(), self.conn.cursor() as cur:
                cur.executemany(self._q(sql), rows)

    @contextmanager
    def _translate(self):
        try:
            yield
        except pg_errors.IntegrityError as exc:
            raise ConflictError(f"{redact(self.url)}: {_first_line(exc)}") from exc
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            # Lost connection, server shutdown, lock timeout, out of resources.
            raise StoreUnavailable(f"{redact(self.url)} is unavailable: {_first_line(exc)}") from exc
        except psycopg.Error as exc:
            raise StoreError(f"{redact(self.url)}: {_first_line(exc)}") from exc

    def _begin(self) -> None:
        self._execute("BEGIN")

    def _commit(self) -> None:
        self._execute("COMMIT")

    def _rollback(self) -> None:
        if self.conn is not None and not self.conn.closed:
            try:
                self.conn.execute("ROLLBACK")
            except psycopg.Error:  # the connection is gone: the server rolled back already
                pass

    def _lock_writers(self) -> None:
        # Released by COMMIT/ROLLBACK; a second process waits here for the whole batch.
        self._execute("SELECT pg_advisory_xact_lock(?)", (BATCH_LOCK,))

    # schema --------------------------------------------------------------------
    def _migrations(self) -> list[list[str]]:
        return MIGRATIONS

    def _migrate(self) -> None:
        with self._write():
            self._execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            super()._migrate()

    def _blob(self, raw: bytes) -> Any:
        return bytes(raw)

    # full-text search ----------------------------------------------------------
    # The tsvector column is generated from title and text, so nothing to maintain.
    def _fts_insert(self, rowid: int, title: str | None, text: str | None) -> None:
        return None

    def _fts_delete(self, rowid: int, title: str | None, text: str | None) -> None:
        return None

    def _fts_search(self, query: str, limit: int, offset: int) -> list[Hit]:
        tsquery = ts_query(query)
        if not tsquery:
            return []
        rows = self._all(
            f"WITH q AS (SELECT to_tsquery('{TS_CONFIG}'::regconfig, ?) AS query), "
            "hits AS (SELECT d.id, d.title, d.text, ts_rank_cd(d.tsv, q.query) AS rank "
            "FROM documents d, q WHERE d.current = 1 AND d.tsv @@ q.query "
            "ORDER BY rank DESC, d.id LIMIT ? OFFSET ?) "
            f"SELECT hits.id, hits.title, ts_headline('{TS_CONFIG}'::regconfig, "
            "left(coalesce(hits.text, ''), ?), q.query, ?), hits.rank "
            "FROM hits, q ORDER BY hits.rank DESC, hits.id",
            (tsquery, limit, offset, HEADLINE_CHARS, HEADLINE_OPTIONS))
        return [Hit(r[0], r[1], r[2], float(r[3])) for r in rows]

    def server_version(self) -> int:
        return self.conn.info.server_version


def ts_query(query: str) -> str:
    """Turn user text into a safe `to_tsquery` string: words ANDed, quoted phrases
    as `<->` chains, `word*` as a prefix; the same rules as SQLite's `fts_query`.

    Only `\\w+` words reach the server, quoted, so no user text is tsquery syntax.
    """
    parts = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query):
        words = _WORD.findall(phrase or word)
        if not words:
            continue
        quoted = [f"'{w}'" for w in words]
        if phrase:
            parts.append("(" + " <-> ".join(quoted) + ")" if len(quoted) > 1 else quoted[0])
        elif word.endswith("*") and len(words) == 1:
            parts.append(quoted[0] + ":*")
        else:
            parts.append(" <-> ".join(quoted) if len(quoted) > 1 else quoted[0])
    return " & ".join(parts)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
