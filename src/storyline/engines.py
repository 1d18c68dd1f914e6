"""Engines run the per-document part of a phase: in-process, on a process pool, or on Dask.

Batch and storyline parts always run in the calling process, so results do not
depend on the engine.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from .model import Document
    from .pipeline import Pipeline
    from .settings import Settings

Result = tuple["Document", list[tuple[str, str, str]], "str | None"]


class Engine:
    """Maps `Pipeline.process_document` over documents; subclasses choose where it runs."""

    def map_documents(self, pipeline: "Pipeline", docs: list["Document"], phase: str) -> list[Result]:
        return [pipeline.process_document(doc, phase) for doc in docs]

    def close(self) -> None:
        return None


class SerialEngine(Engine):
    """Everything in the calling process; best for small batches and tests."""


_worker_pipeline: "Pipeline | None" = None


def _init_worker(settings: "Settings") -> None:
    global _worker_pipeline
    from .pipeline import Pipeline

    _worker_pipeline = Pipeline(settings)


def _work(args: tuple["Document", str]) -> Result:
    doc, phase = args
    return _worker_pipeline.process_document(doc, phase)


class ProcessEngine(Engine):
    """A pool of worker processes on this machine, each with its own stage instances."""

    def __init__(self, settings: "Settings", workers: int = 0, min_parallel: int = 64):
        self.settings = settings
        self.workers = workers or os.cpu_count() or 1
        self.min_parallel = min_parallel
        self._pool: ProcessPoolExecutor | None = None

    def map_documents(self, pipeline, docs, phase):
        if self.workers < 2 or len(docs) < self.min_parallel:
            return super().map_documents(pipeline, docs, phase)
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method),
                                             initializer=_init_worker, initargs=(self.settings,))
        chunksize = max(1, len(docs) // (self.workers * 4))
        return list(self._pool.map(_work, [(d, phase) for d in docs], chunksize=chunksize))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def make_engine(name: str | None, settings: "Settings", *, analysis: bool = False, scheduler: str | None = None) -> Engine:
    """Build an engine by name: 'serial', 'local' (default) or 'dask'."""
    name = name or "local"
    workers = settings.analysis.workers if analysis else settings.ingest.workers
    if name == "serial":
        return SerialEngine()
    if name == "local":
        return ProcessEngine(settings, workers, settings.ingest.min_parallel)
    if name == "dask":
        from .dask_engine import DaskEngine

        return DaskEngine(settings, scheduler)
    raise ConfigError(f"unknown engine '{name}' (choose serial, local or dask)")
