"""Online event clustering on small invented multilingual examples."""

import random

import pytest

from storyline.errors import NotFound
from storyline.stages.embed import embed
from storyline.stages.events import EventIndex, MemoryState

from _events_examples import (OTHER_QUAKE_EN, OTHER_VERDICT_EN, QUAKE_EN, QUAKE_EN_2, QUAKE_ES, QUAKE_FR,
                              VERDICT_EN, VERDICT_EN_2, make)


def corpus():
    return [
        make("q-en", QUAKE_EN), make("q-en2", QUAKE_EN_2), make("q-fr", QUAKE_FR, "fr"),
        make("q-es", QUAKE_ES, "es"), make("other-quake", OTHER_QUAKE_EN),
        make("v-en", VERDICT_EN, published="2024-03-04"), make("v-en2", VERDICT_EN_2, published="2024-03-04"),
        make("other-verdict", OTHER_VERDICT_EN, published="2024-03-07"),
    ]


def partition(index, ids):
    events = index.event_of(ids)
    groups = {}
    for d in ids:
        groups.setdefault(events[d], set()).add(d)
    return {frozenset(g) for g in groups.values()}


def assigned_in_random_batches(seed):
    """The corpus shuffled and cut into four batches by `seed`, and the index they went into."""
    docs = corpus()
    random.Random(seed).shuffle(docs)
    cuts = sorted(random.Random(seed + 10).sample(range(1, len(docs)), 3))
    index = EventIndex()
    for start, end in zip([0, *cuts], [*cuts, len(docs)]):
        index.assign(docs[start:end])
    return docs, index


EXPECTED = {frozenset({"q-en", "q-en2", "q-fr", "q-es"}), frozenset({"other-quake"}),
            frozenset({"v-en", "v-en2"}), frozenset({"other-verdict"})}


def test_events_group_reports_and_keep_happenings_of_one_kind_apart():
    docs = corpus()
    index = EventIndex()
    index.assign([embed(d) for d in docs])
    assert partition(index, [d.id for d in docs]) == EXPECTED


def test_events_french_and_spanish_reports_join_the_english_event():
    index = EventIndex()
    index.assign([embed(make("q-en", QUAKE_EN)), embed(make("other-quake", OTHER_QUAKE_EN))])
    later = index.assign([embed(make("q-fr", QUAKE_FR, "fr")), embed(make("q-es", QUAKE_ES, "es"))])
    quake = index.event_of(["q-en"])["q-en"]
    assert [a.event for a in later] == [quake, quake]
    assert index.event_of(["other-quake"])["other-quake"] != quake


def test_events_input_order_does_not_change_the_result():
    ids = None
    for seed in range(3):
        docs = corpus()
        random.Random(seed).shuffle(docs)
        index = EventIndex()
        index.assign(docs)
        got = {d.id: d.event for d in docs}
        assert ids is None or got == ids
        ids = got


def test_events_ids_stay_when_a_new_batch_arrives():
    index = EventIndex()
    first = index.assign([make("q-en", QUAKE_EN), make("v-en", VERDICT_EN, published="2024-03-04")])
    before = {a.doc_id: a.event for a in first}
    index.assign([make("q-fr", QUAKE_FR, "fr"), make("v-en2", VERDICT_EN_2, published="2024-03-04"),
                  make("other-quake", OTHER_QUAKE_EN)])
    assert index.event_of(before) == before


def test_events_duplicate_joins_its_original():
    index = EventIndex()
    index.assign([make("q-en", QUAKE_EN), make("other-quake", OTHER_QUAKE_EN)])
    # A copy whose text would not even match: the dedup stage's verdict wins.
    copy = make("copy", OTHER_VERDICT_EN, duplicate_of="q-en")
    (a,) = index.assign([copy])
    assert a.event == index.event_of(["q-en"])["q-en"]
    assert copy.event == a.event


