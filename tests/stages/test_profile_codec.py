"""The stored form of clustering profiles: exact, compact, and readable from older stores."""

from __future__ import annotations

import json
import struct

import pytest

from storyline.stages import profile_codec
from storyline.stages.events import StoreState
from storyline.stores.sqlite import SQLiteStore


def _profile() -> dict:
    return {"id": "ev-1", "founder": "d1", "born": 3, "docs": ["d1", "d2"],
            "terms": {"quake": 0.1 + 0.2, "tsunami": 1e-300, "zeta": -0.0, "ünïcode": 2 / 3},
            "lead": {}, "names": {"Nur-Sultan": 5e-324}, "keys": ["n|nur-sultan"], "langs": {"en": 2},
            "first": "2024-01-01", "last": None, "members": 2}


def _bits(profile: dict) -> dict:
    return {f: [(k, struct.pack("<d", v)) for k, v in profile[f].items()] for f in ("terms", "lead", "names")}


def test_profile_codec_gives_back_the_same_bits_keys_order_and_fields():
    profile = _profile()
    back = profile_codec.unpack(profile_codec.pack(profile))
    assert back == profile and list(back) == list(profile)
    assert _bits(back) == _bits(profile)  # -0.0 and subnormals too: clustering must not change


def test_profile_codec_is_smaller_than_json_for_a_centroid():
    profile = _profile() | {"terms": {f"word{i}": 1 / (i + 3) for i in range(400)}}
    assert len(profile_codec.pack(profile)) < 0.7 * len(json.dumps(profile))


def test_profile_codec_reads_json_profiles_of_older_stores_and_refuses_damage():
    assert profile_codec.unpack(_profile()) == _profile()
    blob = profile_codec.pack(_profile())
    with pytest.raises(ValueError, match="truncated or corrupt"):
        profile_codec.unpack(blob[:-8])
    with pytest.raises(ValueError, match="not a packed profile"):
        profile_codec.unpack(b"J{}")


def test_store_state_writes_packed_profiles_and_reads_old_and_new_ones(tmp_path):
    with SQLiteStore(tmp_path / "s.db") as store:
        state = StoreState(store)
        with store.transaction():
            state.put_profiles([_profile()])
            state.flush()
        store.put_state(StoreState.NS["profiles"], {"ev-old": _profile() | {"id": "ev-old"}})  # as JSON
        raw = store.get_states(StoreState.NS["profiles"], ["ev-1"])["ev-1"]
        assert bytes(raw).startswith(profile_codec.MAGIC)
        fresh = StoreState(store)
        got = fresh.get_profiles(["ev-1", "ev-old"])
    assert got["ev-1"] == _profile()
    assert got["ev-old"] == _profile() | {"id": "ev-old"}


def test_profile_codec_keeps_a_dense_centroid_an_array_with_the_same_bits():
    np = pytest.importorskip("numpy")
    dense = np.array([0.1 + 0.2, -0.0, 5e-324, 2 / 3])
    back = profile_codec.unpack(profile_codec.pack(_profile() | {"dense": dense}))
    assert isinstance(back["dense"], np.ndarray) and back["dense"].tobytes() == dense.tobytes()
    assert _bits(back) == _bits(_profile())
