"""Clustering metrics shared by tests, `storyline.evaluation` and benchmarks.

Every function takes two mappings from item to cluster label, `gold` and
`predicted`, over the same items (items missing from `predicted` count as
singletons, so a system that drops documents is not rewarded for it), and
returns plain floats. Labels only need to be hashable; their values carry no
meaning beyond "same label = same cluster".

    >>> gold = {"a": 1, "b": 1, "c": 2}
    >>> pred = {"a": "x", "b": "y", "c": "y"}
    >>> round(bcubed(gold, pred)["f1"], 3)
    0.667
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from math import comb

__all__ = ["bcubed", "pairwise", "adjusted_rand", "moved_fraction", "cluster_scores"]


def _aligned(gold: Mapping, predicted: Mapping) -> tuple[list, list, list]:
    """Items of `gold` with both labels; an item `predicted` lacks becomes its own singleton."""
    items = list(gold)
    g = [gold[i] for i in items]
    p = [predicted[i] if i in predicted else ("__missing__", i) for i in items]
    return items, g, p


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> dict[str, float]:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009).

    For each item, precision is the share of its predicted cluster that shares
    its gold cluster, recall the share of its gold cluster that shares its
    predicted cluster; both are averaged over items.

    Args:
        gold: item -> gold cluster label.
        predicted: item -> predicted cluster label.

    Returns:
        {"precision": p, "recall": r, "f1": f}; all 0.0 for no items.
    """
    _, g, p = _aligned(gold, predicted)
    if not g:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    both = Counter(zip(g, p))
    gsize = Counter(g)
    psize = Counter(p)
    prec = sum(n * n / psize[pl] for (gl, pl), n in both.items()) / len(g)
    rec = sum(n * n / gsize[gl] for (gl, pl), n in both.items()) / len(g)
    return {"precision": prec, "recall": rec, "f1": _f1(prec, rec)}


def pairwise(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> dict[str, float]:
    """Pairwise precision, recall and F1 over unordered item pairs put in one cluster.

    Args:
        gold: item -> gold cluster label.
        predicted: item -> predicted cluster label.

    Returns:
        {"precision": p, "recall": r, "f1": f}. With no predicted (gold) pair,
        precision (recall) is 1.0, since nothing claimed is wrong (nothing is missed).
    """
    _, g, p = _aligned(gold, predicted)
    together = sum(comb(n, 2) for n in Counter(zip(g, p)).values())
    pred_pairs = sum(comb(n, 2) for n in Counter(p).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(g).values())
    prec = together / pred_pairs if pred_pairs else 1.0
    rec = together / gold_pairs if gold_pairs else 1.0
    return {"precision": prec, "recall": rec, "f1": _f1(prec, rec)}


def adjusted_rand(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985), via scikit-learn: 1.0 identical, ~0.0 chance."""
    from sklearn.metrics import adjusted_rand_score

    _, g, p = _aligned(gold, predicted)
    if not g:
        return 0.0
    codes: dict = {}
    return float(adjusted_rand_score([codes.setdefault(x, len(codes)) for x in g],
                                     [codes.setdefault(("p", x), len(codes)) for x in p]))


def moved_fraction(before: Mapping[Hashable, Hashable], after: Mapping[Hashable, Hashable]) -> float:
    """Share of items that changed cluster between two clusterings of the same items.

    Clusters are matched one-to-one by largest overlap (greedy, largest first);
    an item moved when its cluster in `after` is not the match of its cluster in
    `before`. Labels need not agree between the two runs, so this measures
    assignment changes, not renamed ids.
    """
    items, b, a = _aligned(before, after)
    if not items:
        return 0.0
    overlap = Counter(zip(b, a))
    matched_b: set = set()
    matched_a: set = set()
    kept = 0
    for (bl, al), n in sorted(overlap.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if bl in matched_b or al in matched_a:
            continue
        matched_b.add(bl)
        matched_a.add(al)
        kept += n
    return 1.0 - kept / len(items)


def cluster_scores(gold: Mapping, predicted: Mapping, prefix: str = "") -> dict[str, float]:
    """Every metric above as one flat dict: `{prefix}bcubed_precision`, ..., `{prefix}ari`."""
    b = bcubed(gold, predicted)
    pw = pairwise(gold, predicted)
    out = {f"{prefix}bcubed_{k}": v for k, v in b.items()}
    out.update({f"{prefix}pairwise_{k}": v for k, v in pw.items()})
    out[f"{prefix}ari"] = adjusted_rand(gold, predicted)
    out[f"{prefix}clusters"] = len(set(predicted[i] for i in gold if i in predicted))
    return out

