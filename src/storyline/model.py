"""The records that flow through the pipeline.

One `Document` per article carries everything the per-document stages assign;
corpus-level results (events, storylines, entities, quotes, figures, briefings)
are their own records that point back at documents by id and character span.

Every span (`start`, `end`) is an offset into `Document.text`, the clean text,
in Python code points, unless a field's comment says otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FLAG_NAMES = ("machine_translated", "incoherent", "paywall", "boilerplate_removed", "duplicate")


@dataclass(slots=True)
class Removed:
    """A stretch of `Document.body` left out of the clean text, and why."""

    start: int
    end: int
    reason: str


@dataclass(slots=True)
class Flag:
    """A quality flag with its score in [0, 1] and the evidence that raised it."""

    name: str
    score: float = 1.0
    evidence: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EntityMention:
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ... as NER gave it
    entity: str | None = None  # id of the linked Entity


@dataclass(slots=True)
class QuoteMention:
    start: int  # content span, including its quotation marks when the text has them
    end: int
    text: str
    speaker: str | None = None  # resolved canonical name
    speaker_start: int | None = None  # the mention at the cue: a name, a role or a pronoun
    speaker_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    direct: bool = True  # False for indirect (reported) speech
    verbatim: bool = True  # False when this mention paraphrases the merged quote
    quote: str | None = None  # id of the merged Quote


@dataclass(slots=True)
class FigureMention:
    start: int
    end: int
    text: str
    value: float
    unit: str  # ISO currency (USD), "%", "people", ... or "" for a bare count
    what: str = ""  # what the number counts, normalised ("people detained")
    figure: str | None = None  # id of the grouped Figure


@dataclass(slots=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str  # ISO 8601 date
    confidence: float
    kind: str = "text"  # text | relative | dateline | published


@dataclass
class Document:
    """One article version, from raw bytes to per-document analysis.

    `body` is the extracted article text (headline excluded) before line-level
    junk removal; `removed` are spans of `body` left out; `text` is the clean
    text the spans of every later stage point into.
    """

    id: str
    raw: bytes = b""
    raw_sha256: str = ""
    origin: str = ""  # the path, URL or feed an input came from
    format: str = "text"  # text | html | jsonl | feed
    version: int = 1
    title: str | None = None
    source: str | None = None  # outlet
    url: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601
    published_confidence: float = 0.0
    published_evidence: str | None = None
    fetched_at: str | None = None
    body: str = ""
    text: str = ""
    removed: list[Removed] = field(default_factory=list)
    language: str | None = None
    language_score: float = 0.0
    flags: dict[str, Flag] = field(default_factory=dict)
    duplicate_of: str | None = None
    event: str | None = None
    storyline: str | None = None
    entities: list[EntityMention] = field(default_factory=list)
    quotes: list[QuoteMention] = field(default_factory=list)
    figures: list[FigureMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # plugin and stage scratch data

    def flag(self, name: str, score: float = 1.0, evidence: list[str] | None = None) -> None:
        self.flags[name] = Flag(name, round(float(score), 3), list(evidence or []))


@dataclass
class Report:
    """One independent report inside an event: an original and its copies."""

    original: str
    copies: list[str] = field(default_factory=list)


@dataclass
class Event:
    id: str
    title: str = ""
    documents: list[str] = field(default_factory=list)
    date: str | None = None
    date_confidence: float = 0.0
    storyline: str | None = None
    reports: list[Report] = field(default_factory=list)

    @property
    def independent_reports(self) -> int:
        return len(self.reports) if self.reports else len(self.documents)


@dataclass
class Storyline:
    id: str
    title: str = ""
    events: list[str] = field(default_factory=list)


@dataclass
class Entity:
    id: str
    name: str
    type: str
    variants: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


@dataclass
class Quote:
    id: str
    text: str
    speaker: str | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)  # {document, start, end, verbatim}


@dataclass
class Figure:
    id: str
    value: float
    unit: str
    what: str
    agreement: str = "single"  # agree | disagree | single
    mentions: list[dict[str, Any]] = field(default_factory=list)  # {document, start, end, value, unit}


@dataclass
class BriefingSentence:
    text: str
    document: str
    start: int
    end: int


@dataclass
class Briefing:
    sentences: list[BriefingSentence]
    storyline: str | None = None
    event: str | None = None


def to_dict(record: Any) -> dict[str, Any]:
    """Plain-dict view of a record, for JSON."""
    return asdict(record)
