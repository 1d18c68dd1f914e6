"""Property-based tests (hypothesis) for the parsers and normalisers ingest relies on."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import unicodedata
from datetime import datetime, timezone
from pathlib import PurePosixPath

import pytest
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from storyline.errors import InputError
from storyline.model import Document
from storyline.settings import load_settings
from storyline.stages.ingest import (ID_EXTENSIONS, Rejected, _iter_jsonl_lines, binary_kind, decode_bytes,
                                     display_path, doc_id_from_path, ingest as ingest_stage, normalize_date,
                                     normalize_text, sanitize_id)
from storyline.stores.sqlite import fts_query

SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
PROPS = settings(max_examples=int(os.environ.get("STORYLINE_HYPOTHESIS_EXAMPLES", "150")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])

# Text with the awkward parts of Unicode over-represented.
awkward = st.text(st.one_of(
    st.characters(),
    st.sampled_from(list("./\\\x00\n\r\t \u202e\u200b\ufeff\ud800\udfff\u0301\u3000\"'*:-_é日ا")),
), max_size=300)


def _assert_safe_id(value: str) -> None:
    assert SAFE_ID.match(value), value
    assert value.strip(".") != ""  # never '.', '..': those are paths
    base = PurePosixPath("/store/blobs")
    assert (base / value).parent == base  # a file named after the id stays in its folder


@PROPS
@given(awkward)
@example("../../etc/passwd")
@example("..")
@example("/absolute/path")
@example("a\x00b")
@example("x" * 5000)
def test_properties_sanitize_id_is_safe_and_stable(value):
    clean = sanitize_id(value)
    _assert_safe_id(clean)
    assert sanitize_id(clean) == clean


@PROPS
@given(st.text(st.sampled_from("abcXYZ019._-"), min_size=1, max_size=120))
def test_properties_sanitize_id_keeps_plain_ids_exactly(value):
    assume(value.strip("."))
    assert sanitize_id(value) == value


@PROPS
@given(awkward.filter(lambda s: "/" not in s and "\x00" not in s and s not in ("", ".", "..")))
def test_properties_doc_id_from_path_is_a_safe_id(name):
    doc_id = doc_id_from_path(name)
    _assert_safe_id(doc_id)
    assert doc_id == doc_id_from_path(f"folder/sub/{name}")


@PROPS
@given(st.text(st.sampled_from("abcdefXYZ0123_-"), min_size=1, max_size=60),
       st.lists(st.sampled_from(ID_EXTENSIONS), min_size=1, max_size=3))
def test_properties_doc_id_strips_every_known_extension(stem, exts):
    assert doc_id_from_path(stem + "".join(exts)) == stem


@PROPS
@given(st.binary(max_size=3000))
@example(b"\xff\xfe")
@example(b"\x00" * 100)
@example(b"\xef\xbb\xbf")
@example("caf\xe9".encode("latin-1"))
def test_properties_decode_bytes_raises_only_input_error(raw):
    try:
        text, encoding = decode_bytes(raw, "x")
    except InputError:
        return
    assert isinstance(text, str) and isinstance(encoding, str)
    assert not CONTROL.search(text)
    text.encode("utf-8")  # storable


utf8_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=400).map(
    lambda t: unicodedata.normalize("NFC", t)).filter(lambda t: not t.startswith("\ufeff"))


@PROPS
@given(utf8_text)
@example("MZ Holdings said on Tuesday it would cut 40 jobs.")
@example("BZh is not a word.")
def test_properties_decode_bytes_round_trips_utf8(text):
    decoded, encoding = decode_bytes(text.encode("utf-8"))
    assert decoded == text and encoding == "utf-8"


@PROPS
@given(awkward)
def test_properties_normalize_text_is_idempotent_and_clean(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert not CONTROL.search(once) and "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


dates = st.one_of(
    awkward,
    st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()),
    st.integers().map(str), st.floats().map(str),
    st.sampled_from(["0000-01-01", "9999-12-31", "-0001-01-01", "2020-02-30", "Sun, 02 Feb 2020 10:00:00 +9999",
                     "Mon, 99 Foo 9999 99:99:99 GMT", "yesterday", "1e400", "٢٠٢٠-٠٢-٠٢", "2020-02-02T25:61:61"]),
)


@pytest.mark.slow  # dateparser takes milliseconds a string
@PROPS
@given(dates)
def test_properties_normalize_date_never_raises_and_stays_in_bounds(value):
    out = normalize_date(value)
    if out is None:
        return
    parsed = datetime.fromisoformat(out)
    assert 1800 <= parsed.year <= datetime.now(timezone.utc).year + 1


@pytest.fixture(scope="module")
def fts_db():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('Dock strike ends', 'Union leaders in Port Alder accepted the deal')")
    yield conn
    conn.close()


@PROPS
@given(st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=8),
                          st.sampled_from(list('"*()^:+-{}') + [" AND ", " OR ", " NOT ", " NEAR(", "NEAR/2"])),
                max_size=20).map("".join))
@example('"unterminated')
@example("AND OR NOT")
@example("title:strike")
@example("^dock*")
@example("NEAR(dock strike, 2)")
@example('""')
@example("_ _")
def test_properties_fts_query_is_always_valid_fts5(fts_db, query):
    match = fts_query(query)
    if match:
        fts_db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


def test_properties_fts_query_finds_words_and_phrases(fts_db):
    def hits(q):
        return fts_db.execute("SELECT COUNT(*) FROM t WHERE t MATCH ?", (fts_query(q),)).fetchone()[0]
    assert hits("port alder") == hits('"Port Alder"') == hits("uni*") == 1
    assert hits('"alder port"') == 0


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), awkward),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(awkward, children, max_size=4),
    max_leaves=12,
)
records = st.fixed_dictionaries({}, optional={
    key: json_values for key in ("id", "title", "text", "html", "url", "source", "published", "author", "fetched_at")
})


@pytest.mark.slow
@PROPS
@given(st.lists(st.one_of(
    records.map(lambda r: json.dumps(r).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    awkward.map(lambda t: t.encode("utf-8", "surrogatepass")),
), max_size=8))
def test_properties_jsonl_parsing_never_raises(lines):
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    items = list(_iter_jsonl_lines(io.BytesIO(data), "feed.jsonl", 10_000))
    settings_ = load_settings(environ={})
    for item in items:
        assert isinstance(item, (Document, Rejected))
        if isinstance(item, Rejected):
            assert item.reason.strip() and "\n" not in item.reason
            continue
        _assert_safe_id(item.id)
        doc = ingest_stage(item, settings_)
        for value in (doc.title, doc.url, doc.source, doc.author, doc.body, doc.extra.get("html")):
            if value is not None:
                value.encode("utf-8")  # no lone surrogates reach the store


@PROPS
@given(st.binary(max_size=2000))
def test_properties_binary_kind_never_raises(raw):
    kind = binary_kind(raw)
    assert kind is None or isinstance(kind, str)


@PROPS
@given(st.text(max_size=100))
def test_properties_display_path_is_one_printable_line(name):
    shown = display_path(name)
    assert "\n" not in shown and "\r" not in shown
    shown.encode("utf-8")
