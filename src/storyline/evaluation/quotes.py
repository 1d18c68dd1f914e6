"""Quote and attribution evaluation on PolNeAR (brat standoff).

Layout: `<path>/text/<stem>.txt` and `<path>/attributions/<stem>_<annotator>.ann`;
when a text has several annotation files the first in sorted order is used.
Offsets are character offsets into the `.txt` file read as UTF-8 without
newline translation.

Gold quotes are the attributions whose Content (all its pieces together)
contains a quotation mark; gold attributions are all attributions. A
predicted span matches a gold span when they overlap by at least half of the
longer one, one-to-one, largest overlaps first. A gold span is the hull of its
pieces, so a quote interrupted by its cue (`"X," he said, "Y."`) is one span.

The scorer (`score`, `score_files`) only reads gold annotations and a
predictions JSONL, so it can judge any predictor. `evaluate_polnear` runs the
storyline per-document path (NER, then `extract_quotes`) and scores it.

    python -m storyline.evaluation.quotes PATH [--json] [--predictions FILE]
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from storyline.errors import InputError

__all__ = [
    "GoldAttribution",
    "Prediction",
    "evaluate_polnear",
    "has_quote_mark",
    "load_polnear",
    "read_predictions",
    "score",
    "score_files",
]

Span = tuple[int, int]

# Straight/curly double quotes, guillemets, low-9 quote, the NYT '' convention.
_DOUBLE_MARK = re.compile(r"[\"“”«»„]|''")
# A paired ‘…’ whose closing ’ is not an apostrophe (not followed by a letter).
_SINGLE_PAIR = re.compile(r"‘[^‘’]*’(?!\w)", re.S)


def has_quote_mark(text: str) -> bool:
    """True when `text` holds a quotation mark by the PolNeAR gold-quote rule."""
    return bool(_DOUBLE_MARK.search(text) or _SINGLE_PAIR.search(text))


@dataclass
class GoldAttribution:
    """One PolNeAR attribution; spans are raw-file character offsets."""

    content: list[Span]
    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    quote: bool = False  # Content contains a quotation mark

    @property
    def span(self) -> Span:
        return (min(s for s, _ in self.content), max(e for _, e in self.content))


@dataclass
class Prediction:
    start: int
    end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker: str | None = None


# --- loading -----------------------------------------------------------------


def read_text(path: Path) -> str:
    """Read a PolNeAR text as UTF-8 without newline translation."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _parse_spans(field_: str) -> list[Span]:
    spans = []
    for piece in field_.split(";"):
        start, end = piece.split()
        spans.append((int(start), int(end)))
    return spans


