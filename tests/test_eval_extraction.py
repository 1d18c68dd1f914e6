"""Extraction evaluation: the two benchmarks' metrics, and both runners on small fixtures."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest

from storyline.errors import InputError, StorylineError
from storyline.evaluation.extraction import (
    count_snippets,
    evaluate_scrapinghub,
    evaluate_trafilatura_set,
    main,
    shingle_scores,
    shingle_tp_fp_fn,
    snippet_scores,
    split_of,
)

RESOURCES = Path(__file__).resolve().parent / "resources"
SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def test_eval_shingles_match_the_benchmark_definition():
    assert shingle_tp_fp_fn("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    # true shingles: (a b c d), (b c d e); predicted: (a b c d) -> tp 1, fn 1, normalised to sum 1
    assert shingle_tp_fp_fn("a b c d e", "a, b; c d") == (0.5, 0.0, 0.5)
    assert shingle_tp_fp_fn("a b c d", "x y z w") == (0.0, 0.5, 0.5)
    # fewer than four tokens still make one (short) shingle
    assert shingle_tp_fp_fn("a b", "a b") == (1.0, 0.0, 0.0)
    assert shingle_tp_fp_fn("", "") == (0.0, 0.0, 0.0)


def test_eval_shingle_scores_average_pages_then_combine():
    scores = shingle_scores([(1.0, 0.0, 0.0), (0.5, 0.0, 0.5)])
    assert scores["precision"] == 1.0
    assert scores["recall"] == 0.75
    assert scores["f1"] == pytest.approx(2 * 0.75 / 1.75)
    # an empty prediction has no precision to average, only a recall of 0
    empty = shingle_scores([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])
    assert (empty["precision"], empty["recall"]) == (1.0, 0.5)


def test_eval_snippet_counting_normalises_whitespace():
    item = {"with": ["the  port\nreopened", "ships queued"], "without": ["Share on", "Cookies"]}
    assert count_snippets(item, "The the port reopened. Share on Facebook.") == (1, 1, 1, 1)
    assert count_snippets(item, None) == (0, 0, 2, 2)
    scores = snippet_scores(tp=3, fp=1, fn=1, tn=3)
    assert scores == {"precision": 0.75, "recall": 0.75, "accuracy": 0.75, "f1": 0.75}


def test_eval_split_is_deterministic_and_balanced():
    urls = [f"https://example.org/{i}" for i in range(2000)]
    splits = [split_of(u) for u in urls]
    assert splits == [split_of(u) for u in urls]
    assert 0.45 < splits.count("dev") / len(urls) < 0.55


@pytest.mark.parametrize("extractor", ["storyline", "trafilatura"])
def test_eval_scrapinghub_fixture(extractor):
    result = evaluate_scrapinghub(RESOURCES / "scrapinghub", extractor=extractor)
    assert result["pages"] == 3 and result["missing"] == 0 and result["errors"] == 0
    assert result["pages_per_s"] > 0
    assert result["recall"] > 0.95
    if extractor == "storyline":
        # no headline, share bar, "Most read" list or footer in the clean text
        assert result["precision"] > 0.95 and result["f1"] > 0.95


def _fake_trafilatura_set(root: Path) -> Path:
    article = "<p>" + "The port reopened on Monday after a storm closed it for three days, officials said. " * 4 + "</p>"
    pages = {
        "a.html": f"<html><body><nav>Home News Sport</nav><article><h1>Port reopens</h1>{article}</article>"
        "<footer>Impressum</footer></body></html>",
        "b.html": f"<html><body><article>{article}<p>Share on Facebook</p></article></body></html>",
    }
    evaldata = {
        "https://example.org/a": {"file": "a.html", "with": ["The port reopened on Monday"], "without": ["Impressum", "Port reopens"]},
        "https://example.org/b": {"file": "b.html", "with": ["closed it for three days"], "without": ["Share on Facebook"]},
    }
    (root / "evaldata.json").write_text(json.dumps(evaldata), encoding="utf-8")
    with tarfile.open(root / "html_eval_cache.tar.gz", "w:gz") as tar:
        for name, html in pages.items():
            data = html.encode("utf-8")
            info = tarfile.TarInfo(f"tests/cache/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return root


def test_eval_trafilatura_set_reads_the_tarball(tmp_path):
    root = _fake_trafilatura_set(tmp_path)
    ours = evaluate_trafilatura_set(root, extractor="storyline")
    assert ours["pages"] == 2
    assert (ours["tp"], ours["fp"], ours["fn"], ours["tn"]) == (2, 0, 0, 3)
    assert ours["f1"] == 1.0 and ours["accuracy"] == 1.0
    ref = evaluate_trafilatura_set(root, extractor="trafilatura")
    assert ref["tp"] == 2 and ref["pages"] == 2
    dev = evaluate_trafilatura_set(root, extractor="storyline", split="dev")
    test = evaluate_trafilatura_set(root, extractor="storyline", split="test")
    assert dev["pages"] + test["pages"] == 2


def test_eval_bad_arguments(tmp_path):
    with pytest.raises(StorylineError):
        evaluate_trafilatura_set(tmp_path, split="train")
    with pytest.raises(InputError):
        evaluate_trafilatura_set(tmp_path)
    with pytest.raises(InputError):
        evaluate_scrapinghub(tmp_path)
    with pytest.raises(StorylineError):
        evaluate_scrapinghub(RESOURCES / "scrapinghub", extractor="goose")


def test_eval_module_entry_prints_one_json_line(capsys):
    assert main(["scrapinghub", str(RESOURCES / "scrapinghub"), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    result = json.loads(out[-1])
    assert result["storyline"]["pages"] == 3 and "speed_ratio" in result


@pytest.mark.slow
def test_eval_trafilatura_set_dev_sample_beats_reference():
    path = SHARED / "data" / "trafilatura-eval"
    if not (path / "evaldata.json").exists():
        pytest.skip(f"../shared not found: {path}")
    ours = evaluate_trafilatura_set(path, extractor="storyline", split="dev", limit=120)
    ref = evaluate_trafilatura_set(path, extractor="trafilatura", split="dev", limit=120)
    assert ours["pages"] == ref["pages"] == 120
    assert ours["f1"] > ref["f1"]
