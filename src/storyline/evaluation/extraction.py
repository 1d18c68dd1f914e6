"""Evaluate article extraction: our clean stage against plain trafilatura.

Two datasets, each scored the way its authors score it:

- trafilatura's benchmark (`evaldata.json` + `html_eval_cache.tar.gz`): per
  page, snippets that must appear ("with") and must not ("without"); counts
  are whitespace-normalised substring matches summed over pages (micro
  precision, recall, accuracy, F1), as in trafilatura's `tests/eval_common.py`.
- the Scrapinghub article-extraction-benchmark layout (`html/<id>.html.gz`,
  `ground-truth.json`): `\\w+` tokens, 4-token shingles, per-page TP/FP/FN
  normalised to sum 1, precision and recall averaged over pages, F1 from the
  two means, as in that benchmark's `evaluate.py`.

"storyline" runs exactly the clean stage on a `Document(format="html",
raw=<bytes>)`, the code path of `ingest`, and scores `doc.text`.
"trafilatura" is `trafilatura.extract(raw)` with its defaults, the reference.

The trafilatura set has a deterministic dev/test split (`split_of(url)`):
tune on "dev", report "test" as held out.

    python -m storyline.evaluation.extraction trafilatura /path/to/trafilatura-eval --split dev
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import statistics
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from storyline.errors import InputError, StorylineError
from storyline.model import Document

EXTRACTORS = ("storyline", "trafilatura")
# A small but complete article page: warming up on it pays every lazy import
# and first-call set-up (htmldate, justext stoplists) before the clock runs.
WARMUP_PAGE = (
    b"<html lang='en'><head><meta charset='utf-8'><title>Warm-up</title></head><body><nav><a href='/'>Home</a></nav>"
    b"<article><h1>Warm-up page</h1>"
    + b"<p>The council met on Monday and agreed to repair the bridge before the winter, officials said.</p>" * 6
    + b"</article><footer>Contact</footer></body></html>"
)
SPLITS = ("all", "dev", "test")

_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


# ### Extractors: bytes of a page -> text


def _storyline_extractor() -> Callable[[bytes, str | None], str]:
    # Imported here so that scoring helpers load without the stage's dependencies.
    from storyline.stages.clean import clean

    def run(raw: bytes, url: str | None) -> str:
        doc = Document(id="eval", raw=raw, format="html", url=url)
        try:
            return clean(doc).text
        except InputError:
            return ""  # an oversized page counts as a full miss, as a crash does

    return run


def _trafilatura_extractor() -> Callable[[bytes, str | None], str]:
    import trafilatura

    def run(raw: bytes, url: str | None) -> str:
        del url  # the reference runs on the page alone, like trafilatura's own benchmark
        return trafilatura.extract(raw) or ""

    return run


def get_extractor(name: str) -> Callable[[bytes, str | None], str]:
    """The extraction function called `name` ("storyline" or "trafilatura")."""
    if name == "storyline":
        return _storyline_extractor()
    if name == "trafilatura":
        return _trafilatura_extractor()
    raise StorylineError(f"unknown extractor {name!r}; choose one of {', '.join(EXTRACTORS)}")


def _quiet_trafilatura() -> None:
    # trafilatura logs a warning per page it discards; that is a score, not news.
    for name in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# ### trafilatura's benchmark


def split_of(url: str) -> str:
    """Deterministic ~50/50 split of the trafilatura set by URL hash: 'dev' or 'test'."""
    return "dev" if hashlib.sha256(url.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def norm(text: str) -> str:
    """Whitespace-normalise so whitespace variants don't cost recall (trafilatura's `norm`)."""
    return _SPACE.sub(" ", text).strip()


def count_snippets(item: dict[str, Any], result: str | None) -> tuple[int, int, int, int]:
    """Per-page (tp, fp, fn, tn) by normalised substring matching, as trafilatura counts."""
    if isinstance(result, str):
        text = norm(result)
        tp = sum(1 for w in item["with"] if norm(w) in text)
        fp = sum(1 for w in item["without"] if norm(w) in text)
    else:
        tp = fp = 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def snippet_scores(tp: int, fp: int, fn: int, tn: int) -> dict[str, float]:
    """Micro precision, recall, accuracy and F1 from summed counts."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return {
        "precision": precision,
        "recall": recall,
        "accuracy": (tp + tn) / total if total else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }


