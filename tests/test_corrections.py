"""Corrections: each one survives re-ingesting the same input plus new articles, and undo reverts it."""

from __future__ import annotations

import json

import pytest

from conftest import write
from storyline import corrections as C
from storyline.errors import ConfigError, NotFound
from storyline.export import export_json
from storyline.pipeline import ingest

# Invented articles: a dock strike (3 reports, a 4th arrives later), a bridge collapse (2),
# an election (1); later also a mill fire.
A = [
 ("strike-1", "2024-03-04", "Dockers strike shuts Port Varrow", "Dock workers at Port Varrow walked out on Monday, halting all cargo traffic at the harbour. The Varrow Dockers Union said 1,400 members joined the strike over pay and night shifts. \"We will not go back until the night shifts are safe,\" said union leader Mara Velt. The port authority said 38 ships were waiting offshore."),
 ("strike-2", "2024-03-04", "Port Varrow halted as 1,400 dockers strike", "Cargo traffic at Port Varrow stopped on Monday as 1,400 dock workers went on strike. Mara Velt, who leads the Varrow Dockers Union, said night shifts had become dangerous. The port authority counted 38 ships waiting offshore. \"The harbour cannot stay closed for long,\" said port director Ilse Brandt."),
 ("strike-3", "2024-03-05", "Varrow dock strike enters second day", "The strike at Port Varrow entered its second day on Tuesday, with 38 ships still waiting offshore. Union leader Mara Velt met port director Ilse Brandt but no deal was reached. The Varrow Dockers Union says 1,400 dockers are on strike."),
 ("bridge-1", "2024-06-11", "Kessing bridge collapses into river Olde", "A road bridge in Kessing collapsed into the river Olde early on Tuesday, injuring 7 people. Mayor Tomas Reuel said the Kessing bridge had been inspected in 2019. Divers searched the river for two cars that fell with the span."),
 ("bridge-2", "2024-06-11", "Seven hurt as Kessing bridge falls", "Seven people were hurt when the Kessing road bridge fell into the river Olde on Tuesday. \"We owe the families answers,\" said Mayor Tomas Reuel. Two cars went into the river Olde with the span, and divers searched through the morning."),
 ("vote-1", "2024-09-22", "Lindmark votes in tight regional election", "Voters in Lindmark chose a new regional council on Sunday. Turnout reached 61 percent, the electoral office said. Candidate Anja Perl of the Green Lindmark list led early counts with 34 percent."),
]
B = [
 ("strike-4", "2024-03-06", "Deal ends Port Varrow dock strike", "The dock strike at Port Varrow ended on Wednesday after the Varrow Dockers Union accepted safer night shifts. Mara Velt said the 1,400 dockers would return on Thursday. Port director Ilse Brandt said the 38 waiting ships would be unloaded within a week."),
 ("fire-1", "2024-11-02", "Fire destroys Halden textile mill", "A fire destroyed the old textile mill in Halden on Saturday night. Fire chief Oren Maas said 60 firefighters fought the blaze for nine hours. Nobody was hurt, but the mill's museum collection was lost."),
]


def _jsonl(items) -> str:
    return "".join(json.dumps({"id": i, "published": p, "title": t, "text": x, "source": i.split("-")[0] + " wire",
                               "url": f"https://example.org/{i}"}) + "\n" for i, p, t, x in items)


@pytest.fixture
def corpus(tmp_path):
    return write(tmp_path, "in/a.jsonl", _jsonl(A)), write(tmp_path, "in/b.jsonl", _jsonl(B))


@pytest.fixture
def ingested(sqlite_store, settings, corpus):
    ingest(sqlite_store, [str(corpus[0])], settings, engine="serial")
    return export_json(sqlite_store, settings)


def _event_of(export, doc_id):
    return next(d["event"] for d in export["documents"] if d["id"] == doc_id)


def _by_id(items):
    return {i["id"]: i for i in items}


