"""The scale benchmark, in one command (issue 9). Not a timed test: it reports.

    python benchmarks/run.py            # full: N=2,500 and 4N=10,000, then 100,000 documents
    python benchmarks/run.py --quick    # minutes: N=250 and 4N=1,000, no 100k run

Measures, in one run on this machine:
- ingest throughput (docs/s) of `storyline ingest` with default settings on a
  synthetic corpus of N and 4N documents, and time(4N)/time(N);
- peak memory of those ingests and of a 100k-document one: each runs in its own
  subprocess, measured both as its largest process (`ru_maxrss` from wait4) and as
  the sampled sum of RSS over its process tree (workers included);
- the embedding path, when the package has an `embed` extra and `--embed KEY=VALUE`
  says which settings select it (`--embed embed.model=minilm`), beside the embedding
  model's own throughput on the same texts (model_speed.py);
- event clustering on ECB+ topics 1-35 (BCubed F1 and docs/s): storyline by the
  ingest + export path, a TF-IDF + agglomerative baseline and BERTopic (if it
  imports), side by side (see peers.py);
- web page render times on the 100k store, if `storyline.web` exists.

Results go to benchmarks/results/<stamp>.json and .md; a full run also rewrites
benchmarks/latest.md (commit that one). The machine is shared and noisy: compare
figures within one run, and read the load average recorded with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "src"))  # this checkout's storyline, installed or not

import corpus  # noqa: E402
import peers  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
TARGETS = {"docs_per_s": 100, "embed_docs_per_s": 20, "embed_ratio": 0.8, "ratio_4n": 4.4, "rss_100k_mb": 1536}


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def _tree_rss(pid: int) -> int:
    """Sum of RSS (bytes) of `pid` and its descendants, from /proc (psutil if present)."""
    try:
        import psutil

        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total
    except ImportError:
        pass
    except Exception:  # the process ended between two samples
        return 0
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in (Path("/proc") / str(current) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run_measured(command: list[str], env: dict[str, str], cwd: Path | None = None) -> dict:
    """Run a command; wall time, its largest process's peak RSS, and the tree's sampled peak."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN, but that is a max
    # over every child so far, so each measurement gets its own wrapper (see measure_child).
    return {"returncode": proc.returncode, "wall_s": round(time.perf_counter() - started, 2),
            "tree_peak_mb": round(peak[0] / 2**20, 1), "stdout": stdout, "stderr": stderr}


def measure_ingest(corpus_dir: Path, work: Path, label: str, extra_env: dict[str, str] | None = None,
                   engine: str = "local") -> dict:
    """`storyline ingest` of a corpus into a fresh SQLite store, in a measured subprocess."""
    db = work / f"{label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    command = [sys.executable, str(HERE / "measure_child.py"), sys.executable, "-m", "storyline", "ingest",
               str(corpus_dir), "--db", str(db), "--engine", engine, "--json"]
    result = run_measured(command, _env(extra_env))
    out = {"label": label, "wall_s": result["wall_s"], "tree_peak_mb": result["tree_peak_mb"]}
    lines = result["stdout"].strip().splitlines()
    try:
        child = json.loads(lines[-1])  # measure_child.py's line: maxrss of the ingest process tree
        report = json.loads(lines[-2])
    except (IndexError, json.JSONDecodeError):
        out["error"] = (result["stderr"] or result["stdout"]).strip()[-500:]
        return out
    out.update(stored=report["stored"], rejected=report["rejected"], problems=report["problems"],
               seconds=report["seconds"], docs_per_s=report["docs_per_s"], maxrss_mb=child["maxrss_mb"],
               cpu_s=child.get("cpu_s"),
               db_mb=round(sum(Path(str(db) + s).stat().st_size for s in ("", "-wal")
                               if Path(str(db) + s).exists()) / 2**20, 1))
    return out


def measure_model(db: Path, model: str) -> dict:
    """The embedding model alone on the texts the embedding-path ingest stored (model_speed.py)."""
    result = run_measured([sys.executable, str(HERE / "model_speed.py"), str(db), model], _env())
    try:
        return json.loads(result["stdout"].strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (result["stderr"] or result["stdout"]).strip()[-500:]}


def ingest_size(results: dict, work: Path, key: str, size: int, log, days: int = 730) -> None:
    folder = work / (f"corpus-{size}" if days == 730 else f"corpus-{size}-{days}d")
    if not folder.exists():
        log(f"generating {size:,} documents over {days} days")
        results["corpus"][key] = corpus.generate(folder, size, seed=1, days=days)
    log(f"ingesting {size:,} documents")
    results["scale"][key] = measure_ingest(folder, work, folder.name.replace("corpus", "ingest"))
    log(json.dumps(results["scale"][key]))


