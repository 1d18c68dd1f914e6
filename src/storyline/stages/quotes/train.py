"""Train the English attribution tagger on PolNeAR train (not run at ingest).

    python -m storyline.stages.quotes.train PATH/TO/polnear/data/train [--out DIR]
        [--holdout K]

Writes `cues-en.json` (cue prior per word) and `attribution-en.crfsuite`
(CRF feature weights). With `--holdout K` every K-th document (sorted by
name) is left out so it can be scored as held-out train.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from storyline.model import EntityMention

from . import tagger
from .marks import find_segments
from .tokens import paragraphs, tokenize

# A word must be seen this often before its cue prior is trusted.
MIN_COUNT = 5


def gold_labels(tokens, attributions) -> list[str]:
    """BIO labels for tokens from PolNeAR attributions (first role wins)."""
    owner: dict[int, tuple[int, str]] = {}
    for ai, att in enumerate(attributions):
        for role, spans in (("SRC", att.source), ("CUE", att.cue), ("CNT", att.content)):
            for s, e in spans:
                for c in range(s, e):
                    owner.setdefault(c, (ai, role))
    labels = []
    prev = None
    for t in tokens:
        own = owner.get(t.start) or owner.get(t.end - 1)
        if own is None:
            labels.append("O")
        else:
            labels.append(("I-" if own == prev else "B-") + own[1])
        prev = own
    return labels


def build_lexicon(docs) -> dict[str, float]:
    """Cue prior per word from the cue spans of the training documents."""
    total: collections.Counter = collections.Counter()
    cue: collections.Counter = collections.Counter()
    for text, atts, _ in docs:
        starts = {c for a in atts for s, e in a.cue for c in range(s, e)}
        for t in tokenize(text):
            w = t.text.lower()
            total[w] += 1
            cue[w] += t.start in starts
    # Add-one smoothing keeps rare words from reading as sure cues.
    return {
        w: round(cue[w] / (total[w] + 1), 3)
        for w in cue
        if total[w] >= MIN_COUNT and cue[w] / (total[w] + 1) >= 0.05
    }


def doc_features(text: str, entities: list[EntityMention], lexicon):
    tokens = tokenize(text)
    quoted = tagger.quote_states(tokens, find_segments(text))
    ner = tagger.ner_labels(tokens, entities)
    out = []
    for begin, end in paragraphs(tokens):
        out.append((begin, end, tagger.token_features(tokens, begin, end, quoted, ner, lexicon)))
    return tokens, out


def main(argv: list[str] | None = None) -> int:
    import pickle

    import pycrfsuite

    from storyline.evaluation.quotes import load_polnear

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--out", default=str(tagger.DATA))
    ap.add_argument("--holdout", type=int, default=0)
    ap.add_argument("--ner-cache", help="pickle of {stem: [(start, end, text, label)]}")
    ap.add_argument("--c1", type=float, default=1.0)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=150)
    args = ap.parse_args(argv)

    data = load_polnear(args.path)
    stems = sorted(data)
    if args.holdout:
        stems = [s for i, s in enumerate(stems) if i % args.holdout != 0]
    cache = pickle.load(open(args.ner_cache, "rb")) if args.ner_cache else None
    if cache is None:
        from storyline import nlp

        pipe = nlp.load("en", ("tok2vec", "ner"))
    docs = []
    for stem in stems:
        text, atts = data[stem]
        if cache is not None:
            ents = [EntityMention(s, e, t, lab) for s, e, t, lab in cache[stem]]
        else:
            ents = [
                EntityMention(e.start_char, e.end_char, e.text, e.label_) for e in pipe(text).ents
            ]
        docs.append((text, atts, ents))
    lexicon = build_lexicon(docs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cues-en.json").write_text(
        json.dumps(dict(sorted(lexicon.items())), ensure_ascii=False, indent=0), encoding="utf-8"
    )
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, atts, ents in docs:
        tokens, paras = doc_features(text, ents, lexicon)
        labels = gold_labels(tokens, atts)
        for begin, end, feats in paras:
            trainer.append(feats, labels[begin:end])
    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.iterations,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(out / "attribution-en.crfsuite"))
    print(f"trained on {len(docs)} documents -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
