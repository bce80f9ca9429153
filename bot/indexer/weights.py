"""BM25 weights at build time: rank-bm25's IDF and the per-posting Okapi weights.

See `bot/index/bm25.py` for why Okapi and which of rank-bm25's quirks are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..index.postings import PRUNING, BM25Params, Postings, Pruning, okapi_norm
from . import prefixes


def okapi_idf(n_passages: int, doc_freq: dict[str, int], params: BM25Params) -> dict[str, float]:
    """rank-bm25's IDF rule applied to document frequencies we already counted.

    `BM25Okapi.__init__` would also build one dict per passage (gigabytes at a million
    passages); the IDF only needs N and the document frequencies, which its `_calc_idf`
    takes. Imported here, at build time only, so answering never pays for it.
    """
    from rank_bm25 import BM25Okapi

    class _OkapiIdf(BM25Okapi):  # type: ignore[misc]
        def __init__(self) -> None:  # skip BM25.__init__: no corpus to walk
            self.k1, self.b, self.epsilon = params.k1, params.b, params.epsilon
            self.corpus_size = n_passages
            self.idf: dict[str, float] = {}
            self._calc_idf(doc_freq)

    return _OkapiIdf().idf


@dataclass(frozen=True)
class GlobalStats:
    """What BM25 needs of the whole corpus: each term's IDF and the average length."""

    idf: NDArray[np.float64]  # by term id
    avgdl: float


def corpus_idf(
    vocab: dict[str, int], df: NDArray[np.int64], n: int, params: BM25Params
) -> NDArray[np.float64]:
    """rank-bm25's IDF of every term, by term id, from its passage frequency."""
    names = [""] * len(vocab)
    for t, tid in vocab.items():
        names[tid] = t
    idf_map = okapi_idf(n, {names[t]: int(df[t]) for t in range(len(names))}, params) if n else {}
    return np.array([idf_map.get(name, 0.0) for name in names], dtype=np.float64)


def fit(
    token_lists: Sequence[Sequence[str]], params: BM25Params, pruning: Pruning = PRUNING
) -> Postings:
    """Postings for passages given as token lists (the small-corpus and test entry point)."""
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for tokens in token_lists for t in tokens]
    ptr = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum([len(tokens) for tokens in token_lists], out=ptr[1:])
    return fit_arrays(vocab, ptr, np.asarray(ids, dtype=np.int32), params, pruning=pruning)


def fit_arrays(
    vocab: dict[str, int],
    ptr: NDArray[np.int64],
    ids: NDArray[np.int32],
    params: BM25Params,
    chunk: int = 8_000_000,
    pruning: Pruning = PRUNING,
    stats: GlobalStats | None = None,
) -> Postings:
    """Postings from passage-major token ids: passage p is ids[ptr[p]:ptr[p+1]].

    `stats`: the IDF and average passage length of a whole corpus, for one shard of it;
    the shard's weights are then bit for bit those of the unsharded index (same values,
    same operations). Without them the passages given are the corpus.

    Vectorised and chunked so that a million passages fit in well under 2 GB: scipy sums
    duplicate terms per passage (tf) and transposes to term-major in C; the weights are
    computed `chunk` entries at a time, in rank-bm25's order of floating-point operations.
    """
    from scipy import sparse  # build-time only: serving needs nothing but numpy

    n, n_terms = len(ptr) - 1, len(vocab)
    doc_len = np.diff(ptr).astype(np.int32)
    tf_rows = sparse.csr_matrix((np.ones(len(ids), dtype=np.int32), ids, ptr), shape=(n, n_terms))
    del ids  # the matrix now holds the only reference; freed with it below
    tf_rows.sum_duplicates()
    by_term = tf_rows.tocsc()  # columns are terms: indices are passage ids, sorted
    del tf_rows
    if stats is None:
        idf = corpus_idf(vocab, np.diff(by_term.indptr), n, params)
        norm = okapi_norm(doc_len, params.k1, params.b)
    else:
        idf = stats.idf
        norm = okapi_norm(doc_len, params.k1, params.b, stats.avgdl)
    passage_ids = by_term.indices.astype(np.int32, copy=False)
    indptr = by_term.indptr.astype(np.int64, copy=False)
    weights = np.empty(len(passage_ids), dtype=np.float64)
    for lo in range(0, len(weights), chunk):
        hi = min(lo + chunk, len(weights))
        # Each posting's IDF: the chunk's terms, each repeated over its postings in the chunk.
        first, last = np.searchsorted(indptr, [lo, hi - 1], side="right") - 1
        starts = np.clip(indptr[first : last + 1], lo, None)
        ends = np.clip(indptr[first + 1 : last + 2], None, hi)
        idf_of = np.repeat(idf[first : last + 1], ends - starts)
        tf = by_term.data[lo:hi].astype(np.float64)
        weights[lo:hi] = idf_of * (tf * (params.k1 + 1) / (tf + norm[passage_ids[lo:hi]]))
    extra = prefixes.build(indptr, passage_ids, weights, by_term.data, n, norm, params.k1, pruning)
    del by_term
    return Postings(vocab, indptr, passage_ids, weights, idf, doc_len, n, extra)
