"""Train the English speaker linker (not run at ingest).

    python -m storyline.stages.quotes.train_linker PATH/TO/polnear/data/train \
        --model-dir DIR --holdout 7 [--ner-cache NER.pkl] [--out FILE]

The linker must learn from the tagger's output on text the tagger did not see,
or it learns to trust tagged sources more than it should. So it trains on the
documents `train.py --holdout K` left out, with the tagger from `--model-dir`
trained without them. Each candidate is labelled by whether it overlaps the
Source of the gold attribution matched to its attribution.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from storyline.model import EntityMention

from . import linker, rules, tagger
from .extract import _snap, _trim, combine, tagger_attributions
from .marks import find_segments
from .tokens import tokenize


def examples(text: str, entities: list[EntityMention], gold) -> list[tuple[list[str], int, int]]:
    """(features, label, group) per candidate of each attribution matched to gold."""
    from storyline.evaluation.quotes import match_spans

    tokens = tokenize(text)
    segments = find_segments(text)
    ruled = rules.attributions(text, tokens, segments, entities, "en")
    atts = combine(tagger_attributions(text, tokens, segments, entities), ruled)
    spans = [_trim(text, _snap(a.hull, segments)) for a in atts]
    cands = linker.Candidates(text, tokens, entities)
    out = []
    for gi, ai in match_spans([g.span for g in gold], spans):
        if not gold[gi].source:
            continue
        for span, feats in cands.of(atts[ai]):
            label = any(min(span[1], e) > max(span[0], s) for s, e in gold[gi].source)
            out.append((feats, int(label), ai))
    return out


def main(argv: list[str] | None = None) -> int:
    import pickle

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from storyline.evaluation.quotes import load_polnear

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--model-dir", required=True, help="tagger trained with --holdout K")
    ap.add_argument("--holdout", type=int, required=True)
    ap.add_argument("--ner-cache")
    ap.add_argument("--out", default=str(linker.MODEL_PATH))
    ap.add_argument("--half", choices=["a", "b"], help="train on one half of the held-out docs")
    args = ap.parse_args(argv)

    tagger.MODEL_PATH = Path(args.model_dir) / "attribution-en.crfsuite"
    tagger.LEXICON_PATH = Path(args.model_dir) / "cues-en.json"
    data = load_polnear(args.path)
    stems = [s for i, s in enumerate(sorted(data)) if i % args.holdout == 0]
    if args.half:
        stems = stems[0::2] if args.half == "a" else stems[1::2]
    cache = pickle.load(open(args.ner_cache, "rb")) if args.ner_cache else None
    pipe = None
    rows, labels = [], []
    for stem in stems:
        text, gold = data[stem]
        if cache is not None:
            ents = [EntityMention(s, e, t, lab) for s, e, t, lab in cache[stem]]
        else:
            if pipe is None:
                from storyline import nlp

                pipe = nlp.load("en", ("tok2vec", "ner"))
            ents = [EntityMention(e.start_char, e.end_char, e.text, e.label_) for e in pipe(text).ents]
        for feats, label, _ in examples(text, ents, gold):
            rows.append({f: 1 for f in feats})
            labels.append(label)
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(x, labels)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), model.coef_[0])
        if abs(w) >= 1e-4
    }
    weights["bias"] = round(weights.get("bias", 0.0) + float(model.intercept_[0]), 4)
    Path(args.out).write_text(json.dumps(dict(sorted(weights.items())), indent=0), encoding="utf-8")
    print(f"{len(labels)} candidates from {len(stems)} documents -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
