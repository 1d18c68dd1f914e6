"""pipeline: stage order checks, registry rules, engines, canonical order."""

from __future__ import annotations

import json

import pytest

from conftest import write
from storyline.engines import ProcessEngine, SerialEngine
from storyline.errors import ConfigError
from storyline.model import Document
from storyline.pipeline import STAGES, Pipeline, canonical_order, check_order, ingest
from storyline.registry import REGISTRY, Stage, stage
from storyline.settings import load_settings


def test_pipeline_lists_every_registered_stage_once():
    assert len(STAGES) == len(set(STAGES))
    assert set(STAGES) <= set(REGISTRY)
    check_order(STAGES)


def test_pipeline_refuses_a_stage_before_its_requirements():
    with pytest.raises(ConfigError, match="stage 'quotes' requires doc.entities"):
        check_order(["ingest", "clean", "language", "quotes", "entities"])
    with pytest.raises(ConfigError, match="unknown stage 'nope'"):
        check_order(["ingest", "nope"])
    with pytest.raises(ConfigError, match="listed twice"):
        check_order(["ingest", "ingest"])


def test_registry_rejects_bad_names_and_clashes():
    with pytest.raises(ConfigError, match="contain no '.'"):
        stage("a.b")
    with pytest.raises(ConfigError, match="already registered"):
        @stage("quotes", phase="analysis")
        class Other(Stage):
            pass
    assert REGISTRY["quotes"].__name__ == "Quotes"


def test_pipeline_canonical_order_ignores_input_order():
    docs = [Document(id="b", published="2020-01-02"), Document(id="a"), Document(id="c", published="2020-01-01")]
    assert [d.id for d in canonical_order(docs)] == ["c", "b", "a"]
    assert [d.id for d in canonical_order(docs[::-1])] == ["c", "b", "a"]


def _articles(tmp_path, n=6):
    for i in range(n):
        write(tmp_path, f"a{i}.txt", f"Headline number {i}\n\nThe council of town {i} met on Monday and voted "
                                      f"to repair bridge {i}, officials said. Work starts in spring.")
    return tmp_path


def test_pipeline_process_pool_matches_serial(tmp_path, settings):
    docs = [Document(id=f"a{i}", raw=p.read_bytes(), format="text", origin=str(p))
            for i, p in enumerate(sorted(_articles(tmp_path).glob("*.txt")))]
    pipeline = Pipeline(settings)
    serial = SerialEngine().map_documents(pipeline, [Document(**d.__dict__) for d in docs], "ingest")
    pool = ProcessEngine(settings, workers=2, min_parallel=1)
    try:
        parallel = pool.map_documents(pipeline, docs, "ingest")
    finally:
        pool.close()
    strip = lambda r: (r[0].id, r[0].text, r[0].title, r[0].language, r[2])
    assert [strip(r) for r in serial] == [strip(r) for r in parallel]


def test_pipeline_stage_bug_becomes_a_recorded_problem(settings):
    class Broken(Stage):
        name = "broken"

        def process(self, doc):
            raise ValueError("boom")

    pipeline = Pipeline(settings)
    pipeline.stages.insert(3, Broken(settings))
    doc, problems, reason = pipeline.process_document(
        Document(id="x", raw=b"Title here\n\nSome article text that is long enough to keep.", format="text"), "ingest")
    assert problems == [("broken", "ValueError", "boom")] and reason is None
    assert doc.text  # later stages still ran


def test_pipeline_model_loading_does_not_count_against_the_time_budget(settings):
    class SlowToLoad(Stage):
        name = "slow_to_load"
        loaded = False

        def process(self, doc):
            if not SlowToLoad.loaded:  # a lazily loaded model: the first call pays for it
                import time
                time.sleep(1.5)
                SlowToLoad.loaded = True
            return doc

    pipeline = Pipeline(load_settings(environ={}, overrides={"ingest.doc_timeout": 1.0}))
    pipeline.stages.insert(3, SlowToLoad(settings))
    doc, problems, reason = pipeline.process_document(
        Document(id="x", raw=b"Title here\n\nSome article text that is long enough to keep.", format="text"), "ingest")
    assert reason is None and not problems and doc.text


class _Together(Stage):
    """Marks documents in `process_many`; fails on a document with id 'bad', sleeps on 'slow'."""

    name = "together"
    calls: list[list[str]] = []

    def process_many(self, docs):
        _Together.calls.append([d.id for d in docs])
        for doc in docs:
            if doc.id == "bad":
                raise ValueError("bad document")
            if doc.id == "slow":
                import time
                time.sleep(30)
            doc.extra["together"] = len(docs)


def _raw(doc_id, text="Title here\n\nSome article text that is long enough to keep."):
    return Document(id=doc_id, raw=text.encode(), format="text", origin=doc_id)


def test_pipeline_process_many_gets_the_chunk_and_only_a_failing_document_gets_the_problem(settings):
    pipeline = Pipeline(settings)
    pipeline.stages.append(_Together(settings))
    pipeline.process_documents([_raw("first")], "ingest")  # after the warm-up
    _Together.calls.clear()
    results = pipeline.process_documents([_raw("a"), _raw("empty", " "), _raw("bad"), _raw("b")], "ingest")
    assert [r[0].id for r in results] == ["a", "empty", "bad", "b"]
    assert _Together.calls == [["a", "bad", "b"], ["a"], ["bad"], ["b"]]  # rejected ones never
    by_id = {doc.id: (doc, problems, reason) for doc, problems, reason in results}
    assert by_id["bad"][1] == [("together", "ValueError", "bad document")] and by_id["bad"][2] is None
    assert by_id["empty"][2]
    assert all(by_id[i][0].extra["together"] == 1 and not by_id[i][1] for i in ("a", "b"))


def test_pipeline_process_many_past_the_budget_rejects_only_the_slow_document():
    settings = load_settings(environ={}, overrides={"ingest.doc_timeout": 0.5})
    pipeline = Pipeline(settings)
    pipeline.stages.append(_Together(settings))
    results = pipeline.process_documents([_raw("a"), _raw("slow")], "ingest")
    reasons = {doc.id: reason for doc, _, reason in results}
    assert reasons == {"a": None, "slow": "took longer than 0.5 s in stage 'together' (ingest.doc_timeout)"}
    assert results[0][0].extra["together"] == 1


def test_pipeline_input_order_does_not_change_results(tmp_path, settings):
    from storyline.stores.sqlite import SQLiteStore

    folder = _articles(tmp_path / "in")
    files = sorted(folder.glob("*.txt"))
    results = []
    for order, name in ((files, "fwd.db"), (files[::-1], "rev.db")):
        with SQLiteStore(tmp_path / name) as store:
            ingest(store, order, settings, engine="serial")
            results.append(json.dumps([(d.id, d.event, d.storyline, d.duplicate_of) for d in store.iter_documents()]))
    assert results[0] == results[1]
