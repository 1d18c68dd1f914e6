"""`storyline eval`: one JSON line with the contract's keys, through the ingest code path."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, shared_path
from storyline.cli import cli

RESOURCES = ROOT / "tests" / "resources"


def last_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cli_eval_extraction_scrapinghub_layout(runner):
    scores = last_json(runner.invoke(cli, ["eval", "extraction", "--dataset", "scrapinghub",
                                           str(RESOURCES / "scrapinghub"), "--json"]))
    assert {"f1", "precision", "recall"} <= set(scores)
    assert scores["storyline"]["pages"] == 3 and scores["f1"] > 0.9


def test_cli_eval_quotes_scores_speakers_and_writes_predictions(runner, tmp_path):
    predictions = tmp_path / "pred.jsonl"
    scores = last_json(runner.invoke(cli, ["eval", "quotes", "--dataset", "polnear",
                                           str(RESOURCES / "polnear-mini"), "--json",
                                           "--predictions", str(predictions)]))
    assert {"quote_f1", "quote_precision", "quote_recall", "speaker_accuracy", "joint_f1",
            "attribution_f1"} <= set(scores)
    assert scores["quote_f1"] == 1.0 and scores["speaker_accuracy"] == 1.0
    rows = [json.loads(line) for line in predictions.read_text().splitlines()]
    text = (RESOURCES / "polnear-mini" / "text" / "local_2024-03-05_tram.txt").read_text()
    direct = [r for r in rows if r["direct"]]
    assert text[direct[0]["start"]:direct[0]["end"]].startswith('"This is the best day')
    assert text[direct[0]["speaker_start"]:direct[0]["speaker_end"]] in ("Ana Berg", "Mayor Ana Berg")
    assert direct[0]["speaker"] == "Ana Berg"


@pytest.mark.slow
def test_cli_eval_events_on_two_ecbplus_topics(runner):
    path = shared_path("data", "ecbplus")
    scores = last_json(runner.invoke(cli, ["eval", "events", "--dataset", "ecbplus", str(path),
                                           "--topics", "1,3", "--batches", "2", "--json"]))
    assert {"event_bcubed_f1", "storyline_bcubed_f1", "event_pairwise_f1", "event_ari",
            "docs_per_s", "batched_event_bcubed_f1", "changed_fraction"} <= set(scores)
    assert 0 < scores["event_bcubed_f1"] <= 1


def test_cli_eval_rejects_a_folder_that_is_not_a_dataset(runner, tmp_path):
    result = runner.invoke(cli, ["eval", "quotes", "--dataset", "polnear", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
