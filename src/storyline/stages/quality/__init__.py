"""The `quality` stage: flag machine-translated and incoherent article text.

Runs per document between `language` and `dedup`, on cheap lexical features
only (about a millisecond per article). A flag is set only when its score
reaches the threshold in `thresholds.py`; its evidence lists the reasons, each
quoting the text. `paywall` and `boilerplate_removed` come from `clean`,
`duplicate` from `dedup`.
"""

from __future__ import annotations

from storyline.model import Document
from storyline.registry import stage
from storyline.stages.quality.coherence import incoherence_score
from storyline.stages.quality.thresholds import THRESHOLDS
from storyline.stages.quality.translation import machine_translation_score

__all__ = ["quality", "assess", "machine_translation_score", "incoherence_score", "THRESHOLDS"]

_MAX_CHARS = 200_000  # a page past this is not an article; score its start only


def assess(text: str, language: str | None) -> dict[str, tuple[float, list[str]]]:
    """Compute step: every quality score of `text`, flagged or not.

    Returns:
        {"machine_translated": (score, evidence), "incoherent": (score, evidence)}
    """
    text = (text or "")[:_MAX_CHARS]
    return {
        "machine_translated": machine_translation_score(text, language),
        "incoherent": incoherence_score(text, language),
    }


def quality(doc: Document, thresholds: dict[str, float] | None = None) -> Document:
    """Set `machine_translated` / `incoherent` flags on `doc` when their scores reach the threshold.

    Reads `doc.text` and `doc.language`; writes `doc.flags` only (a flag from an
    earlier run with the same name is replaced, one no longer reached is removed).

    Args:
        doc: a document after the `clean` and `language` stages.
        thresholds: overrides of `THRESHOLDS`, per flag name.

    Returns:
        The same document.

    Example:
        >>> doc = quality(Document(id="x", text="Mike Pompeo He asked ...", language="en"))
        >>> doc.flags["machine_translated"].evidence
    """
    limits = {**THRESHOLDS, **(thresholds or {})}
    for name, (score, evidence) in assess(doc.text, doc.language).items():
        if score >= limits[name]:
            doc.flag(name, score, evidence)
        else:
            doc.flags.pop(name, None)
    return doc


@stage("quality", requires=["doc.text", "doc.language"], assigns=["doc.flags"])
def quality_stage(doc: Document, settings) -> Document:
    return quality(doc)
