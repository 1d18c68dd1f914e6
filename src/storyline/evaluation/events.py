"""Event and storyline evaluation on an ECB+ corpus folder.

Runs the code path ingest runs (every stage, into a temporary SQLite store, with
default settings; each file goes in as a JSONL record) and scores doc -> event against
the gold event (topic + ecb/ecbplus half) and doc -> storyline against the gold
topic. With `batches > 1` it also feeds the corpus in that many random batches
and reports how far that run is from the all-at-once run.

    python -m storyline.evaluation.events ../shared/data/ecbplus [--topics 21-35] [--batches 10] [--json]

Example:

    >>> scores = evaluate_ecbplus("../shared/data/ecbplus", topics={"1", "2"})  # doctest: +SKIP
    >>> scores["event_bcubed_f1"]                                              # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import tempfile

from storyline import scoring
from storyline.engines import make_engine
from storyline.errors import InputError
from storyline.evaluation import ecbplus
from storyline.model import Document
from storyline.pipeline import Pipeline, ingest_items
from storyline.settings import Settings, load_settings
from storyline.stages.ingest import record_document
from storyline.stores.sqlite import SQLiteStore

__all__ = ["evaluate_ecbplus", "measure_scaling", "run_pipeline", "main"]


def run_pipeline(docs: list[Document], batches: Iterable[list[Document]] | None = None,
                 settings: Settings | None = None) -> tuple[dict[str, str], dict[str, str], dict]:
    """Ingest the documents into a fresh store, batch by batch, exactly as `storyline ingest`
    does (each ECB+ file goes in as a JSONL record: id, text, url), and read back where
    each document ended up.

    Args:
        docs: every document (used when `batches` is None: one batch).
        batches: the same documents split into arrival batches.

    Returns:
        (doc -> final event id, doc -> final storyline id, info) where info holds
        `arrival_event` (doc -> event id when it arrived) and `seconds`.
    """
    settings = settings or load_settings(environ={})
    arrival: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as tmp:
        store = SQLiteStore(Path(tmp) / "eval.db")
        pipeline = Pipeline(settings)
        engine = make_engine("local", settings)
        start = time.perf_counter()
        try:
            for batch in (batches if batches is not None else [docs]):
                items = [as_record(d) for d in batch]
                ingest_items(store, items, settings, engine=engine, pipeline=pipeline)
                arrival.update({d.id: d.event for d in store.iter_documents([d.id for d in batch])})
            seconds = time.perf_counter() - start
            stored = {d.id: d for d in store.iter_documents()}
        finally:
            engine.close()
            store.close()
    doc_event = {i: d.event for i, d in stored.items()}
    doc_sl = {i: d.storyline or d.event for i, d in stored.items()}
    return doc_event, doc_sl, {"arrival_event": arrival, "seconds": seconds}


def as_record(doc: Document) -> Document:
    """The raw JSONL record `storyline ingest` would read for this document."""
    fields = {"id": doc.id, "text": doc.body or doc.text}
    for key in ("title", "url", "source", "published"):
        if getattr(doc, key):
            fields[key] = getattr(doc, key)
    return record_document(json.dumps(fields, ensure_ascii=False).encode(), doc.origin or doc.id, doc.id)


def _split(docs: list[Document], n: int, seed: int) -> list[list[Document]]:
    """Shuffle a copy of `docs` with `seed` and cut it into `n` nearly equal batches."""
    order = list(docs)
    random.Random(seed).shuffle(order)
    k = len(order)
    return [order[i * k // n:(i + 1) * k // n] for i in range(n)]


def evaluate_ecbplus(path: str | Path, *, topics: set[str] | str | None = None, batches: int = 1,
                     seed: int = 0) -> dict[str, Any]:
    """Score events and storylines on the ECB+ corpus at `path`.

    Args:
        path: a folder with `<topic>/<topic>_<n>ecb.xml` / `..ecbplus.xml` files (or its parent).
        topics: topics to use ("1-20,25" or a set of strings); default all.
        batches: also run the corpus in this many random batches when > 1.
        seed: seed of the batch shuffle.

    Returns:
        A flat dict: `event_bcubed_precision/recall/f1`, `event_pairwise_precision/recall/f1`,
        `event_ari`, the same with `storyline_` (gold = topic) and `topic_` (events scored
        against topics) prefixes, `documents`, `docs_per_s`; with batches > 1 also
        `batched_event_bcubed_f1`, `batched_storyline_bcubed_f1`, `changed_fraction`
        (share of documents whose event differs between the two runs, clusters matched by
        overlap), `changed_id_fraction` (share whose event id string differs) and
        `id_churn_fraction` (share whose event id changed after arrival in the batched run).

    Raises:
        InputError: `path` holds no ECB+ files.
    """
    if isinstance(topics, str):
        topics = ecbplus.parse_topics(topics)
    docs, gold_event, gold_topic = ecbplus.load(path, topics)
    out: dict[str, Any] = {"documents": len(docs), "topics": len(set(gold_topic.values()))}
    run_docs = [copy.deepcopy(d) for d in docs]
    ev, sl, info = run_pipeline(run_docs)
    out.update(scoring.cluster_scores(gold_event, ev, "event_"))
    out.update(scoring.cluster_scores(gold_topic, sl, "storyline_"))
    out.update({k: v for k, v in scoring.cluster_scores(gold_topic, ev, "topic_").items()
                if k.startswith("topic_bcubed")})
    out["docs_per_s"] = len(docs) / info["seconds"] if info["seconds"] else 0.0
    if batches > 1:
        batch_docs = [copy.deepcopy(d) for d in docs]
        bev, bsl, binfo = run_pipeline(batch_docs, _split(batch_docs, batches, seed))
        out["batches"] = batches
        out["batched_event_bcubed_f1"] = scoring.bcubed(gold_event, bev)["f1"]
        out["batched_storyline_bcubed_f1"] = scoring.bcubed(gold_topic, bsl)["f1"]
        out["changed_fraction"] = scoring.moved_fraction(ev, bev)
        out["changed_id_fraction"] = sum(ev[d] != bev.get(d) for d in ev) / len(ev) if ev else 0.0
        arrival = binfo["arrival_event"]
        out["id_churn_fraction"] = sum(arrival.get(d) != bev.get(d) for d in bev) / len(bev) if bev else 0.0
        out["batched_docs_per_s"] = len(docs) / binfo["seconds"] if binfo["seconds"] else 0.0
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


_CAPITALISED = re.compile(r"\b([A-Z][a-z]+)\b")
_DIGITS = re.compile(r"\d+")


def _replica(doc: Document, r: int) -> Document:
    """Copy `doc` as a different happening a month later: capitalised words and numbers altered."""
    published = (date(2020, 1, 1) + timedelta(days=30 * r + zlib.crc32(doc.id.encode()) % 3)).isoformat()
    if r == 0:
        return Document(id=doc.id, format="text", text=doc.text, body=doc.text, published=published)
    tag = "".join(chr(ord("a") + (r // 26 ** i) % 26) for i in range(2))
    text = _CAPITALISED.sub(lambda m: m.group(1) + tag, doc.text)
    text = _DIGITS.sub(lambda m: str(int(m.group()) + 1000 * r), text)
    return Document(id=f"{doc.id}~{r}", format="text", text=text, body=text, published=published)


def measure_scaling(path: str | Path, *, copies: int = 1, factor: int = 4, batch_size: int = 100,
                    topics: set[str] | str | None = None) -> dict[str, float]:
    """time(factor*N) / time(N) of embed + events + storylines on a synthetic stream.

    N documents are the ECB+ texts `copies` times, each copy with altered names and
    numbers and published a month after the previous copy (so copies are different
    events, as the same kind of news recurs in a real archive); both runs feed
    batches of `batch_size` in time order. CPU time is used, so other processes on the machine do not skew
    the ratio.

    Returns:
        {"n": N, "seconds_n", "seconds_kn", "ratio", "ms_per_doc_n", "ms_per_doc_kn"}.
    """
    if isinstance(topics, str):
        topics = ecbplus.parse_topics(topics)
    base, _, _ = ecbplus.load(path, topics)

    def run(k: int) -> tuple[int, float]:
        # Month after month, in random order within a month: an archive that grows over time.
        docs = []
        for r in range(k):
            month = [_replica(d, r) for d in base]
            random.Random(r).shuffle(month)
            docs.extend(month)
        batches = [docs[i:i + batch_size] for i in range(0, len(docs), batch_size)]
        start = time.process_time()
        run_pipeline(docs, batches)
        return len(docs), time.process_time() - start

    n1, t1 = run(copies)
    n4, t4 = run(copies * factor)
    return {"n": n1, "seconds_n": round(t1, 2), "seconds_kn": round(t4, 2), "ratio": round(t4 / t1, 3),
            "ms_per_doc_n": round(1000 * t1 / n1, 2), "ms_per_doc_kn": round(1000 * t4 / n4, 2)}


def _print_table(scores: dict[str, Any]) -> None:
    for key, value in scores.items():
        print(f"{key:32} {value}")


def main(argv: list[str] | None = None) -> int:
    """`python -m storyline.evaluation.events PATH [--topics 1-35] [--batches 10] [--json]`."""
    parser = argparse.ArgumentParser(prog="python -m storyline.evaluation.events",
                                     description="Score event and storyline clustering on ECB+.")
    parser.add_argument("path", help="ECB+ folder (holding <topic>/<topic>_<n>ecb.xml files)")
    parser.add_argument("--topics", default=None, help="topics to use, e.g. 1-20 or 21-35,40")
    parser.add_argument("--batches", type=int, default=1, help="also feed the corpus in N random batches")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one line of JSON")
    parser.add_argument("--scale", type=int, default=0, metavar="COPIES",
                        help="instead, measure time(4N)/time(N) on N = COPIES altered copies of the corpus")
    args = parser.parse_args(argv)
    try:
        if args.scale:
            scores = measure_scaling(args.path, copies=args.scale, topics=args.topics)
        else:
            scores = evaluate_ecbplus(args.path, topics=args.topics, batches=args.batches, seed=args.seed)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: bad --topics: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(scores, separators=(",", ":")))
    else:
        _print_table(scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
