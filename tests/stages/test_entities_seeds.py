"""entities on the shared seed articles (read at run time, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.stages.entities import EntityLinker, extract_entities_batch
from storyline.stages.entities.names import name_key

SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"))
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="module")
def seed_entities():
    if not SEEDS.is_dir():
        pytest.skip(f"../shared not found: {SEEDS}")
    files = sorted(SEEDS.glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    mentions = extract_entities_batch([(t, "en") for t in texts])
    for text, found in zip(texts, mentions):
        assert all(text[m.start:m.end] == m.text for m in found)
    return EntityLinker().link({f.stem: m for f, m in zip(files, mentions)})


def entity_with(ents, surface):
    key = name_key(surface)
    found = {e.id for e in ents for v in e.variants if name_key(v) == key}
    assert len(found) == 1, (surface, found)
    return found.pop()


@pytest.mark.parametrize(
    "group",
    [
        ["Shavkat Mirziyoyev", "Mirziyoyev", "Chavkat Mirzioyev", "Chavkat Mirziïïev"],
        ["Kazakhstan", "Kazkahstan", "KAZAKHSTAN"],
        ["Anthony Blinken", "Blinken"],
        ["Kassym-Jomart Tokayev", "Tokayev"],
        ["Mukhtar Tleuberdi", "Mukhtar Tileuberdi"],
        ["Nur-Sultan", "NUR-SUOLTAN"],
        ["Mike Pompeo", "Pompeo"],
    ],
)
def test_entities_seeds_merge_name_variants(seed_entities, group):
    assert len({entity_with(seed_entities, surface) for surface in group}) == 1


def test_entities_seeds_canonical_names_and_types(seed_entities):
    by_id = {e.id: e for e in seed_entities}
    assert by_id[entity_with(seed_entities, "Tokayev")].name == "Kassym-Jomart Tokayev"
    assert by_id[entity_with(seed_entities, "Chavkat Mirziïïev")].name == "Shavkat Mirziyoyev"
    assert by_id[entity_with(seed_entities, "Pompeo")].type == "PERSON"
    assert by_id[entity_with(seed_entities, "Kazkahstan")].name == "Kazakhstan"
    # Different people stay apart.
    assert entity_with(seed_entities, "Islam Karimov") != entity_with(seed_entities, "Abdulaziz Kamilov")
