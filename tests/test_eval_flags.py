"""Tests for the constructed flag evaluation (storyline.evaluation.flags)."""

from __future__ import annotations

import random

from storyline.evaluation.flags import (
    DEV_SPIN,
    TEST_SPIN,
    build_cases,
    evaluate_flags,
    literalise,
    shuffle_paragraphs,
)
from storyline.evaluation.flags_articles import ARTICLES, MT_TEXTS, QUIRKS


def test_eval_flags_splits_are_disjoint():
    for items in (ARTICLES, QUIRKS, MT_TEXTS):
        dev = {a["id"] for a in items if a["split"] == "dev"}
        test = {a["id"] for a in items if a["split"] == "test"}
        assert dev and test and not dev & test
    assert DEV_SPIN is not TEST_SPIN and DEV_SPIN["said"] != TEST_SPIN["said"]
    dev_texts = {c.text for c in build_cases("dev")}
    assert not dev_texts & {c.text for c in build_cases("test")}


def test_eval_flags_generation_is_deterministic():
    assert [c.text for c in build_cases("dev")] == [c.text for c in build_cases("dev")]


def test_eval_flags_generators_change_the_text():
    text = ARTICLES[0]["text"]
    rng = random.Random(0)
    assert shuffle_paragraphs(text, rng) != text
    assert sorted(shuffle_paragraphs(text, rng).split("\n\n")) == sorted(text.split("\n\n"))
    assert literalise(text, random.Random(1), 2) != text


def test_eval_flags_reports_precision_recall_per_flag():
    result = evaluate_flags()
    for split in ("dev", "test"):
        for flag in ("machine_translated", "incoherent"):
            m = result[split][flag]
            assert {"precision", "recall", "f1", "tp", "fp", "fn"} <= m.keys()
    dev = result["dev"]
    # Floors pinned at the tuned dev numbers minus noise; a regression fails here.
    assert dev["machine_translated"]["precision"] >= 0.95 and dev["machine_translated"]["recall"] >= 0.75
    assert dev["incoherent"]["precision"] >= 0.95 and dev["incoherent"]["recall"] >= 0.5
    # Clean originals are never flagged on dev.
    assert dev["flag_rate_by_kind"]["original"] == {"machine_translated": 0.0, "incoherent": 0.0}
    assert result["test"]["machine_translated"]["precision"] >= 0.9
