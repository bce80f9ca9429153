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

Serving: weight[t, p] = idf[t] * tf*(k1+1) / (tf + k1*(1 - b + b*len[p]/avglen)) is
precomputed into a term-major CSR matrix, so a query touches only its terms' postings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import impact


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    variant: str = "okapi"  # rank_bm25.BM25Okapi

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
class Postings:
    """Term-major CSR: the postings of term t are indices/weights[indptr[t]:indptr[t+1]]."""

    vocab: dict[str, int]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    weights: NDArray[np.float64]
    idf: NDArray[np.float64]
    doc_len: NDArray[np.int32]
    n_passages: int
    impact: impact.Impact  # impact prefixes and dense rows of the common terms


def fit(token_lists: Sequence[Sequence[str]], params: BM25Params) -> Postings:
    """Postings for passages given as token lists (the small-corpus and test entry point)."""
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for tokens in token_lists for t in tokens]
    ptr = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum([len(tokens) for tokens in token_lists], out=ptr[1:])
    return fit_arrays(vocab, ptr, np.asarray(ids, dtype=np.int32), params)


def fit_arrays(
    vocab: dict[str, int],
    ptr: NDArray[np.int64],
    ids: NDArray[np.int32],
    params: BM25Params,
    chunk: int = 8_000_000,
) -> Postings:
    """Postings from passage-major token ids: passage p is ids[ptr[p]:ptr[p+1]].

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
    df = np.diff(by_term.indptr)
    names = [""] * n_terms
    for t, tid in vocab.items():
        names[tid] = t
    idf_map = okapi_idf(n, {names[t]: int(df[t]) for t in range(n_terms)}, params) if n else {}
    idf = np.array([idf_map.get(name, 0.0) for name in names], dtype=np.float64)
    norm = impact.okapi_norm(doc_len, params.k1, params.b)
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
    extra = impact.build(indptr, passage_ids, weights, by_term.data, n, norm, params.k1)
    del by_term
    return Postings(vocab, indptr, passage_ids, weights, idf, doc_len, n, extra)


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


SPARSE_POSTINGS = 4096  # up to this many postings, summing them all beats anything cleverer


def search(post: Postings, query_terms: Sequence[str], k: int) -> list[tuple[int, float]]:
    """The k best passages for the query (ties: lower passage id), as rank-bm25 ranks them.

    Few postings: sum them all. Many (common terms over a big corpus): the exact threshold
    algorithm over impact-ordered prefixes (`impact.py`), which reads a small part of them.
    """
    tids = [tid for t in query_terms if (tid := post.vocab.get(t)) is not None]
    total = sum(int(post.indptr[t + 1] - post.indptr[t]) for t in set(tids))
    if total == 0 or k <= 0:
        return []
    if total <= SPARSE_POSTINGS or not impact.usable(post, tids):
        return top_k(*score_candidates(post, query_terms), k)
    return top_k(*impact.search(post, tids, k), k)


def dense_scores(post: Postings, query_terms: Sequence[str]) -> NDArray[np.float64]:
    """Scores of all passages (zeros included), for comparing with `get_scores`."""
    out = np.zeros(post.n_passages, dtype=np.float64)
    cand, scores = score_candidates(post, query_terms)
    out[cand] = scores
    return out
