"""Rendering helpers shared by the web pages and the self-contained HTML report.

Nothing here marks article text as safe: text is split into plain segments on the
server and every segment goes through Jinja's autoescaping, so a `<script>` inside
an article is shown as text, never run. The timeline chart is computed here as
geometry and drawn by the `timeline` macro as inline SVG (no JS chart library).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- text segments --------------------------------------------------------------------

@dataclass
class Segment:
    """A stretch of text with the classes of the spans covering it (escaped when rendered)."""

    text: str
    classes: list[str] = field(default_factory=list)
    start: int = 0

    @property
    def css(self) -> str:
        return " ".join(self.classes)


def segments(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """Cut `text` at every span boundary; each piece carries the classes of the spans over it.

    Spans may overlap or fall outside the text (they are clipped); the pieces always
    join back to `text` exactly.

    Example:
        >>> [(s.text, s.classes) for s in segments("a big dog", [(2, 5, "hl")])]
        [('a ', []), ('big', ['hl']), (' dog', [])]
    """
    clipped = []
    for start, end, css in spans:
        start, end = max(0, int(start)), min(len(text), int(end))
        if end > start:
            clipped.append((start, end, css))
    cuts = sorted({0, len(text), *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        classes = [css for s, e, css in clipped if s <= a and b <= e]
        out.append(Segment(text[a:b], list(dict.fromkeys(classes)), a))
    return out or [Segment("", [], 0)]


def snippet_segments(snippet: str) -> list[Segment]:
    """Split a search snippet marked with [[ and ]] into plain and highlighted pieces."""
    out, rest = [], snippet
    while rest:
        head, sep, tail = rest.partition("[[")
        if head:
            out.append(Segment(head))
        if not sep:
            break
        hit, sep, rest = tail.partition("]]")
        out.append(Segment(hit, ["hit"]))
    return out


def context_of(text: str, start: int, end: int, limit: int = 320) -> tuple[str, str, str]:
    """(before, cited, after): the cited span inside its paragraph, trimmed to `limit` chars each side."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    if len(before) > limit:
        before = "…" + before[-limit:].split(" ", 1)[-1]
    if len(after) > limit:
        after = after[:limit].rsplit(" ", 1)[0] + "…"
    return before, text[start:end], after


# --- small filters ----------------------------------------------------------------------

