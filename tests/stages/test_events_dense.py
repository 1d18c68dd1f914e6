"""The optional dense channel of event clustering (sentence vectors from the `embed` extra)."""

import math

import numpy as np

from storyline.stages.embed import EMBED_KEY, embed
from storyline.stages.events import EventIndex, EventProfile, EventSettings, _add, _dense, _dot, _rescale, _unit

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


def test_events_dense_centroids_of_older_stores_are_read_as_arrays():
    # Earlier versions kept the centroid as dimension -> value and dropped dimensions that
    # summed to ~0; they come back in place, as zeros.
    profile = EventProfile.from_dict({"id": "ev-1", "founder": "a", "born": 0, "dense": {"0": 0.5, "2": 0.25}})
    assert profile.dense.tolist() == [0.5, 0.0, 0.25]
    dense = _unit(_dense([0.6, 0.0, 0.8, 0.0]))
    assert math.isclose(_dot(dense, profile.dense), 0.6 * 0.5 + 0.8 * 0.25)
    assert np.allclose(_add(profile.dense, dense), [1.1, 0.0, 1.05, 0.0])


def test_events_dense_removing_the_last_member_leaves_the_channel_empty():
    index = EventIndex()
    index.assign([_with_dense(make("a", QUAKE_EN), [0.6, 0.8, 0.0])])
    event = index.event_of(["a"])["a"]
    profile = index.profiles([event])[event]
    vec = index._vectorise("a", _with_dense(make("a", QUAKE_EN), [0.6, 0.8, 0.0]).extra[EMBED_KEY], lambda k: 1.0)
    index._remove(profile, vec)
    assert not profile.dense.any()  # what was left is zeros, as a dict would have dropped it
    assert not len(_unit(profile.dense))
