"""Hostile corpus: over 1,000 bad inputs through `storyline ingest`, as a real process.

No crash, no traceback, one clear reason per rejected input (stderr and the rejects
table), every acceptable document stored and findable, legacy encodings decoded.
Set STORYLINE_RELIABILITY_REPORT=DIR to keep the outcome table (tried / stored /
rejected per family, rejects per reason) for a closing note.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from harness import TRACEBACK, check_corpus, run_cli
from hostile import LEGACY, LEGACY_SENTENCES, article, build_corpus, html_page
from storyline.pipeline import ingest
from storyline.stages.ingest import decode_bytes, display_path
from storyline.stores.sqlite import SQLiteStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory):
    """Build the corpus once and ingest it once with the CLI's defaults (process pool)."""
    base = tmp_path_factory.mktemp("hostile")
    corpus = build_corpus(base / "corpus")
    db = base / "hostile.db"
    result = run_cli("ingest", corpus.root, "--db", db, "--json", timeout=1800)
    return corpus, db, result


def _summary(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_hostile_corpus_has_over_a_thousand_inputs(hostile_run):
    corpus, _, _ = hostile_run
    assert len(corpus.expects) >= 1000
    kinds = {e.kind for e in corpus.expects}
    assert {"accept", "reject"} <= kinds


def test_hostile_ingest_survives_without_a_traceback(hostile_run):
    corpus, db, result = hostile_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert not TRACEBACK.search(result.stderr), result.stderr[-3000:]
    summary = _summary(result)
    expected_rejects = sum(e.kind == "reject" for e in corpus.expects)
    assert expected_rejects <= summary["rejected"] <= expected_rejects + sum(e.kind == "either" for e in corpus.expects)
    assert summary["stored"] + summary["versions"] > 700
    assert sum(summary["reject_reasons"].values()) == summary["rejected"]
    with SQLiteStore(db) as store:
        assert store.integrity_check() == "ok"


def test_hostile_each_reject_is_one_stderr_line_and_one_record(hostile_run):
    _, db, result = hostile_run
    with SQLiteStore(db) as store:
        rejects = store.rejects()
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(rejects) == _summary(result)["rejected"] == len(lines)
    for r in rejects:
        assert f"{r['origin']}: {r['reason']}" in lines
        assert "\n" not in r["origin"] and r["reason"].strip()


def test_hostile_outcomes_match_expectations(hostile_run):
    corpus, db, result = hostile_run
    verdict = check_corpus(corpus, db)
    report = os.environ.get("STORYLINE_RELIABILITY_REPORT")
    if report:
        Path(report).mkdir(parents=True, exist_ok=True)
        extra = ["", "Findings (not failures):"] + verdict.findings + ["", "HTML decoding mismatches:"]
        extra += verdict.decode_mismatch
        Path(report, "hostile.md").write_text(verdict.table() + "\n" + "\n".join(extra) + "\n")
    assert not verdict.failures, "\n".join(verdict.failures[:40])
    assert sum(verdict.tried.values()) == len(corpus.expects)


def test_hostile_rerun_changes_nothing(hostile_run, tmp_path):
    corpus, db, _ = hostile_run
    copy = tmp_path / "again.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    before = sqlite3.connect(copy).execute("SELECT COUNT(*), (SELECT COUNT(*) FROM rejects) FROM documents").fetchone()
    result = run_cli("ingest", corpus.root, "--db", copy, "--json", timeout=1800)
    assert result.returncode == 0 and not TRACEBACK.search(result.stderr)
    summary = _summary(result)
    assert (summary["stored"], summary["versions"]) == (0, 0), summary
    after = sqlite3.connect(copy).execute("SELECT COUNT(*), (SELECT COUNT(*) FROM rejects) FROM documents").fetchone()
    assert after == before  # same rows; rejects are not recorded twice


@pytest.mark.parametrize("encoding, lang, label", LEGACY)
def test_hostile_text_files_in_legacy_encodings_decode_exactly(encoding, lang, label):
    sentence = LEGACY_SENTENCES[lang]
    title, paras = article(__import__("random").Random(1), "zork99999", paragraphs=3, dash="-")
    raw = "\n\n".join([title, sentence + " " + paras[0], *paras[1:], sentence]).encode(encoding)
    text, _ = decode_bytes(raw)
    assert sentence in text and "zork99999" in text


@pytest.mark.parametrize("form", ["meta-charset", "http-equiv"])
@pytest.mark.parametrize("encoding, lang, label", [e for e in LEGACY if not e[0].startswith("utf")])
def test_hostile_html_with_declared_charset_decodes(tmp_path, settings, encoding, lang, label, form):
    sentence = LEGACY_SENTENCES[lang]
    title, paras = article(__import__("random").Random(2), "zork99998", paragraphs=3, dash="-")
    paras[1] = sentence + " " + paras[1]
    head = (f'<meta charset="{label}">' if form == "meta-charset"
            else f'<meta http-equiv="Content-Type" content="text/html; charset={label}">')
    (tmp_path / "page.html").write_bytes(html_page(title, paras, head=head, lang=lang).encode(encoding))
    with SQLiteStore(tmp_path / "s.db") as store:
        report = ingest(store, [tmp_path / "page.html"], settings, engine="serial")
        assert report.stored == 1, report.rejected
        assert sentence in store.get_document("page").text


def test_hostile_origin_of_undecodable_file_name_is_printable(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9\n.txt"
    assert display_path(os.fsdecode(raw)).endswith("caf\\xe9\\n.txt")
    assert display_path("plain/name.txt") == "plain/name.txt"
