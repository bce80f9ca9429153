"""The reader: a cross-encoder that reads a question and a candidate sentence together and
scores how well the sentence answers it (a logit), for ranking and for knowing when not
to answer (bot/answer/rank.py, select.py).

What it is: all-MiniLM-L6-v2's first `LAYERS` layers fine-tuned on (question, sentence)
pairs from SQuAD (train/reader.py; data, recipe, licences and measures in `READER-CARD.md`), a
mean-pooled linear head, exported to ONNX and quantized to int8 by onnxruntime's own
quantizer. The question is segment A, the article's title and the quote segment B,
truncated together to `MAX_TOKENS` word pieces. It shares the sentence encoder's
tokenizer file and loader (onnx.py): the weights are checked for their size and sha256
before a session is made from them.

Rebuild it with `python -m train.reader_data && python -m train.reader --install` (CPU,
under an hour on two cores; `pip install '.[train]'` first).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .minilm import MAX_THREADS, TOKENIZER, TOKENIZER_SHA256, TOKENIZER_SIZE
from .onnx import REINSTALL, LazyModel, ModelFiles

HERE = Path(__file__).parent
WEIGHTS = HERE / "reader-int8.onnx"
CARD = HERE / "reader.json"  # what train/reader.py recorded: layers, data splits, measures
SHA256 = "76a76f74959cd22d28c1d6dd1b7244e94d27167240b5c3b666dac06ee0f5acc6"
SIZE = 22860274
LAYERS = 6
MAX_TOKENS = 160  # question + title + quote, in word pieces (longer ones are cut)
READER_REMEDY = f"{REINSTALL}, or answer without it: --no-reader (NEWSQA_READER=0)"


class MiniLMReader(LazyModel):
    """The `Reader`: thread-safe; the model is loaded on the first `score`."""

    def __init__(self, threads: int | None = None, weights: Path | None = None) -> None:
        super().__init__(threads or min(os.cpu_count() or 1, MAX_THREADS))
        self.weights = weights or WEIGHTS

    @property
    def settings(self) -> dict[str, Any]:
        return {"model": f"minilm-l{LAYERS}-reader-int8-onnx", "sha256": SHA256}

    def files(self) -> ModelFiles:
        return ModelFiles(
            "reader",
            self.weights,
            SHA256,
            SIZE,
            TOKENIZER,
            TOKENIZER_SHA256,
            TOKENIZER_SIZE,
            READER_REMEDY,
        )

    def prepared(self, session: Any, tokenizer: Any) -> tuple[Any, Any]:
        tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
        tokenizer.enable_padding()  # to the longest pair of each batch
        return session, tokenizer

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        import numpy as np

        if not texts:
            return []
        session, tokenizer = self.loaded()
        enc = tokenizer.encode_batch([(question, t) for t in texts])
        feeds = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        logits = session.run(None, feeds)[0].reshape(-1)
        return [float(x) for x in logits]


def held_out_titles() -> frozenset[str]:
    """The SQuAD articles the shipped reader never read in training or calibration (its
    card's `held_out`): `eval --held-out` reports on these only."""
    try:
        card = json.loads(CARD.read_text(encoding="utf-8"))
        return frozenset(str(t) for t in card["held_out"]["dev_articles"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
