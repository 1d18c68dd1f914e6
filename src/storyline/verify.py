"""verify: every stored span must cite exactly the text it claims."""

from __future__ import annotations

from dataclasses import dataclass

from .settings import Settings
from .stores.base import Store
from .views import ensure_analysis


@dataclass
class Mismatch:
    kind: str  # quote | figure | briefing
    record: str
    document: str
    start: int
    end: int
    problem: str


def _check(texts: dict[str, str], kind: str, record: str, doc_id: str, start: int, end: int,
           expected: str | None) -> Mismatch | None:
    text = texts.get(doc_id)
    if text is None:
        return Mismatch(kind, record, doc_id, start, end, "document not found")
    if not (0 <= start < end <= len(text)):
        return Mismatch(kind, record, doc_id, start, end, f"span outside the text ({len(text)} chars)")
    if expected is not None and text[start:end] != expected:
        return Mismatch(kind, record, doc_id, start, end,
                        f"cites {text[start:end][:60]!r}, record says {expected[:60]!r}")
    return None


def verify(store: Store, settings: Settings | None = None) -> tuple[int, list[Mismatch]]:
    """Check every quote mention, figure mention and briefing sentence against the stored text.

    Returns (spans checked, mismatches).
    """
    ensure_analysis(store, settings)
    texts = {d.id: d.text for d in store.iter_documents()}
    analysis = store.get_analysis(list(texts))
    checked, problems = 0, []
    for doc_id, payload in analysis.items():
        for kind, key in (("quote", "quotes"), ("figure", "figures")):
            for m in payload.get(key, []):
                checked += 1
                problem = _check(texts, kind, m.get(kind) or "", doc_id, m["start"], m["end"], m.get("text"))
                if problem:
                    problems.append(problem)
    for kind in ("quote", "figure"):
        for record in store.iter_records(kind):
            for m in record.get("mentions", []):
                checked += 1
                problem = _check(texts, kind, record["id"], m["document"], m["start"], m["end"], None)
                if problem:
                    problems.append(problem)
    for record in store.iter_records("briefing"):
        for s in record.get("sentences", []):
            checked += 1
            problem = _check(texts, "briefing", record["id"], s["document"], s["start"], s["end"], s["text"])
            if problem:
                problems.append(problem)
    return checked, problems
