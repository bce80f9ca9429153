"""Build-time extras for common terms: impact-ordered prefixes and dense tf rows.

What they are and how the query side uses them is explained in `bot/index/impact.py`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..index.postings import PRUNING, Impact, Pruning


def build(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int32],
    weights: NDArray[np.float64],
    tf: NDArray[np.integer],
    n_passages: int,
    norm: NDArray[np.float64],
    k1: float,
    pruning: Pruning = PRUNING,
) -> Impact:
    """Impact prefixes and dense rows from term-major postings (tf aligned with them)."""
    df = np.diff(indptr)
    long_df, share = pruning.long_df, pruning.prefix_share
    long_terms = np.flatnonzero(df > long_df)
    lengths = np.zeros(len(df), dtype=np.int64)
    lengths[long_terms] = np.minimum(df[long_terms], np.maximum(long_df, df[long_terms] // share))
    ptr = np.zeros(len(df) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    ids = np.empty(int(ptr[-1]), dtype=np.int32)
    neg = np.empty(int(ptr[-1]), dtype=np.float64)
    for t in long_terms:
        lo, hi, m = int(indptr[t]), int(indptr[t + 1]), int(lengths[t])
        w = -weights[lo:hi]  # ascending = heaviest first
        top = np.argpartition(w, m - 1)[:m] if m < hi - lo else np.arange(hi - lo)
        top = top[np.lexsort((top, w[top]))]  # by weight, then by position = passage id
        ids[ptr[t] : ptr[t + 1]] = indices[lo:hi][top]
        neg[ptr[t] : ptr[t + 1]] = w[top]
    common = np.flatnonzero((df > long_df) & (df * pruning.dense_share >= n_passages))
    rows = pruning.dense_max_rows
    if len(common) > rows:  # keep the most common: they gain the most
        common = np.sort(common[np.argsort(-df[common], kind="stable")[:rows]])
    dense_terms: NDArray[np.int32] = common.astype(np.int32)
    top_tf = max((int(tf[indptr[t] : indptr[t + 1]].max()) for t in dense_terms), default=0)
    # One byte per passage unless some passage repeats a common word more than 255 times.
    dtype = np.min_scalar_type(top_tf) if top_tf > 255 else np.dtype(np.uint8)
    dense_tf = np.zeros((len(dense_terms), n_passages), dtype=dtype)
    for r, term in enumerate(dense_terms.tolist()):
        lo, hi = int(indptr[term]), int(indptr[term + 1])
        dense_tf[r, indices[lo:hi]] = tf[lo:hi]
    return Impact(ptr, ids, neg, dense_terms, dense_tf, norm, k1)