def _original_after_its_copy(docs):
    """Two indexes: one given "a", its copy "b", "q-en2" and "other-quake" together; one
    given "b" (not yet a copy), "q-en2" and "other-quake" first and "a" last, as dedup
    re-points "b" to it. Also the second's events of "b" and "q-en2" before "a" came.
    `docs(*ids)` makes fresh documents (assigning marks them)."""
    together = EventIndex()
    together.assign(docs("a", "b", "q-en2", "other-quake"))
    apart = EventIndex()
    first = docs("b", "q-en2", "other-quake")
    first[0].duplicate_of = None  # its original is not there yet
    apart.assign(first)
    before = apart.event_of(["b", "q-en2"])
    apart.assign(docs("a"), repointed={"b": "a"})
    return together, apart, before


def test_events_copy_that_came_before_its_original_stops_counting_as_a_document():
    # Dedup keeps the earliest of two copies as the original, so one that arrives later
    # re-points the stored one (batch.notes["repointed"]): it must leave its event's centroid
    # and the document frequencies, as if both had come together.
    def docs(*ids):
        made = {"a": make("a", QUAKE_EN), "b": make("b", QUAKE_EN, duplicate_of="a"),
                "q-en2": make("q-en2", QUAKE_EN_2), "other-quake": make("other-quake", OTHER_QUAKE_EN)}
        return [made[i] for i in ids]

    together, apart, _ = _original_after_its_copy(docs)
    ids = ["a", "b", "q-en2", "other-quake"]
    assert apart.event_of(ids) == together.event_of(ids)
    assert apart.state.features["b"] == {"copy_of": "a"}
    assert apart.state.n_docs() == together.state.n_docs() == 3
    assert +apart.state.doc_freq == +together.state.doc_freq
    event = together.event_of(["a"])["a"]
    got, want = apart.profiles([event])[event], together.profiles([event])[event]
    assert (sorted(got.docs), got.members) == (sorted(want.docs), want.members) == (["a", "b", "q-en2"], 2)
    assert got.terms.keys() == want.terms.keys()
    assert all(abs(got.terms[k] - want.terms[k]) < 1e-9 for k in want.terms)


def test_events_event_whose_founder_became_a_copy_is_named_after_its_documents():
    # "b" founded an event with "q-en2", then its original "a" came (earlier, so dedup keeps it,
    # and two months before "q-en2", so it cannot join that event). The event left holds
    # "q-en2" alone: named after "b" it would carry an id that all at once it never has.
    def docs(*ids):
        made = {"a": make("a", QUAKE_EN, published="2024-01-02"),
                "b": make("b", QUAKE_EN, published="2024-03-10", duplicate_of="a"),
                "q-en2": make("q-en2", QUAKE_EN_2, published="2024-03-11"),
                "other-quake": make("other-quake", OTHER_QUAKE_EN, published="2024-03-11")}
        return [made[i] for i in ids]

    together, apart, before = _original_after_its_copy(docs)
    founded = before["b"]
    assert before["q-en2"] == founded
    ids = ["a", "b", "q-en2", "other-quake"]
    assert apart.event_of(ids) == together.event_of(ids)
    assert apart.state.resolve([founded])[founded] in apart.event_of(ids).values()  # still resolves


def test_events_event_of_a_lone_early_copy_redirects_to_its_original():
    index = EventIndex()
    index.assign([make("b", QUAKE_EN), make("other-quake", OTHER_QUAKE_EN)])
    was = index.event_of(["b"])["b"]
    index.assign([make("a", QUAKE_EN)], repointed={"b": "a"})
    now = index.event_of(["a", "b"])
    assert now["a"] == now["b"] != was
    assert index.state.resolve([was])[was] == now["a"]  # an id once handed out resolves
    assert was not in index.state.profiles


