"""dask engine: per-document stages on a Dask cluster give what a single process gives."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from storyline.errors import ConfigError, MissingExtra
from storyline.export import export_json
from storyline.model import Document
from storyline.pipeline import Pipeline, analyze, ingest
from storyline.stores.sqlite import SQLiteStore
from storyline.views import document_dict

pytestmark = pytest.mark.issue(9)

DEMO = Path(__file__).resolve().parents[1] / "src" / "storyline" / "demo" / "corpus"
TIMING = {"at", "seconds", "docs_per_s", "ingested_at", "updated_at"}


@pytest.fixture(scope="module")
def scheduler():
    """One LocalCluster for the module (starting one costs seconds); yields its address."""
    distributed = pytest.importorskip("dask.distributed", reason="needs the 'dask' extra")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def _strip(value):
    """The export without timing fields, which differ between any two runs."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _ingested(store) -> dict:
    """What ingest stored: documents, events, storylines and stage state."""
    return _strip({
        "documents": [document_dict(d, body=True) for d in store.iter_documents()],
        "events": list(store.iter_records("event")),
        "storylines": list(store.iter_records("storyline")),
        "minhash": store.get_states("minhash"),
    })


def _run(db: Path, settings, engine, *, export: bool) -> dict:
    with SQLiteStore(db) as store:
        report = ingest(store, [DEMO], settings, engine=engine)
        assert report.stored == 40 and report.problems == 0
        if not export:
            return _ingested(store)
        if not isinstance(engine, str):  # the analysis phase's per-document stages on Dask too
            analyze(store, settings, engine=engine)
        return _strip(export_json(store, settings))


def test_dask_ingest_matches_single_process(tmp_path, settings, scheduler):
    from storyline.dask_engine import DaskEngine

    engine = DaskEngine(settings, scheduler, min_parallel=0)
    try:
        via_dask = _run(tmp_path / "dask.db", settings, engine, export=False)
    finally:
        engine.close()
    serial = _run(tmp_path / "serial.db", settings, "serial", export=False)
    assert len(serial["documents"]) == 40 and serial["events"]
    assert via_dask == serial


@pytest.mark.slow
def test_dask_export_matches_single_process(tmp_path, settings, scheduler):
    from storyline.dask_engine import DaskEngine

    engine = DaskEngine(settings, scheduler, min_parallel=0)
    try:
        via_dask = _run(tmp_path / "dask.db", settings, engine, export=True)
    finally:
        engine.close()
    serial = _run(tmp_path / "serial.db", settings, "serial", export=True)
    assert len(serial["documents"]) == 40
    assert via_dask == serial


def test_dask_keeps_input_order_across_chunks(settings, scheduler):
    from storyline.dask_engine import DaskEngine

    docs = [Document(id=f"d{i:03d}", raw=f"Title {i}\n\nBody of article {i}, which says little.".encode(),
                     format="text", origin=f"d{i}.txt") for i in range(50)]
    engine = DaskEngine(settings, scheduler)
    try:
        results = engine.map_documents(Pipeline(settings), docs, "ingest")
        assert engine.slots == 2
    finally:
        engine.close()
    assert [doc.id for doc, _, _ in results] == [d.id for d in docs]
    assert [doc.title for doc, _, _ in results] == [f"Title {i}" for i in range(50)]


def test_dask_cli_runs_on_a_given_scheduler(runner, tmp_path, scheduler):
    from storyline.cli import cli

    result = runner.invoke(cli, ["ingest", str(DEMO), "--db", str(tmp_path / "x.db"), "--engine", "dask",
                                 "--scheduler", scheduler, "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["stored"] == 40


def test_dask_unreachable_scheduler_is_a_config_error(settings):
    pytest.importorskip("dask.distributed", reason="needs the 'dask' extra")
    from storyline.dask_engine import DaskEngine

    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskEngine(settings, "tcp://127.0.0.1:9", timeout=1)


def test_dask_missing_extra_names_it(settings, monkeypatch, runner, tmp_path):
    from storyline.cli import cli
    from storyline.engines import make_engine

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    with pytest.raises(MissingExtra, match=r"--engine dask needs the 'dask' extra: pip install 'storyline\[dask\]'"):
        make_engine("dask", settings)
    result = runner.invoke(cli, ["ingest", str(DEMO), "--db", str(tmp_path / "x.db"), "--engine", "dask"])
    assert result.exit_code == 1 and "pip install 'storyline[dask]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_dask_starts_a_local_cluster_without_scheduler(settings):
    from storyline.dask_engine import DaskEngine

    engine = DaskEngine(settings, workers=2)
    try:
        assert engine.cluster is not None and engine.slots == 2
        doc = Document(id="x", raw=b"Headline\n\nA short body about the harbour.", format="text", origin="x.txt")
        [(out, problems, reason)] = engine.map_documents(Pipeline(settings), [doc], "ingest")
        assert (out.title, problems, reason) == ("Headline", [], None)
    finally:
        engine.close()