def iter_trafilatura_set(path: str | Path, split: str = "all") -> Iterator[tuple[str, dict[str, Any], bytes]]:
    """Yield (url, item, html bytes) of trafilatura's benchmark, read from the tarball.

    `path` is the folder with `evaldata.json` and `html_eval_cache.tar.gz`
    (or a folder with `cache/` and `eval/` subfolders, as in the repository).
    """
    if split not in SPLITS:
        raise StorylineError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    root = Path(path)
    evalfile = root / "evaldata.json" if root.is_dir() else root
    root = evalfile.parent
    try:
        evaldata = json.loads(evalfile.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(evalfile), f"cannot read the benchmark annotations: {exc}") from exc
    wanted = {url: item for url, item in evaldata.items() if split == "all" or split_of(url) == split}
    by_file: dict[str, bytes] = {}
    tarball = root / "html_eval_cache.tar.gz"
    names = {item["file"] for item in wanted.values()}
    if tarball.exists():
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                sub = member.name.rsplit("/", 2)[-2] if member.name.count("/") >= 1 else ""
                if member.isfile() and base in names and (sub == "cache" or base not in by_file):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        by_file[base] = handle.read()
    else:
        for sub in ("eval", "cache"):  # cache wins, as in trafilatura's resolve()
            for name in names:
                file = root / sub / name
                if file.is_file():
                    by_file[name] = file.read_bytes()
    for url, item in wanted.items():
        data = by_file.get(item["file"])
        if data is not None:
            yield url, item, data


class _Timed:
    """One extractor's run over a dataset: its function, time spent and errors."""

    def __init__(self, name: str):
        self.name = name
        self.run = get_extractor(name)
        self.run(WARMUP_PAGE, None)  # pay lazy imports and first-call set-up before timing
        self.seconds = 0.0
        self.errors = 0

    def __call__(self, data: bytes) -> str | None:
        start = time.perf_counter()
        try:
            # No URL, for either extractor: both benchmarks feed the page alone.
            return self.run(data, None)
        except Exception:  # noqa: BLE001 - a crash is scored as a full miss, as trafilatura's benchmark does
            self.errors += 1
            return None
        finally:
            self.seconds += time.perf_counter() - start


def run_trafilatura_set(
    path: str | Path, extractors: tuple[str, ...] = EXTRACTORS, *, split: str = "all", limit: int | None = None
) -> dict[str, dict[str, Any]]:
    """Score several extractors on trafilatura's benchmark, page by page in turn.

    Interleaving keeps the speeds comparable on a busy machine: every
    extractor sees the same load at the same moment.
    """
    _quiet_trafilatura()
    timed = [_Timed(name) for name in extractors]
    totals = {t.name: [0, 0, 0, 0] for t in timed}
    pages = 0
    for n, (_url, item, data) in enumerate(iter_trafilatura_set(path, split)):
        if limit is not None and n >= limit:
            break
        for t in timed:
            for i, value in enumerate(count_snippets(item, t(data))):
                totals[t.name][i] += value
        pages += 1
    out = {}
    for t in timed:
        tp, fp, fn, tn = totals[t.name]
        out[t.name] = {
            **snippet_scores(tp, fp, fn, tn),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "pages": pages,
            "errors": t.errors,
            "seconds": t.seconds,
            "pages_per_s": pages / t.seconds if t.seconds else 0.0,
            "extractor": t.name,
            "split": split,
        }
    return out


def evaluate_trafilatura_set(
    path: str | Path, *, extractor: str = "storyline", split: str = "all", limit: int | None = None
) -> dict[str, Any]:
    """Score an extractor on trafilatura's benchmark with its own snippet counting.

    Args:
        path: folder holding `evaldata.json` and `html_eval_cache.tar.gz`.
        extractor: "storyline" (the clean stage) or "trafilatura" (plain `extract`).
        split: "dev" (tune on it), "test" (held out) or "all".
        limit: score only the first N pages (for quick checks).

    Returns:
        `{"f1", "precision", "recall", "accuracy", "pages", "pages_per_s",
        "tp", "fp", "fn", "tn", "errors", "extractor", "split", "seconds"}`.

    Example:
        >>> evaluate_trafilatura_set("trafilatura-eval", split="test")["f1"]  # doctest: +SKIP
        0.95...
    """
    return run_trafilatura_set(path, (extractor,), split=split, limit=limit)[extractor]


# ### Scrapinghub article-extraction-benchmark


