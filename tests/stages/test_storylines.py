"""Storylines: follow-ups join, a shared country name alone does not."""

from storyline.stages.events import EventIndex
from storyline.stages.storylines import StorylineIndex

from _events_examples import COPPER_EN, QUAKE_EN, QUAKE_FR, REBUILD_EN, make


def run(*batches):
    events = EventIndex()
    storylines = StorylineIndex(events)
    docs = []
    for batch in batches:
        events.assign(batch)
        storylines.link(batch)
        docs.extend(batch)
    return events, storylines, {d.id: (d.event, d.storyline) for d in docs}


def test_storylines_follow_up_event_joins_the_storyline():
    _, _, got = run([make("q-en", QUAKE_EN), make("q-fr", QUAKE_FR, "fr")],
                    [make("rebuild", REBUILD_EN, published="2024-09-07")])
    assert got["rebuild"][0] != got["q-en"][0]  # a new event ...
    assert got["rebuild"][1] == got["q-en"][1]  # ... in the quake's storyline
    assert got["q-en"][1].startswith("sl-")


def test_storylines_shared_country_name_is_not_enough():
    _, _, got = run([make("q-en", QUAKE_EN), make("copper", COPPER_EN, published="2024-03-06")])
    assert got["copper"][0] != got["q-en"][0]
    assert got["copper"][1] != got["q-en"][1]


def test_storylines_ids_stay_when_more_events_arrive():
    events = EventIndex()
    storylines = StorylineIndex(events)
    first = [make("q-en", QUAKE_EN), make("copper", COPPER_EN, published="2024-03-06")]
    events.assign(first)
    storylines.link(first)
    before = {d.id: d.storyline for d in first}
    later = [make("rebuild", REBUILD_EN, published="2024-09-07"), make("q-fr", QUAKE_FR, "fr")]
    events.assign(later)
    storylines.link(later)
    now = storylines.storyline_of(events.event_of(before).values())
    assert {d: now[e] for d, e in events.event_of(before).items()} == before


def test_storylines_same_batch_or_separate_batches_agree():
    docs = lambda: [make("q-en", QUAKE_EN), make("rebuild", REBUILD_EN, published="2024-09-07"),
                    make("copper", COPPER_EN, published="2024-03-06")]
    _, _, one = run(docs())
    a, b, c = docs()
    _, _, three = run([a], [b], [c])
    same = lambda got: {(x, y) for x in got for y in got if got[x][1] == got[y][1]}
    assert same(one) == same(three)
