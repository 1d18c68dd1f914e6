"""PolNeAR documents as the quotes stage sees them, for training (not run at ingest).

The stage reads the clean text (headline split off, junk lines removed) and the
entities stage's mentions (titles stripped, relabelled), not the raw file and
raw NER. So the trained files learn from exactly that: each text goes through
ingest and `entities`, and its gold spans move from raw-file offsets to
clean-text offsets (spans in the headline or in removed lines are dropped).

    docs = pipeline_documents("polnear/data/train", cache="train-docs.pkl")
"""

from __future__ import annotations

import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from storyline.model import EntityMention

Span = tuple[int, int]


@dataclass
class TrainingDocument:
    stem: str
    text: str  # clean text
    entities: list[EntityMention]
    gold: list  # GoldAttribution with clean-text offsets


def raw_to_clean(raw: str, body: str, removed) -> dict[int, int]:
    """{raw offset: clean offset} for every character the clean text keeps."""
    from storyline.evaluation.quotes import align_body
    from storyline.stages.clean.lines import body_to_clean_offset

    aligned = align_body(raw, body)
    out: dict[int, int] = {}
    for b, r in enumerate(aligned):
        if r is None:
            continue
        c = body_to_clean_offset(removed, b)
        if c is not None:
            out[r] = c
    return out


def _move(spans: list[Span], where: dict[int, int]) -> list[Span]:
    out = []
    for s, e in spans:
        kept = [where[i] for i in range(s, e) if i in where]
        if kept:
            out.append((min(kept), max(kept) + 1))
    return out


def move_gold(gold: list, where: dict[int, int]) -> list:
    """Gold attributions in clean-text offsets; those whose content is gone are dropped."""
    from storyline.evaluation.quotes import GoldAttribution

    out = []
    for g in gold:
        content = _move(g.content, where)
        if content:
            out.append(GoldAttribution(content=content, source=_move(g.source, where),
                                       cue=_move(g.cue, where), quote=g.quote))
    return out


def pipeline_documents(path: str | Path, *, cache: str | Path | None = None) -> list[TrainingDocument]:
    """Every PolNeAR document of `path` through ingest and `entities`, sorted by stem.

    With `cache`, the result is read from / written to that pickle (NER is the
    slow part: minutes for PolNeAR train).
    """
    if cache is not None and Path(cache).exists():
        with open(cache, "rb") as handle:
            return pickle.load(handle)
    from storyline.evaluation.quotes import load_polnear
    from storyline.pipeline import ingest_items
    from storyline.settings import load_settings
    from storyline.stages.entities import entities
    from storyline.stages.ingest import raw_document
    from storyline.stores.sqlite import SQLiteStore

    data = load_polnear(path)
    settings = load_settings(environ={})
    out = []
    with tempfile.TemporaryDirectory(prefix="storyline-train-") as tmp:
        with SQLiteStore(Path(tmp) / "train.db") as store:
            items = [raw_document(stem, text.encode("utf-8"), f"{stem}.txt", "text") for stem, (text, _) in data.items()]
            ingest_items(store, items, settings)
            for doc in store.iter_documents(sorted(data)):
                raw, gold = data[doc.id]
                doc = entities(doc)
                where = raw_to_clean(raw, doc.body, doc.removed)
                out.append(TrainingDocument(doc.id, doc.text, list(doc.entities), move_gold(gold, where)))
    out.sort(key=lambda d: d.stem)
    if cache is not None:
        with open(cache, "wb") as handle:
            pickle.dump(out, handle)
    return out

