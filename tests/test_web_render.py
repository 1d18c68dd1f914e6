"""Pure rendering helpers and the curation record (fast, no store analysis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from storyline.curation import alias_corrections, record_alias
from storyline.errors import ConfigError
from storyline.web.render import (context_of, group_quotes, make_env, safe_url, segments, snippet_segments,
                                  timeline_layout)


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70),
                                                st.sampled_from(["hl", "quote", "x"])), max_size=6))
def test_web_segments_rejoin_to_the_text(text, spans):
    pieces = segments(text, spans)
    assert "".join(p.text for p in pieces) == text
    for p in pieces:
        assert text[p.start:p.start + len(p.text)] == p.text
        covering = {css for start, end, css in spans
                    if max(0, start) <= p.start and p.start + len(p.text) <= min(len(text), end) and start < end}
        assert set(p.classes) == covering or not p.text


def test_web_segments_mark_overlaps():
    pieces = segments("a big red dog", [(2, 9, "quote"), (6, 13, "hl")])
    assert [(p.text, p.classes) for p in pieces] == [
        ("a ", []), ("big ", ["quote"]), ("red", ["quote", "hl"]), (" dog", ["hl"])]


def test_web_snippet_segments_split_on_markers():
    pieces = snippet_segments("the [[dam]] failed [[fast")
    assert [(p.text, p.classes) for p in pieces] == [("the ", []), ("dam", ["hit"]), (" failed ", []),
                                                      ("fast", ["hit"])]
    assert snippet_segments("") == []


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/a?b=1", True), ("http://example.org", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,<script>", False),
    ("vbscript:msgbox", False), ("https://x.org/\"><script>", False), ("//example.org", False),
    ("https://", False), (None, False), (42, False), ("http://[::1", False),
])
def test_web_safe_url_allows_only_plain_web_addresses(url, ok):
    assert (safe_url(url) is not None) == ok


def test_web_templates_autoescape_everything():
    env = make_env()
    out = env.from_string("{{ x }}<a title=\"{{ x }}\">").render(x='"><script>alert(1)</script>')
    assert "<script>" not in out and "&#34;&gt;" in out
    assert env.from_string("{{ x }}").render(x=Markup("<b>ok</b>")) == "<b>ok</b>"


def test_web_context_of_returns_the_cited_paragraph():
    text = "First paragraph.\n\nBefore the span. The cited sentence. After it.\n\nLast."
    start = text.index("The cited")
    end = text.index("After") - 1
    before, cited, after = context_of(text, start, end)
    assert (before, cited, after) == ("Before the span. ", "The cited sentence.", " After it.")
    long_text = "word " * 200 + "TARGET" + " word" * 200
    before, cited, after = context_of(long_text, 1000, 1006, limit=50)
    assert cited == "TARGET" and len(before) <= 52 and len(after) <= 52


def test_web_timeline_layout_places_dated_events_and_volume():
    events = [{"id": "e1", "date": "2024-03-17", "documents": ["a", "b", "c"], "title": "one"},
              {"id": "e2", "date": "2024-03-18", "documents": ["d"], "title": "two"},
              {"id": "e3", "date": None, "documents": ["e"], "title": "undated"},
              {"id": "e4", "date": "2025-01-22T10:00:00+00:00", "documents": ["f", "g"], "title": "later"}]
    docs = [{"published": d} for d in ("2024-03-17", "2024-03-17", "2024-03-18", "2025-01-22", None, "bad")]
    chart = timeline_layout(events, docs)
    assert [c["number"] for c in chart["circles"]] == [1, 2, 4] and chart["undated"] == 1
    assert all(0 < c["x"] < 100 for c in chart["circles"])
    xs = [c["x"] for c in chart["circles"]]
    assert xs == sorted(xs) and chart["circles"][0]["r"] > chart["circles"][1]["r"]
    assert sum(b["count"] for b in chart["bars"]) == 4 and chart["unit"] == "week"
    assert chart["ticks"] and all(0 <= t["x"] <= 100 for t in chart["ticks"])
    # Two events a day apart must not be drawn on top of each other.
    first, second = chart["circles"][:2]
    assert first["lane"] != second["lane"] or abs(first["x"] - second["x"]) * 6.4 > first["r"] + second["r"]
    assert timeline_layout([{"id": "x", "date": None, "documents": []}], []) is None
    single = timeline_layout([{"id": "x", "date": "2024-01-01", "documents": ["a"]}], [{"published": "2024-01-01"}])
    assert single["unit"] == "day" and len(single["circles"]) == 1 and single["bars"][0]["w"] <= 6


def test_web_group_quotes_by_speaker_with_marks():
    quotes = [{"id": "q1", "text": "a", "speaker": "Ilse Marrin",
               "mentions": [{"document": "d1", "verbatim": True}, {"document": "d2", "verbatim": False}]},
              {"id": "q2", "text": "b", "speaker": None, "mentions": [{"document": "d1"}]},
              {"id": "q3", "text": "c", "speaker": "Ilse Marrin", "mentions": []}]
    groups = group_quotes(quotes)
    assert [g["speaker"] for g in groups] == ["Ilse Marrin", None]
    assert [(q["id"], q["_verbatim"], q["_paraphrase"]) for q in groups[0]["quotes"]] == [("q1", 1, 1), ("q3", 0, 0)]


def test_web_record_alias_validates_and_keeps_one_record_per_pair(sqlite_store):
    with pytest.raises(ConfigError):
        record_alias(sqlite_store, "shout", "A", "B")
    with pytest.raises(ConfigError):
        record_alias(sqlite_store, "merge", "  ", "B")
    with pytest.raises(ConfigError):
        record_alias(sqlite_store, "merge", "Ilse  MARRIN", "Ilse Marrin")
    with pytest.raises(ConfigError):
        record_alias(sqlite_store, "merge", "x" * 300, "Ilse Marrin")
    first = record_alias(sqlite_store, "merge", "I. Marrin", "Ilse Marrin")
    second = record_alias(sqlite_store, "veto", "i marrin", "ILSE MARRIN")
    assert first["id"] == second["id"]
    assert [(c["action"], c["variant"]) for c in alias_corrections(sqlite_store, ["Ilse Marrin"])] == [("veto", "i marrin")]
    assert alias_corrections(sqlite_store, ["Someone Else"]) == []
