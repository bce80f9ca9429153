"""The records a BM25 index is made of: its parameters, its term-major postings and the
pruning extras of its common terms. Shared by the builder (`bot/indexer/`) and the query
side (`bm25.py`, `impact.py`), which is why they live apart from both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    variant: str = "okapi"  # rank_bm25.BM25Okapi

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Pruning:
    """Where exact pruning starts (bot/index/impact.py explains it). Results never depend
    on these, only speed: tests scale them down so a small corpus takes every branch."""

    long_df: int = 2048  # terms with more postings than this get an impact prefix ...
    prefix_share: int = 8  # ... of at least 1/8 of their postings
    dense_share: int = 32  # terms in at least 1/32 of the passages get a dense tf row,
    dense_max_rows: int = 128  # ... at most this many (a byte per passage each)
    sparse_postings: int = 4096  # up to this many postings, summing them all is fastest
    probe: int = 512  # the first read: this many postings of each long term


PRUNING = Pruning()


@dataclass(frozen=True)
class Impact:
    """Build-time extras for common terms (see the module docstring).

    Term t's prefix is ids/neg_weights[ptr[t]:ptr[t+1]] (empty for short terms); the
    weights are stored negated, so they ascend and `np.searchsorted` applies directly.
    dense_tf[r] is the tf row of term dense_terms[r]; norm[p] is k1·(1 - b + b·len/avglen).
    """

    ptr: NDArray[np.int64]
    ids: NDArray[np.int32]
    neg_weights: NDArray[np.float64]
    dense_terms: NDArray[np.int32]
    dense_tf: NDArray[np.unsignedinteger]
    norm: NDArray[np.float64]
    k1: float

    @cached_property
    def dense_row(self) -> dict[int, int]:
        """Term id -> its row in dense_tf (computed once per opened index)."""
        return {int(t): r for r, t in enumerate(self.dense_terms)}


def okapi_norm(
    doc_len: NDArray[np.int32], k1: float, b: float, avgdl: float | None = None
) -> NDArray[np.float64]:
    """Per passage k1·(1 - b + b·len/avglen), the same operations as at build time.
    `avgdl`: the average over the whole corpus, for one shard of it (else its own)."""
    if avgdl is None:
        avgdl = mean_length(doc_len)
    return k1 * (1 - b + b * doc_len.astype(np.float64) / avgdl)


def mean_length(doc_len: NDArray[np.int32]) -> float:
    """The average passage length BM25 normalises by (1 when all passages are empty)."""
    n = len(doc_len)
    return (float(doc_len.sum()) / n if n else 1.0) or 1.0


@dataclass(frozen=True)
class Postings:
    """Term-major CSR: the postings of term t are indices/weights[indptr[t]:indptr[t+1]]."""

    vocab: dict[str, int]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    weights: NDArray[np.float64]
    idf: NDArray[np.float64]
    doc_len: NDArray[np.int32]
    n_passages: int
    impact: Impact  # impact prefixes and dense rows of the common terms
