"""Exact top-k for queries made of common words: impact-ordered prefixes + dense tf rows.

This module is the query side; `bot/indexer/prefixes.py` writes the extras it reads.

Summing every posting of a query term is fast for rare terms and hopeless for a term in
most passages (a million postings a term at 1M passages). For those the index keeps two
extra things, both written at build time next to the term-major weights:

  * an *impact prefix* per long term: its heaviest postings in descending weight order
    (ties: lower passage id), at least `long_df` of them or 1/`prefix_share` of the list
    (the thresholds are `postings.Pruning`);
  * a *dense tf row* per very common term (in at least 1/`dense_share` of the passages; the
    `dense_max_rows` most common at most): its term frequency in every passage, one byte
    each, so its exact weight in any passage is one lookup away (recomputed with the
    build's own formula: the same float64 operations in the same order, the same bits).

Search is the threshold algorithm of Fagin et al. done in vectorised batches: read the
prefixes of the long terms down to depths d_t (short terms are read whole), score what was
read exactly, and let θ be the k-th best score so far. A passage not read yet has, for each
term, a weight at most f_t = the weight at depth d_t (0 once a list is read to its end), so
its score is at most Σ c_t·f_t (c_t: times the term is in the query). Once that bound falls
below θ nothing unread can enter the top k and the read passages' exact top k is the answer.
Otherwise deepen the list whose next step lowers the bound most per posting read, and repeat
with a doubled budget.

Exact means rank-bm25's numbers: every score is summed term by term in query order, as
`BM25Okapi.get_scores` adds them, and ties go to the lower passage id (`bm25.top_k`).
Only used when every query term has a positive IDF (then every weight is positive, which
the bound needs); tiny corpora with rank-bm25's zero or negative IDFs take the plain path.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .checksum import check_read
from .postings import PRUNING, Postings

SLACK = 1e-9  # relative: θ is lowered by this much so rounding never drops a tie


# Per-thread "already read" marks, one byte per passage, reused across queries (allocating
# them per query would cost a page fault per page touched); cleared after every query.
_local = threading.local()


def _seen_marks(n: int) -> NDArray[np.uint8]:
    seen: NDArray[np.uint8] | None = getattr(_local, "seen", None)
    if seen is None or len(seen) != n:
        seen = np.zeros(n, dtype=np.uint8)
        _local.seen = seen
    return seen


class _Reader:
    """One query's state: which passages were read, their exact scores, list depths."""

    def __init__(self, post: Postings, query_tids: list[int]) -> None:
        self.post, self.imp = post, post.impact
        self.query_tids = query_tids
        self.counts: dict[int, int] = {}
        for t in query_tids:
            self.counts[t] = self.counts.get(t, 0) + 1
        self.dense = self.imp.dense_row
        self.prefixes: dict[int, tuple[NDArray[np.int32], NDArray[np.float64]]] = {}
        self.seen = _seen_marks(post.n_passages)
        self.read: list[NDArray[np.int32]] = []
        self.scores: list[NDArray[np.float64]] = []
        self.depth: dict[int, int] = {}  # long terms: prefix read so far
        self.whole: set[int] = set()  # terms read to the end of their full list

    # -- reading ---------------------------------------------------------------------
    def df(self, t: int) -> int:
        return int(self.post.indptr[t + 1] - self.post.indptr[t])

    def prefix(self, t: int) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
        if t not in self.prefixes:
            lo, hi = int(self.imp.ptr[t]), int(self.imp.ptr[t + 1])
            ids, neg = self.imp.ids[lo:hi], self.imp.neg_weights[lo:hi]
            check_read("impact postings", self.post.n_passages, ids, neg)
            self.prefixes[t] = (ids, neg)
        return self.prefixes[t]

    def take(self, parts: list[NDArray[np.int32]]) -> None:
        """Score the passages in `parts` not read before (each once)."""
        if not parts:
            return
        e = np.concatenate(parts)
        check_read("postings", len(self.seen), e)
        # Sorted: the lookups below then walk memory in order (about twice as fast).
        e = np.sort(e[self.seen[e] == 0])
        if len(e) > 1:
            e = e[np.concatenate(([True], e[1:] != e[:-1]))]
        self.seen[e] = 1
        self.read.append(e)
        self.scores.append(self.exact(e))

    def release(self) -> None:
        for e in self.read:
            self.seen[e] = 0

    def exact(self, cand: NDArray[np.int32]) -> NDArray[np.float64]:
        """Scores of `cand` summed in query order (repeats included), as rank-bm25 does."""
        scores = np.zeros(len(cand), dtype=np.float64)
        cache: dict[int, NDArray[np.float64]] = {}
        norm: NDArray[np.float64] | None = None
        for t in self.query_tids:
            if t not in cache:
                row = self.dense.get(t)
                if row is not None:  # the build's weight formula, same operations
                    if norm is None:
                        norm = self.imp.norm[cand]
                    tf = self.imp.dense_tf[row][cand].astype(np.float64)
                    idf = float(self.post.idf[t])
                    cache[t] = idf * (tf * (self.imp.k1 + 1) / (tf + norm))
                elif (hi := int(self.post.indptr[t + 1])) == (lo := int(self.post.indptr[t])):
                    # No postings: a shard of a cluster build knows every corpus term.
                    cache[t] = np.zeros(len(cand), dtype=np.float64)
                else:
                    idx, w = self.post.indices[lo:hi], self.post.weights[lo:hi]
                    pos = np.searchsorted(idx, cand)
                    pos[pos >= len(idx)] = 0
                    cache[t] = np.where(idx[pos] == cand, w[pos], 0.0)
                    check_read("postings", len(self.seen), weights=cache[t])
            scores += cache[t]
        return scores

    # -- the bound -------------------------------------------------------------------
    def frontier(self, t: int, depth: int) -> float:
        """The most an unread passage can weigh in term t with its prefix read to depth."""
        if t in self.whole:
            return 0.0
        _, neg = self.prefix(t)
        if depth < len(neg):
            return -float(neg[depth])
        return -float(neg[-1]) if len(neg) < self.df(t) else 0.0

    def bound(self, depth: dict[int, int]) -> float:
        return sum(self.counts[t] * self.frontier(t, d) for t, d in depth.items())

    def theta(self, k: int) -> float:
        s = np.concatenate(self.scores) if self.scores else np.zeros(0)
        if len(s) < k:
            return -np.inf
        kth = float(np.partition(s, len(s) - k)[len(s) - k])
        return kth - abs(kth) * SLACK

    def best_step(self, depth: dict[int, int], budget: int) -> tuple[int, int] | None:
        """The (term, new depth) that lowers the bound most per posting read. Depth -1
        means: read the rest of the term's full list - when its prefix is used up or is
        one run of equal weights to its end, or when the whole list fits in `budget`."""
        best: tuple[float, int, int] | None = None
        for t, d in depth.items():
            if t in self.whole:
                continue
            cur, c = self.frontier(t, d), self.counts[t]
            steps = []
            _, neg = self.prefix(t)
            if d < len(neg):  # past the run of equal weights, and at least double
                x = min(len(neg), max(2 * d, int(np.searchsorted(neg, -cur, side="right"))))
                if (gain := cur - self.frontier(t, x)) > 0:
                    steps.append((x, gain, x - d))
            rest = self.df(t) - d
            if not steps or rest <= budget:
                steps.append((-1, cur, rest))
            for x, gain, cost in steps:
                rate = c * gain / max(cost, 1)
                if best is None or rate > best[0]:
                    best = (rate, t, x)
        return None if best is None else (best[1], best[2])


