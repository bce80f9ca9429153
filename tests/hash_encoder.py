"""A tiny deterministic `Encoder` for tests: a hashed bag of stems, made unit length.
Sentences that share words are near; it costs microseconds and needs no model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.ingest import tokens

DIM = 32


class HashEncoder:
    def __init__(self) -> None:
        self.calls: list[int] = []  # how many texts each encode() was given

    @property
    def settings(self) -> dict[str, Any]:
        return {"model": "test-hash", "dim": DIM}

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in tokens.analyze(text) or ["empty"]:
                out[i, hashlib.blake2b(term.encode(), digest_size=2).digest()[0] % DIM] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
