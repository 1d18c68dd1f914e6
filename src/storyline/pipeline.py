"""The pipeline: the one ordered list of stages, and the runs that push documents through it.

Ingest-phase stages run on every document as it arrives (`ingest`); analysis-phase
stages are costlier (NER, quotes, briefings) and run lazily per storyline (`analyze`),
cached until the storyline changes. Per-document parts run on an engine (in-process,
a process pool or Dask); batch and storyline parts run in the main process inside
one store transaction per batch, so a crash never leaves half a batch behind.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator

from . import stages as _stages  # noqa: F401  (registers the built-in stages)
from .engines import DocumentTimeout, Engine, make_engine, time_limit
from .errors import ConfigError, InputError, StorylineError
from .model import DateMention, Document, EntityMention, FigureMention, QuoteMention
from .corrections import apply as apply_corrections, deleted_ids
from .registry import REGISTRY, Batch, Stage
from .settings import Settings, load_settings
from .stages.ingest import Rejected, iter_inputs
from .stores.base import Store

STAGES: tuple[str, ...] = (
    "ingest", "clean", "language", "quality", "dedup", "embed", "events", "storylines",
    "entities", "quotes", "figures", "timeline", "briefing",
)
# What a raw document carries before the first stage runs.
SOURCE_FIELDS = ("doc.id", "doc.raw", "doc.format", "doc.origin")
# Raise when an analysis stage changes its output, so cached analysis is recomputed.
ANALYSIS_VERSION = "1"

Progress = Callable[[str, int, int | None], None]  # (description, advance, total)


def check_order(names: Iterable[str]) -> None:
    """Fail before any work starts if a stage needs something no earlier stage assigns.

    Raises:
        ConfigError: an unknown stage, a repeated one, or an unmet requirement.
    """
    available = set(SOURCE_FIELDS)
    seen: set[str] = set()
    for name in names:
        if name not in REGISTRY:
            raise ConfigError(f"unknown stage '{name}' (registered: {', '.join(sorted(REGISTRY))})")
        if name in seen:
            raise ConfigError(f"stage '{name}' is listed twice")
        seen.add(name)
        cls = REGISTRY[name]
        missing = [r for r in cls.requires if r not in available]
        if missing:
            raise ConfigError(f"stage '{name}' requires {', '.join(missing)}, which no earlier stage assigns; "
                              "move it after the stage that does")
        available.update(cls.assigns)


_WARM_UP_PAGE = ("<html><head><title>Harbour bridge reopens</title></head><body><article><p>The harbour "
                 "bridge in Port Alder reopened on Monday after three weeks of repairs, the city council "
                 "said.</p><p>\u201cTraffic is back to normal,\u201d said Mayor Lena Brandt.</p></article>"
                 "</body></html>").encode()


class Pipeline:
    """Stage instances built from one Settings, in `STAGES` order."""

    def __init__(self, settings: Settings | None = None, names: Iterable[str] = STAGES):
        names = tuple(names)
        check_order(names)
        self.settings = settings or load_settings()
        self.stages: list[Stage] = [REGISTRY[name](self.settings) for name in names]
        self.generation: int | None = None  # the store's batch generation after our last write
        self._warm: set[str] = set()  # phases whose stages have loaded their models here

    def reset_batch_stages(self) -> None:
        """Rebuild the stages with batch parts, dropping their in-memory caches (another
        process wrote to the store since they were loaded)."""
        self.stages = [type(s)(self.settings) if s.has("process_batch") else s for s in self.stages]

    def phase(self, phase: str) -> list[Stage]:
        return [s for s in self.stages if s.phase == phase]

    def _warm_up(self, phase: str) -> None:
        """Run the phase once on a small page outside the time budget: stages load their
        models lazily, and the first real document must not pay for that (with a short
        budget on a busy machine it was rejected as too slow)."""
        self._warm.add(phase)
        doc = Document(id="warm-up", origin="warm-up", format="html", raw=_WARM_UP_PAGE)
        for stage in self.phase(phase):
            try:
                if stage.has("process"):
                    doc = stage.process(doc)
                if stage.has("process_many"):
                    stage.process_many([doc])
            except Exception:  # only a rehearsal: the real document reports its own errors
                pass

    def process_documents(self, docs: list[Document], phase: str) -> list[tuple[Document, list[tuple[str, str, str]], str | None]]:
        """`process_document` on each of `docs`, then the phase's `process_many` parts on those
        not rejected: what every engine runs on a chunk. Returns one result per document, in order."""
        results = [self.process_document(doc, phase) for doc in docs]
        for stage in self.phase(phase):
            if stage.has("process_many"):
                self._process_many(stage, results, phase)
        return results

    def _process_many(self, stage: Stage, results: list, phase: str) -> None:
        """Run `stage.process_many` on the unrejected documents of `results` (updated in place),
        within their summed time budgets. When it fails, one document may be at fault: each is
        retried alone, and only a failing one gets the problem (or, past its budget at ingest,
        the reject)."""
        budget = self.settings.ingest.doc_timeout if phase == "ingest" else self.settings.analysis.doc_timeout
        live = [i for i, (_, _, reason) in enumerate(results) if reason is None]
        try:
            with time_limit(budget * len(live)):
                stage.process_many([results[i][0] for i in live])
            return
        except (Exception, DocumentTimeout):
            pass
        for i in live:
            doc, problems, _ = results[i]
            try:
                with time_limit(budget):
                    stage.process_many([doc])
            except DocumentTimeout:
                message = f"took longer than {budget:g} s in stage '{stage.name}'"
                if phase == "ingest":
                    results[i] = (doc, problems, message + " (ingest.doc_timeout)")
                else:
                    problems.append((stage.name, "DocumentTimeout", message + " (analysis.doc_timeout)"))
            except Exception as exc:
                problems.append((stage.name, type(exc).__name__, str(exc)[:500]))

    def process_document(self, doc: Document, phase: str) -> tuple[Document, list[tuple[str, str, str]], str | None]:
        """Run the per-document parts of one phase, within the phase's time budget.

        Returns (doc, problems, reject reason); a problem is (stage, error type, message).
        An ingest-phase document over `ingest.doc_timeout` is rejected; an analysis-phase
        one over `analysis.doc_timeout` keeps what earlier stages found and gets a problem.
        """
        problems: list[tuple[str, str, str]] = []
        budget = self.settings.ingest.doc_timeout if phase == "ingest" else self.settings.analysis.doc_timeout
        if budget and phase not in self._warm:
            self._warm_up(phase)
        current = None
        try:
            with time_limit(budget):
                for stage in self.phase(phase):
                    if not stage.has("process"):
                        continue
                    current = stage.name
                    try:
                        doc = stage.process(doc)
                    except InputError as exc:
                        return doc, problems, exc.reason
                    except Exception as exc:  # a bug in one stage must not stop the run: record it
                        problems.append((stage.name, type(exc).__name__, str(exc)[:500]))
                        if stage.name in ("ingest", "clean"):
                            return doc, problems, f"stage '{stage.name}' failed: {type(exc).__name__}: {exc}"[:300]
        except DocumentTimeout:
            message = f"took longer than {budget:g} s in stage '{current}'"
            if phase == "ingest":
                return doc, problems, message + " (ingest.doc_timeout)"
            problems.append((current or phase, "DocumentTimeout", message + " (analysis.doc_timeout)"))
            return doc, problems, None
        if phase == "ingest" and not (doc.text or "").strip():
            return doc, problems, "no article text found"
        return doc, problems, None


# --- ingest -----------------------------------------------------------------------

# A report keeps this many rejects and warnings in full; beyond that only counts, so a
# run over 100k bad files stays small (every reject is in the store's `rejects` table).
KEEP_IN_REPORT = 100
_REASON_CUT = re.compile(r" \(|: |; |, ")


def reason_kind(reason: str) -> str:
    """The stable head of a reject reason, for counting: 'too large (12.1 MB > ...)' -> 'too large'."""
    return re.sub(r"(?<![\w-])\d+(\.\d+)?", "N", _REASON_CUT.split(reason, 1)[0]).strip() or reason[:60]


@dataclass
class IngestReport:
    """What one ingest run did; `exit_code` follows the contract.

    `rejected` and `warnings` hold the first KEEP_IN_REPORT of each; `rejects` and
    `reject_reasons` (reason kind -> count) count all of them.
    """

    stored: int = 0
    versions: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rejects: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    problems: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        # A re-run where everything was already stored is a success, not a failure.
        return 0 if self.stored + self.versions + self.unchanged > 0 else 1

    def add_reject(self, item: Rejected) -> None:
        self.rejects += 1
        self.reject_reasons[reason_kind(item.reason)] += 1
        if len(self.rejected) < KEEP_IN_REPORT:
            self.rejected.append(Rejected(item.origin, item.reason, item.doc_id))

    def add_warning(self, message: str) -> None:
        if len(self.warnings) < KEEP_IN_REPORT:
            self.warnings.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"stored": self.stored, "versions": self.versions, "unchanged": self.unchanged,
                "rejected": self.rejects, "reject_reasons": dict(self.reject_reasons.most_common()),
                "problems": self.problems, "seconds": round(self.seconds, 3),
                "docs_per_s": round((self.stored + self.versions) / self.seconds, 1) if self.seconds else None}


def canonical_order(docs: list[Document]) -> list[Document]:
    """Oldest first, then by id: batch stages see the same order whatever the input order."""
    return sorted(docs, key=lambda d: (d.published is None, d.published or "", d.id))


def ingest(store: Store, paths: Iterable[str], settings: Settings | None = None, *,
           engine: Engine | str | None = None, progress: Progress | None = None,
           on_reject: Callable[[Rejected], None] | None = None,
           on_warning: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest files and folders into `store`, running the ingest-phase stages.

    Args:
        store: an open store.
        paths: files or folders (walked recursively).
        settings: resolved settings (defaults when None).
        engine: "serial", "local" (process pool) or "dask", or an Engine.
        progress: called as progress(description, advance, total).
        on_reject: called once per unusable input, as it is found.

    Returns:
        IngestReport with counts and rejects; `report.exit_code` is the CLI's exit code.

    Example:
        with open_store("news.db") as store:
            report = ingest(store, ["articles/"])
    """
    settings = settings or load_settings()
    inputs = iter_inputs(paths, max_bytes=settings.ingest.max_bytes, skip=_store_files(store))
    return ingest_items(store, inputs, settings, engine=engine, progress=progress, on_reject=on_reject,
                        on_warning=on_warning)


