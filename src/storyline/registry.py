"""Stage registration: each stage declares what it reads and what it writes.

A stage is a class with up to five parts, each optional:

- `process(doc) -> Document`: pure per-document work. It may run in a worker process
  (or on a Dask worker), so it must not touch the store.
- `process_many(docs)`: pure per-document work done for several documents at once, after
  every stage's `process` ran on each (a model that is faster on batches). Like `process`
  it may run in a worker; what it gives a document must not depend on the others.
- `process_batch(batch)`: work that needs other documents or stored state (dedup,
  events), run in the main process, in canonical order.
- `process_storyline(batch)`: analysis-phase work over one storyline's documents
  (entity linking, quote merging, briefings), run lazily when a storyline changed.
- `finish(store)`: once at the end of a run, to save state kept in memory.

`@stage` registers a class; a plain function `(doc, settings) -> Document` is wrapped
into a per-document stage. Built-in stages register themselves exactly as a plugin
would, and `pipeline.STAGES` lists their order once.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .errors import ConfigError

if TYPE_CHECKING:
    from .model import Document
    from .settings import Settings
    from .stores.base import Store

PHASES = ("ingest", "analysis")


@dataclass
class Batch:
    """What a batch or storyline part sees: documents in canonical order, the store, settings."""

    documents: list["Document"]
    store: "Store"
    settings: "Settings"
    storyline: str | None = None
    new: list[str] = field(default_factory=list)  # ids analysed in this run (analysis phase)
    notes: dict[str, Any] = field(default_factory=dict)  # stage results for the writer


class Stage:
    """Base class; subclasses override the parts they need."""

    name: str = ""
    phase: str = "ingest"
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __init__(self, settings: "Settings"):
        self.settings = settings

    def process(self, doc: "Document") -> "Document":
        return doc

    def process_many(self, docs: list["Document"]) -> None:
        return None

    def process_batch(self, batch: Batch) -> None:
        return None

    def process_storyline(self, batch: Batch) -> None:
        return None

    def finish(self, store: "Store") -> None:
        """Called once at the end of a run: save state kept in memory across batches."""
        return None

    @classmethod
    def has(cls, part: str) -> bool:
        return getattr(cls, part) is not getattr(Stage, part)


REGISTRY: dict[str, type[Stage]] = {}


def stage(name: str, *, phase: str = "ingest", requires: tuple[str, ...] | list[str] = (),
          assigns: tuple[str, ...] | list[str] = ()) -> Callable[[Any], Any]:
    """Register a stage class, or a per-document function `(doc, settings) -> Document`.

    Example:
        @stage("language", requires=["doc.text"], assigns=["doc.language"])
        def language(doc, settings): ...
    """
    if not name or "." in name:
        raise ConfigError(f"stage name {name!r} must be non-empty and contain no '.'")
    if phase not in PHASES:
        raise ConfigError(f"stage {name!r}: phase must be one of {PHASES}, not {phase!r}")

    def register(target: Any) -> Any:
        if inspect.isclass(target):
            cls = target
        else:
            cls = type(f"{name.title()}Stage", (Stage,), {
                "process": lambda self, doc, _f=target: _f(doc, self.settings),
                "__doc__": target.__doc__,
                "__module__": target.__module__,
            })
        cls.name, cls.phase = name, phase
        cls.requires, cls.assigns = tuple(requires), tuple(assigns)
        previous = REGISTRY.get(name)
        if previous is not None and previous.__qualname__ != cls.__qualname__:
            raise ConfigError(f"stage {name!r} is already registered by {previous.__module__}")
        REGISTRY[name] = cls
        return target

    return register
