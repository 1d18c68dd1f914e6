"""The attribution record the finders share before speakers are resolved."""

from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass
class Attribution:
    content: list[Span]
    cue: Span | None = None
    source: Span | None = None
    direct: bool | None = None  # None: decide from the quotation marks
    extra: dict = field(default_factory=dict)

    @property
    def hull(self) -> Span:
        return min(s for s, _ in self.content), max(e for _, e in self.content)