def ingest_items(store: Store, items: Iterable[Document | Rejected], settings: Settings | None = None, *,
                 engine: Engine | str | None = None, progress: Progress | None = None,
                 on_reject: Callable[[Rejected], None] | None = None,
                 on_warning: Callable[[str], None] | None = None,
                 pipeline: Pipeline | None = None) -> IngestReport:
    """Ingest raw Documents (id, raw, format, origin set) built by other sources, such as
    `storyline.watch`; `ingest` is this over the files under its paths. Pass the same
    `pipeline` to successive calls to keep its batch stages' caches."""
    pipeline = pipeline or Pipeline(settings)
    settings = pipeline.settings
    report = IngestReport()
    started = time.perf_counter()
    own_engine = not isinstance(engine, Engine)
    engine = make_engine(engine, settings) if own_engine else engine
    run = begin_run(store, "ingest", settings)
    inflight: _Inflight | None = None
    try:
        for chunk in _chunks(iter(items), settings.ingest.batch_size):
            inflight = _ingest_chunk(store, pipeline, engine, chunk, report, on_reject, on_warning, inflight)
            if progress:
                progress("ingest", len(chunk), None)
        if inflight:
            _store_results(store, pipeline, inflight, report, on_reject, on_warning)
            inflight = None
    finally:
        if own_engine:
            engine.close()
        report.seconds = time.perf_counter() - started
        # A re-run that stored nothing (a watch poll, the same folder again) leaves no run behind.
        finish_run(store, run, report.as_dict(), keep=bool(report.stored or report.versions))
    return report


