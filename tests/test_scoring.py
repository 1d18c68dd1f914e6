"""Clustering metrics on hand-made clusterings with values worked out by hand."""

import pytest

from storyline import scoring

GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}


def test_scoring_perfect_clustering_scores_one():
    pred = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}
    assert scoring.bcubed(GOLD, pred) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scoring.pairwise(GOLD, pred)["f1"] == 1.0
    assert scoring.adjusted_rand(GOLD, pred) == pytest.approx(1.0)
    assert scoring.moved_fraction(GOLD, pred) == 0.0


def test_scoring_bcubed_all_in_one_cluster():
    pred = {k: 0 for k in GOLD}
    b = scoring.bcubed(GOLD, pred)
    # precision: 3 items see 3/5 right, 2 items see 2/5 -> (9/5 + 4/5) / 5 = 13/25
    assert b["precision"] == pytest.approx(13 / 25)
    assert b["recall"] == 1.0
    assert b["f1"] == pytest.approx(2 * 0.52 / 1.52)


def test_scoring_bcubed_all_singletons():
    pred = {k: k for k in GOLD}
    b = scoring.bcubed(GOLD, pred)
    assert b["precision"] == 1.0
    # recall: a,b,c see 1/3 each, d,e 1/2 each -> (1 + 1) / 5
    assert b["recall"] == pytest.approx(2 / 5)


def test_scoring_pairwise_counts_pairs():
    pred = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}
    p = scoring.pairwise(GOLD, pred)
    # predicted pairs: ab, cd, ce, de = 4, correct: ab, de = 2; gold pairs: ab ac bc de = 4
    assert p["precision"] == pytest.approx(0.5)
    assert p["recall"] == pytest.approx(0.5)
    assert p["f1"] == pytest.approx(0.5)


def test_scoring_missing_prediction_is_a_singleton():
    pred = {"a": 1, "b": 1, "d": 2, "e": 2}  # "c" dropped
    assert scoring.bcubed(GOLD, pred)["recall"] < 1.0
    assert scoring.bcubed(GOLD, pred)["precision"] == 1.0


def test_scoring_ari_near_zero_for_unrelated_labels():
    gold = {i: i % 2 for i in range(40)}
    pred = {i: (i // 2) % 2 for i in range(40)}  # independent of gold
    assert abs(scoring.adjusted_rand(gold, pred)) < 0.1


def test_scoring_moved_fraction_ignores_label_names():
    before = {"a": "x", "b": "x", "c": "y"}
    after = {"a": "p", "b": "q", "c": "q"}  # b moved to c's cluster
    assert scoring.moved_fraction(before, after) == pytest.approx(1 / 3)
    renamed = {"a": "z", "b": "z", "c": "w"}
    assert scoring.moved_fraction(before, renamed) == 0.0


def test_scoring_cluster_scores_prefixes_keys():
    out = scoring.cluster_scores(GOLD, GOLD, "event_")
    assert out["event_bcubed_f1"] == 1.0
    assert {"event_pairwise_f1", "event_ari", "event_clusters"} <= set(out)


def test_scoring_empty_input():
    assert scoring.bcubed({}, {})["f1"] == 0.0
    assert scoring.adjusted_rand({}, {}) == 0.0
