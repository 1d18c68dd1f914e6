"""The embedding model's own throughput on the texts an ingest stored (issue 9, contract: the
embedding path must reach >= 80 % of it).

    python benchmarks/model_speed.py STORE.db MODEL [--limit N]

Reads each current document's headline and text from a SQLite store, builds the text the
embed stage encodes (`storyline.stages.embed.dense_text`), and times the encoder alone on all
cores: one session with one thread per core, one text at a time and in batches of 16; the
faster of the two counts (the model's best, so the ratio does not flatter the pipeline).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("model")
    parser.add_argument("--limit", type=int, default=2500)
    args = parser.parse_args()
    from storyline.embeddings import Encoder
    from storyline.stages.embed import dense_text

    with sqlite3.connect(args.db) as conn:
        rows = conn.execute("SELECT title, text FROM documents WHERE current = 1 ORDER BY id LIMIT ?",
                            (args.limit,)).fetchall()
    texts = [dense_text(title, text) for title, text in rows]
    if not texts:
        sys.exit(f"{args.db}: no documents to encode")
    encoder = Encoder(args.model, threads=os.cpu_count() or 1)
    encoder.encode(texts[:4])  # warm-up: the first run allocates
    timings = {}
    for batch in (1, 16):
        started = time.perf_counter()
        for i in range(0, len(texts), batch):
            encoder.encode(texts[i:i + batch])
        timings[batch] = time.perf_counter() - started
    batch, seconds = min(timings.items(), key=lambda kv: kv[1])
    print(json.dumps({"model": args.model, "texts": len(texts), "seconds": round(seconds, 2),
                      "docs_per_s": round(len(texts) / seconds, 1), "threads": os.cpu_count(), "batch": batch,
                      "docs_per_s_by_batch": {b: round(len(texts) / t, 1) for b, t in timings.items()}}))
    sys.exit(0)
