"""End to end on the demo corpus: the pipeline's export against the gold answers."""

from __future__ import annotations

from collections import defaultdict

import pytest

from storyline.demo import CORPUS_DIR, load_gold
from storyline.export import export_json
from storyline.pipeline import ingest
from storyline.scoring import bcubed
from storyline.stores.sqlite import SQLiteStore
from storyline.verify import verify

GOLD = load_gold()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from storyline.settings import load_settings

    settings = load_settings(environ={})
    store = SQLiteStore(tmp_path_factory.mktemp("demo") / "demo.db")
    report = ingest(store, [CORPUS_DIR], settings)
    data = export_json(store, settings)
    yield {"store": store, "report": report, "export": data, "settings": settings,
           "docs": {d["id"]: d for d in data["documents"]}}
    store.close()


def test_demo_every_input_is_stored(demo):
    assert demo["report"].rejected == []
    assert set(demo["docs"]) == set(GOLD["documents"])


def test_demo_languages(demo):
    wrong = {i: (d["language"], GOLD["documents"][i]["language"]) for i, d in demo["docs"].items()
             if d["language"] != GOLD["documents"][i]["language"]}
    assert wrong == {}


def test_demo_clean_text_drops_junk_and_keeps_the_article(demo):
    for doc_id, gold in GOLD["documents"].items():
        text = demo["docs"][doc_id]["text"]
        for line in gold.get("junk", []):
            assert line not in text, f"{doc_id}: junk left in: {line!r}"
        for sentence in gold.get("must_keep", []):
            assert sentence in text, f"{doc_id}: lost: {sentence!r}"


def _clusters(assign: dict[str, str]) -> dict[str, set[str]]:
    out = defaultdict(set)
    for doc_id, label in assign.items():
        out[label].add(doc_id)
    return out


def test_demo_events_and_storylines_match_gold(demo):
    docs = demo["docs"]
    gold_events = {i: g["event"] for i, g in GOLD["documents"].items()}
    gold_storylines = {i: g["storyline"] for i, g in GOLD["documents"].items()}
    events = {i: d["event"] for i, d in docs.items()}
    storylines = {i: d["storyline"] for i, d in docs.items()}
    assert bcubed(gold_events, events)["f1"] >= 0.9
    assert bcubed(gold_storylines, storylines)["f1"] >= 0.9


def test_demo_duplicates_and_flags(demo):
    docs = demo["docs"]
    for doc_id, gold in GOLD["documents"].items():
        if gold["duplicate_of"]:
            assert docs[doc_id]["duplicate_of"] == gold["duplicate_of"], doc_id
        for flag in gold["flags"]:
            assert flag in docs[doc_id]["flags"], f"{doc_id}: missing flag {flag}"


# Generic words NER leaves outside a place's name ("the Sendra river" -> "Sendra").
GENERIC_PLACE_WORDS = {"river", "rivière", "river's", "río", "rio", "lake", "lac", "lago", "mount", "mont"}


def _core(name: str) -> str:
    return " ".join(w for w in name.split() if w.lower() not in GENERIC_PLACE_WORDS)


def test_demo_name_variants_merge_and_namesakes_stay_apart(demo):
    by_variant = defaultdict(set)
    for entity in demo["export"]["entities"]:
        for variant in entity["variants"]:
            by_variant[variant].add(entity["id"])
            by_variant[_core(variant)].add(entity["id"])
    # A bare surname two people share ("Marrow") names each of them somewhere: it cannot
    # show whether a person's variants were merged.
    owners = defaultdict(int)
    for gold in GOLD["entities"]:
        for v in set(gold["variants"]):
            owners[v] += 1
    problems = []
    for gold in GOLD["entities"]:
        variants = [v for v in gold["variants"] if owners[v] == 1]
        ids = set().union(*(by_variant.get(_core(v), set()) for v in variants))
        if len(ids) != 1:
            problems.append(f"{gold['name']}: {sorted(ids) or 'not found'}")
    # The small English model misses a few names outright; allow one gold entity in ten.
    assert len(problems) <= len(GOLD["entities"]) // 10, problems
    for a, b in GOLD["distinct_entities"]:
        ids_a, ids_b = by_variant.get(_core(a), set()), by_variant.get(_core(b), set())
        assert not (ids_a & ids_b), f"{a} and {b} merged"


def test_demo_quotes_have_speakers_and_merge_across_outlets(demo):
    texts = {i: d["text"] for i, d in demo["docs"].items()}
    quotes = demo["export"]["quotes"]
    statement_records = defaultdict(set)
    wrong = []
    for gold in GOLD["quotes"]:
        found = next((q for q in quotes if any(gold["contains"] in texts[m["document"]][m["start"]:m["end"]]
                                                for m in q["mentions"])), None)
        assert found, f"quote not found: {gold['contains']!r}"
        if found["speaker"] != gold["speaker"]:
            wrong.append((gold["contains"][:40], found["speaker"], gold["speaker"]))
        docs = {m["document"] for m in found["mentions"]}
        assert set(gold["documents"]) <= docs, (gold["contains"], docs)
        if gold.get("statement"):
            statement_records[gold["statement"]].add(found["id"])
    # Speaker traps (a "he said" after a paragraph about someone else): allow one in ten wrong.
    assert len(wrong) <= len(GOLD["quotes"]) // 10, wrong
    for statement, records in statement_records.items():
        assert len(records) == 1, f"statement {statement} split into {records}"


def test_demo_figures_are_grouped_and_compared(demo):
    texts = {i: d["text"] for i, d in demo["docs"].items()}
    for gold in GOLD["figures"]:
        groups = set()
        for figure in demo["export"]["figures"]:
            for m in figure["mentions"]:
                wording = gold["mentions"].get(m["document"])
                at = texts[m["document"]].find(wording) if wording else -1
                if at >= 0 and m["start"] < at + len(wording) and at < m["end"]:  # the spans overlap
                    groups.add(figure["id"])
        assert len(groups) == 1, f"{gold['what']}: {groups}"
        figure = next(f for f in demo["export"]["figures"] if f["id"] in groups)
        assert figure["agreement"] == gold["agreement"], gold["what"]


def test_demo_every_span_verifies(demo):
    checked, problems = verify(demo["store"], demo["settings"])
    assert checked > 100 and problems == []
