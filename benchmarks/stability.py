"""How much event assignment depends on input order and batching (contract.md, "Stability").

For each corpus the documents are ingested once in the order `storyline ingest DIR` reads them
(the reference) and then in other orders and batchings, each into a fresh store through the
real ingest path (`ingest_items`: dedup, events, storylines). Per variant it reports

- `moved`: share of documents whose event differs from the reference (clusters matched one to
  one by overlap, `scoring.moved_fraction`; the contract allows 0.02),
- `agree`: BCubed F1 of the variant's events against the reference's (the tests ask >= 0.99),
- `f1`: event BCubed F1 against gold where there is gold (ECB+; the contract allows the variant
  to be 0.01 below the reference),
- `same ids`: share of reference events found with the same documents under the same id, and
  `renamed`: how many have the same documents under another id (the contract allows none),
- `events s`: CPU seconds of the events stage (`Events.process_batch`) in this process.

The per-document stages (parse, clean, language, quality, embed) do not depend on batches, so
their results are computed once per corpus and cached (pickle under `--cache`; delete it after
changing such a stage); every variant
replays them through a cached engine, and only the batch stages run again.

    python benchmarks/stability.py det ecb /work/tmp/bench/corpus-2500 [--variants quick|full]
        [--cache DIR] [--json OUT] [--set events.x=y]

Corpora: `det` (the determinism test corpus: the demo corpus plus invented templated articles
and copies), `ecb` (ECB+ topics 1-35 from ../shared/data/ecbplus, gold events), or a folder of
files (`benchmarks/corpus.py` output).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import pickle
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from storyline import scoring
from storyline.engines import Engine
from storyline.pipeline import Pipeline, ingest_items
from storyline.settings import load_settings
from storyline.stages.events import Events
from storyline.stages.ingest import Rejected, iter_inputs
from storyline.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus"


# -- corpora -----------------------------------------------------------------------------------

def _det_files(into: Path) -> Path:
    """The corpus of tests/reliability/test_determinism.py, written under `into`."""
    import shutil

    sys.path.insert(0, str(ROOT / "tests" / "reliability"))
    from hostile import article, text_file

    root = into / "det-corpus"
    if not root.exists():
        shutil.copytree(ROOT / "src" / "storyline" / "demo" / "corpus", root / "demo")
        rng = random.Random(3)
        (root / "extra").mkdir()
        for i in range(30):
            title, paras = article(rng, f"det{i:03d}")
            (root / "extra" / f"e{i:03d}.txt").write_text(text_file(title, paras))
            if i % 5 == 0:
                (root / "extra" / f"copy-of-e{i:03d}.txt").write_text(text_file(title, paras))
    return root


def load_corpus(name: str, scratch: Path) -> tuple[list, dict[str, str] | None]:
    """(raw items in the order ingest reads them, gold doc -> event or None)."""
    if name == "ecb":
        from storyline.evaluation import ecbplus
        from storyline.evaluation.events import as_record

        docs, gold, _ = ecbplus.load(ECB, ecbplus.parse_topics("1-35"))
        return [as_record(d) for d in docs], gold
    root = _det_files(scratch) if name == "det" else Path(name)
    items = [i for i in iter_inputs([root]) if not isinstance(i, Rejected)]
    return items, None


class CachedEngine(Engine):
    """Replays per-document results computed once (they do not depend on the batch)."""

    def __init__(self, cache: dict):
        self.cache = cache

    def submit_documents(self, pipeline, docs, phase):
        out = []
        for doc in docs:
            key = (doc.id, doc.raw_sha256)
            if key not in self.cache:
                self.cache[key] = pipeline.process_documents([copy.deepcopy(doc)], phase)[0]
            result = copy.deepcopy(self.cache[key])
            result[0].extra.update({k: v for k, v in doc.extra.items() if k.startswith("_")})
            out.append(result)
        return lambda: out


def build_cache(items: list, settings, path: Path) -> dict:
    if path.exists():
        return pickle.loads(path.read_bytes())
    pipeline = Pipeline(settings)
    cache = {}
    for doc in items:
        cache[(doc.id, doc.raw_sha256)] = pipeline.process_documents([copy.deepcopy(doc)], "ingest")[0]
    path.write_bytes(pickle.dumps(cache))
    return cache


# -- variants ------------------------------------------------------------------------------------

def _cut(order: list, size: int) -> list[list]:
    return [order[i:i + size] for i in range(0, len(order), size)]


def _shuffled(items: list, seed: int) -> list:
    return random.Random(seed).sample(items, len(items))


def _random_batches(items: list, n: int, seed: int) -> list[list]:
    """As `storyline.evaluation.events`: shuffle, then n nearly equal batches."""
    order = list(items)
    random.Random(seed).shuffle(order)
    k = len(order)
    return [order[i * k // n:(i + 1) * k // n] for i in range(n)]


def variants(items: list, level: str) -> dict[str, tuple[list[list], dict]]:
    """label -> (ingest calls, setting overrides)."""
    n = len(items)
    out = {"reverse": ([items[::-1]], {})}
    seeds = range(2) if level == "quick" else range(4)
    for seed in seeds:
        out[f"10 random batches s{seed}"] = (_random_batches(items, 10, seed), {})
    small = 9 if n < 300 else 16
    for seed in (range(8) if n < 300 else seeds):
        out[f"shuffle s{seed}, {small}/call"] = (_cut(_shuffled(items, seed), small), {})
    if n >= 300:
        for size in (64, 200):
            out[f"shuffle s0, {size}/call"] = (_cut(_shuffled(items, 0), size), {})
    for size in ((5, 64) if n < 300 else (64, 200)):
        out[f"batch_size={size}"] = ([items], {"ingest.batch_size": size})
    return out


# -- runs ------------------------------------------------------------------------------------------

class EventsClock:
    """CPU seconds spent in `Events.process_batch` (this process)."""

    def __init__(self):
        self.seconds = 0.0
        self._orig = Events.process_batch
        clock = self

        def timed(stage, batch):
            t = time.process_time()
            try:
                return clock._orig(stage, batch)
            finally:
                clock.seconds += time.process_time() - t

        Events.process_batch = timed

    def take(self) -> float:
        s, self.seconds = self.seconds, 0.0
        return s


def tune_events(fields: dict[str, str]) -> None:
    """Build the events stage's `EventSettings` with these fields changed (values parsed as JSON)."""
    import dataclasses

    from storyline.stages import events as ev

    parsed = {k: json.loads(v) for k, v in fields.items()}
    base = ev.EventSettings
    known = {f.name for f in dataclasses.fields(base)}
    unknown = set(parsed) - known
    if unknown:
        raise SystemExit(f"unknown EventSettings fields: {sorted(unknown)}")

    def tuned(**kw):
        return base(**{**parsed, **kw})

    ev.EventSettings = tuned  # the stage builds its settings through the module global