def test_events_rerun_is_a_no_op():
    index = EventIndex()
    docs = corpus()
    index.assign(docs)
    rows = index.state.to_rows()
    again = index.assign(corpus())
    assert {a.doc_id: a.event for a in again} == {d.id: d.event for d in docs}
    assert index.state.to_rows()["profiles"] == rows["profiles"]


def test_events_merge_leaves_a_redirect():
    index = EventIndex()
    index.assign([make("q-en", QUAKE_EN), make("other-quake", OTHER_QUAKE_EN)])
    keep, gone = index.event_of(["q-en"])["q-en"], index.event_of(["other-quake"])["other-quake"]
    merge = index.merge_events(keep, gone)
    assert (merge.absorbed, merge.survivor) == (gone, keep)
    assert index.event_of(["other-quake"])["other-quake"] == keep
    assert index.state.resolve([gone])[gone] == keep
    assert set(index.profiles([gone])[gone].docs) == {"q-en", "other-quake"}
    with pytest.raises(NotFound):
        index.merge_events(keep, "ev-unknown")


def test_events_state_round_trips_through_rows():
    index = EventIndex()
    index.assign(corpus()[:4])
    restored = EventIndex(MemoryState.from_rows(index.state.to_rows()))
    (a,) = restored.assign([make("v-en", VERDICT_EN)])
    fresh = EventIndex()
    fresh.assign(corpus()[:4])
    (b,) = fresh.assign([make("v-en", VERDICT_EN)])
    assert a == b


def test_events_empty_and_odd_documents_do_not_crash():
    index = EventIndex()
    docs = [make("empty", ""), make("blank", " \n "), make("emoji", "😀\n" + "🎉 " * 500)]
    out = index.assign(docs)
    assert len(out) == 3 and all(a.event.startswith("ev-") for a in out)
    assert index.assign([]) == []


def test_events_far_apart_in_time_are_separate_events():
    index = EventIndex()
    index.assign([make("q-en", QUAKE_EN)])
    (late,) = index.assign([make("q-en2", QUAKE_EN_2, published="2025-03-05")])
    assert late.new_event


@pytest.mark.parametrize("seed", range(4))
def test_events_batches_in_any_order_give_the_same_events(seed):
    # Arrival order and batch cuts must not change which reports end up together: every
    # batch re-clusters the events it touches by average link, which ignores order.
    docs, index = assigned_in_random_batches(seed)
    assert partition(index, [d.id for d in docs]) == EXPECTED


@pytest.mark.parametrize("seed", range(4))
def test_events_ids_name_the_earliest_document_whatever_the_batches(seed):
    # An event is named after its earliest document (date, then id), not after the first one
    # the index saw: the same reports get the same id however they arrived.
    whole = corpus()
    EventIndex().assign(whole)
    expected = {d.id: d.event for d in whole}
    _, index = assigned_in_random_batches(seed)
    assert index.event_of(expected) == expected


def test_events_an_earlier_report_renames_the_event_and_the_old_id_redirects():
    index = EventIndex()
    index.assign([make("q-en2", QUAKE_EN_2)])
    old = index.event_of(["q-en2"])["q-en2"]
    index.assign([make("q-en", QUAKE_EN, published="2024-03-04")])
    new = index.event_of(["q-en", "q-en2"])
    assert new["q-en"] == new["q-en2"] != old
    assert index.state.resolve([old])[old] == new["q-en"]


def test_events_average_link_seeds_ignore_the_order_of_documents():
    import math
    from collections import Counter

    from storyline.stages.events import EventSettings, _doc_counts, _link_groups

    docs = [embed(d) for d in corpus()]
    feats = {d.id: d.extra["embed"] for d in docs}
    df = Counter()
    for f in feats.values():
        df.update(_doc_counts(f))
    index = EventIndex()
    index._max_idf = 1.0 + math.log((len(docs) + 1) / 2) - 1e-9
    vecs = [index._vectorise(d.id, feats[d.id], lambda k: 1.0 + math.log((len(docs) + 1) / (df[k] + 1)))
            for d in docs]
    seen = set()
    for seed in range(5):
        random.Random(seed).shuffle(vecs)
        seen.add(frozenset(frozenset(g) for g in _link_groups(vecs, EventSettings())))
    assert len(seen) == 1
    # The English reports of one quake are one seed; reports of other happenings are not in it.
    (groups,) = seen
    quake = next(g for g in groups if "q-en" in g)
    assert {"q-en", "q-en2"} <= quake and not quake & {"other-quake", "v-en", "other-verdict"}


