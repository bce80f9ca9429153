"""BM25 over passages: rank-bm25's `BM25Okapi` scores, served from a sparse matrix.

Why Okapi, and with which quirks (pinned in tests/test_bm25.py):
  * the IDF is rank-bm25's own code (`BM25Okapi._calc_idf`), so scores cannot drift from
    the reference: log((N - n + .5) / (n + .5)), and a term in more than half of the
    passages gets the floor `epsilon * mean(idf)`, the same as any other common term;
  * a term in exactly half of an even number of passages has IDF 0 (not floored);
  * with one or two passages the mean IDF, and so the floor, can be zero or negative.
Those quirks are why passage scores only *rank candidates*: every passage holding a query
term is a candidate, even at score <= 0, and the answer stage judges relevance with its
own always-positive sentence IDF (see `answer.py`).

k1=1.5, b=0.75, epsilon=0.25 are rank-bm25's defaults; short news passages of similar
length (see `segment.py`) gave no reason to move them.

Building the weights is `bot/indexer/weights.py`; this module is the query side.
Serving: weight[t, p] = idf[t] * tf*(k1+1) / (tf + k1*(1 - b + b*len[p]/avglen)) is
precomputed into a term-major CSR matrix, so a query touches only its terms' postings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from . import impact
from .checksum import check_read
from .postings import PRUNING, BM25Params, Postings, Pruning

__all__ = ["BM25Params", "Postings", "dense_scores", "score_candidates", "search", "top_k"]


def score_candidates(
    post: Postings, query_terms: Sequence[str]
) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """BM25Okapi scores of every passage holding at least one query term.

    Repeated query terms count again, as in `BM25Okapi.get_scores`. Passages without any
    query term are left out: their Okapi score is exactly 0.
    """
    parts_i: list[NDArray[np.int32]] = []
    parts_w: list[NDArray[np.float64]] = []
    for term in query_terms:
        tid = post.vocab.get(term)
        if tid is None:
            continue
        lo, hi = int(post.indptr[tid]), int(post.indptr[tid + 1])
        parts_i.append(np.asarray(post.indices[lo:hi]))
        parts_w.append(np.asarray(post.weights[lo:hi]))
    if not parts_i:
        return np.zeros(0, np.int32), np.zeros(0, np.float64)
    idx = np.concatenate(parts_i)
    w = np.concatenate(parts_w)
    check_read("postings", post.n_passages, idx, w)  # large indexes are not hashed on open
    cand, inverse = np.unique(idx, return_inverse=True)
    summed = np.bincount(inverse, weights=w, minlength=len(cand)).astype(np.float64)
    return cand.astype(np.int32), summed


def top_k(cand: NDArray[np.int32], scores: NDArray[np.float64], k: int) -> list[tuple[int, float]]:
    """The k best (passage, score) pairs, ties broken by the lower passage id."""
    if k <= 0 or len(cand) == 0:
        return []
    if len(cand) > 4 * k:  # only sort a shortlist; keep every tie at the cut-off score
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        cand, scores = cand[keep], scores[keep]
    order = np.lexsort((cand, -scores))[:k]
    return [(int(cand[i]), float(scores[i])) for i in order]


def search(
    post: Postings, query_terms: Sequence[str], k: int, pruning: Pruning = PRUNING
) -> list[tuple[int, float]]:
    """The k best passages for the query (ties: lower passage id), as rank-bm25 ranks them.

    Few postings: sum them all. Many (common terms over a big corpus): the exact threshold
    algorithm over impact-ordered prefixes (`impact.py`), which reads a small part of them.
    """
    tids = [tid for t in query_terms if (tid := post.vocab.get(t)) is not None]
    total = sum(int(post.indptr[t + 1] - post.indptr[t]) for t in set(tids))
    if total == 0 or k <= 0:
        return []
    if total <= pruning.sparse_postings or not impact.usable(post, tids):
        return top_k(*score_candidates(post, query_terms), k)
    return top_k(*impact.search(post, tids, k, pruning.probe), k)


def dense_scores(post: Postings, query_terms: Sequence[str]) -> NDArray[np.float64]:
    """Scores of all passages (zeros included), for comparing with `get_scores`."""
    out = np.zeros(post.n_passages, dtype=np.float64)
    cand, scores = score_candidates(post, query_terms)
    out[cand] = scores
    return out
