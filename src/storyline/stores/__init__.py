"""Stores: one interface (`base.Store`), SQLite by default, PostgreSQL for shared setups."""

from __future__ import annotations

import os

from .base import Hit, Store

DEFAULT_DB = "storyline.db"


def open_store(url: str | None = None) -> Store:
    """Open the store at `url`: a SQLite path (default ./storyline.db, or $STORYLINE_DB)
    or a `postgresql://` URL.

    Raises:
        StoreUnavailable: the store cannot be opened.
        MissingExtra: PostgreSQL without the 'postgres' extra installed.
    """
    url = url or os.environ.get("STORYLINE_DB") or DEFAULT_DB
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(url)
    from .sqlite import SQLiteStore

    return SQLiteStore(url)


__all__ = ["Hit", "Store", "open_store", "DEFAULT_DB"]
