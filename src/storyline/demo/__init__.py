"""storyline's embedded demo corpus and its gold answers.

`storyline demo` ingests `CORPUS_DIR`; the end-to-end tests compare the pipeline's
output with `load_gold()`. Every article is fiction written for this project: the
people, ministries, companies, outlets and countries are invented. See README.md
beside this file for the storylines, the planted traps and the gold schema.

Example:
    >>> from storyline.demo import CORPUS_DIR, load_gold
    >>> gold = load_gold()
    >>> sorted(gold["storylines"])
    ['amber-corridor', 'halvik-dam', 'port-alder-election', 'serek-strike']
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["CORPUS_DIR", "GOLD_PATH", "load_gold"]

_HERE = Path(__file__).resolve().parent

CORPUS_DIR: Path = _HERE / "corpus"
GOLD_PATH: Path = _HERE / "gold.json"


def load_gold() -> dict:
    """Return the gold answers for the demo corpus.

    Returns:
        The parsed `gold.json`: `documents`, `events`, `storylines`, `entities`,
        `distinct_entities`, `quotes` and `figures` (schema in README.md).
    """
    with GOLD_PATH.open(encoding="utf-8") as f:
        return json.load(f)
