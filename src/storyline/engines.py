"""Engines run the per-document part of a phase: in-process, on a process pool, or on Dask.

Batch and storyline parts always run in the calling process, so results do not
depend on the engine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from .errors import ConfigError

if TYPE_CHECKING:
    from .model import Document
    from .pipeline import Pipeline
    from .settings import Settings

Result = tuple["Document", list[tuple[str, str, str]], "str | None"]


class DocumentTimeout(BaseException):
    """One document used up its time budget.

    A BaseException, so a stage's own `except Exception` cannot swallow it.
    """


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Raise DocumentTimeout in this block after `seconds` (0 = no limit); yields whether armed.

    Uses SIGALRM, so it works where signals are delivered: the main thread of the
    main process or of a pool worker (workers run tasks in their main thread). In
    other threads (a web server's, Dask's), on Windows, or when someone else owns
    SIGALRM, it does nothing rather than fail. The budget is checked between Python
    bytecodes: one long call into C (a regex, a parser) can overrun it until it returns.
    """
    if (not seconds or seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)):
        yield False
        return
    armed = [True]

    def _expired(signum, frame):
        if armed[0]:
            armed[0] = False
            raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, _expired)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield True
    finally:
        armed[0] = False
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


class Engine:
    """Maps `Pipeline.process_document` over documents; subclasses choose where it runs."""

    def map_documents(self, pipeline: "Pipeline", docs: list["Document"], phase: str) -> list[Result]:
        return self.submit_documents(pipeline, docs, phase)()

    def submit_documents(self, pipeline: "Pipeline", docs: list["Document"], phase: str) -> Callable[[], list[Result]]:
        """Start the work and return a function that waits for its results, so the caller
        can store one batch while workers process the next. In-process engines finish here."""
        results = pipeline.process_documents(docs, phase)
        return lambda: results

    def close(self) -> None:
        return None


class SerialEngine(Engine):
    """Everything in the calling process; best for small batches and tests."""


_worker_pipeline: "Pipeline | None" = None


def _init_worker(settings: "Settings") -> None:
    global _worker_pipeline
    from .pipeline import Pipeline

    _watch_parent(os.getppid())
    _worker_pipeline = Pipeline(settings)


def _watch_parent(parent: int, every: float = 1.0) -> None:
    """Exit this worker when its parent is gone (killed with -9, it cannot shut the pool
    down; the orphans would otherwise wait on their task queue for ever)."""
    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="storyline-parent-watch", daemon=True).start()


def _work(args: tuple[list["Document"], str]) -> list[Result]:
    docs, phase = args
    return _worker_pipeline.process_documents(docs, phase)


class ProcessEngine(Engine):
    """A pool of worker processes on this machine, each with its own stage instances."""

    def __init__(self, settings: "Settings", workers: int = 0, min_parallel: int = 64):
        self.settings = settings
        self.workers = workers or os.cpu_count() or 1
        self.min_parallel = min_parallel
        self._pool: ProcessPoolExecutor | None = None

    def submit_documents(self, pipeline, docs, phase):
        if self.workers < 2 or len(docs) < self.min_parallel:
            return super().submit_documents(pipeline, docs, phase)
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method),
                                             initializer=_init_worker, initargs=(self.settings,))
        # Whole chunks per task, so a stage's `process_many` sees several documents.
        size = max(1, len(docs) // (self.workers * 4))
        chunks = [(docs[i:i + size], phase) for i in range(0, len(docs), size)]
        running = self._pool.map(_work, chunks)  # submits all now
        return lambda: [result for chunk in running for result in chunk]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)  # a failed run leaves a batch in flight
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