def ratio(results: dict, small: str, large: str, key: str = "seconds") -> float | None:
    a, b = results["scale"].get(small, {}), results["scale"].get(large, {})
    return round(b[key] / a[key], 2) if a.get(key) and b.get(key) else None


# Growth with a constant daily volume: N and 4N documents at this many a day, so 4N covers four
# times the days (an archive that grows over time), where the main N/4N pair packs both into
# the same two years (four times the reports of each happening in the same weeks).
STREAM_PER_DAY = 10


def has_embed_extra() -> bool:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return "embed" in data.get("project", {}).get("optional-dependencies", {})


def web_timings(db: Path) -> dict:
    """Render times of the main pages on a big store, if the web app exists."""
    try:
        from storyline.web import app as web_app  # noqa: F401
    except ImportError:
        return {"skipped": "storyline.web is not on this branch"}
    try:
        from fastapi.testclient import TestClient

        factory = getattr(web_app, "create_app")
        client = TestClient(factory(str(db)))
        timings = {}
        for path in ("/", "/stories", "/search?q=strike"):
            started = time.perf_counter()
            response = client.get(path)
            timings[path] = {"status": response.status_code, "ms": round((time.perf_counter() - started) * 1000)}
        return timings
    except Exception as exc:  # report and go on
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def markdown(results: dict) -> str:
    s = results["scale"]
    lines = [f"# Scale benchmark ({results['started']}, {results['mode']})", "",
             f"Machine: {results['machine']['cpus']} cores, load average at start {results['machine']['load_start']}, "
             f"at end {results['machine']['load_end']}; commit {results['commit']}.", "",
             "| measure | ours | target |", "|---|---|---|"]
    n, n4 = s.get("n"), s.get("n4")
    if n and "docs_per_s" in n:
        lines.append(f"| ingest docs/s, default path, {n['stored']:,} docs | {n['docs_per_s']} | ≥ {TARGETS['docs_per_s']} |")
    if n4 and "docs_per_s" in n4:
        lines.append(f"| ingest docs/s, default path, {n4['stored']:,} docs | {n4['docs_per_s']} | ≥ {TARGETS['docs_per_s']} |")
    if s.get("ratio_4n") is not None:
        lines.append(f"| time(4N)/time(N), both over two years (4x the reports a week) | {s['ratio_4n']} "
                     f"(CPU time: {s.get('ratio_4n_cpu')}) | ≤ {TARGETS['ratio_4n']} |")
    sn, sn4 = s.get("stream_n", {}), s.get("stream_n4", {})
    if s.get("ratio_4n_stream") is not None:
        lines.append(f"| time(4N)/time(N), {STREAM_PER_DAY} reports a day (4N over 4x the days); docs/s N / 4N "
                     f"| {s['ratio_4n_stream']} (CPU time: {s.get('ratio_4n_stream_cpu')}); "
                     f"{sn.get('docs_per_s')} / {sn4.get('docs_per_s')} "
                     f"| ≤ {TARGETS['ratio_4n']} |")
    embed = s.get("embed", {})
    lines.append(f"| ingest docs/s, embedding path | {embed.get('docs_per_s', embed.get('skipped', '—'))} "
                 f"| ≥ {TARGETS['embed_docs_per_s']} |")
    alone = s.get("embed_model", {})
    if "docs_per_s" in alone and "docs_per_s" in embed:
        lines.append(f"| embedding model alone ({alone['model']}, {alone['threads']} threads, same texts): docs/s; "
                     f"ingest / model | {alone['docs_per_s']}; {embed['docs_per_s'] / alone['docs_per_s']:.2f} "
                     f"| ≥ {TARGETS['embed_ratio']} |")
    elif alone:
        lines.append(f"| embedding model alone | {alone.get('error', '?')[:120]} | |")
    for key in ("n4", "big"):
        run = s.get(key)
        if run and "maxrss_mb" in run:
            lines.append(f"| peak RSS at {run['stored']:,} docs: largest process / process tree | "
                         f"{run['maxrss_mb']:.0f} MB / {run['tree_peak_mb']:.0f} MB | "
                         f"≤ {TARGETS['rss_100k_mb']} MB at 100k |")
        elif run:
            lines.append(f"| {key} run | error: {run.get('error', '?')[:120]} | |")
    if s.get("big") and "seconds" in s["big"]:
        lines.append(f"| 100k ingest: time, docs/s, store size | {s['big']['seconds']:.0f} s, "
                     f"{s['big']['docs_per_s']} docs/s, {s['big']['db_mb']:.0f} MB | |")
    lines += ["", "Event clustering on ECB+ topics 1-35 (gold event = topic + ecb/ecbplus half; BCubed; "
              "peers tuned on topics 1-10 only, so 11-35 is held out for them):", "",
              "| method | F1 1-35 | F1 11-35 | P / R (1-35) | docs/s | notes |", "|---|---|---|---|---|---|"]
    for row in results["events"]:
        if "all" in row:
            lines.append(f"| {row['method']} | {row['all']['f1']} | {row['held_out']['f1']} | "
                         f"{row['all']['precision']} / {row['all']['recall']} | {row.get('docs_per_s')} | "
                         f"{row.get('tuned', '')} |")
        else:
            lines.append(f"| {row['method']} | — | — | — | — | {row.get('skipped') or row.get('error') or row.get('result')} |")
    web = results.get("web", {})
    lines += ["", f"Web pages on the big store: {json.dumps(web)}", "",
              f"Synthetic corpus: {json.dumps(results['corpus'])}", ""]
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="storyline scale benchmark (issue 9)")
    parser.add_argument("--quick", action="store_true", help="small sizes, no 100k run (a few minutes)")
    parser.add_argument("--n", type=int, help="N (default 2500, quick 250); 4N is also run")
    parser.add_argument("--big", type=int, help="size of the memory run (default 100000; 0 = skip)")
    parser.add_argument("--embed", action="append", default=[], metavar="KEY=VALUE",
                        help="setting that selects transformer embeddings (default embed.model=minilm), repeatable")
    parser.add_argument("--skip-events", action="store_true", help="skip the ECB+ comparison")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    n = args.n or (250 if args.quick else 2500)
    big = args.big if args.big is not None else (0 if args.quick else 100_000)
    work = args.work or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results: dict = {"started": started, "mode": "quick" if args.quick else "full", "commit": _commit(),
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_start": _load()},
                     "scale": {}, "events": [], "corpus": {}}
    log = lambda message: print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)  # noqa: E731
    try:
        for key, size in (("n", n), ("n4", 4 * n)):
            ingest_size(results, work, key, size, log)
        results["scale"]["ratio_4n"] = ratio(results, "n", "n4")
        results["scale"]["ratio_4n_cpu"] = ratio(results, "n", "n4", "cpu_s")
        for key, size in (("stream_n", n), ("stream_n4", 4 * n)):
            ingest_size(results, work, key, size, log, days=max(1, size // STREAM_PER_DAY))
        results["scale"]["ratio_4n_stream"] = ratio(results, "stream_n", "stream_n4")
        results["scale"]["ratio_4n_stream_cpu"] = ratio(results, "stream_n", "stream_n4", "cpu_s")
        if not has_embed_extra():
            results["scale"]["embed"] = {"skipped": "no `embed` extra in pyproject.toml yet"}
        else:
            chosen = args.embed or ["embed.model=minilm"]
            extra = {"STORYLINE_" + k.replace(".", "_").upper(): v for k, v in (e.split("=", 1) for e in chosen)}
            log(f"ingesting {n:,} documents on the embedding path {extra}")
            results["scale"]["embed"] = measure_ingest(work / f"corpus-{n}", work, "embed", extra)
            model = extra.get("STORYLINE_EMBED_MODEL")
            if model and "docs_per_s" in results["scale"]["embed"]:
                results["scale"]["embed_model"] = measure_model(work / "embed.db", model)
            log(json.dumps({k: results["scale"].get(k) for k in ("embed", "embed_model")}))
        if not args.skip_events:
            docs = peers.load_ecbplus(peers.ALL_TOPICS)
            if not docs:
                results["events"] = [{"method": "all", "skipped": "ECB+ not found under ../shared/data/ecbplus"}]
            else:
                log(f"ECB+ topics 1-35: {len(docs)} documents")
                for step in (lambda: peers.run_storyline(docs, _env()), peers.run_evaluation_module,
                             lambda: peers.run_tfidf_baseline(docs), lambda: peers.run_bertopic(docs)):
                    results["events"].append(step())
                    log(json.dumps(results["events"][-1]))
        if big:
            ingest_size(results, work, "big", big, log)
        if big:
            results["web"] = web_timings(work / f"ingest-{big}.db")
    finally:
        results["machine"]["load_end"] = _load()
        RESULTS.mkdir(exist_ok=True)
        stamp = started.replace(":", "").replace("-", "")[:15]
        (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=1))
        text = markdown(results)
        (RESULTS / f"{stamp}.md").write_text(text)
        if not args.quick:
            (HERE / "latest.md").write_text(text)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