def test_events_one_shared_common_number_does_not_decide_a_pair():
    # Two notes about unrelated things, without names, that share only the number 2 (which
    # most texts here have): as unit vectors their number channels are identical, so the
    # number's share must shrink with its small evidence, or the pair looks alike.
    import math
    from collections import Counter

    from storyline.stages.events import EventSettings, _doc_counts, _pair_sim

    notes = [make("note-a", "The museum said it will reopen 2 galleries once the repair work on the old roof is done."),
             make("note-b", "The league said it has suspended 2 players for a month after the brawl at the end of the match.")]
    fill = [make(f"fill-{i}", t) for i, t in enumerate([
        "A storm cut power to 2 villages in the north and crews worked through the night to restore it.",
        "The council approved 2 new bus lines that will link the suburbs with the hospital next spring.",
        "Police arrested 2 men suspected of stealing copper cable from the railway depot.",
        "The bakery chain closed 2 shops in the city centre, blaming rising rents and energy bills.",
        "Firefighters rescued 2 hikers stranded on a ridge after a sudden snowfall.",
        "The school board hired 2 extra teachers to cut class sizes in the primary grades."])]
    docs = [embed(d) for d in corpus() + fill + notes]
    df = Counter()
    for d in docs:
        df.update(_doc_counts(d.extra["embed"]))
    n = len(docs)
    sims = {}
    for floor in (0.0, EventSettings().number_floor):
        settings = EventSettings(number_floor=floor)
        index = EventIndex(settings=settings)
        index._max_idf = 1.0 + math.log((n + 1) / 2) - 1e-9
        a, b = (index._vectorise(d.id, d.extra["embed"], lambda k: 1.0 + math.log((n + 1) / (df[k] + 1)))
                for d in docs[-2:])
        sims[floor] = _pair_sim(a, b, settings)
    assert sims[0.0] >= EventSettings().threshold  # without the floor the lone number decides
    assert sims[EventSettings().number_floor] < EventSettings().threshold


def test_events_a_report_left_alone_joins_the_event_it_fits():
    # The refinement moves documents one by one and can leave a report alone; the adoption
    # pass puts it into the larger event it fits, and leaves a report of another happening alone.
    import math
    from collections import Counter

    from storyline.stages.events import _doc_counts

    docs = [embed(d) for d in corpus()]
    df = Counter()
    for d in docs:
        df.update(_doc_counts(d.extra["embed"]))
    n = len(docs)
    index = EventIndex()
    index._max_idf = 1.0 + math.log((n + 1) / 2) - 1e-9
    index._temp = 0
    vecs = {d.id: index._vectorise(d.id, d.extra["embed"], lambda k: 1.0 + math.log((n + 1) / (df[k] + 1)))
            for d in docs if d.id in {"q-en", "q-fr", "q-es", "q-en2", "v-en"}}
    touched, doc_event, changed = {}, {}, set()
    for group in (["q-en", "q-fr", "q-es"], ["q-en2"], ["v-en"]):
        prof = index._found_temp(group[0], 1, touched)
        for d in group:
            index._absorb(prof, vecs[d])
            doc_event[d] = prof.id
        changed.add(prof.id)
    index._adopt(vecs, doc_event, touched, changed)
    assert doc_event["q-en2"] == doc_event["q-en"]
    assert doc_event["v-en"] != doc_event["q-en"]
    assert touched[doc_event["q-en"]].members == 4


