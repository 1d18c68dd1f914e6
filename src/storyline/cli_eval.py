"""`storyline eval events|extraction|quotes`: thin commands over storyline.evaluation."""

from __future__ import annotations

from typing import Any

import click

from .cli import handle_errors, json_option, out, print_json


def _report(scores: dict[str, Any], as_json: bool, keys: tuple[str, ...] = ()) -> None:
    if as_json:
        print_json(scores)
        return
    for key in keys or tuple(scores):
        value = scores.get(key)
        out.print(f"{key:32} {value:.4f}" if isinstance(value, float) else f"{key:32} {value}")


@click.group("eval")
def eval_group() -> None:
    """Measure quality on public benchmarks, through the same code path as `ingest`.

    Example: storyline eval events --dataset ecbplus ../shared/data/ecbplus --json
    """


@eval_group.command("events")
@click.option("--dataset", type=click.Choice(["ecbplus"]), default="ecbplus", show_default=True)
@click.argument("path", type=click.Path(exists=True))
@json_option
@click.option("--topics", help="Topics to use, e.g. 1-20 or 21-35,40 (default: all).")
@click.option("--batches", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Also feed the corpus in N random batches and compare (1 = skip).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the batch shuffle.")
@handle_errors
def eval_events(dataset, path, as_json, topics, batches, seed):
    """Event and storyline clustering on ECB+ (BCubed, pairwise F1, ARI, docs/s, stability).

    Gold event = topic + ecb/ecbplus half; gold storyline = topic.

    Example: storyline eval events --dataset ecbplus ../shared/data/ecbplus --topics 21-35
    """
    from .evaluation.events import evaluate_ecbplus

    _report(evaluate_ecbplus(path, topics=topics, batches=batches, seed=seed), as_json)


@eval_group.command("extraction")
@click.option("--dataset", type=click.Choice(["trafilatura", "scrapinghub"]), required=True)
@click.argument("path", type=click.Path(exists=True))
@json_option
@click.option("--split", type=click.Choice(["all", "dev", "test"]), default="all", show_default=True,
              help="trafilatura set only: dev was used for tuning, test is held out.")
@click.option("--extractor", type=click.Choice(["storyline", "trafilatura", "both"]), default="both",
              show_default=True, help="Ours, plain trafilatura as the reference line, or both in one run.")
@click.option("--limit", type=click.IntRange(1), help="trafilatura set only: the first N pages.")
@handle_errors
def eval_extraction(dataset, path, as_json, split, extractor, limit):
    """Article extraction from HTML: ours beside plain trafilatura, with pages/s.

    `--json` prints `f1`, `precision`, `recall` of storyline's extractor at the top level
    (and per extractor under their names when both run).

    Example: storyline eval extraction --dataset trafilatura ../shared/data/trafilatura-eval --split test
    """
    from .evaluation import extraction

    if extractor == "both":
        result = extraction.compare(dataset, path, split=split, limit=limit)
        scores = {**{k: result["storyline"][k] for k in ("f1", "precision", "recall")}, **result}
    elif dataset == "trafilatura":
        scores = extraction.evaluate_trafilatura_set(path, extractor=extractor, split=split, limit=limit)
    else:
        scores = extraction.evaluate_scrapinghub(path, extractor=extractor)
    if as_json:
        print_json(scores)
        return
    rows = [("storyline", scores["storyline"]), ("trafilatura", scores["trafilatura"])] \
        if extractor == "both" else [(extractor, scores)]
    out.print(f"{'extractor':12} {'f1':>7} {'precision':>9} {'recall':>7} {'pages/s':>8}")
    for name, s in rows:
        out.print(f"{name:12} {s['f1']:7.4f} {s['precision']:9.4f} {s['recall']:7.4f} {s.get('pages_per_s', 0):8.1f}")


@eval_group.command("quotes")
@click.option("--dataset", type=click.Choice(["polnear"]), default="polnear", show_default=True)
@click.argument("path", type=click.Path(exists=True))
@json_option
@click.option("--predictions", type=click.Path(dir_okay=False),
              help="Write one JSON line per predicted attribution (raw-file offsets).")
@handle_errors
def eval_quotes(dataset, path, as_json, predictions):
    """Quotes and speakers on PolNeAR (a folder with text/ and attributions/).

    Reports quote precision/recall/F1, speaker accuracy, joint F1 and attribution F1.

    Example: storyline eval quotes --dataset polnear ../shared/data/polnear/data/dev --json
    """
    from .evaluation.quotes import METRIC_KEYS, evaluate_polnear_pipeline

    scores = evaluate_polnear_pipeline(path, predictions_path=predictions)
    _report(scores, as_json, (*METRIC_KEYS, "documents", "docs_per_second"))
