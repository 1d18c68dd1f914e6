"""Shared checks for the reliability tests: corpus expectations against a store, export
comparison, and running the CLI as a real process."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from storyline.pipeline import reason_kind
from storyline.stages.ingest import display_path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|internal error")


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("STORYLINE_DB", None)
    env.pop("STORYLINE_CONFIG", None)
    env.update(extra)
    return env


def storyline_cmd(*args: str | os.PathLike) -> list[str]:
    return [sys.executable, "-m", "storyline", *map(str, args)]


def run_cli(*args: str | os.PathLike, timeout: float = 900, env: dict | None = None,
            cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(storyline_cmd(*args), capture_output=True, text=True, timeout=timeout,
                          env=env or cli_env(), cwd=cwd, errors="backslashreplace")


@dataclass
class Verdict:
    """What the store says about a hostile corpus, family by family."""

    failures: list[str] = field(default_factory=list)
    tried: Counter = field(default_factory=Counter)
    accepted: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)  # reason kind -> count
    decode_mismatch: list[str] = field(default_factory=list)  # HTML pages whose text check failed
    findings: list[str] = field(default_factory=list)  # not failures, but worth a report line

    def table(self) -> str:
        rows = ["| family | tried | stored | rejected |", "|---|---:|---:|---:|"]
        for family in sorted(self.tried):
            rows.append(f"| {family} | {self.tried[family]} | {self.accepted[family]} | {self.rejected[family]} |")
        rows.append(f"| **total** | {sum(self.tried.values())} | {sum(self.accepted.values())} | "
                    f"{sum(self.rejected.values())} |")
        rows += ["", "| reject reason | count |", "|---|---:|"]
        rows += [f"| {reason} | {n} |" for reason, n in self.reasons.most_common()]
        return "\n".join(rows)


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def check_corpus(corpus, db: Path) -> Verdict:
    """Compare what the store holds with each input's expected outcome."""
    v = Verdict()
    docs = _rows(db, "SELECT id, version, current, origin, text, title, published, duplicate_of FROM documents")
    rejects = _rows(db, "SELECT origin, reason FROM rejects")
    by_origin: dict[str, list[tuple]] = defaultdict(list)
    versions: dict[str, list[tuple]] = defaultdict(list)
    for row in docs:
        by_origin[row[3]].append(row)
        versions[row[0]].append(row)
    rejected: dict[str, list[str]] = defaultdict(list)
    for origin, reason in rejects:
        rejected[origin].append(reason)
        v.reasons[reason_kind(reason)] += 1
    groups: dict[str, list] = defaultdict(list)
    fts = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    top = datetime.now(timezone.utc).year + 1
    expected_origins = set()
    for exp in corpus.expects:
        origin = display_path(corpus.root / exp.origin)
        expected_origins.add(origin)
        v.tried[exp.family] += 1
        stored_rows = by_origin.get(origin, [])
        reasons = rejected.get(origin, [])
        where = f"{exp.origin!r} ({exp.family})"
        if len(reasons) > 1:
            v.failures.append(f"{where}: {len(reasons)} reject records, expected at most one: {reasons}")
        if exp.kind == "reject" or (exp.kind == "either" and reasons):
            if not reasons:
                got = "stored" if stored_rows else "neither stored nor rejected"
                v.failures.append(f"{where}: expected a reject matching /{exp.reason}/, {got}")
                continue
            if not re.search(exp.reason, reasons[0], re.I):
                v.failures.append(f"{where}: reject reason {reasons[0]!r} does not match /{exp.reason}/")
            if stored_rows:
                v.failures.append(f"{where}: rejected and stored")
            v.rejected[exp.family] += 1
            continue
        if reasons:
            v.failures.append(f"{where}: expected to be stored, rejected: {reasons[0]!r}")
            continue
        # Accepted: stored under its id (possibly as an older version, or as a no-op repeat).
        doc_id = exp.doc_id or (stored_rows[0][0] if stored_rows else None)
        candidates = versions.get(doc_id, []) if doc_id else []
        if exp.planted:
            holding = [r for r in candidates if exp.planted in (r[4] or "") + (r[5] or "")]
            if not holding and candidates and not exp.planted_required:
                v.findings.append(f"{where}: stored without its article text: {(candidates[0][4] or '')[:80]!r}")
                v.accepted[exp.family] += 1
                continue
            candidates = holding
        if not candidates:
            v.failures.append(f"{where}: expected stored as {exp.doc_id!r} holding {exp.planted!r}; "
                              f"rows for origin: {[(r[0], r[1]) for r in stored_rows]}")
            continue
        v.accepted[exp.family] += 1
        row = candidates[0]
        if exp.group:
            groups[exp.group].append((exp, row))
        text = (row[4] or "")
        if exp.text is not None and exp.text not in text:
            message = f"{where}: stored text lacks {exp.text[:50]!r}: {text[:120]!r}"
            # Undeclared legacy HTML is guesswork (clean's detector): reported; the rest must decode.
            (v.decode_mismatch if "undeclared" in exp.family else v.failures).append(message)
        for bad in exp.absent:
            if bad in text or bad in (row[5] or ""):
                v.failures.append(f"{where}: stored text holds script payload {bad!r}: "
                                  f"{text[max(0, text.find(bad) - 60):text.find(bad) + 60]!r}")
        if exp.date_bounds and row[6] is not None:
            try:
                year = datetime.fromisoformat(row[6]).year
                if not 1800 <= year <= top:
                    v.failures.append(f"{where}: published {row[6]!r} out of bounds")
            except ValueError:
                v.failures.append(f"{where}: published {row[6]!r} is not ISO 8601")
        # Findable: the current version by its planted word through full-text search.
        if row[2] == 1 and exp.planted:
            hits = fts.execute("SELECT d.id FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                               "WHERE documents_fts MATCH ? AND d.current = 1", (f'"{exp.planted}"',)).fetchall()
            if doc_id not in {h[0] for h in hits}:
                v.failures.append(f"{where}: search for {exp.planted!r} does not find {doc_id!r} ({hits})")
    fts.close()
    _check_groups(v, groups, versions)
    # Nothing rejected or stored that the corpus did not hold.
    for origin in set(rejected) - expected_origins:
        v.failures.append(f"unexpected reject of {origin!r}: {rejected[origin]}")
    for origin in set(by_origin) - expected_origins:
        v.failures.append(f"unexpected document from {origin!r}")
    _check_store_invariants(v, db)
    return v


def _check_groups(v: Verdict, groups: dict[str, list], versions: dict[str, list]) -> None:
    for name, members in groups.items():
        ids = {row[0] for _, row in members}
        if name.startswith("copy-"):  # same content, different ids: the later is a duplicate
            rows = sorted(row for _, row in members)
            if len(ids) != 2 or not any(r[7] in ids for r in rows):
                v.failures.append(f"group {name}: same content under {sorted(ids)} not marked duplicate: "
                                  f"{[(r[0], r[7]) for r in rows]}")
            continue
        (doc_id,) = ids
        rows = versions[doc_id]
        contents = {exp.planted for exp, _ in members}
        if len(rows) != len(contents):
            v.failures.append(f"group {name}: {len(rows)} versions of {doc_id!r} for {len(contents)} contents")
        last = max((m for m in members if m[0].seq >= 0), key=lambda m: m[0].seq)[0]
        current = [r for r in rows if r[2] == 1]
        if len(current) != 1 or last.planted not in (current[0][4] or ""):
            v.failures.append(f"group {name}: current version of {doc_id!r} is not the last input ({last.origin})")


def _check_store_invariants(v: Verdict, db: Path) -> None:
    (ok,) = _rows(db, "PRAGMA integrity_check")[0]
    if ok != "ok":
        v.failures.append(f"integrity_check: {ok}")
    dup_current = _rows(db, "SELECT id, COUNT(*) FROM documents WHERE current = 1 GROUP BY id HAVING COUNT(*) > 1")
    if dup_current:
        v.failures.append(f"ids with several current versions: {dup_current[:5]}")
    dup_content = _rows(db, "SELECT id, raw_sha256, COUNT(*) FROM documents GROUP BY id, raw_sha256 "
                            "HAVING COUNT(*) > 1")
    if dup_content:
        v.failures.append(f"the same content stored twice as versions of one id: {dup_content[:5]}")


# ### Exports ------------------------------------------------------------------------

# Fields that record *when* something happened, not *what*: a run killed and resumed
# did its work at other times than an uninterrupted one.
VOLATILE = {"at", "seconds", "updated_at", "ingested_at", "fetched_at_run"}


def stable(value: Any) -> Any:
    """An export without its timing fields, lists of rejects in a canonical order."""
    if isinstance(value, dict):
        out = {k: stable(v) for k, v in value.items() if k not in VOLATILE}
        if "rejects" in out and isinstance(out["rejects"], list):
            out["rejects"] = sorted(out["rejects"], key=lambda r: json.dumps(r, sort_keys=True))
        return out
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def export(db: Path, timeout: float = 600) -> dict:
    result = run_cli("export", "--db", db, "--format", "json", timeout=timeout)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not TRACEBACK.search(result.stderr), result.stderr[-2000:]
    return json.loads(result.stdout)


def diff(a: Any, b: Any, path: str = "$", limit: int = 10) -> list[str]:
    """The first few places where two JSON values differ."""
    out: list[str] = []

    def walk(x, y, p):
        if len(out) >= limit:
            return
        if type(x) is not type(y):
            out.append(f"{p}: {type(x).__name__} != {type(y).__name__}")
        elif isinstance(x, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    out.append(f"{p}.{k}: only in {'second' if k not in x else 'first'}")
                else:
                    walk(x[k], y[k], f"{p}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y):
                out.append(f"{p}: {len(x)} items != {len(y)}")
            for i, (xi, yi) in enumerate(zip(x, y)):
                walk(xi, yi, f"{p}[{i}]")
        elif x != y:
            out.append(f"{p}: {str(x)[:80]!r} != {str(y)[:80]!r}")

    walk(a, b, path)
    return out