def search(
    post: Postings, query_tids: list[int], k: int, probe: int = PRUNING.probe
) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """Candidates and exact scores that contain the k best passages (see module doc)."""
    r = _Reader(post, query_tids)
    try:
        first: list[NDArray[np.int32]] = []
        for t in r.counts:
            ids, _ = r.prefix(t)
            if len(ids):
                r.depth[t] = min(probe, len(ids))
                first.append(ids[: r.depth[t]])
            else:  # short term: read it whole
                lo, hi = int(post.indptr[t]), int(post.indptr[t + 1])
                first.append(post.indices[lo:hi])
                r.whole.add(t)
        r.take(first)
        budget = probe
        while True:
            theta = r.theta(k)
            if r.bound(r.depth) < theta:
                break
            budget *= 2
            depth, spent, parts = dict(r.depth), 0, []
            while spent < budget and r.bound(depth) >= theta:
                step = r.best_step(depth, budget - spent)
                if step is None:
                    break
                t, x = step
                if x < 0:  # the rest of the full list, beyond the stored prefix
                    lo, hi = int(post.indptr[t]), int(post.indptr[t + 1])
                    parts.append(post.indices[lo:hi])
                    spent += hi - lo
                    r.whole.add(t)
                else:
                    parts.append(r.prefix(t)[0][depth[t] : x])
                    spent += x - depth[t]
                    depth[t] = x
            if not parts:  # every list read to its end: the read passages are all of them
                break
            r.depth = depth
            r.take(parts)
        cand = np.concatenate(r.read) if r.read else np.zeros(0, dtype=np.int32)
        scores = np.concatenate(r.scores) if r.scores else np.zeros(0)
        return cand.astype(np.int32, copy=False), scores
    finally:
        r.release()


def usable(post: Postings, query_tids: Sequence[int]) -> bool:
    """The bound needs positive weights: every query term's IDF above zero."""
    return all(float(post.idf[t]) > 0 for t in query_tids)
