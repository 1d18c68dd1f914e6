"""Event clustering on ECB+ by storyline and by peer methods, scored the same way.

Gold: a document's event is its ECB+ topic plus its half (`ecb` or `ecbplus`), the
contract's "ECB+ event score"; documents are scored with BCubed F1.

Peers:
- TF-IDF + agglomerative clustering (average link, cosine), the plain baseline; its
  distance threshold is tuned on the dev topics only.
- BERTopic (if it imports) on precomputed LSA embeddings (TF-IDF -> SVD): no model
  hub is reachable, so no sentence-transformer; `min_topic_size` tuned on dev topics.

storyline itself is scored by the real path: `storyline ingest` of the texts into a
fresh store, then the event of each document from `storyline export`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from corpus import ROOT, ecbplus_dir, read_ecbplus_doc

DEV_TOPICS = range(1, 11)  # thresholds are tuned here
ALL_TOPICS = range(1, 36)  # reported on 1-35 (the issue) and on 11-35 (not tuned on)


def load_ecbplus(topics: range) -> list[dict]:
    """ECB+ documents of `topics`: id (file stem), title, text, gold event."""
    root = ecbplus_dir()
    if root is None:
        return []
    docs = []
    for topic in topics:
        folder = root / str(topic)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.xml")):
            title, body = read_ecbplus_doc(path)
            half = "ecbplus" if path.stem.endswith("ecbplus") else "ecb"
            docs.append({"id": path.stem, "topic": topic, "title": title, "text": body,
                         "gold": f"{topic}_{half}"})
    return docs


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """BCubed precision, recall and F1 over the documents in `gold` (missing = singleton)."""
    pred = {d: predicted.get(d) or f"__single_{d}" for d in gold}
    by_gold, by_pred = defaultdict(set), defaultdict(set)
    for d in gold:
        by_gold[gold[d]].add(d)
        by_pred[pred[d]].add(d)
    precision = recall = 0.0
    for d in gold:
        same = len(by_gold[gold[d]] & by_pred[pred[d]])
        precision += same / len(by_pred[pred[d]])
        recall += same / len(by_gold[gold[d]])
    precision, recall = precision / len(gold), recall / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _subset(docs: list[dict], topics: range) -> list[dict]:
    wanted = set(topics)
    return [d for d in docs if d["topic"] in wanted]


def _score(docs: list[dict], labels: dict[str, str]) -> dict[str, float]:
    return bcubed({d["id"]: d["gold"] for d in docs}, labels)


def _tfidf(docs: list[dict]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{d['title']}\n{d['text']}" for d in docs]
    return TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)


def tfidf_agglomerative(docs: list[dict], threshold: float) -> dict[str, str]:
    from sklearn.cluster import AgglomerativeClustering

    matrix = _tfidf(docs).toarray()
    labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=threshold).fit_predict(matrix)
    return {d["id"]: str(label) for d, label in zip(docs, labels)}


def run_tfidf_baseline(docs: list[dict]) -> dict:
    from scipy.cluster.hierarchy import fcluster, linkage

    dev = _subset(docs, DEV_TOPICS)
    # One average-link tree (what sklearn builds), cut at each candidate threshold.
    tree = linkage(_tfidf(dev).toarray(), method="average", metric="cosine")
    best = max((round(0.5 + 0.01 * i, 2) for i in range(50)), key=lambda t: _score(
        dev, {d["id"]: str(c) for d, c in zip(dev, fcluster(tree, t, criterion="distance"))})["f1"])
    started = time.perf_counter()
    labels = tfidf_agglomerative(docs, best)
    seconds = time.perf_counter() - started
    held = _subset(docs, range(DEV_TOPICS.stop, ALL_TOPICS.stop))
    return {"method": "TF-IDF + agglomerative (average, cosine)", "tuned": f"threshold {best} on topics 1-10",
            "all": _score(docs, labels), "held_out": _score(held, labels),
            "docs_per_s": round(len(docs) / seconds, 1)}


def _bertopic_labels(docs: list[dict], min_topic_size: int) -> dict[str, str]:
    import numpy as np
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize
    from umap import UMAP

    matrix = _tfidf(docs)
    embeddings = normalize(TruncatedSVD(n_components=min(128, matrix.shape[1] - 1), random_state=0)
                           .fit_transform(matrix))
    umap_model = UMAP(n_neighbors=10, n_components=5, min_dist=0.0, metric="cosine", random_state=0)
    hdbscan_model = HDBSCAN(min_cluster_size=min_topic_size, metric="euclidean", prediction_data=True)
    model = BERTopic(embedding_model=None, umap_model=umap_model, hdbscan_model=hdbscan_model,
                     min_topic_size=min_topic_size, calculate_probabilities=False, verbose=False)
    topics, _ = model.fit_transform([f"{d['title']}\n{d['text']}" for d in docs], embeddings=np.asarray(embeddings))
    # -1 is BERTopic's outlier bin, not a cluster: each outlier stands alone.
    return {d["id"]: (f"out-{d['id']}" if t == -1 else str(t)) for d, t in zip(docs, topics)}


def run_bertopic(docs: list[dict]) -> dict:
    try:
        import bertopic  # noqa: F401
    except ImportError as exc:
        return {"method": "BERTopic", "skipped": f"not installed ({exc.name or exc}); "
                "`pip install bertopic` pulls torch+CUDA (~3 GB), see benchmarks/README.md"}
    dev = _subset(docs, DEV_TOPICS)
    try:
        best = max((2, 3, 5, 8), key=lambda m: _score(dev, _bertopic_labels(dev, m))["f1"])
        started = time.perf_counter()
        labels = _bertopic_labels(docs, best)
        seconds = time.perf_counter() - started
    except Exception as exc:  # a peer that breaks is reported, not fatal
        return {"method": "BERTopic", "error": f"{type(exc).__name__}: {exc}"[:300]}
    held = _subset(docs, range(DEV_TOPICS.stop, ALL_TOPICS.stop))
    return {"method": "BERTopic (LSA embeddings, UMAP + HDBSCAN)", "tuned": f"min_topic_size {best} on topics 1-10",
            "all": _score(docs, labels), "held_out": _score(held, labels),
            "docs_per_s": round(len(docs) / seconds, 1)}


def run_storyline(docs: list[dict], env: dict[str, str]) -> dict:
    """Our score by the contract's path: ingest the texts, export, read each document's event."""
    with tempfile.TemporaryDirectory(prefix="storyline-ecb-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for d in docs:
            (folder / f"{d['id']}.txt").write_text(f"{d['title']}\n\n{d['text']}\n", encoding="utf-8")
        db = str(Path(tmp) / "ecb.db")
        command = [sys.executable, "-m", "storyline"]
        ingest = subprocess.run([*command, "ingest", str(folder), "--db", db, "--json"],
                                capture_output=True, text=True, env=env)
        if ingest.returncode != 0:
            return {"method": "storyline", "error": ingest.stderr.strip()[-300:]}
        report = json.loads(ingest.stdout.strip().splitlines()[-1])
        started = time.perf_counter()
        export = subprocess.run([*command, "export", "--db", db, "--format", "json"],
                                capture_output=True, text=True, env=env)
        export_seconds = time.perf_counter() - started
        if export.returncode != 0:
            return {"method": "storyline", "error": export.stderr.strip()[-300:]}
        data = json.loads(export.stdout)
    labels = {d["id"]: d.get("event") for d in data["documents"]}
    for event in data.get("events", []):
        for doc_id in event.get("documents", []):
            labels[doc_id] = event["id"]
    held = _subset(docs, range(DEV_TOPICS.stop, ALL_TOPICS.stop))
    ours_held = _subset(docs, range(21, ALL_TOPICS.stop))
    return {"method": "storyline (ingest + export, default settings)",
            "tuned": f"tuned on topics 1-20; held out 21-35: F1 {_score(ours_held, labels)['f1']}",
            "all": _score(docs, labels), "held_out": _score(held, labels),
            "docs_per_s": report.get("docs_per_s"), "export_seconds": round(export_seconds, 1)}


def run_evaluation_module() -> dict:
    """storyline.evaluation.events.evaluate_ecbplus, when the events work has landed."""
    try:
        from storyline.evaluation.events import evaluate_ecbplus
    except ImportError:
        return {"method": "storyline.evaluation.events.evaluate_ecbplus", "skipped": "not available on this branch"}
    method = "storyline eval events (JSONL records with dates, default settings)"
    scores = {}
    try:
        for key, topics in (("all", "1-35"), ("held_out", "11-35"), ("ours_held_out", "21-35")):
            result = evaluate_ecbplus(ecbplus_dir(), topics=topics)
            scores[key] = {"f1": round(result["event_bcubed_f1"], 4),
                           "precision": round(result["event_bcubed_precision"], 4),
                           "recall": round(result["event_bcubed_recall"], 4)}
            scores.setdefault("docs_per_s", round(result["docs_per_s"], 1))
    except Exception as exc:  # report and go on: the harness must not die on a peer module
        return {"method": method, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"method": method, "all": scores["all"], "held_out": scores["held_out"],
            "docs_per_s": scores["docs_per_s"],
            "tuned": f"tuned on topics 1-20; held out 21-35: F1 {scores['ours_held_out']['f1']}"}


def main() -> None:
    docs = load_ecbplus(ALL_TOPICS)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    print(json.dumps([run_tfidf_baseline(docs), run_bertopic(docs), run_storyline(docs, env)], indent=1))


if __name__ == "__main__":
    main()
