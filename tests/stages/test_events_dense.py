"""The optional dense channel of event clustering (sentence vectors from the `embed` extra)."""

import math

from storyline.stages.embed import EMBED_KEY, embed
from storyline.stages.events import EventIndex, EventSettings, _rescale

from _events_examples import QUAKE_EN, QUAKE_EN_2, make
from test_events import EXPECTED, corpus, partition


def _with_dense(doc, vector):
    doc = embed(doc)
    doc.extra[EMBED_KEY]["dense"] = vector
    return doc


def test_events_dense_cosine_counts_only_above_its_floor():
    s = EventSettings()
    assert _rescale("dense", s.dense_floor - 0.1, s) == 0.0
    assert math.isclose(_rescale("dense", 1.0, s), 1.0)
    assert _rescale("terms", 0.3, s) == 0.3  # the sparse channels are unchanged


def test_events_dense_channel_is_absent_without_vectors():
    docs = corpus()
    index = EventIndex()
    index.assign([embed(d) for d in docs])
    assert partition(index, [d.id for d in docs]) == EXPECTED
    assert all(not p.dense for p in index.profiles(index.event_of([d.id for d in docs]).values()).values())


def test_events_dense_vectors_move_the_similarity_and_stay_in_the_centroid():
    def unit(*xs):
        n = math.sqrt(sum(x * x for x in xs))
        return [x / n for x in xs]

    index = EventIndex()
    a, b = _with_dense(make("a", QUAKE_EN), unit(1, 0, 0)), _with_dense(make("b", QUAKE_EN_2), unit(1, 0.05, 0))
    index.assign([a, b])
    event = index.event_of(["a"])["a"]
    profile = index.profiles([event])[event]
    assert len(profile.dense) == 3  # the centroid sums the members' vectors
    # Same words, different vectors: a dense cosine under the floor costs similarity.
    vec_same = index._vectorise("x", _with_dense(make("x", QUAKE_EN), unit(1, 0.05, 0)).extra[EMBED_KEY], lambda k: 1.0)
    vec_far = index._vectorise("y", _with_dense(make("y", QUAKE_EN), unit(0, 0, 1)).extra[EMBED_KEY], lambda k: 1.0)
    assert index._similarity(vec_same, profile) > index._similarity(vec_far, profile)
