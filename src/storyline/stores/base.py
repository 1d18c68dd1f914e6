"""The one store interface every backend implements.

Documents are versioned rows (the raw bytes live once per sha256 in `blobs`);
everything corpus-level (events, storylines, entities, quotes, figures, briefings)
is a *record*: a kind, an id, a few indexed columns and a JSON body. Stages keep
their working state (cluster profiles, MinHash signatures, alias memory) in
`state` and their look-up indexes in `keys`, so a stage never needs a schema change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Protocol

from ..model import Document

RECORD_KINDS = ("event", "storyline", "entity", "quote", "figure", "briefing", "correction", "follow")


@dataclass
class Hit:
    """One full-text search result; `snippet` marks matches with [[ and ]]."""

    document: str
    title: str | None
    snippet: str
    score: float


class Store(Protocol):
    """What the pipeline, CLI and web app need from storage."""

    url: str

    # documents -----------------------------------------------------------
    def document_status(self, doc_id: str, raw_sha256: str) -> str:
        """'new', 'unchanged' (same id and content as the current version) or 'version'."""

    def put_documents(self, docs: Iterable[Document]) -> None:
        """Insert new documents or new versions (the previous version stops being current)."""

    def update_documents(self, docs: Iterable[Document], fields: tuple[str, ...]) -> None:
        """Rewrite some columns (e.g. event, storyline) of the current versions."""

    def get_document(self, doc_id: str, version: int | None = None) -> Document: ...

    def iter_documents(self, ids: Iterable[str] | None = None, *, event: str | None = None,
                       storyline: str | None = None) -> Iterator[Document]: ...

    def document_ids(self) -> list[str]: ...

    def assignments(self, *, events: Iterable[str] = (), ids: Iterable[str] = ()) -> dict[str, tuple[str | None, str | None]]:
        """id -> (event, storyline) of current documents in `events` or with `ids`."""

    def document_versions(self, doc_id: str) -> list[dict[str, Any]]: ...

    def count_documents(self) -> int: ...

    def get_raw(self, raw_sha256: str) -> bytes: ...

    def delete_document(self, doc_id: str) -> None: ...

    # problems ------------------------------------------------------------
    def put_reject(self, origin: str, reason: str, doc_id: str | None = None,
                   raw: bytes | None = None) -> None: ...

    def rejects(self) -> list[dict[str, Any]]: ...

    def put_problem(self, stage: str, doc_id: str | None, error: str, message: str) -> None: ...

    def problems(self) -> list[dict[str, Any]]: ...

    # records -------------------------------------------------------------
    def put_records(self, kind: str, records: Iterable[dict[str, Any]]) -> None:
        """Upsert records; each dict needs `id` and may carry `storyline`, `event`, `date`, `title`."""

    def get_record(self, kind: str, record_id: str) -> dict[str, Any]: ...

    def iter_records(self, kind: str, *, storyline: str | None = None,
                     event: str | None = None) -> Iterator[dict[str, Any]]: ...

    def delete_records(self, kind: str, ids: Iterable[str] | None = None, *,
                       storyline: str | None = None) -> None: ...

    def redirect(self, kind: str, old_id: str, new_id: str) -> None: ...

    def remove_redirect(self, kind: str, old_id: str) -> None:
        """Forget a redirect (an undone merge)."""

    def resolve(self, kind: str, record_id: str) -> str:
        """Follow redirects left by merges; returns the id itself when none."""

    # corrections log and runs (see storyline.corrections) --------------------
    def add_correction(self, action: str, target: str, args: dict[str, Any], by: str | None) -> dict[str, Any]:
        """Append a correction; returns it as {id, at, by, action, target, args, undone_at, undone_by, active}."""

    def get_correction(self, number: int) -> dict[str, Any]: ...

    def corrections(self, *, active: bool | None = None) -> list[dict[str, Any]]:
        """The log, oldest first; `active=True`: only those not undone."""

    def undo_correction(self, number: int, by: str | None) -> dict[str, Any]: ...

    def begin_run(self, kind: str, version: str, settings_digest: str | None, info: dict[str, Any]) -> int:
        """Start a run: documents and records written until `finish_run` carry its number."""

    def finish_run(self, run_id: int, stats: dict[str, Any] | None = None, *, keep: bool = True) -> None:
        """Record the end of a run; `keep=False` forgets a run that wrote nothing."""

    def runs(self) -> list[dict[str, Any]]: ...

    def document_runs(self) -> dict[str, int | None]: ...

    def record_runs(self, kind: str) -> dict[str, int | None]: ...

    # stage state ---------------------------------------------------------
    def get_state(self, ns: str, key: str) -> Any: ...

    def get_states(self, ns: str, keys: Iterable[str] | None = None) -> dict[str, Any]: ...

    def put_state(self, ns: str, items: dict[str, Any]) -> None: ...

    def delete_state(self, ns: str, keys: Iterable[str]) -> None: ...

    def add_keys(self, ns: str, pairs: Iterable[tuple[str, str]]) -> None: ...

    def lookup_keys(self, ns: str, keys: Iterable[str]) -> list[tuple[str, str]]: ...

    def remove_keys(self, ns: str, targets: Iterable[str]) -> None: ...

    # analysis cache ------------------------------------------------------
    def put_analysis(self, items: dict[str, dict[str, Any]], stamp: str) -> None: ...

    def update_analysis(self, items: dict[str, dict[str, Any]]) -> None:
        """Rewrite cached payloads in place (e.g. entity ids after a merge), keeping stamps."""

    def get_analysis(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def get_analysis_stamps(self, doc_ids: Iterable[str]) -> dict[str, str]: ...

    def stale_analysis(self, stamp: str) -> list[str]:
        """Ids of current documents with no analysis made under `stamp`."""

    # follows -------------------------------------------------------------
    def add_follow(self, kind: str, key: str, target: str) -> dict[str, Any]:
        """Record a follow of a storyline, entity or search (idempotent on kind + key)."""

    def remove_follow(self, kind: str, key: str) -> bool:
        """Forget a follow; False when there was none."""

    def follows(self) -> list[dict[str, Any]]:
        """Every follow ({id, kind, key, target, created_at}), oldest first."""

    def documents_ingested_since(self, since: str, *, storyline: str | None = None,
                                 ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Metadata of current documents stored at or after `since` (ISO 8601, UTC)."""

    # search & lifecycle --------------------------------------------------
    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]: ...

    def transaction(self): ...

    def lock_batch(self) -> int:
        """Inside a transaction: serialise batch writers across processes; returns the
        batch generation before this batch (changed = another writer committed)."""

    def close(self) -> None: ...