@pytest.mark.parametrize("per_doc, expected", [(3, 3), (0, 6)])
def test_events_an_undated_report_reopens_only_its_closest_events(per_doc, expected):
    # Six yearly reports of one kind are six events; an undated report (no time window)
    # reaches all of them, and reopening all would let one document re-cluster the archive.
    from storyline.stages.events import EventSettings

    index = EventIndex(settings=EventSettings(reopen_per_doc=per_doc))
    for year in range(2018, 2024):
        index.assign([make(f"q-{year}", QUAKE_EN, published=f"{year}-03-05")])
    assert len(set(index.event_of([f"q-{y}" for y in range(2018, 2024)]).values())) == 6
    reopened = []
    original = index._reopen
    index._reopen = lambda *a: reopened.append(original(*a)) or reopened[-1]
    index.assign([make("undated", QUAKE_EN_2, published=None)])
    assert len(reopened[0]) == expected


@pytest.mark.parametrize("max_span, chained", [(30.0, False), (1e9, True)])
def test_events_weekly_reports_of_one_kind_do_not_chain_into_one_event(max_span, chained):
    # Each report is a week after the previous one, close enough to join the event as it
    # stands; without a bound on an event's span, twelve weeks become one "happening".
    from datetime import date, timedelta

    from storyline.stages.events import EventSettings

    index = EventIndex(settings=EventSettings(max_span_days=max_span))
    ids = []
    for week in range(12):
        day = (date(2024, 1, 1) + timedelta(weeks=week)).isoformat()
        ids.append(f"w{week}")
        index.assign([make(ids[-1], QUAKE_EN if week % 2 else QUAKE_EN_2, published=day)])
    groups = {}
    for doc, event in index.event_of(ids).items():
        assert event.startswith("ev-")  # a cluster merged inside a batch never leaks its temporary id
        groups.setdefault(event, []).append(int(doc[1:]))
    assert (len(groups) == 1) is chained
    if not chained:
        assert all(max(g) - min(g) <= 4 for g in groups.values())  # 4 weeks: at most 28 days


def test_events_a_small_state_cache_keeps_the_last_batch_and_changes_no_result(tmp_path):
    # The cache over the store only saves reads: bounded to a few entries it must give the
    # events a large one gives, and after each batch hold only what that batch used.
    from storyline.stages.events import StoreState
    from storyline.stores.sqlite import SQLiteStore

    docs = corpus()
    results = {}
    for entries in (5, 50_000):
        with SQLiteStore(tmp_path / f"cache{entries}.db") as store:
            state = StoreState(store, cache_entries=entries)
            index = EventIndex(state)
            for start in range(0, len(docs), 3):
                with store.transaction():
                    index.assign(docs[start:start + 3])
                    state.flush()
                if entries == 5:  # kept: this batch's documents; dropped: what it did not touch
                    assert {d.id for d in docs[start:start + 3]} <= set(state.docs) < {d.id for d in docs}
            results[entries] = partition(index, [d.id for d in docs])
    assert results[5] == results[50_000] == EXPECTED


def test_events_dot_of_vectors_with_the_same_keys_equals_the_shared_key_sum():
    # The fast path for same-length vectors (sentence vectors) must give the very bits of the
    # shared-key sum, and equal lengths with other keys must still count only the shared ones.
    import math

    from storyline.stages.events import _dot

    rng = random.Random(7)
    a = {str(i): rng.gauss(0, 1) for i in range(384)}
    b = {str(i): rng.gauss(0, 1) for i in reversed(range(384))}  # same keys, another order
    assert _dot(a, b) == math.fsum(a[k] * b[k] for k in sorted(a))
    c = {("x" if i % 2 else "") + str(i): v for i, v in enumerate(b.values())}  # half the keys differ
    assert _dot(a, c) == math.fsum(a[k] * c[k] for k in a if k in c)
    assert _dot({}, {}) == 0.0


