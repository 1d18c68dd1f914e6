"""Follows: the storylines, people/organisations and searches a reader wants news about.

A follow is a row in the store's `follows` table (kind, key, target). `key` is what
makes two follows the same: a storyline's resolved id, an entity name folded
(case, accents and punctuation ignored, so "Grace Okafor" and "grace okafor" are one
follow), a search query case-folded. Entity follows keep the *name*, not an entity
id: entity ids can change when the linker merges names, a name does not, and a name
can be followed before anyone of that name appears in the corpus.

Example:
    follow(store, "storyline", "sl-3f2a9c01be")
    follow(store, "entity", "Grace Okafor")
    follow(store, "search", '"harbour strike"')
    list_follows(store)
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ConfigError, NotFound
from .stores.base import Store
from .text import fold

FOLLOW_KINDS = ("storyline", "entity", "search")
MAX_TARGET_CHARS = 500
_WORD = re.compile(r"\w", re.UNICODE)


def _clean(kind: str, target: Any) -> str:
    if kind not in FOLLOW_KINDS:
        raise ConfigError(f"can follow a {', '.join(FOLLOW_KINDS[:-1])} or {FOLLOW_KINDS[-1]}, not {kind!r}")
    if not isinstance(target, str) or not target.strip():
        raise ConfigError(f"give the {kind} to follow (an id, a name or a query)")
    target = " ".join(target.split())
    if len(target) > MAX_TARGET_CHARS:
        raise ConfigError(f"a {kind} to follow is at most {MAX_TARGET_CHARS} characters")
    if kind in ("entity", "search") and not _WORD.search(target):
        raise ConfigError(f"the {kind} {target!r} has no letters or digits to match")
    return target


def follow_key(store: Store, kind: str, target: str) -> tuple[str, str]:
    """(key, display target) of a follow, as stored. Validates; looks nothing up but redirects."""
    target = _clean(kind, target)
    if kind == "storyline":
        resolved = store.resolve("storyline", target)
        return resolved, resolved
    if kind == "entity":
        return fold(target), target
    return target.casefold(), target


def follow(store: Store, kind: str, target: str) -> dict[str, Any]:
    """Follow a storyline (by id), an entity (by name or entity id) or a full-text search.

    Following the same thing twice keeps the first follow.

    Returns:
        The follow: {id, kind, key, target, created_at}.

    Raises:
        ConfigError: unknown kind, or an empty/overlong/wordless target.
        NotFound: no storyline with that id.
    """
    target = _clean(kind, target)
    if kind == "storyline":
        store.get_record("storyline", store.resolve("storyline", target))  # NotFound when unknown
    elif kind == "entity":
        try:  # an entity id given: follow its name
            target = store.get_record("entity", target).get("name") or target
        except NotFound:
            pass
    key, display = follow_key(store, kind, target)
    return store.add_follow(kind, key, display)


def unfollow(store: Store, kind: str, target: str) -> dict[str, Any]:
    """Stop following; returns {kind, target}.

    Raises:
        NotFound: that is not followed.
    """
    key, display = follow_key(store, kind, target)
    if kind == "entity" and not any(f["kind"] == "entity" and f["key"] == key for f in store.follows()):
        try:
            key, display = follow_key(store, kind, store.get_record("entity", target).get("name") or target)
        except NotFound:
            pass
    if not store.remove_follow(kind, key):
        raise NotFound(f"not following the {kind} {display!r} (list follows with `storyline follow --list`)")
    return {"kind": kind, "target": display}


def list_follows(store: Store) -> list[dict[str, Any]]:
    """Every follow, oldest first."""
    return store.follows()


def matching_entities(name: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entity records whose name or a variant is `name` (folded)."""
    key = fold(name)
    return [e for e in entities
            if fold(e.get("name") or "") == key or any(fold(v) == key for v in e.get("variants") or [])]