def test_corrections_survive_reingest_and_new_articles(sqlite_store, settings, corpus, ingested):
    store = sqlite_store
    strike, bridge, vote = (_event_of(ingested, d) for d in ("strike-1", "bridge-1", "vote-1"))
    assert len({strike, bridge, vote}) == 3, "the fixture texts should make three events"
    merge = C.merge_events(store, [bridge, vote], by="ana")
    split = C.split_event(store, strike, ["strike-3"], by="ana")
    new_event = split["args"]["new_event"]
    move = C.move_document(store, "strike-2", bridge)
    storyline = next(d["storyline"] for d in ingested["documents"] if d["id"] == "strike-1")
    rename = C.rename_storyline(store, storyline, "The Varrow harbour dispute")
    quote = next(q for q in ingested["quotes"] if q["speaker"] == "Mara Velt")
    speaker = C.set_quote_speaker(store, quote["id"], "Mara Velt-Okonkwo")
    flag = C.flag_document(store, "strike-1", "machine_translated")
    clear = C.flag_document(store, "strike-1", "disputed", add=True)

    # The same input again, plus new articles (one joins the strike), in one run.
    ingest(store, [str(corpus[0]), str(corpus[1])], settings, engine="serial")
    # Re-applied by the ingest itself, before any analysis runs:
    assert store.get_document("strike-3").event == new_event
    assert store.get_document("strike-2").event == bridge
    out = export_json(store, settings)
    docs, events = _by_id(out["documents"]), _by_id(out["events"])

    assert docs["vote-1"]["event"] == docs["bridge-1"]["event"] == bridge  # merged, first id survives
    assert vote not in events and store.resolve("event", vote) == bridge
    assert merge["id"] in events[bridge]["corrected"]
    assert docs["strike-3"]["event"] == new_event  # split off, and does not drift back
    assert events[new_event]["documents"] == ["strike-3"] and split["id"] in events[new_event]["corrected"]
    assert docs["strike-4"]["event"] == strike  # a new report still joins its event
    assert docs["strike-2"]["event"] == bridge and move["id"] in docs["strike-2"]["corrected"]
    assert docs["strike-2"]["storyline"] == events[bridge]["storyline"]
    renamed = _by_id(out["storylines"])[store.resolve("storyline", storyline)]
    assert renamed["title"] == "The Varrow harbour dispute" and renamed["corrected"] == [rename["id"]]
    quotes = [q for q in out["quotes"] if q.get("corrected") == [speaker["id"]]]
    assert [q["speaker"] for q in quotes] == ["Mara Velt-Okonkwo"]
    assert {"machine_translated", "disputed"} <= set(docs["strike-1"]["flags"])
    assert docs["strike-1"]["flag_details"]["disputed"]["evidence"][0].startswith(f"set by correction {clear['id']}")
    assert {c["id"] for c in out["corrections"]} == {c["id"] for c in (merge, split, move, rename, speaker, flag, clear)}
    assert out["corrections"][0]["by"] == "ana" and out["corrections"][0]["action"] == "event.merge"


def test_corrections_undo_brings_back_the_automatic_result(sqlite_store, settings, ingested):
    store = sqlite_store
    strike, bridge, vote = (_event_of(ingested, d) for d in ("strike-1", "bridge-1", "vote-1"))
    storyline = next(d["storyline"] for d in ingested["documents"] if d["id"] == "strike-1")
    auto_title = _by_id(ingested["storylines"])[storyline]["title"]
    quote = next(q for q in ingested["quotes"] if q["speaker"] == "Mara Velt")
    made = [C.merge_events(store, [bridge, vote]), C.split_event(store, strike, ["strike-3"]),
            C.rename_storyline(store, storyline, "Mine"), C.set_quote_speaker(store, quote["id"], "Someone Else"),
            C.flag_document(store, "strike-1", "paywall"), C.move_document(store, "strike-2", bridge)]
    for correction in made:
        C.undo(store, correction["id"], by="ben")
    out = export_json(store, settings)
    docs = _by_id(out["documents"])
    assert (docs["vote-1"]["event"], docs["strike-3"]["event"], docs["strike-2"]["event"]) == (vote, strike, strike)
    assert store.resolve("event", vote) == vote
    assert _by_id(out["storylines"])[storyline]["title"] == auto_title
    assert _by_id(out["quotes"])[quote["id"]]["speaker"] == "Mara Velt"
    assert "paywall" not in docs["strike-1"]["flags"]
    assert all("corrected" not in d for d in out["documents"])
    assert all(not c["active"] and c["undone_by"] == "ben" for c in out["corrections"])
    with pytest.raises(ConfigError, match="already undone"):
        C.undo(store, made[0]["id"])


def test_corrections_reject_bad_requests(sqlite_store, ingested):
    store = sqlite_store
    strike, bridge = _event_of(ingested, "strike-1"), _event_of(ingested, "bridge-1")
    with pytest.raises(NotFound, match="no event 'ev-nope'"):
        C.merge_events(store, [strike, "ev-nope"])
    with pytest.raises(ConfigError, match="at least two"):
        C.merge_events(store, [strike, strike])
    with pytest.raises(ConfigError, match="is in event"):
        C.split_event(store, strike, ["bridge-1"])
    with pytest.raises(ConfigError, match="every document"):
        C.split_event(store, bridge, ["bridge-1", "bridge-2"])
    with pytest.raises(NotFound, match="no document 'nope'"):
        C.move_document(store, "nope", strike)
    with pytest.raises(ConfigError, match="flag names"):
        C.flag_document(store, "strike-1", "Bad Flag")
    with pytest.raises(NotFound):
        C.undo(store, 99)
    assert store.corrections() == []


