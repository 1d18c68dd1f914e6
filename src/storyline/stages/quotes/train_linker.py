"""Train the English speaker linker (not run at ingest).

    python -m storyline.stages.quotes.train_linker PATH/TO/polnear/data/train \\
        --model-dir DIR --holdout 7 --slices 0,1 [--docs-cache FILE] [--out FILE]

The linker must learn from the tagger's output on text the tagger did not see,
or it learns to trust tagged sources more than it should. So it trains on the
documents `train.py --holdout K --slices …` left out, with the tagger from
`--model-dir` trained without them. Each candidate is labelled by whether it
overlaps the Source of the gold attribution matched to its attribution.

Two rounds: the first sees candidates found with the hand-written speaker
heuristics (no weights yet), the second with the first round's weights, so the
"previous speaker" candidates look as they will at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import linker, tagger
from .extract import extract


def examples(doc) -> list[tuple[list[str], int, int]]:
    """(features, label, group) per candidate of each attribution matched to gold."""
    from storyline.evaluation.quotes import match_spans

    record: list = []
    extract(doc.text, doc.entities, "en", record=record)
    spans = [span for span, _ in record]
    out = []
    for gi, ai in match_spans([g.span for g in doc.gold], spans):
        gold = doc.gold[gi]
        if not gold.source:
            continue
        for span, feats in record[ai][1]:
            label = any(min(span[1], e) > max(span[0], s) for s, e in gold.source)
            out.append((feats, int(label), ai))
    return out


def fit(docs, c: float = 1.0) -> dict[str, float]:
    """Logistic-regression weights over the candidates of `docs`."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels = [], []
    for doc in docs:
        for feats, label, _ in examples(doc):
            rows.append({f: 1 for f in feats})
            labels.append(label)
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, labels)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), model.coef_[0])
        if abs(w) >= 1e-4
    }
    weights["bias"] = round(weights.get("bias", 0.0) + float(model.intercept_[0]), 4)
    return weights


def main(argv: list[str] | None = None) -> int:
    from .train import training_split

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--model-dir", required=True, help="tagger trained with the same --holdout/--slices")
    ap.add_argument("--holdout", type=int, required=True)
    ap.add_argument("--slices", default="0")
    ap.add_argument("--docs-cache")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--out", default=str(linker.MODEL_PATH))
    args = ap.parse_args(argv)

    tagger.MODEL_PATH = Path(args.model_dir) / "attribution-en.crfsuite"
    tagger.LEXICON_PATH = Path(args.model_dir) / "cues-en.json"
    slices = tuple(int(x) for x in args.slices.split(","))
    docs = training_split(args.path, args.holdout, args.docs_cache, held_out=True, slices=slices)
    out = args.out
    linker.use_weights(None)
    weights = fit(docs, args.c)
    linker.use_weights(weights)
    weights = fit(docs, args.c)
    Path(out).write_text(json.dumps(dict(sorted(weights.items())), indent=0), encoding="utf-8")
    print(f"{len(weights)} weights from {len(docs)} documents -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