def begin_run(store: Store, kind: str, settings: Settings) -> int | None:
    """Record a run (see `storyline.provenance`); None for a store without a runs table."""
    if not hasattr(store, "begin_run"):
        return None
    from .provenance import run_info
    return store.begin_run(kind, *run_info(settings))


def finish_run(store: Store, run: int | None, stats: dict[str, Any], keep: bool = True) -> None:
    if run is not None:
        try:
            store.finish_run(run, stats, keep=keep)
        except StorylineError:  # the run's work is committed; a missing end time must not hide it
            pass


def _store_files(store: Store) -> list[str]:
    """The store's own files, so `storyline ingest .` does not try to ingest its database."""
    path = getattr(store, "path", None)
    if not path or path == ":memory:":
        return []
    return [path + suffix for suffix in ("", "-wal", "-shm", "-journal")]


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reject(store: Store, report: IngestReport, item: Rejected, on_reject) -> None:
    store.put_reject(item.origin, item.reason, item.doc_id, item.raw)
    report.add_reject(item)
    if on_reject:
        on_reject(item)


@dataclass
class _Inflight:
    """A batch whose per-document work was started on the engine but not yet stored."""

    todo: list[Document]
    collect: Callable[[], list[Any]]


def _ingest_chunk(store: Store, pipeline: Pipeline, engine: Engine, chunk: list[Any], report: IngestReport,
                  on_reject, on_warning, inflight: _Inflight | None = None) -> _Inflight | None:
    """Start `chunk`'s per-document work, then store the batch started before it (`inflight`),
    so workers process one batch while this process runs the batch stages of the previous
    one. Returns the batch left in flight."""
    pending = chunk
    deleted = deleted_ids(store) if hasattr(store, "corrections") else {}
    while pending:
        # One pass stores at most one item per id; a repeated id waits for the next pass,
        # where the store says whether it is a new version, the same content again, or
        # (when the first was rejected) still new.
        todo: list[Document] = []
        seen: set[str] = set()
        deferred: list[Document] = []
        for item in pending:
            if isinstance(item, Rejected):
                _reject(store, report, item, on_reject)
                continue
            if item.id in seen:
                deferred.append(item)
                continue
            seen.add(item.id)
            if item.id in deleted:  # a deletion stands until it is undone
                report.unchanged += 1
                message = (f"{item.origin}: '{item.id}' was deleted by correction {deleted[item.id]}; not "
                           f"ingested again (undo with `storyline corrections undo {deleted[item.id]}`)")
                report.add_warning(message)
                if on_warning:
                    on_warning(message)
                continue
            if _still_to_store(store, item, report):
                todo.append(item)
        if todo:
            started = _Inflight(todo, engine.submit_documents(pipeline, todo, "ingest"))
            if inflight:
                _store_results(store, pipeline, inflight, report, on_reject, on_warning)
            inflight = started
        if deferred and inflight:  # the same id again: its status depends on this pass stored
            _store_results(store, pipeline, inflight, report, on_reject, on_warning)
            inflight = None
        pending = deferred
    return inflight