def freeze_idf(cache: dict) -> None:
    """Give the events stage the document frequencies of the whole corpus from the first batch
    on: an oracle no online run has, to tell how much of the order dependence is IDF drift
    (centroids of events no later batch reopens keep the IDF of the moment they were built)."""
    from collections import Counter

    from storyline.stages import events as ev

    counts: Counter[str] = Counter()
    docs = 0
    for doc, _problems, reason in cache.values():
        feats = doc.extra.get(ev.EMBED_KEY)
        if reason is None and isinstance(feats, dict) and "terms" in feats:
            counts.update(ev._doc_counts(feats))
            docs += 1
    ev.StoreState.df = lambda self, terms: {t: counts.get(t, 0) for t in terms}
    ev.StoreState.n_docs = lambda self: docs


def run(calls: list[list], cache: dict, overrides: dict, clock: EventsClock) -> tuple[dict[str, str], float]:
    settings = load_settings(environ={}, overrides=overrides)
    engine = CachedEngine(cache)
    clock.take()
    with tempfile.TemporaryDirectory(prefix="stability-") as tmp:
        with SQLiteStore(Path(tmp) / "s.db") as store:
            pipeline = Pipeline(settings)
            for call in calls:
                ingest_items(store, [copy.deepcopy(d) for d in call], settings, engine=engine, pipeline=pipeline)
            events = {d.id: d.event for d in store.iter_documents()}
    return events, clock.take()


def _groups(assign: dict[str, str]) -> dict[frozenset, str]:
    out = defaultdict(set)
    for doc, event in assign.items():
        out[event].add(doc)
    return {frozenset(docs): event for event, docs in out.items()}


def same_ids(ref: dict[str, str], got: dict[str, str]) -> float:
    """Share of the reference's events found in `got` with the same documents and id."""
    ref_groups, got_groups = _groups(ref), _groups(got)
    return sum(got_groups.get(docs) == e for docs, e in ref_groups.items()) / len(ref_groups) if ref_groups else 1.0


