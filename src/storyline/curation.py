"""Curation: corrections people make to the analysis (for now, entity name aliases).

A correction is a record of kind "correction"; the entity linker reads them back
(`alias_corrections`) and applies them on its next run. Recording one never edits
an entity in place, so every correction stays visible and reversible.

Example:
    record_alias(store, "merge", "A. Brannick", "Teodor Brannick")
    record_alias(store, "veto", "Victor Okafor", "Grace Okafor")
"""

from __future__ import annotations

import hashlib
from typing import Any

from .errors import ConfigError
from .stores.base import Store
from .stores.sql import now
from .text import fold

ALIAS_ACTIONS = ("merge", "veto")
MAX_NAME_CHARS = 200


def _clean_name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"alias {field} must be a non-empty name")
    value = " ".join(value.split())
    if len(value) > MAX_NAME_CHARS:
        raise ConfigError(f"alias {field} is longer than {MAX_NAME_CHARS} characters")
    return value


def record_alias(store: Store, action: str, variant: str, canonical: str, *, by: str | None = None) -> dict[str, Any]:
    """Record that `variant` names (merge) or does not name (veto) the entity called `canonical`.

    The same (variant, canonical) pair keeps one record: a later action replaces an
    earlier one, so a veto can undo a merge.

    Args:
        store: an open store.
        action: "merge" or "veto".
        variant: the surface form, as seen in the text.
        canonical: the entity's canonical name.
        by: who made it (default $USER), for the corrections log.

    Returns:
        The stored correction record.

    Raises:
        ConfigError: unknown action, or an empty or overlong name.
    """
    if action not in ALIAS_ACTIONS:
        raise ConfigError(f"alias action must be one of {', '.join(ALIAS_ACTIONS)}, not {action!r}")
    variant = _clean_name(variant, "variant")
    canonical = _clean_name(canonical, "canonical name")
    if fold(variant) == fold(canonical):
        raise ConfigError("the variant and the canonical name are the same name")
    key = hashlib.sha1(f"{fold(variant)}\x00{fold(canonical)}".encode()).hexdigest()[:12]
    record = {"id": f"alias-{key}", "type": "alias", "action": action, "variant": variant,
              "canonical": canonical, "title": f"{action}: {variant} → {canonical}", "at": now()}
    store.put_records("correction", [record])
    if hasattr(store, "add_correction"):  # also in the corrections log: listed, and undoable
        from .corrections import record_alias_correction
        record["correction"] = record_alias_correction(store, record, by=by)["id"]
    return record


def alias_corrections(store: Store, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Recorded alias corrections, newest first; with `names`, only those touching one of them."""
    wanted = None if names is None else {fold(n) for n in names if n}
    out = [r for r in store.iter_records("correction") if r.get("type") == "alias"]
    if wanted is not None:
        out = [r for r in out if fold(r["variant"]) in wanted or fold(r["canonical"]) in wanted]
    return sorted(out, key=lambda r: r.get("at", ""), reverse=True)
