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
from rank_bm25 import BM25Okapi


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    variant: str = "okapi"  # rank_bm25.BM25Okapi

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _OkapiIdf(BM25Okapi):  # type: ignore[misc]
    """rank-bm25's IDF rule applied to document frequencies we already counted.

    `BM25Okapi.__init__` would also build one dict per passage (gigabytes at a million
    passages); the IDF only needs N and the document frequencies, which `_calc_idf` takes.
    """

    def __init__(self, n_passages: int, doc_freq: dict[str, int], params: BM25Params) -> None:
        self.k1, self.b, self.epsilon = params.k1, params.b, params.epsilon
        self.corpus_size = n_passages
        self.idf: dict[str, float] = {}
        self._calc_idf(doc_freq)


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


def fit(token_lists: Sequence[Sequence[str]], params: BM25Params) -> Postings:
    """Count terms per passage and precompute every (term, passage) BM25 weight."""
    vocab: dict[str, int] = {}
    rows: list[int] = []  # term id per (passage, term) pair
    cols: list[int] = []
    tfs: list[int] = []
    doc_len = np.zeros(len(token_lists), dtype=np.int32)
    for pid, tokens in enumerate(token_lists):
        doc_len[pid] = len(tokens)
        counts: dict[int, int] = {}
        for tok in tokens:
            tid = vocab.setdefault(tok, len(vocab))
            counts[tid] = counts.get(tid, 0) + 1
        rows.extend(counts.keys())
        cols.extend([pid] * len(counts))
        tfs.extend(counts.values())
    return fit_counts(
        vocab,
        np.asarray(rows, np.int64),
        np.asarray(cols, np.int32),
        np.asarray(tfs, np.float64),
        doc_len,
        params,
    )


def fit_counts(
    vocab: dict[str, int],
    term_ids: NDArray[np.int64],
    passage_ids: NDArray[np.int32],
    tf: NDArray[np.float64],
    doc_len: NDArray[np.int32],
    params: BM25Params,
) -> Postings:
    """Weights from (term, passage, tf) triples, one per distinct pair."""
    n = len(doc_len)
    n_terms = len(vocab)
    df = np.bincount(term_ids, minlength=n_terms)
    names = [""] * n_terms
    for term, tid in vocab.items():
        names[tid] = term
    idf_map = _OkapiIdf(n, {names[t]: int(df[t]) for t in range(n_terms)}, params).idf if n else {}
    idf = np.array([idf_map.get(names[t], 0.0) for t in range(n_terms)], dtype=np.float64)
    avgdl = float(doc_len.sum()) / n if n else 1.0
    avgdl = avgdl or 1.0  # every passage empty: avoid 0/0, all weights are 0 anyway
    norm = params.k1 * (1 - params.b + params.b * doc_len.astype(np.float64) / avgdl)
    weights = idf[term_ids] * (tf * (params.k1 + 1) / (tf + norm[passage_ids]))
    order = np.lexsort((passage_ids, term_ids))
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return Postings(
        vocab, indptr, passage_ids[order].astype(np.int32), weights[order], idf, doc_len, n
    )


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


def dense_scores(post: Postings, query_terms: Sequence[str]) -> NDArray[np.float64]:
    """Scores of all passages (zeros included), for comparing with `get_scores`."""
    out = np.zeros(post.n_passages, dtype=np.float64)
    cand, scores = score_candidates(post, query_terms)
    out[cand] = scores
    return out
