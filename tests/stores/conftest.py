"""Store fixtures: `store` runs each contract test against SQLite and PostgreSQL.

The PostgreSQL server is a throwaway one started once per test session from
Debian's `postgresql` package, on 127.0.0.1 with its data in a temp dir; each test
gets a fresh database. Set STORYLINE_TEST_PG_URL to use an existing server
instead (its user needs CREATEDB). Without server binaries or psycopg the
PostgreSQL half skips with the reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from storyline.stores.sqlite import SQLiteStore


@dataclass
class PGServer:
    """Where the session's server listens; tests share one database, emptied before each."""

    admin_url: str
    dbname: str = ""

    @property
    def url(self) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + self.dbname

    def create_database(self) -> None:
        import psycopg

        self.dbname = f"storyline_test_{os.getpid()}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.dbname}"')

    def reset(self) -> str:
        """Empty the test database (schema and all) and return its URL. Dropping the schema
        is ~10x faster than CREATE DATABASE, and each test then runs the migrations."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
        return self.url

    def drop_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (or $STORYLINE_TEST_PG_URL)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install 'storyline[postgres]'")
    external = os.environ.get("STORYLINE_TEST_PG_URL")
    if external:
        server = PGServer(external)
        server.create_database()
        yield server
        server.drop_database()
        return
    pg_bin = _pg_bin()
    if pg_bin is None:
        pytest.skip("no PostgreSQL server binaries (initdb) found: install Debian's `postgresql` "
                    "(scripts/test.sh does when run as root) or set STORYLINE_TEST_PG_URL")
    as_root = os.geteuid() == 0
    if as_root:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no 'postgres' user to run the server as "
                        "(initdb refuses root); install Debian's `postgresql` package")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    data = tempfile.mkdtemp(prefix="storyline-pg-")
    if as_root:
        shutil.chown(data, "postgres")
    port = _free_port()
    log = Path(data) / "log"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)

    init = run(str(pg_bin / "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
    if init.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr.strip()[-800:]}")
    start = run(str(pg_bin / "pg_ctl"), "-D", data, "-l", str(log), "-w", "-o",
                f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off", "start")
    if start.returncode != 0:
        text = log.read_text() if log.exists() else start.stderr
        shutil.rmtree(data, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {text.strip()[-800:]}")
    try:
        server = PGServer(f"postgresql://postgres@127.0.0.1:{port}/postgres")
        server.create_database()
        yield server
    finally:
        run(str(pg_bin / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """The URL of an empty database on the session's server."""
    return pg_server.reset()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, db_path):
    """Each backend in turn; every contract test runs against both."""
    if request.param == "sqlite":
        opened = SQLiteStore(db_path)
    else:
        from storyline.stores.postgres import PostgresStore

        opened = PostgresStore(request.getfixturevalue("pg_url"))
    yield opened
    opened.close()