def test_events_add_and_subtract_give_the_loop_sums_and_back():
    # `_add` runs from C iterators; it must give the bits of the plain loop (x + v, x + -1.0 * v)
    # and keep the key order, so centroids and everything compared against them are unchanged.
    from storyline.stages.events import _add

    rng = random.Random(3)
    cent = {f"k{i}": rng.random() for i in range(0, 60, 2)}
    vec = {f"k{i}": rng.random() for i in range(45, 0, -3)}
    expected = dict(cent)
    for k, v in vec.items():
        expected[k] = expected.get(k, 0.0) + v
    got = dict(cent)
    _add(got, vec)
    assert list(got.items()) == list(expected.items())
    for k, v in vec.items():
        expected[k] = expected.get(k, 0.0) + -1.0 * v
    _add(got, vec, -1.0)
    assert list(got.items()) == list(expected.items())
    _add(got, {"k0": 1.0}, 0.5)
    assert got["k0"] == expected["k0"] + 0.5


def test_events_date_gap_and_span_in_one_pass_equal_the_separate_ones():
    # `_gap_span` (day numbers, asked of every candidate) must agree with `_gap` and `_span`,
    # unreadable dates included (they count as no gap and no span).
    from storyline.stages.events import EventProfile, _DocVec, _gap, _gap_span, _span

    rng = random.Random(5)
    days = [f"2024-{m:02d}-{d:02d}" for m in (1, 2, 6) for d in (1, 9, 28)] + ["2024-13-40", "bad"]
    for _ in range(500):
        first, last = sorted(rng.sample(days[:-2], 2)) if rng.random() < 0.9 else rng.sample(days, 2)
        vec = _DocVec("d", {}, {}, {}, {}, {}, [], None, rng.choice(days),
                      last=rng.choice([None, None, rng.choice(days)]))
        prof = EventProfile(id="e", founder="d", born=0, first=first, last=last)
        assert _gap_span(vec, prof) == (_gap(vec, prof), _span(vec, prof))


def test_events_remembered_similarities_follow_the_event_as_it_changes():
    # A document's similarity to an event is remembered only until the event changes.
    index = EventIndex()
    docs = {d.id: d for d in corpus()}
    index.assign([docs["q-en"], docs["v-en"]])
    quake = index.profiles([index.event_of(["q-en"])["q-en"]])
    prof = next(iter(quake.values()))
    fresh = {d.id: embed(d).extra["embed"] for d in corpus()}
    vec = index._vectorise("q-en2", fresh["q-en2"], lambda key: 1.0)
    first = index._doc_similarity(vec, prof)
    assert first == index._similarity(vec, prof)
    index._absorb(prof, index._vectorise("v-en2", fresh["v-en2"], lambda key: 1.0))
    assert index._doc_similarity(vec, prof) == index._similarity(vec, prof) != first


def test_events_an_id_named_again_leaves_the_documents_stored_under_its_redirect_in_place():
    # A copy that followed its original into another event keeps its stored id, which redirects
    # there; when that id later names a new cluster (its founder's), the copy must not move into
    # it (shuffle seed 4 of the determinism corpus: a copy and its original in two events).
    from storyline.stages.events import EventProfile, _short_hash

    state = MemoryState()
    index = EventIndex(state)
    old = "ev-" + _short_hash("founder")
    state.put_profiles([EventProfile(id="ev-other", founder="orig", born=1, docs=["orig", "copy"],
                                     members=1).to_dict()])
    state.redirect(old, "ev-other")
    state.set_doc_events({"orig": "ev-other", "copy": old})
    assert index._own_id("founder", 2, {}, set()) == old
    assert state.resolve([old])[old] == old  # the id names the founder's cluster again
    assert index.event_of(["copy", "orig"]) == {"copy": "ev-other", "orig": "ev-other"}