def renamed(ref: dict[str, str], got: dict[str, str]) -> int:
    """Events with the same documents under another id (the contract allows none)."""
    ref_groups, got_groups = _groups(ref), _groups(got)
    return sum(docs in got_groups and got_groups[docs] != e for docs, e in ref_groups.items())


def evaluate(name: str, level: str, scratch: Path, overrides: dict, only: str | None = None,
             frozen_idf: bool = False) -> list[dict]:
    items, gold = load_corpus(name, scratch)
    settings = load_settings(environ={}, overrides=overrides)
    tag = hashlib.sha1(f"{name}|{len(items)}".encode()).hexdigest()[:8]
    cache = build_cache(items, settings, scratch / f"cache-{Path(name).name}-{tag}.pkl")
    if frozen_idf:
        freeze_idf(cache)
    clock = EventsClock()
    rows = []
    ref, ref_cpu = run([items], cache, overrides, clock)
    label = Path(name).name
    base = {"corpus": label, "docs": len(ref)}
    ref_f1 = scoring.bcubed(gold, ref)["f1"] if gold else None
    rows.append({**base, "variant": "reference", "moved": 0.0, "agree": 1.0, "f1": ref_f1, "same_ids": 1.0,
                 "renamed": 0, "events_cpu": ref_cpu})
    print(_fmt(rows[-1]), flush=True)
    for vlabel, (calls, extra) in variants(items, level).items():
        if only and not any(part in vlabel for part in only.split(",")):
            continue
        got, cpu = run(calls, cache, {**overrides, **extra}, clock)
        rows.append({**base, "variant": vlabel, "moved": scoring.moved_fraction(ref, got),
                     "agree": scoring.bcubed(ref, got)["f1"],
                     "f1": scoring.bcubed(gold, got)["f1"] if gold else None,
                     "same_ids": same_ids(ref, got), "renamed": renamed(ref, got), "events_cpu": cpu})
        print(_fmt(rows[-1]), flush=True)
    return rows


def _fmt(r: dict) -> str:
    f1 = f"{r['f1']:.4f}" if r["f1"] is not None else "  -   "
    return (f"| {r['corpus']} | {r['variant']} | {r['docs']} | {r['moved']:.4f} | {r['agree']:.4f} | {f1} | "
            f"{r['same_ids']:.3f} | {r['renamed']} | {r['events_cpu']:.2f} |")


def summary(rows: list[dict]) -> list[str]:
    out = ["| corpus | variants | worst moved | mean moved | worst agree | worst f1 drop | events s (ref) |",
           "|---|---|---|---|---|---|---|"]
    by = defaultdict(list)
    for r in rows:
        by[r["corpus"]].append(r)
    for corpus, rs in by.items():
        ref = rs[0]
        vs = rs[1:]
        if not vs:
            continue
        drop = max((ref["f1"] - r["f1"] for r in vs), default=0.0) if ref["f1"] is not None else None
        out.append(f"| {corpus} | {len(vs)} | {max(r['moved'] for r in vs):.4f} | "
                   f"{sum(r['moved'] for r in vs) / len(vs):.4f} | {min(r['agree'] for r in vs):.4f} | "
                   f"{'-' if drop is None else f'{drop:.4f}'} | {ref['events_cpu']:.2f} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", help="det, ecb, or a folder of files")
    parser.add_argument("--variants", choices=("quick", "full"), default="quick")
    parser.add_argument("--only", help="run only the variants whose label contains one of these (comma-separated)")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "storyline-stability"))
    parser.add_argument("--json", help="write the rows here")
    parser.add_argument("--set", action="append", default=[], help="setting override KEY=VALUE")
    parser.add_argument("--frozen-idf", action="store_true",
                        help="diagnostic: the whole corpus's document frequencies from the first batch on")
    parser.add_argument("--events", action="append", default=[],
                        help="EventSettings field override KEY=VALUE (to try a knob that is no setting)")
    args = parser.parse_args(argv)
    scratch = Path(args.cache)
    scratch.mkdir(parents=True, exist_ok=True)
    overrides = {}
    for kv in args.set:
        k, v = kv.split("=", 1)
        overrides[k] = json.loads(v) if v[:1].isdigit() or v in ("true", "false") else v
    if args.events:
        tune_events(dict(kv.split("=", 1) for kv in args.events))
    print("| corpus | variant | docs | moved | agree | f1 | same ids | renamed | events s |\n"
          "|---|---|---|---|---|---|---|---|---|")
    rows = []
    for name in args.corpora:
        rows += evaluate(name, args.variants, scratch, overrides, args.only, args.frozen_idf)
    print("\n".join(summary(rows)))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
