"""The records of an opened index: its articles and the arrays a query reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..records import DocMeta
from .postings import Postings


@dataclass(frozen=True)
class DocEntry:
    doc_id: int
    meta: DocMeta
    sha256: str


@dataclass(frozen=True)
class IndexData:
    params: dict[str, Any]
    docs: tuple[DocEntry, ...]
    passages: NDArray[np.int64]
    sentences: NDArray[np.int64]
    sent_text: bytes | memoryview | NDArray[np.uint8]
    sent_text_offsets: NDArray[np.int64]
    postings: Postings
    sent_df: NDArray[np.int32]
    # Unit sentence and passage vectors (float16 [S, dim], [P, dim]) of an index built
    # with a sentence encoder (params["settings"]["encoder"]); None for a lexical index.
    sent_vec: NDArray[np.float16] | None = None
    passage_vec: NDArray[np.float16] | None = None

    def sentence_text(self, sent_id: int) -> str:
        lo, hi = int(self.sent_text_offsets[sent_id]), int(self.sent_text_offsets[sent_id + 1])
        return bytes(self.sent_text[lo:hi]).decode("utf-8")

    @property
    def n_sentences(self) -> int:
        return int(self.sentences.shape[0])