def parse_ann(ann: str, text: str) -> list[GoldAttribution]:
    """Parse brat standoff into attributions; unusable lines are skipped."""
    spans: dict[str, list[Span]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        key = parts[0]
        if key.startswith("T") and len(parts) >= 2:
            label, _, where = parts[1].partition(" ")
            try:
                spans[key] = _parse_spans(where)
            except ValueError:
                continue
        elif key.startswith("E"):
            args = []
            for arg in parts[1].split():
                role, _, ref = arg.partition(":")
                args.append((role, ref))
            events.append(args)
    out = []
    for args in events:
        roles: dict[str, list[Span]] = {"Content": [], "Source": [], "Cue": []}
        for role, ref in args[1:]:
            role = "Content" if role.startswith("Content") else role
            if role in roles and ref in spans:
                roles[role].extend(spans[ref])
        if not roles["Content"]:
            continue
        content = sorted(roles["Content"])
        joined = "".join(text[s:e] for s, e in content)
        out.append(
            GoldAttribution(
                content=content,
                source=sorted(roles["Source"]),
                cue=sorted(roles["Cue"]),
                quote=has_quote_mark(joined),
            )
        )
    return out


def load_polnear(path: str | Path) -> dict[str, tuple[str, list[GoldAttribution]]]:
    """Return {stem: (text, attributions)} for a PolNeAR folder.

    Raises:
        InputError: the folder has no `text/` or `attributions/` subfolder.
    """
    root = Path(path)
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(str(root), "not a PolNeAR folder (needs text/ and attributions/)")
    anns: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(stem, []).append(ann)
    data = {}
    for txt in sorted(text_dir.glob("*.txt")):
        text = read_text(txt)
        files = anns.get(txt.stem)
        gold = parse_ann(read_text(files[0]), text) if files else []
        data[txt.stem] = (text, gold)
    return data


def read_predictions(path: str | Path) -> dict[str, list[Prediction]]:
    """Read a predictions JSONL into {document: [Prediction]}."""
    out: dict[str, list[Prediction]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            out.setdefault(str(row["document"]), []).append(
                Prediction(
                    int(row["start"]),
                    int(row["end"]),
                    row.get("speaker_start"),
                    row.get("speaker_end"),
                    row.get("speaker"),
                )
            )
    return out


# --- scoring -----------------------------------------------------------------


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(gold: list[Span], pred: list[Span]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs, largest overlaps first.

    A pair qualifies when the overlap is at least half of the longer span.
    """
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = _overlap(g, p)
            if ov > 0 and 2 * ov >= max(g[1] - g[0], p[1] - p[0]):
                pairs.append((ov, gi, pi))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _speaker_ok(gold: GoldAttribution, pred: Prediction) -> bool:
    if pred.speaker_start is None or pred.speaker_end is None or not gold.source:
        return False
    sp = (int(pred.speaker_start), int(pred.speaker_end))
    return any(_overlap(sp, s) > 0 for s in gold.source)


def score(
    gold: dict[str, tuple[str, list[GoldAttribution]]],
    predictions: dict[str, list[Prediction]],
) -> dict[str, Any]:
    """Score predictions against gold; both keyed by document stem.

    `gold` maps a stem to (raw text, attributions). Quote metrics compare the
    predicted quotes with the gold quotes, where a predicted quote is a
    prediction whose span holds a quotation mark by the same rule as gold (so
    the scorer needs no flag from the predictor); `attribution_f1` compares
    every prediction with every attribution.

    Returns:
        A dict with quote_precision, quote_recall, quote_f1, speaker_accuracy,
        joint_f1, attribution_precision, attribution_recall, attribution_f1
        and the counts behind them.
    """
    q_tp = q_pred = q_gold = joint_tp = a_tp = a_pred = a_gold = 0
    for doc in sorted(set(gold) | set(predictions)):
        text, atts = gold.get(doc, ("", []))
        preds = sorted(predictions.get(doc, []), key=lambda p: (p.start, p.end))
        pspans = [(p.start, p.end) for p in preds]
        quotes = [a for a in atts if a.quote]
        pquotes = [p for p in preds if has_quote_mark(text[p.start : p.end])]
        q_pred += len(pquotes)
        q_gold += len(quotes)
        qspans = [(p.start, p.end) for p in pquotes]
        for gi, pi in match_spans([a.span for a in quotes], qspans):
            q_tp += 1
            joint_tp += _speaker_ok(quotes[gi], pquotes[pi])
        a_pred += len(preds)
        a_gold += len(atts)
        a_tp += len(match_spans([a.span for a in atts], pspans))
    qp, qr, qf = _prf(q_tp, q_pred, q_gold)
    jp, jr, jf = _prf(joint_tp, q_pred, q_gold)
    ap, ar, af = _prf(a_tp, a_pred, a_gold)
    return {
        "quote_f1": round(qf, 4),
        "quote_precision": round(qp, 4),
        "quote_recall": round(qr, 4),
        "speaker_accuracy": round(joint_tp / q_tp, 4) if q_tp else 0.0,
        "joint_f1": round(jf, 4),
        "attribution_f1": round(af, 4),
        "attribution_precision": round(ap, 4),
        "attribution_recall": round(ar, 4),
        "quotes_gold": q_gold,
        "quotes_matched": q_tp,
        "attributions_gold": a_gold,
        "attributions_matched": a_tp,
        "quote_predictions": q_pred,
        "predictions": a_pred,
    }


def score_files(gold_path: str | Path, predictions_path: str | Path) -> dict[str, Any]:
    """Score a predictions JSONL against a PolNeAR folder."""
    return score(load_polnear(gold_path), read_predictions(predictions_path))


# --- running storyline -----------------------------------------------------------


def predict(text: str, entities=None, language: str = "en") -> list[dict[str, Any]]:
    """Run the per-document path (NER, then `extract_quotes`) on one text."""
    from storyline.model import EntityMention
    from storyline.stages.quotes import extract_quotes

    if entities is None:
        from storyline import nlp

        doc = nlp.load(language, ("tok2vec", "ner"))(text)
        entities = [EntityMention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
    return [
        {
            "start": q.start,
            "end": q.end,
            "speaker_start": q.speaker_start,
            "speaker_end": q.speaker_end,
            "speaker": q.speaker,
            "direct": q.direct,
        }
        for q in extract_quotes(text, entities, language)
    ]


def evaluate_polnear(
    path: str | Path,
    *,
    predictions_path: str | Path | None = None,
    entities: dict[str, list] | None = None,
    documents: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Run storyline on a PolNeAR folder and score it.

    The texts are used as-is (read without newline translation), so the
    stage's offsets are raw-file offsets.

    Args:
        path: a folder with `text/` and `attributions/`.
        predictions_path: where to write one JSON line per predicted
            attribution (`document`, `start`, `end`, `speaker_start`,
            `speaker_end`, `speaker`, plus `direct`).
        entities: precomputed NER mentions per document stem (skips NER).
        documents: score only these stems.

    Returns:
        The metrics of `score`, plus `documents` and `docs_per_second`
        (extraction only, NER excluded) and `ner_docs_per_second`.

    Raises:
        InputError: `path` is not a PolNeAR folder.
    """
    from storyline.model import EntityMention

    data = load_polnear(path)
    if documents is not None:
        keep = set(documents)
        data = {k: v for k, v in data.items() if k in keep}
    preds: dict[str, list[Prediction]] = {}
    rows: list[dict[str, Any]] = []
    ner_time = run_time = 0.0
    nlp_pipe = None
    for stem, (text, _) in data.items():
        if entities is not None and stem in entities:
            ents = entities[stem]
        else:
            if nlp_pipe is None:
                from storyline import nlp

                nlp_pipe = nlp.load("en", ("tok2vec", "ner"))
            t0 = time.perf_counter()
            doc = nlp_pipe(text)
            ner_time += time.perf_counter() - t0
            ents = [EntityMention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
        t0 = time.perf_counter()
        found = predict(text, ents, "en")
        run_time += time.perf_counter() - t0
        for row in found:
            preds.setdefault(stem, []).append(
                Prediction(row["start"], row["end"], row["speaker_start"], row["speaker_end"], row["speaker"])
            )
            rows.append({"document": stem, **row})
    if predictions_path is not None:
        with open(predictions_path, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = score(data, preds)
    result["documents"] = len(data)
    result["docs_per_second"] = round(len(data) / run_time, 1) if run_time else None
    result["ner_docs_per_second"] = round(len(data) / ner_time, 1) if ner_time else None
    return result


def evaluate_polnear_pipeline(path: str | Path, *, predictions_path: str | Path | None = None,
                              documents: Iterable[str] | None = None, settings=None) -> dict[str, Any]:
    """Score PolNeAR through the code path `storyline ingest` + `export` run.

    Each text is ingested as a `.txt` file would be (decoding, headline split, line
    cleaning, language), analysed (NER, entity linking, quotes, speakers), and the
    quote spans are mapped from the clean text back to raw-file offsets.
    """
    import tempfile

    from storyline.pipeline import analyze, ingest_items
    from storyline.settings import load_settings
    from storyline.stages.ingest import raw_document
    from storyline.stores.sqlite import SQLiteStore

    data = load_polnear(path)
    if documents is not None:
        keep = set(documents)
        data = {k: v for k, v in data.items() if k in keep}
    settings = settings or load_settings(environ={})
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    preds: dict[str, list[Prediction]] = {}
    unmapped = speakers_unmapped = 0
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as tmp:
        with SQLiteStore(Path(tmp) / "eval.db") as store:
            items = [raw_document(stem, text.encode("utf-8"), f"{stem}.txt", "text") for stem, (text, _) in data.items()]
            ingest_items(store, items, settings)
            analyze(store, settings)
            analysis = store.get_analysis(list(data))
            for doc in store.iter_documents(list(data)):
                raw = data[doc.id][0]
                aligned = align_body(raw, doc.body)
                for m in analysis.get(doc.id, {}).get("quotes", []):
                    row = _to_raw(doc, raw, m, aligned)
                    if row is None:  # decoding changed the text of this span: not in the raw file
                        unmapped += 1
                        continue
                    if m.get("speaker_start") is not None and row["speaker_start"] is None:
                        speakers_unmapped += 1
                    preds.setdefault(doc.id, []).append(
                        Prediction(row["start"], row["end"], row["speaker_start"], row["speaker_end"], row["speaker"]))
                    rows.append({"document": doc.id, **row})
    seconds = time.perf_counter() - started
    if predictions_path is not None:
        with open(predictions_path, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = score(data, preds)
    result["documents"] = len(data)
    result["unmapped"] = unmapped
    result["speakers_unmapped"] = speakers_unmapped
    result["docs_per_second"] = round(len(data) / seconds, 1) if seconds else None
    return result


def _nearest(raw: str, piece: str, hint: int) -> int | None:
    """Start of the occurrence of `piece` in `raw` closest to `hint`."""
    if not piece:
        return None
    best, at = None, raw.find(piece)
    while at >= 0:
        if best is None or abs(at - hint) < abs(best - hint):
            best = at
        at = raw.find(piece, at + 1)
    return best


# Text that must follow a re-synchronisation point for it to count.
_ANCHOR = 12


def align_body(raw: str, body: str) -> list[int | None]:
    """Raw-file offset of each character of `body` (None where decoding changed it).

    Ingest takes the headline off the top, strips the ends, turns `\r\n` into
    `\n`, drops control characters and composes to NFC; everything else is copied.
    So the two texts are walked side by side, and where they differ the walk
    skips ahead to the next place where a dozen characters agree again.
    """
    out: list[int | None] = [None] * len(body)
    # Where the body starts: the occurrence of its opening nearest to where the
    # cut headline puts it (a headline can repeat the first words of the body).
    i = None
    for size in (200, 60, _ANCHOR):
        i = _nearest(raw, body[:size], len(raw) - len(body))
        if i is not None:
            break
    i, j = i or 0, 0
    n, m = len(raw), len(body)
    while j < m and i < n:
        if raw[i] == body[j]:
            out[j] = i
            i += 1
            j += 1
            continue
        for skip in range(0, 4):  # body characters with no raw counterpart (NFC)
            anchor = body[j + skip : j + skip + _ANCHOR]
            at = raw.find(anchor, i, i + 200 + len(anchor)) if anchor else -1
            if at >= 0:
                i, j = at, j + skip
                break
        else:
            j += 1  # no way back here: this body character stays unmapped
    return out


def _same(raw_piece: str, piece: str) -> bool:
    """Is `raw_piece` the clean text `piece`, up to ingest's decoding repairs (NFC, control characters)?"""
    if raw_piece == piece:
        return True
    from storyline.stages.ingest import normalize_text

    return normalize_text(raw_piece) == piece


def _map_span(raw: str, piece: str, start: int | None, end: int | None, hint: int) -> Span | None:
    """Raw span of a clean-text span, or None when `piece` is not in `raw`.

    The aligned position is used when the raw text there is `piece`; otherwise
    (the span crossed a removed line) the occurrence of `piece` nearest to
    where it should be.
    """
    if not piece:
        return None
    if start is not None and end is not None and _same(raw[start:end], piece):
        return start, end
    at = _nearest(raw, piece, hint)
    return None if at is None else (at, at + len(piece))


def _to_raw(doc, raw: str, m: dict[str, Any], aligned: list[int | None] | None = None) -> dict[str, Any] | None:
    """A stored quote mention (clean-text offsets) in raw-file offsets, or None.

    The clean text is the raw file minus its headline line and removed junk lines
    (plus decoding repairs), so a clean offset goes to `body` through the removed
    spans and from there to the raw file through `align_body`. The result always
    holds the clean text's characters: `raw[start:end] == text[s:e]` for the
    content and the speaker mention, up to the decoding repairs ingest makes
    (`normalize_text`: NFC, `\r\n`, control characters); a span that cannot be
    found so is None (the whole row for the content, the speaker offsets for the
    speaker).
    """
    from storyline.stages.clean.lines import clean_to_body_offset

    if aligned is None:
        aligned = align_body(raw, doc.body)

    def where(s: int, e: int) -> tuple[int | None, int | None, int]:
        bs = clean_to_body_offset(doc.removed, s)
        be = clean_to_body_offset(doc.removed, e, end=True)
        rs = re_ = None
        # A character decoding changed (NFC) has no raw offset: take its neighbours'.
        k = bs
        while 0 <= k < len(aligned) and aligned[k] is None and k < be:
            k += 1
        if 0 <= k < len(aligned) and k < be:
            before = next((aligned[i] for i in range(bs - 1, -1, -1) if aligned[i] is not None), -1)
            rs = aligned[k] if k == bs else before + 1
        k = be - 1
        while 0 <= k < len(aligned) and aligned[k] is None and k >= bs:
            k -= 1
        if 0 <= k < len(aligned) and k >= bs:
            after = next((aligned[i] for i in range(be, len(aligned)) if aligned[i] is not None), len(raw))
            re_ = aligned[k] + 1 if k == be - 1 else after
        hint = rs if rs is not None else bs + len(raw) - len(doc.body)
        return rs, re_, hint

    content = doc.text[m["start"]:m["end"]]
    rs, re_, hint = where(m["start"], m["end"])
    found = _map_span(raw, content, rs, re_, hint)
    if found is None:
        return None
    start, end = found
    speaker_start = speaker_end = None
    if m.get("speaker_start") is not None and m.get("speaker_end") is not None:
        who = doc.text[m["speaker_start"]:m["speaker_end"]]
        ss, se, shint = where(m["speaker_start"], m["speaker_end"])
        spoken = _map_span(raw, who, ss, se, shint)
        if spoken is not None:
            speaker_start, speaker_end = spoken
    return {"start": start, "end": end, "speaker_start": speaker_start,
            "speaker_end": speaker_end, "speaker": m.get("speaker"), "direct": m.get("direct", True)}


METRIC_KEYS = (
    "quote_f1",
    "quote_precision",
    "quote_recall",
    "speaker_accuracy",
    "joint_f1",
    "attribution_f1",
)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m storyline.evaluation.quotes", description=__doc__.splitlines()[0])
    ap.add_argument("path", help="PolNeAR folder with text/ and attributions/")
    ap.add_argument("--json", action="store_true", help="print one line of JSON")
    ap.add_argument("--predictions", help="write predictions JSONL here")
    ap.add_argument("--score", help="score this predictions JSONL instead of running storyline")
    args = ap.parse_args(argv)
    try:
        if args.score:
            result = score_files(args.path, args.score)
        else:
            result = evaluate_polnear(args.path, predictions_path=args.predictions)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, separators=(",", ":")))
    else:
        for key in METRIC_KEYS:
            print(f"{key:18} {result[key]:.3f}")
        for key, value in result.items():
            if key not in METRIC_KEYS:
                print(f"{key:18} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