def test_corrections_deleted_document_stays_deleted(sqlite_store, settings, corpus, ingested):
    store = sqlite_store
    vote = _event_of(ingested, "vote-1")
    correction = C.delete_documents(store, ["vote-1"], settings)
    warnings = []
    report = ingest(store, [str(corpus[0])], settings, engine="serial", on_warning=warnings.append)
    assert report.stored == 0 and report.exit_code == 0
    assert any(f"deleted by correction {correction['id']}" in w for w in warnings)
    out = export_json(store, settings)
    assert "vote-1" not in _by_id(out["documents"]) and vote not in _by_id(out["events"])
    with pytest.raises(NotFound, match=f"deleted by correction {correction['id']}"):
        C.move_document(store, "vote-1", vote)
    C.undo(store, correction["id"], settings=settings)
    assert store.get_document("vote-1").text == next(d for d in ingested["documents"] if d["id"] == "vote-1")["text"]


def _others_view(export, gone):
    """What belongs to documents other than `gone`: their events, quote and figure mentions."""
    def mentions(kind):
        return sorted((r["id"], r.get("speaker") if kind == "quotes" else r.get("value"), m["document"], m["start"],
                       m["end"]) for r in export[kind] for m in r["mentions"] if m["document"] not in gone)
    docs = {d["id"]: (d["event"], d["storyline"], d["text"], d["flags"]) for d in export["documents"]
            if d["id"] not in gone}
    return docs, mentions("quotes"), mentions("figures")


def test_delete_seed_leaves_the_other_documents_intact(sqlite_store, settings, seeds_dir):
    from storyline.verify import verify

    store = sqlite_store
    ingest(store, [str(seeds_dir)], settings, engine="serial")
    before = export_json(store, settings)
    assert len(before["documents"]) == 5
    # The document alone in its event (the follow-up) first, then one report of the shared event.
    alone = [e["documents"][0] for e in before["events"] if len(e["documents"]) == 1]
    shared = next(e for e in before["events"] if len(e["documents"]) > 1)
    victims = alone[:1] + [shared["documents"][1]]
    gone: set[str] = set()
    for victim in victims:
        old_event = next(d["event"] for d in before["documents"] if d["id"] == victim)
        C.delete_documents(store, [victim], settings, by="ed")
        gone.add(victim)
        after = export_json(store, settings)
        assert victim not in {d["id"] for d in after["documents"]}
        assert _others_view(after, gone) == _others_view(before, gone)
        cited = {m["document"] for kind in ("quotes", "figures") for r in after[kind] for m in r["mentions"]}
        cited |= {s["document"] for b in after["briefings"] for s in b["sentences"]}
        cited |= {d for e in after["entities"] for d in e["documents"]}
        assert not cited & gone
        if victim in alone:  # its event disappeared, and its id leads to the surviving event
            assert old_event not in {e["id"] for e in after["events"]}
            assert store.resolve("event", old_event) == shared["id"]
        checked, problems = verify(store, settings)
        assert checked > 0 and problems == []
    assert [c["action"] for c in store.corrections()] == ["document.delete", "document.delete"]
    assert store.get_raw(next(d["raw_sha256"] for d in before["documents"] if d["id"] == victims[0]))


def test_corrections_log_entity_aliases_and_undo_them(sqlite_store):
    from storyline.curation import alias_corrections, record_alias

    alias = record_alias(sqlite_store, "merge", "G. Okafor", "Grace Okafor", by="ed")
    (logged,) = C.list_corrections(sqlite_store)
    assert (logged["id"], logged["action"], logged["by"], logged["args"]["alias"]) == \
        (alias["correction"], "alias.merge", "ed", alias["id"])
    assert logged["summary"] == "alias G. Okafor → Grace Okafor"
    C.undo(sqlite_store, logged["id"])
    assert alias_corrections(sqlite_store) == []
    assert not sqlite_store.get_correction(logged["id"])["active"]


def test_runs_a_rerun_that_stores_nothing_leaves_no_run(sqlite_store, settings, corpus):
    first = ingest(sqlite_store, [str(corpus[1])], settings, engine="serial")
    again = ingest(sqlite_store, [str(corpus[1])], settings, engine="serial")
    assert (first.stored, again.stored, again.unchanged) == (2, 0, 2)
    (run,) = sqlite_store.runs()
    assert run["kind"] == "ingest" and run["info"]["stats"]["stored"] == 2
    assert set(sqlite_store.document_runs().values()) == {run["id"]}
