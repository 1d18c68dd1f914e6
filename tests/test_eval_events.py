"""Event evaluation harness, the seed articles and a small ECB+ run (data read from ../shared)."""

import json
import os
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.evaluation import ecbplus
from storyline.evaluation.events import evaluate_ecbplus, main, run_pipeline
from storyline.model import Document

SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))
ECBPLUS = SHARED / "data" / "ecbplus"
SEEDS = SHARED / "seeds"


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"../shared not found: {path}")


def test_eval_events_seeds_two_events_one_storyline():
    _need(SEEDS)
    docs = [Document(id=p.name.split("_")[0], text=p.read_text(encoding="utf-8"))
            for p in sorted(SEEDS.glob("*.txt"))]
    assert [d.id for d in docs] == ["000", "001", "002", "003", "004"]
    events, storylines, _ = run_pipeline(docs)
    # The 2020 visit (four reports, two machine-translated) is one event, the 2023 visit another.
    assert len({events[i] for i in ("000", "001", "002", "004")}) == 1
    assert events["003"] != events["000"]
    assert len(set(storylines.values())) == 1


@pytest.mark.slow
def test_eval_events_ecbplus_small_run():
    _need(ECBPLUS)
    scores = evaluate_ecbplus(ECBPLUS, topics="1,3", batches=3, seed=1)
    assert scores["documents"] > 30
    for key in ("event_bcubed_f1", "storyline_bcubed_f1", "event_pairwise_f1", "event_ari",
                "docs_per_s", "batched_event_bcubed_f1", "changed_fraction"):
        assert key in scores
    # Four happenings; one (a stay that moves from one clinic to another a month later) we
    # split in two, so recall is lower than precision.
    assert scores["event_bcubed_precision"] > 0.95
    assert scores["event_bcubed_f1"] > 0.8
    assert scores["storyline_bcubed_precision"] > 0.9
    assert scores["changed_fraction"] <= 0.1


@pytest.mark.slow
def test_eval_events_cli_prints_one_json_line(capsys):
    _need(ECBPLUS)
    assert main([str(ECBPLUS), "--topics", "3", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["event_bcubed_f1"] > 0.9


def test_eval_events_bad_folder_is_an_input_error(tmp_path, capsys):
    with pytest.raises(InputError):
        evaluate_ecbplus(tmp_path)
    assert main([str(tmp_path / "missing")]) == 1
    assert "error" in capsys.readouterr().err


def test_eval_events_loader_reads_any_folder_with_the_layout(tmp_path):
    topic = tmp_path / "ECB+" / "50"
    topic.mkdir(parents=True)
    xml = ('<Document doc_name="{n}"><token t_id="1" sentence="0" number="0">Storm</token>'
           '<token t_id="2" sentence="0" number="1">hits</token><token t_id="3" sentence="0" '
           'number="2">Ardmore</token><token t_id="4" sentence="0" number="3">.</token></Document>')
    for name in ("50_1ecb.xml", "50_2ecb.xml", "50_1ecbplus.xml"):
        (topic / name).write_text(xml.format(n=name), encoding="utf-8")
    (topic / "notes.xml").write_text("<x/>", encoding="utf-8")
    docs, gold_event, gold_topic = ecbplus.load(tmp_path)
    assert [d.id for d in docs] == ["50_1ecb", "50_1ecbplus", "50_2ecb"]
    assert docs[0].text == "Storm hits Ardmore."
    assert gold_event["50_1ecbplus"] == "50ecbplus" and gold_topic["50_2ecb"] == "50"


def test_eval_events_parse_topics():
    assert ecbplus.parse_topics("1-3,7") == {"1", "2", "3", "7"}
    assert ecbplus.parse_topics(None) is None
