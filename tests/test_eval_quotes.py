"""The PolNeAR quote scorer on hand-made gold and predictions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.evaluation.quotes import (
    METRIC_KEYS,
    Prediction,
    evaluate_polnear,
    has_quote_mark,
    load_polnear,
    match_spans,
    parse_ann,
    score,
    score_files,
)

TEXT = (
    '"We will win," Lopez said. She added that the count was slow.\n\n'
    "Dunn called the plan a ''disaster'' on Monday."
)
ANN = """T1\tContent 0 14\t"We will win,"
T2\tSource 15 20\tLopez
T3\tCue 21 25\tsaid
T4\tAttribution 21 25\tsaid
E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2
T5\tSource 27 30\tShe
T6\tCue 31 36\tadded
T7\tContent 37 61\tthat the count was slow
T8\tAttribution 31 36\tadded
E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7
T9\tCue 68 74\tcalled
T10\tContent 75 98;99 100\tthe plan a ''disaster'' x
T11\tAttribution-no-source 68 74\tcalled
E3\tAttribution-no-source:T11 Cue:T9 Content:T10 Content2:T12
T12\tContent 98 99\tx
#1\tAnnotatorNotes T1\ta note
a stray line from a broken annotation
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    with open(tmp_path / "text" / "doc1.txt", "w", encoding="utf-8", newline="") as handle:
        handle.write(TEXT)
    (tmp_path / "attributions" / "doc1_aaaa.ann").write_text(ANN, encoding="utf-8")
    # A second annotator's file: the first in sorted order wins.
    (tmp_path / "attributions" / "doc1_bbbb.ann").write_text("", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "text, expected",
    [
        ('say "this"', True),
        ("“this”", True),
        ("«ça»", True),
        ("„das“", True),
        ("a ''wire'' quote", True),
        ("a ‘single’ quote", True),
        ("don’t and can’t", False),
        ("the Smiths’ house", False),
        ("no marks at all", False),
    ],
)
def test_eval_quotes_quote_mark_rule(text, expected):
    assert has_quote_mark(text) is expected


def test_eval_quotes_parse_ann_reads_discontinuous_and_sourceless(folder):
    atts = parse_ann(ANN, TEXT)
    assert len(atts) == 3
    quote, indirect, called = atts
    assert quote.quote and quote.source == [(15, 20)] and quote.span == (0, 14)
    assert not indirect.quote
    assert called.quote and called.source == [] and called.content == [(75, 98), (98, 99), (99, 100)]


def test_eval_quotes_load_uses_first_annotation_file(folder):
    data = load_polnear(folder)
    assert list(data) == ["doc1"]
    assert len(data["doc1"][1]) == 3


def test_eval_quotes_load_rejects_other_folders(tmp_path):
    with pytest.raises(InputError):
        load_polnear(tmp_path)


def test_eval_quotes_match_needs_half_of_the_longer_span():
    assert match_spans([(0, 10)], [(5, 10)]) == [(0, 0)]  # 5 of 10
    assert match_spans([(0, 10)], [(6, 10)]) == []  # 4 of 10
    assert match_spans([(0, 10)], [(0, 21)]) == []  # 10 of 21
    # One-to-one, largest overlap first.
    assert match_spans([(0, 10), (0, 9)], [(0, 10)]) == [(0, 0)]


def test_eval_quotes_score_counts_speakers_and_attributions():
    gold = {"doc1": (TEXT, parse_ann(ANN, TEXT))}
    preds = {
        "doc1": [
            Prediction(0, 14, 15, 20, "Lopez"),  # quote, right speaker
            Prediction(37, 60, 27, 30, "Lopez"),  # indirect speech
            Prediction(75, 100, 63, 67, "Dunn"),  # quote whose gold has no source
        ]
    }
    result = score(gold, preds)
    assert result["quote_precision"] == 1.0 and result["quote_recall"] == 1.0
    assert result["speaker_accuracy"] == 0.5
    assert result["joint_f1"] == 0.5
    assert result["attribution_f1"] == 1.0


def test_eval_quotes_score_penalises_wrong_spans_and_speakers():
    gold = {"doc1": (TEXT, parse_ann(ANN, TEXT))}
    preds = {"doc1": [Prediction(0, 14, 37, 40, None), Prediction(80, 100)]}
    result = score(gold, preds)
    # (80, 100) overlaps the 25-char gold quote by 20: a match; the speaker is wrong.
    assert result["quote_recall"] == 1.0 and result["speaker_accuracy"] == 0.0
    assert result["attribution_precision"] == 1.0
    assert result["attribution_recall"] == pytest.approx(2 / 3, abs=1e-3)


def test_eval_quotes_score_files_roundtrip(folder, tmp_path):
    pred = tmp_path / "pred.jsonl"
    rows = [{"document": "doc1", "start": 0, "end": 14, "speaker_start": 15, "speaker_end": 20,
             "speaker": "Lopez"}]
    pred.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = score_files(folder, pred)
    assert result["quote_precision"] == 1.0 and result["quote_recall"] == 0.5


def test_eval_quotes_evaluate_runs_storyline_and_writes_predictions(folder, tmp_path):
    from storyline.model import EntityMention

    ents = {"doc1": [EntityMention(15, 20, "Lopez", "PERSON"), EntityMention(63, 67, "Dunn", "PERSON")]}
    pred = tmp_path / "pred.jsonl"
    result = evaluate_polnear(folder, predictions_path=pred, entities=ents)
    rows = [json.loads(line) for line in pred.read_text(encoding="utf-8").splitlines()]
    assert rows and all(TEXT[r["start"] : r["end"]] for r in rows)
    assert {"document", "start", "end", "speaker_start", "speaker_end", "speaker"} <= set(rows[0])
    assert result["quote_recall"] >= 0.5
    rescored = score_files(folder, pred)
    assert all(result[k] == rescored[k] for k in METRIC_KEYS)


def _polnear_dev() -> Path:
    env = os.environ.get("STORYLINE_SHARED")
    root = Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared"
    return root / "data" / "polnear" / "data" / "dev"


@pytest.mark.slow
def test_eval_quotes_polnear_dev_floor():
    path = _polnear_dev()
    if not path.is_dir():
        pytest.skip(f"../shared not found: {path}")
    result = evaluate_polnear(path)
    # Floors a little under the measured dev figures (see docs/eval-quotes.md).
    assert result["quote_f1"] >= 0.80
    assert result["speaker_accuracy"] >= 0.80