def _lock_batch(store: Store, pipeline: Pipeline) -> None:
    """Take the store's batch lock; rebuild the batch stages if another process wrote since
    this pipeline's last batch (their caches, dedup's LSH index and event profiles, would
    miss its writes)."""
    lock = getattr(store, "lock_batch", None)
    if lock is None:
        return
    generation = lock()
    if pipeline.generation is not None and generation != pipeline.generation:
        pipeline.reset_batch_stages()
    # Set before the batch commits: after a rollback the next batch sees a mismatch and
    # rebuilds, which is right anyway (the stages' caches saw the lost batch).
    pipeline.generation = generation + 1


def _still_to_store(store: Store, doc: Document, report: IngestReport) -> bool:
    """Whether `doc` is new or a new version (noted in `doc.extra["_status"]`); an
    unchanged one is counted and skipped."""
    status = store.document_status(doc.id, doc.raw_sha256)
    if status == "unchanged":
        report.unchanged += 1
        return False
    doc.extra["_status"] = status
    return True


def _store_results(store, pipeline, inflight: _Inflight, report, on_reject, on_warning) -> None:
    results = inflight.collect()
    docs: list[Document] = []
    with store.transaction():
        _lock_batch(store, pipeline)
        # Statuses were read before the previous batch (or another process) committed: a
        # document may since have been stored, or have become a new version.
        results = [r for r in results if _still_to_store(store, r[0], report)]
        for doc, problems, reason in results:
            for stage_name, error, message in problems:
                store.put_problem(stage_name, doc.id, error, message)
                report.problems += 1
            if reason:
                _reject(store, report, Rejected(doc.origin, reason, doc.id, doc.raw), on_reject)
                continue
            docs.append(doc)
        docs = canonical_order(docs)
        batch = Batch(docs, store, pipeline.settings)
        for stage in pipeline.phase("ingest"):
            if stage.has("process_batch"):
                stage.process_batch(batch)
        store.put_documents(docs)
        # After the events and storylines stages: people's corrections win over them.
        if hasattr(store, "corrections"):
            apply_corrections(store)
    for doc in docs:
        if doc.extra.get("_status") == "version":
            report.versions += 1
            message = f"{doc.origin}: '{doc.id}' already stored with other content; kept both, this is now version {doc.version}"
            report.add_warning(message)
            if on_warning:
                on_warning(message)
        else:
            report.stored += 1


