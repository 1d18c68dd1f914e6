"""storyline's exceptions: one root, each named after what went wrong.

    StorylineError
      ConfigError        a setting is unknown, malformed or contradicts another
      InputError         an input could not be used (carries source and doc_id)
        FetchError       a URL could not or may not be fetched (policy, robots.txt, HTTP, network)
      StageError         a stage failed on a document (carries stage and doc_id)
      StoreError
        StoreUnavailable the store cannot be opened or reached
        ConflictError    a write clashes with what the store holds
        NotFound         no record with that id
      ExportError
      MissingExtra       an optional dependency is not installed

Catch `StorylineError` to handle anything storyline raises on purpose:

    try:
        storyline.ingest(store, ["articles/"])
    except storyline.StorylineError as exc:
        print(exc)
"""

from __future__ import annotations


class StorylineError(Exception):
    """Root of every error storyline raises on purpose."""


class ConfigError(StorylineError):
    """A setting is unknown, malformed, or contradicts another."""


class InputError(StorylineError):
    """An input could not be used; `source` names it, `reason` says why in a few words."""

    def __init__(self, source: str, reason: str, doc_id: str | None = None):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.doc_id = doc_id


class FetchError(InputError):
    """A URL could not be fetched, or may not be (not http(s), a private address,
    robots.txt); `source` is the URL and `reason` says why."""

    def __init__(self, url: str, reason: str):
        super().__init__(url, reason)


class StageError(StorylineError):
    """A stage failed on one document; the original exception is `__cause__`."""

    def __init__(self, stage: str, doc_id: str | None, message: str):
        where = f" on doc {doc_id}" if doc_id else ""
        super().__init__(f"stage '{stage}' failed{where}: {message}")
        self.stage = stage
        self.doc_id = doc_id


class StoreError(StorylineError):
    """The store could not do what was asked."""


class StoreUnavailable(StoreError):
    """The store cannot be opened or reached."""


class ConflictError(StoreError):
    """A write clashes with what the store already holds."""


class NotFound(StoreError):
    """No record with that id."""


class ExportError(StorylineError):
    """An export could not be written."""


class MissingExtra(StorylineError):
    """A feature needs an optional dependency; the message names the pip extra."""

    def __init__(self, feature: str, extra: str):
        super().__init__(f"{feature} needs the '{extra}' extra: pip install 'storyline[{extra}]'")
        self.extra = extra