def _tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _tokenize(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(0, max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_tp_fp_fn(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Per-page TP/FP/FN over 4-token shingles, normalised to sum 1 (the benchmark's metric)."""
    true_s, pred_s = _shingles(true, n), _shingles(pred, n)
    tp = fp = fn = 0.0
    for key in set(true_s) | set(pred_s):
        t, p = true_s.get(key, 0), pred_s.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def shingle_scores(tp_fp_fns: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision and recall over pages, F1 from the two means."""
    precisions = [_precision(*x) for x in tp_fp_fns if x[0] + x[1] > 0]
    recalls = [_recall(*x) for x in tp_fp_fns if x[0] + x[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def run_scrapinghub(path: str | Path, extractors: tuple[str, ...] = EXTRACTORS) -> dict[str, dict[str, Any]]:
    """Score several extractors on a Scrapinghub-layout folder, page by page in turn."""
    _quiet_trafilatura()
    root = Path(path)
    try:
        truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(root / "ground-truth.json"), f"cannot read the ground truth: {exc}") from exc
    timed = [_Timed(name) for name in extractors]
    results: dict[str, list[tuple[float, float, float]]] = {t.name: [] for t in timed}
    missing = 0
    for page_id, item in sorted(truth.items()):
        gz, plain = root / "html" / f"{page_id}.html.gz", root / "html" / f"{page_id}.html"
        if gz.exists():
            data = gzip.decompress(gz.read_bytes())
        elif plain.exists():
            data = plain.read_bytes()
        else:
            missing += 1
            continue
        for t in timed:
            results[t.name].append(shingle_tp_fp_fn(item.get("articleBody", "") or "", t(data) or ""))
    out = {}
    for t in timed:
        pages = len(results[t.name])
        out[t.name] = {
            **shingle_scores(results[t.name]),
            "pages": pages,
            "missing": missing,
            "errors": t.errors,
            "seconds": t.seconds,
            "pages_per_s": pages / t.seconds if t.seconds else 0.0,
            "extractor": t.name,
        }
    return out


def evaluate_scrapinghub(path: str | Path, *, extractor: str = "storyline") -> dict[str, Any]:
    """Score an extractor on a folder in the Scrapinghub benchmark layout.

    Args:
        path: folder with `ground-truth.json` ({id: {"articleBody", "url"}})
            and `html/<id>.html.gz` (or `html/<id>.html`).
        extractor: "storyline" or "trafilatura".

    Returns:
        `{"f1", "precision", "recall", "pages", "pages_per_s", "missing",
        "errors", "extractor", "seconds"}`.
    """
    return run_scrapinghub(path, (extractor,))[extractor]


def compare(dataset: str, path: str | Path, *, split: str = "all", limit: int | None = None) -> dict[str, Any]:
    """Run both extractors on one dataset, interleaved page by page; speeds are comparable.

    Returns:
        `{"dataset", "split", "storyline": {...}, "trafilatura": {...}, "speed_ratio"}`
        where `speed_ratio` is our pages/s over trafilatura's.
    """
    if dataset == "trafilatura":
        results = run_trafilatura_set(path, EXTRACTORS, split=split, limit=limit)
    elif dataset == "scrapinghub":
        results = run_scrapinghub(path, EXTRACTORS)
    else:
        raise StorylineError(f"unknown dataset {dataset!r}; choose trafilatura or scrapinghub")
    ours, ref = results["storyline"], results["trafilatura"]
    return {
        "dataset": dataset,
        "split": split,
        **results,
        "speed_ratio": ours["pages_per_s"] / ref["pages_per_s"] if ref["pages_per_s"] else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storyline.evaluation.extraction", description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=("trafilatura", "scrapinghub"))
    parser.add_argument("path")
    parser.add_argument("--split", choices=SPLITS, default="all", help="trafilatura set only")
    parser.add_argument("--extractor", choices=(*EXTRACTORS, "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="trafilatura set only: first N pages")
    parser.add_argument("--json", action="store_true", help="print one line of JSON")
    args = parser.parse_args(argv)
    if args.extractor == "both":
        result = compare(args.dataset, args.path, split=args.split, limit=args.limit)
    elif args.dataset == "trafilatura":
        result = evaluate_trafilatura_set(args.path, extractor=args.extractor, split=args.split, limit=args.limit)
    else:
        result = evaluate_scrapinghub(args.path, extractor=args.extractor)
    if args.json:
        print(json.dumps(result, separators=(",", ":")))
    else:
        rows = [result] if "extractor" in result else [result[name] for name in EXTRACTORS]
        for row in rows:
            extra = f" accuracy={row['accuracy']:.4f}" if "accuracy" in row else ""
            print(
                f"{row['extractor']:<12} f1={row['f1']:.4f} precision={row['precision']:.4f} "
                f"recall={row['recall']:.4f}{extra} pages={row['pages']} pages/s={row['pages_per_s']:.1f}"
            )
        if "speed_ratio" in result:
            print(f"speed ratio (storyline / trafilatura): {result['speed_ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
