"""The CLI contract: --db, --json last line, exit codes, stderr reasons, export shape."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, write
from storyline.cli import cli

ARTICLES = {
    "strike-a.txt": "Dock strike ends in Port Alder\n\nPORT ALDER — Dock workers returned to work on Monday after "
                    "union leader Mara Okafor accepted a six percent pay rise. \"We got most of what we asked for,\" "
                    "Okafor said. About 1,200 workers had walked out nine days earlier.",
    "strike-b.txt": "Port Alder dockers back at work\n\nWorkers at the Port Alder docks went back on Monday. Union "
                    "chief Mara Okafor said the deal was fair. The harbour authority said 1,500 workers had joined "
                    "the strike.",
    "tram.txt": "Lindqvist approves tram line\n\nThe Lindqvist city council voted on Tuesday to build a tram line "
                "to the university. The line will cost 240 million euros, the mayor said.",
}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    for name, text in ARTICLES.items():
        write(folder, name, text)
    return folder


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_ingest_then_export_follows_the_contract(runner, corpus, db_path):
    result = run(runner, "ingest", corpus, "--db", db_path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["stored"] == 3
    result = run(runner, "export", "--db", db_path, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"schema_version", "documents", "events", "storylines", "entities", "quotes", "figures",
            "briefings"} <= set(data)
    doc_fields = {"id", "source", "title", "language", "published", "url", "author", "text", "raw_sha256",
                  "flags", "duplicate_of"}
    assert all(doc_fields <= set(d) for d in data["documents"])
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for event in data["events"]:
        assert {"id", "title", "documents", "date", "date_confidence", "independent_reports"} <= set(event)
    for briefing in data["briefings"]:
        for s in briefing["sentences"]:
            assert texts[s["document"]][s["start"]:s["end"]] == s["text"]
    for quote in data["quotes"]:
        for m in quote["mentions"]:
            assert texts[m["document"]][m["start"]:m["end"]]


def test_cli_ingest_exit_codes_and_stderr_reasons(runner, tmp_path, db_path):
    write(tmp_path, "empty.txt", "")
    result = run(runner, "ingest", tmp_path / "empty.txt", "--db", db_path)
    assert result.exit_code == 1
    assert "empty.txt: empty document" in result.stderr and "Traceback" not in result.output
    result = run(runner, "ingest", "--db", db_path)
    assert result.exit_code == 2  # usage error: no paths


def test_cli_rerun_is_a_successful_no_op(runner, corpus, db_path):
    assert run(runner, "ingest", corpus, "--db", db_path).exit_code == 0
    result = run(runner, "ingest", corpus, "--db", db_path, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[-1]) | {"seconds": 0, "docs_per_s": 0} == {
        "stored": 0, "versions": 0, "unchanged": 3, "rejected": 0, "reject_reasons": {}, "problems": 0,
        "seconds": 0, "docs_per_s": 0}


def test_cli_db_from_environment(runner, corpus, db_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_DB", str(db_path))
    assert run(runner, "ingest", corpus).exit_code == 0
    assert db_path.exists()


def test_cli_read_commands(runner, corpus, db_path):
    run(runner, "ingest", corpus, "--db", db_path)
    stories = json.loads(run(runner, "stories", "--db", db_path, "--json").stdout.splitlines()[-1])
    assert stories and all(s["id"].startswith("sl-") for s in stories)
    storyline = stories[0]["id"]
    shown = json.loads(run(runner, "show", storyline, "--db", db_path, "--json").stdout.splitlines()[-1])
    assert shown["kind"] == "storyline" and shown["events"]
    doc = json.loads(run(runner, "show", "tram", "--db", db_path, "--json").stdout.splitlines()[-1])
    assert doc["kind"] == "document" and doc["title"] == "Lindqvist approves tram line"
    brief = run(runner, "brief", storyline, "--db", db_path, "--format", "json")
    assert brief.exit_code == 0 and json.loads(brief.stdout)["storyline"] == storyline
    hits = json.loads(run(runner, "search", "tram", "--db", db_path, "--json").stdout.splitlines()[-1])
    assert [h["document"] for h in hits] == ["tram"]
    missing = run(runner, "show", "nope", "--db", db_path)
    assert missing.exit_code == 1 and "no document, event, storyline" in missing.stderr


def test_cli_verify_finds_no_mismatch(runner, corpus, db_path):
    run(runner, "ingest", corpus, "--db", db_path)
    result = run(runner, "verify", "--db", db_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["checked"] > 0 and report["mismatches"] == []


def test_cli_config_prints_every_setting(runner):
    data = json.loads(run(runner, "config", "--json").stdout.splitlines()[-1])
    assert data["dedup.threshold"] == 0.8


def test_cli_runs_as_a_module_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "storyline", "show", "x", "--db", str(tmp_path / "n.db")],
                          capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "no document" in proc.stderr


def test_cli_search_prints_highlighted_snippets(runner, corpus, db_path):
    run(runner, "ingest", corpus, "--db", db_path)
    result = run(runner, "search", "tram", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "tram" in result.stdout and "[[" not in result.stdout


def test_cli_brief_llm_rewrite_keeps_only_supported_sentences(runner, corpus, db_path, fake_llm):
    url, handler = fake_llm

    def answer(body):  # echo the first extractive sentence, then invent a claim
        first = body["messages"][1]["content"].splitlines()[0].split("] ", 1)[1]
        return f"{first} [1]\nThe harbour will close for good next year with 9,999 jobs lost. [1]"

    handler.answer = answer
    run(runner, "ingest", corpus, "--db", db_path)
    storyline = json.loads(run(runner, "stories", "--db", db_path, "--json").stdout.splitlines()[-1])[0]["id"]
    result = run(runner, "brief", storyline, "--db", db_path, "--format", "json", "--llm", url)
    data = json.loads(result.stdout)
    accepted, rejected = data["rewrite"]["accepted"], data["rewrite"]["rejected"]
    assert len(accepted) == 1 and len(rejected) == 1 and "9,999" in rejected[0]["text"]
    cited = accepted[0]["citations"][0]
    assert cited == {k: data["sentences"][0][k] for k in ("document", "start", "end")}
    assert data["sentences"]  # the cited extractive briefing is still there


def test_cli_brief_without_llm_sends_nothing(runner, corpus, db_path, fake_llm):
    _url, handler = fake_llm
    run(runner, "ingest", corpus, "--db", db_path)
    storyline = json.loads(run(runner, "stories", "--db", db_path, "--json").stdout.splitlines()[-1])[0]["id"]
    assert "rewrite" not in json.loads(run(runner, "brief", storyline, "--db", db_path, "--format", "json").stdout)
    assert handler.seen == []