# --- analysis ---------------------------------------------------------------------

ANALYSIS_FIELDS = {"entities": EntityMention, "quotes": QuoteMention, "figures": FigureMention, "dates": DateMention}


def analysis_stamp(settings: Settings) -> str:
    return f"{ANALYSIS_VERSION}-{settings.digest()}"


def _payload(doc: Document) -> dict[str, Any]:
    return {name: [asdict(m) for m in getattr(doc, name)] for name in ANALYSIS_FIELDS}


def _attach(doc: Document, payload: dict[str, Any] | None) -> Document:
    for name, cls in ANALYSIS_FIELDS.items():
        setattr(doc, name, [cls(**m) for m in (payload or {}).get(name, [])])
    return doc


@dataclass
class AnalysisReport:
    documents: int = 0
    storylines: int = 0
    problems: int = 0
    seconds: float = 0.0


def analyze(store: Store, settings: Settings | None = None, *, storylines: Iterable[str] | None = None,
            engine: Engine | str | None = None, progress: Progress | None = None) -> AnalysisReport:
    """Run the analysis-phase stages where their cached results are stale.

    Per-document results (entity, quote, figure and date mentions) are cached per
    document; storyline-level results (linked entities, merged quotes, grouped
    figures, event dates, briefings) are recomputed only for storylines whose
    documents changed. With `storylines`, only those are brought up to date.
    """
    pipeline = Pipeline(settings)
    settings = pipeline.settings
    report = AnalysisReport()
    started = time.perf_counter()
    stamp = analysis_stamp(settings)
    wanted = None if storylines is None else set(storylines)
    if wanted is None:
        stale = store.stale_analysis(stamp)
    else:  # only the documents of the wanted storylines: never scan the whole corpus for one page
        ids = [d.id for storyline in sorted(wanted) for d in store.iter_documents(storyline=storyline)]
        fresh_ids = {d for d, p in store.get_analysis_stamps(ids).items() if p == stamp}
        stale = [i for i in ids if i not in fresh_ids]
    own_engine = not isinstance(engine, Engine)
    if own_engine:
        engine = make_engine(engine, settings, analysis=True) if stale else None
    try:
        for start in range(0, len(stale), settings.ingest.batch_size):
            docs = list(store.iter_documents(stale[start:start + settings.ingest.batch_size]))
            results = engine.map_documents(pipeline, docs, "analysis")
            payloads = {}
            for doc, problems, _ in results:
                for stage_name, error, message in problems:
                    store.put_problem(stage_name, doc.id, error, message)
                    report.problems += 1
                payloads[doc.id] = _payload(doc)
            store.put_analysis(payloads, stamp)
            report.documents += len(docs)
            if progress:
                progress("analyse documents", len(docs), len(stale))
    finally:
        if own_engine and engine is not None:
            engine.close()
    _analyze_storylines(store, pipeline, stamp, wanted, set(stale), report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _analyze_storylines(store, pipeline, stamp, wanted, fresh, report, progress) -> None:
    members: dict[str, list[tuple[str, int, str | None]]] = {}
    docs = store.iter_documents() if wanted is None else (
        d for storyline in sorted(wanted) for d in store.iter_documents(storyline=storyline))
    for doc in docs:
        if doc.storyline:
            members.setdefault(doc.storyline, []).append((doc.id, doc.version, doc.event))
    old = store.get_states("storyline_stamp", list(members))
    todo = []
    for storyline_id, rows in sorted(members.items()):
        digest = hashlib.sha256(json.dumps([stamp, sorted(rows)]).encode()).hexdigest()[:16]
        if old.get(storyline_id) != digest:
            todo.append((storyline_id, digest, [r[0] for r in rows]))
    stages = [s for s in pipeline.phase("analysis") if s.has("process_storyline")]
    run = begin_run(store, "analyze", pipeline.settings) if (todo or fresh) and getattr(store, "run_id", 0) is None else None
    done: dict[str, str] = {}  # storyline -> digest, stamped with the stages' memory below
    linker = next((s for s in stages if s.name == "entities" and hasattr(s, "name_snapshot")), None)
    seen: dict[str, dict[str, str | None]] = {}  # storyline -> the names its quotes were given
    before: dict[str, str | None] | None = None
    try:
        if linker is not None and todo:
            linker.load(store)
            before = linker.known_names()
            # All mentions of the storylines to do, linked at once in id order: entities then
            # do not depend on how the documents were grouped into storylines or ordered.
            if hasattr(linker, "prelink"):
                linker.prelink(store, [i for _s, _d, ids in todo for i in ids])
        for storyline_id, digest, ids in todo:
            _analyze_storyline(store, pipeline, stages, stamp, storyline_id, digest, ids, fresh, report)
            done[storyline_id] = digest
            if linker is not None:
                seen[storyline_id] = linker.name_snapshot(ids)
            if progress:
                progress("analyse storylines", 1, len(todo))
        if linker is not None and before is not None:
            _rename_pass(store, pipeline, stages, stamp, linker, before, seen, report)
    finally:
        # The stamps that say "analysed" commit with what the stages remember across
        # storylines (the entity linker's alias memory): a run killed half-way leaves
        # neither, so the next run redoes the same storylines from the same memory and
        # gets what an uninterrupted run gets.
        with store.transaction():
            for stage in pipeline.phase("analysis"):
                stage.finish(store)
            if done:
                store.put_state("storyline_stamp", done)
            if todo and hasattr(store, "corrections"):  # quote speakers, titles, flags it may have rewritten
                apply_corrections(store)
        finish_run(store, run, {"documents": report.documents, "storylines": report.storylines})


def _rename_pass(store, pipeline, stages, stamp, linker, before, seen, report) -> None:
    """Run the stages after `entities` again where a name they used has changed since.

    The linker's memory grows run by run (and storyline by storyline for a stage without
    `prelink`): a storyline analysed in an earlier run named speakers with names this run
    changed. Redoing
    those storylines with the final names makes quotes, figures and briefings a function of
    the final alias memory, not of the order (or the runs) storylines were analysed in.
    """
    later = stages[stages.index(linker) + 1:]
    if not later:
        return
    redo = {s for s, names in seen.items() if linker.renamed(names)}
    renamed = linker.renamed(before)
    if renamed:
        docs = sorted(linker.documents_of(renamed))
        redo |= {d.storyline for d in store.iter_documents(docs) if d.storyline}
    for storyline_id in sorted(redo):
        ids = [d.id for d in store.iter_documents(storyline=storyline_id)]
        if ids:
            _analyze_storyline(store, pipeline, later, stamp, storyline_id, None, ids, set(), report, count=False,
                               notes={"canonical_name": linker.linker.canonical_name})


def _analyze_storyline(store, pipeline, stages, stamp, storyline_id, digest, ids, fresh, report,
                       count: bool = True, notes: dict | None = None) -> None:
    docs = canonical_order(list(store.iter_documents(ids)))
    payloads = store.get_analysis(ids)
    for doc in docs:
        _attach(doc, payloads.get(doc.id))
    batch = Batch(docs, store, pipeline.settings, storyline=storyline_id, new=[i for i in ids if i in fresh])
    batch.notes.update(notes or {})
    with store.transaction():
        for stage in stages:
            try:
                stage.process_storyline(batch)
            except StorylineError:
                raise
            except Exception as exc:  # record and go on: one storyline must not block the rest
                store.put_problem(stage.name, None, type(exc).__name__, f"storyline {storyline_id}: {exc}"[:500])
                report.problems += 1
        store.put_analysis({d.id: _payload(d) for d in docs}, stamp)
    report.storylines += count
