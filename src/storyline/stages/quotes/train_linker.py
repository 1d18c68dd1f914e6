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

More documents: `--split DIR:SLICES` (repeatable) adds the documents of those
slices, tagged by the tagger in DIR that was trained without them, e.g.

    --model-dir T0 --slices 0 --split T123:1,2,3 --split T456:4,5,6

learns from all of train, each document seen by a tagger that never saw it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import linker, tagger
from .extract import extract


def examples(doc) -> list[tuple[list[str], int, str]]:
    """(features, label, group) per candidate of each attribution matched to gold.

    `group` names the attribution (`stem#index`), unique across documents.
    """
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
            out.append((feats, int(label), f"{doc.stem}#{ai}"))
    return out


def use_tagger(model_dir: str | Path) -> None:
    """Tag with the model in `model_dir` from now on (in this process)."""
    tagger.MODEL_PATH = Path(model_dir) / "attribution-en.crfsuite"
    tagger.LEXICON_PATH = Path(model_dir) / "cues-en.json"
    tagger._tagger.cache_clear()
    tagger._lexicons.cache_clear()
    tagger._weights.cache_clear()


def gather(splits) -> list[tuple[list[str], int, str]]:
    """Examples of every (tagger dir, documents) pair, each tagged by its own tagger."""
    out = []
    for model_dir, docs in splits:
        use_tagger(model_dir)
        for doc in docs:
            out.extend(examples(doc))
    return out


def fit(docs, c: float = 1.0, found=None, objective: str = "listwise") -> dict[str, float]:
    """Weights over the candidates of `docs` (or the examples `found`).

    `listwise` (the default) trains what `linker.choose` does, pick one candidate
    per attribution: a softmax over each attribution's candidates, maximising the
    probability of its gold ones (L2 penalty 1/c). `pointwise` is a logistic
    regression on each candidate alone. On PolNeAR train (7-fold by slice)
    listwise picked the gold speaker of direct quotes 0.936 of the time,
    pointwise 0.928 (indirect: 0.895 vs 0.879).
    """
    from sklearn.feature_extraction import DictVectorizer

    if found is None:
        found = [x for doc in docs for x in examples(doc)]
    rows = [{f: 1 for f in feats} for feats, _, _ in found]
    labels = [label for _, label, _ in found]
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    if objective == "listwise":
        coef, intercept = _fit_listwise(x.tocsr(), labels, [g for _, _, g in found], 1.0 / c), 0.0
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=3000)
        model.fit(x, labels)
        coef, intercept = model.coef_[0], float(model.intercept_[0])
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), coef)
        if abs(w) >= 1e-4
    }
    weights["bias"] = round(weights.get("bias", 0.0) + intercept, 4)
    return weights


def _fit_listwise(x, labels, groups, l2: float):
    """Weights w maximising, per group, log P(gold candidates) under softmax(x @ w)."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    y = np.asarray(labels, dtype=float)
    _, gidx = np.unique(np.asarray(groups), return_inverse=True)
    # A group without a gold candidate teaches nothing about which to pick.
    keep = (np.bincount(gidx, weights=y) > 0)[gidx]
    x, y = x[keep], y[keep]
    _, gidx = np.unique(gidx[keep], return_inverse=True)
    n_groups = int(gidx.max()) + 1 if len(gidx) else 0
    member = csr_matrix((np.ones(len(gidx)), (gidx, np.arange(len(gidx)))), shape=(n_groups, len(gidx)))

    def loss(w):
        s = x @ w
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, gidx, s)
        e = np.exp(s - top[gidx])
        z, z_gold = member @ e, member @ (e * y)
        value = -(np.log(z_gold) - np.log(z)).sum() + 0.5 * l2 * (w @ w)
        grad = x.T @ (e / z[gidx] - e * y / z_gold[gidx]) + l2 * w
        return value, grad

    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x


def main(argv: list[str] | None = None) -> int:
    from .train import training_split

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--model-dir", required=True, help="tagger trained with the same --holdout/--slices")
    ap.add_argument("--holdout", type=int, required=True)
    ap.add_argument("--slices", default="0")
    ap.add_argument("--docs-cache")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--objective", choices=("listwise", "pointwise"), default="listwise")
    ap.add_argument("--split", action="append", default=[], metavar="DIR:SLICES",
                    help="also learn from these slices, tagged by the tagger in DIR trained without them")
    ap.add_argument("--features", type=int, default=linker.FEATURES, help="linker feature set")
    ap.add_argument("--out", default=str(linker.MODEL_PATH))
    args = ap.parse_args(argv)

    linker.FEATURES = args.features
    splits = []
    for model_dir, slices_arg in [(args.model_dir, args.slices)] + [x.rsplit(":", 1) for x in args.split]:
        slices = tuple(int(x) for x in slices_arg.split(","))
        docs = training_split(args.path, args.holdout, args.docs_cache, held_out=True, slices=slices)
        splits.append((model_dir, docs))
    out = args.out
    linker.use_weights(None)
    weights = fit(None, args.c, gather(splits), args.objective)
    linker.use_weights(weights)
    weights = fit(None, args.c, gather(splits), args.objective)
    docs = [d for _, part in splits for d in part]
    Path(out).write_text(json.dumps(dict(sorted(weights.items())), indent=0), encoding="utf-8")
    print(f"{len(weights)} weights from {len(docs)} documents -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