def safe_url(url: Any) -> str | None:
    """The URL if it is plain http(s), else None: `javascript:` and `data:` never become links."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\"'<>` \n\r\t"):
        return url
    return None


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def fmt_date(value: Any, empty: str = "undated") -> str:
    """'2024-03-18T09:00:00+01:00' -> '18 Mar 2024'."""
    d = parse_date(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else (empty if not value else str(value))


def fmt_number(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def url_id(value: Any) -> str:
    """Quote an id for a URL path segment."""
    return quote(str(value), safe="")


def pct(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""


def make_env() -> Environment:
    """The one Jinja environment for pages and reports: autoescaping on everywhere."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)),
                      autoescape=select_autoescape(enabled_extensions=("html", "svg"), default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(safe_url=safe_url, fmt_date=fmt_date, fmt_number=fmt_number, url_id=url_id, pct=pct)
    env.globals.update(segments=segments, snippet_segments=snippet_segments, context_of=context_of,
                       timeline=timeline_layout, group_quotes=group_quotes, quality_rows=quality_rows)
    return env


# --- storyline parts ----------------------------------------------------------------

def group_quotes(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotes grouped by speaker (most quoted first); unattributed quotes last."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for q in quotes:
        groups.setdefault(q.get("speaker") or "", []).append(q)
    out = []
    for speaker, items in groups.items():
        for q in items:
            mentions = q.get("mentions") or []
            q["_verbatim"] = sum(1 for m in mentions if m.get("verbatim", True))
            q["_paraphrase"] = len(mentions) - q["_verbatim"]
        items.sort(key=lambda q: (-len(q.get("mentions") or []), q.get("id", "")))
        out.append({"speaker": speaker or None, "quotes": items})
    out.sort(key=lambda g: (g["speaker"] is None, -len(g["quotes"]), g["speaker"] or ""))
    return out


def quality_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents with quality flags, one row per document."""
    return [d for d in documents if d.get("flags")]


# --- timeline chart -------------------------------------------------------------------

# The chart stretches to its container: x positions are percentages, sizes are pixels,
# so labels keep their size on a phone. Overlaps are judged at this reference width.
REFERENCE_WIDTH = 640


def _bin_start(d: date, unit: str) -> date:
    if unit == "day":
        return d
    if unit == "week":
        return d - timedelta(days=d.weekday())
    return d.replace(day=1)


def _next_bin(d: date, unit: str) -> date:
    if unit == "day":
        return d + timedelta(days=1)
    if unit == "week":
        return d + timedelta(days=7)
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    span = (hi - lo).days
    out: list[tuple[date, str]] = []
    if span <= 14:
        d = lo
        step = 1 if span <= 7 else 2
        while d <= hi:
            out.append((d, f"{d.day} {MONTHS[d.month - 1]}"))
            d += timedelta(days=step)
        return out
    if span <= 120:
        d = lo + timedelta(days=(7 - lo.weekday()) % 7)
        while d <= hi:
            out.append((d, f"{d.day} {MONTHS[d.month - 1]}"))
            d += timedelta(days=7 if span <= 60 else 14)
        return out
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = max(1, math.ceil(months / 8))
    for step_ in (1, 2, 3, 4, 6, 12, 24, 60):
        if step_ >= step:
            step = step_
            break
    d = date(lo.year, lo.month, 1)
    if d < lo:
        d = _next_bin(d, "month")
    while d <= hi:
        if (d.year * 12 + d.month - 1) % step == 0:
            out.append((d, f"{MONTHS[d.month - 1]} {d.year}" if step < 12 else str(d.year)))
        d = _next_bin(d, "month")
    return out


def timeline_layout(events: list[dict[str, Any]], documents: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """Geometry of the timeline chart: one circle per dated event (area ~ its articles),
    bars of coverage volume (articles per day, week or month) and date ticks.

    x positions are percentages of the chart width; radii and heights are pixels.
    Returns None when no event has a date. Circles carry `number`, the event's position
    in the storyline's event list, so the picture and the list point at each other.
    """
    dated = []
    for number, event in enumerate(events, start=1):
        d = parse_date(event.get("date"))
        if d:
            dated.append((d, number, event))
    if not dated:
        return None
    published = [d for d in (parse_date(doc.get("published")) for doc in documents or []) if d]
    lo = min([d for d, _, _ in dated] + published)
    hi = max([d for d, _, _ in dated] + published)
    span = (hi - lo).days + 1
    pad = max(0.5, span * 0.08)  # room for the first and last circles on a phone

    def x_of(d: date, offset: float = 0.5) -> float:
        return round(100 * ((d - lo).days + offset + pad) / (span + 2 * pad), 2)

    # Circles: radius from the article count, stacked in lanes so they do not overlap.
    max_docs = max(len(e.get("documents") or []) for _, _, e in dated) or 1
    circles, lanes = [], []  # lanes: right edge (px at the reference width) of each lane's last circle
    for d, number, event in sorted(dated, key=lambda t: (t[0], t[1])):
        n_docs = len(event.get("documents") or []) or 1
        r = round(8 + 12 * math.sqrt(n_docs / max_docs), 1)
        px = x_of(d) * REFERENCE_WIDTH / 100
        lane = next((i for i, right in enumerate(lanes) if right + r + 3 <= px), None)
        if lane is None:
            if len(lanes) < 4:
                lanes.append(0.0)
                lane = len(lanes) - 1
            else:
                lane = min(range(len(lanes)), key=lambda i: lanes[i])
        lanes[lane] = px + r
        circles.append({"x": x_of(d), "lane": lane, "r": r, "number": number, "id": event.get("id"),
                        "title": event.get("title") or "", "date": fmt_date(event.get("date")),
                        "documents": n_docs, "reports": event.get("independent_reports", n_docs),
                        "outlets": event.get("outlets", 0)})
    lane_h = 46
    for c in circles:
        c["y"] = 30 + c["lane"] * lane_h
    bars_top = 30 + (len(lanes) - 1) * lane_h + 34
    bars_h = 60
    axis_y = bars_top + bars_h

    # Coverage volume: articles per bin, the bin size chosen from the time span.
    unit = "day" if span <= 120 else "week" if span <= 730 else "month"
    counts: dict[date, int] = {}
    for d in published:
        key = _bin_start(d, unit)
        counts[key] = counts.get(key, 0) + 1
    peak = max(counts.values()) if counts else 0
    bars = []
    for start, count in sorted(counts.items()):
        first, after = max(start, lo), min(_next_bin(start, unit), hi + timedelta(days=1))
        x0, x1 = x_of(first, 0), x_of(after, 0)
        width = max(min(x1 - x0, 6.0) - 0.2, 0.4)  # a lone day must not look like a month
        center = (x0 + x1) / 2
        h = round(bars_h * count / peak, 1)
        label = f"{fmt_date(start.isoformat())}: {count} article{'s' if count != 1 else ''}"
        bars.append({"x": round(center - width / 2, 2), "w": round(width, 2), "y": round(axis_y - h, 1), "h": h,
                     "count": count, "label": label + ("" if unit == "day" else f" that {unit}")})
    tick_offset = 0.5 if (hi - lo).days <= 120 else 0  # day ticks sit under the day, month ticks at its start
    ticks = [{"x": x_of(d, tick_offset), "label": label, "odd": n % 2 == 1}
             for n, (d, label) in enumerate(_ticks(lo, hi))]
    undated = len(events) - len(dated)
    return {"height": axis_y + 26, "circles": circles, "bars": bars, "ticks": ticks, "peak": peak,
            "axis_y": axis_y, "bars_top": bars_top, "unit": unit, "undated": undated,
            "summary": f"{len(dated)} dated event{'s' if len(dated) != 1 else ''} from {fmt_date(lo.isoformat())} "
                       f"to {fmt_date(hi.isoformat())}, {len(published)} dated article"
                       f"{'s' if len(published) != 1 else ''}"}
