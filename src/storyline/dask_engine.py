"""Dask engine: the per-document stages on a Dask cluster, everything else here.

Only `Pipeline.process_documents` (parse, clean, language, embeddings, NER,
quotes, ...) runs on the workers; it is pure per-document work. Batch stages
(dedup, event assignment, id allocation) and the store writes stay in the
calling process, in canonical order, so a Dask run stores exactly what a
single-process run stores.

Each worker builds its Pipeline once per settings digest and keeps it (spaCy
models and the like load once per worker, not per task). Documents travel in
chunks, and results come back in input order.

Example:
    engine = DaskEngine(settings)                       # a LocalCluster on this machine
    engine = DaskEngine(settings, "tcp://10.0.0.5:8786") # an existing cluster
    report = ingest(store, ["archive/"], settings, engine=engine)
    engine.close()
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, Callable

from .engines import Engine, Result
from .errors import ConfigError, MissingExtra

if TYPE_CHECKING:
    from .model import Document
    from .pipeline import Pipeline
    from .settings import Settings

# Per worker process: settings digest -> Pipeline.
_PIPELINES: dict[str, "Pipeline"] = {}
# Chunks per worker per batch: enough to balance uneven documents, few enough that
# task overhead (~1 ms each) stays small next to the work.
CHUNKS_PER_WORKER = 4


def _worker_pipeline(values: dict[str, Any]) -> "Pipeline":
    """The worker's Pipeline for these settings, built on first use."""
    from .pipeline import Pipeline
    from .settings import Settings

    settings = Settings(values)
    digest = settings.digest()
    pipeline = _PIPELINES.get(digest)
    if pipeline is None:
        pipeline = _PIPELINES[digest] = Pipeline(settings)
    return pipeline


def process_chunk(values: dict[str, Any], docs: list["Document"], phase: str) -> list[Result]:
    """Run one phase's per-document parts over a chunk, on a worker."""
    pipeline = _worker_pipeline(values)
    results = pipeline.process_documents(docs, phase)
    for doc, _, _ in results:
        doc.raw = b""  # stages never change raw bytes; the caller puts them back (less to ship)
    return results


class DaskEngine(Engine):
    """Runs per-document stages on a Dask cluster.

    Args:
        settings: resolved settings; workers build their own Pipeline from them.
        scheduler: a scheduler address (`tcp://host:8786`); None starts a LocalCluster
            with `workers` processes of one thread each (default: one per core).
        workers: LocalCluster size when no scheduler is given; 0 = `ingest.workers`
            (itself 0 = one per core).
        min_parallel: batches smaller than this run in-process.

    Raises:
        MissingExtra: dask.distributed is not installed.
        ConfigError: the scheduler cannot be reached.
    """

    def __init__(self, settings: "Settings", scheduler: str | None = None, *, workers: int = 0,
                 min_parallel: int = 0, timeout: float = 30.0):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise MissingExtra("--engine dask", "dask") from exc
        self.settings = settings
        self._values = dict(settings.items())
        self.min_parallel = min_parallel
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc} "
                                  "(start one with `dask scheduler`, or omit --scheduler for a local cluster)") from exc
        else:
            n = workers or settings.ingest.workers or os.cpu_count() or 1
            # processes, not threads: the stages are pure Python and hold the GIL.
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address=":0")  # any free port, never a clash
            self.client = Client(self.cluster)

    @property
    def slots(self) -> int:
        """Worker threads in the cluster now (workers may join or leave)."""
        return max(1, sum(self.client.nthreads().values()))

    def submit_documents(self, pipeline: "Pipeline", docs: list["Document"], phase: str) -> Callable[[], list[Result]]:
        if len(docs) < self.min_parallel:
            return super().submit_documents(pipeline, docs, phase)
        size = max(1, -(-len(docs) // (self.slots * CHUNKS_PER_WORKER)))
        chunks = [docs[i:i + size] for i in range(0, len(docs), size)]
        futures = [self.client.submit(process_chunk, self._values, chunk, phase, pure=False)
                   for chunk in chunks]

        def gather() -> list[Result]:
            results: list[Result] = []
            for chunk_results in self.client.gather(futures):
                results.extend(chunk_results)
            for original, (doc, _, _) in zip(docs, results):
                doc.raw = original.raw
            return results

        return gather

    def close(self) -> None:
        client, cluster = getattr(self, "client", None), self.cluster
        self.client = self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            # Workers that are slow to exit get killed with a WARNING per worker; that is
            # the expected end of our own throwaway cluster, not news for the user.
            logger = logging.getLogger("distributed.nanny")
            level = logger.level
            logger.setLevel(logging.ERROR)
            try:
                cluster.close()
            finally:
                logger.setLevel(level)
