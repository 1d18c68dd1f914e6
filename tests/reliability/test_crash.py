"""Crash safety: `kill -9` an ingest (or an analysis) at random moments, many times, on a
real SQLite file; then run it once more to the end.

After every kill the store passes `PRAGMA integrity_check`; at the end it holds every
document exactly once (no duplicate current rows, no version stored twice) and its
export equals the export of an uninterrupted run, ignoring the timing fields listed in
`harness.VOLATILE` (when a reject was recorded: a resumed run records it at another
time). Set STORYLINE_CRASH_ITERATIONS to change the number of kills (default 24).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from harness import TRACEBACK, cli_env, diff, export, stable, storyline_cmd
from hostile import article, html_page, text_file

pytestmark = pytest.mark.slow

DEMO = Path(__file__).resolve().parents[2] / "src" / "storyline" / "demo" / "corpus"
ITERATIONS = int(os.environ.get("STORYLINE_CRASH_ITERATIONS", "24"))
SEED = 20240917


def build_crash_corpus(root: Path, n: int = 160, seed: int = 7) -> Path:
    """The demo corpus plus n invented articles in every format, versions, copies and rejects."""
    rng = random.Random(seed)
    shutil.copytree(DEMO, root / "demo")
    for i in range(n):
        word = f"crash{i:05d}"
        title, paras = article(rng, word)
        kind = i % 4
        if kind == 0:
            (root / "text").mkdir(exist_ok=True)
            (root / "text" / f"t{i:04d}.txt").write_text(text_file(title, paras))
        elif kind == 1:
            (root / "html").mkdir(exist_ok=True)
            (root / "html" / f"h{i:04d}.html").write_text(html_page(title, paras))
        else:
            with (root / f"wire-{kind}.jsonl").open("a") as fh:
                fh.write(json.dumps({"id": f"w{i:04d}", "title": title, "text": "\n\n".join(paras),
                                     "published": f"2024-0{1 + i % 9}-1{i % 10}", "source": f"Wire {kind}"}) + "\n")
    for g in range(6):  # versions: one id, new content in a later folder
        for folder in ("v1", "v2"):
            title, paras = article(rng, f"ver{g}{folder}")
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"story{g}.txt").write_text(text_file(title, paras))
    for g in range(6):  # the same article under two ids
        title, paras = article(rng, f"copy{g}")
        for name in ("a", "b"):
            (root / "copies").mkdir(exist_ok=True)
            (root / "copies" / f"{name}{g}.txt").write_text(text_file(title, paras))
    (root / "bad").mkdir()
    for i in range(10):  # rejects, so they are part of what must not be duplicated
        (root / "bad" / f"blob{i}.txt").write_bytes(bytes(rng.getrandbits(8) for _ in range(3000)))
    (root / "bad" / "empty.txt").write_bytes(b"")
    (root / "bad" / "broken.jsonl").write_text('{"id": "x", "text": \n[1, 2]\n')
    return root


def _env(engine_pool: bool) -> dict:
    # Small batches: many commit points for a kill to fall between. With the pool,
    # workers run the stages (and must die with their parent).
    return cli_env(STORYLINE_INGEST_BATCH_SIZE="16", STORYLINE_INGEST_MIN_PARALLEL="8" if engine_pool else "100000",
                   STORYLINE_INGEST_WORKERS="2")


def _run(args, env, log: Path) -> subprocess.Popen:
    with log.open("ab") as fh:
        return subprocess.Popen(storyline_cmd(*args), stdout=subprocess.DEVNULL, stderr=fh, env=env)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _assert_each_document_once(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT id, COUNT(*) FROM documents WHERE current = 1 GROUP BY id "
                            "HAVING COUNT(*) > 1").fetchall() == []
        assert conn.execute("SELECT id, raw_sha256, COUNT(*) FROM documents GROUP BY id, raw_sha256 "
                            "HAVING COUNT(*) > 1").fetchall() == []
        assert conn.execute("SELECT origin, reason, COUNT(*) FROM rejects GROUP BY origin, reason, raw_sha256 "
                            "HAVING COUNT(*) > 1").fetchall() == []
    finally:
        conn.close()


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory):
    return build_crash_corpus(tmp_path_factory.mktemp("crash") / "corpus")


@pytest.fixture(scope="module")
def reference(crash_corpus, tmp_path_factory):
    """An uninterrupted run: its export, and how long an ingest takes."""
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    log = db.with_suffix(".log")
    started = time.monotonic()
    proc = _run(["ingest", crash_corpus, "--db", db], _env(True), log)
    assert proc.wait(timeout=600) == 0, log.read_text()[-2000:]
    seconds = time.monotonic() - started
    assert not TRACEBACK.search(log.read_text())
    return export(db), seconds


def test_crash_kill_minus_nine_loses_and_duplicates_nothing(crash_corpus, reference, tmp_path):
    ref_export, seconds = reference
    rng = random.Random(SEED)
    db = tmp_path / "killed.db"
    log = tmp_path / "killed.log"
    kills = finished = 0
    orphans: list[int] = []
    # How long a later run of one store takes: half the reference at first, then learnt from
    # the later runs that finish before their kill (the reference may have run under heavier
    # load than the runs after it, and then too many finished first).
    rest = seconds * 0.5
    for iteration in range(ITERATIONS):
        fresh = iteration % 4 == 0 and iteration  # now and then a new store: early kill points again
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        analysis = iteration % 8 == 7  # sometimes kill the lazy analysis instead
        args = ["analyze", "--db", db] if analysis else ["ingest", crash_corpus, "--db", db]
        proc = _run(args, _env(pool := iteration % 2 == 0), log)
        # Later runs of one store have less left to do: aim the kill earlier.
        later = not (fresh or iteration == 0 or analysis)
        delay = rng.uniform(0.3, max(0.4, rest if later else seconds))
        started = time.monotonic()
        try:
            proc.wait(timeout=delay)
            finished += 1
            if later:
                rest = min(rest, 0.9 * (time.monotonic() - started))
        except subprocess.TimeoutExpired:
            orphans += _children(proc.pid) if pool else []
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
        assert proc.returncode in (0, 1, -signal.SIGKILL), log.read_text()[-2000:]
        if db.exists():
            assert _integrity(db) == "ok", f"after iteration {iteration}"
    # The final uninterrupted run, then the export a user would take.
    proc = _run(["ingest", crash_corpus, "--db", db], _env(True), log)
    assert proc.wait(timeout=600) == 0, log.read_text()[-2000:]
    assert not TRACEBACK.search(log.read_text()), log.read_text()[-2000:]
    assert _integrity(db) == "ok"
    _assert_each_document_once(db)
    got = export(db)
    problems = diff(stable(ref_export), stable(got))
    assert problems == [], problems
    assert len(got["documents"]) == len(ref_export["documents"]) > 200
    # Pool workers of killed runs did not outlive their parent.
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in orphans if os.path.exists(f"/proc/{pid}")]
    report = os.environ.get("STORYLINE_RELIABILITY_REPORT")
    if report:
        Path(report).mkdir(parents=True, exist_ok=True)
        Path(report, "crash.txt").write_text(
            f"iterations {ITERATIONS}: {kills} killed with SIGKILL, {finished} finished before the kill; "
            f"reference ingest {seconds:.1f}s; {len(got['documents'])} documents, "
            f"{len(got.get('rejects', []))} rejects; export equal to the uninterrupted run; "
            f"{len(orphans)} pool workers of killed runs, all exited\n")
    assert kills >= ITERATIONS // 2, f"only {kills} of {ITERATIONS} runs were killed mid-way"

