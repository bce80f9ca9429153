"""What a candidate quote shows about the question, as a typed record, and the two scores
made from it: the rank score (which candidate to quote first) and the evidence score
(whether to quote it at all). Pure functions over the question, the quote's terms and
the settings.

    own      share of the question's weight (sentence IDF) the quote itself holds; a
             word held only in another form counts part (index/morphology.py)
    match    the same as a BM25 score: repeated words saturate, long sentences pay
    context  share the quote's passage and its article's headline hold: the text around
             a sentence is evidence too
    passage  the passage's retrieval score against the best passage's
    reach    the passage's retrieval score against the most this query could reach
             (normalised by the retriever: `Hit.reach`)
    nearby   how close together the matched words sit in the quote (proximity)
    typed    the quote holds what the question asks for: a number, a date, a name
    article  share held by the top passages of the quote's article together
    matched  how many of the question's words the quote holds
    sim      cosine of the question's vector with the quote's own sentence's (0 when the
             index has no vectors: a lexical index answers from the words alone)
    passage_sim  cosine of the question's vector with the quote's passage's
    reader   the reader's logit that the quote answers the question (rank.py; 0 when no
             reader read it)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..ingest import tokens
from .query import Query
from .settings import AnswerSettings, EvidenceModel


@dataclass(frozen=True)
class Features:
    own: float
    match: float
    context: float
    passage: float
    reach: float
    nearby: float
    typed: float
    matched: int
    sim: float = 0.0
    passage_sim: float = 0.0
    article: float = 0.0  # known once every candidate of the question is
    reader: float = 0.0  # set by stage 2 (rank.py) for the candidates the reader read


def rank_score(f: Features, s: AnswerSettings) -> float:
    """Σ weight·feature over `s.rank` (added in this order: the scores stay bit-stable)."""
    w = s.rank
    return (
        w.own * f.own
        + w.match * f.match
        + w.context * f.context
        + w.passage * f.passage
        + w.nearby * f.nearby
        + w.typed * f.typed
        + w.sim * f.sim
        + w.passage_sim * f.passage_sim
    )


def evidence_score(f: Features, m: EvidenceModel) -> float:
    """Log-odds that the candidate answers the question (>= 0: quote it)."""
    return m.bias + (
        m.own * f.own
        + m.article * f.article
        + m.reach * f.reach
        + m.matched * float(f.matched)
        + m.sim * f.sim
        + m.passage_sim * f.passage_sim
        + m.reader * f.reader
    )


@lru_cache(maxsize=65536)
def sentence_terms(text: str) -> tuple[str, ...]:
    return tuple(tokens.analyze(text))


def coverage(query: Query, stems: frozenset[str]) -> float:
    return sum(t.weight for t in query.terms if t.stem in stems) / query.total


def related_share(query: Query, stems: frozenset[str], rel: dict[str, frozenset[str]]) -> float:
    """Share of the question's weight the quote holds only in another form or word."""
    got = sum(t.weight for t in query.terms if t.stem not in stems and rel[t.stem] & stems)
    return got / query.total


def match(
    query: Query, terms: Sequence[str], length: int, avg_len: float, s: AnswerSettings
) -> float:
    """BM25 of the quote against the question with sentence IDF, divided by the
    question's weight: 1 when a quote of average length holds every word once. `length`
    is the quote's own sentence's: a lead-in it needs is not held against it."""
    if not terms:
        return 0.0
    tf: dict[str, int] = {}
    for term in terms:
        tf[term] = tf.get(term, 0) + 1
    k1 = s.match_k1
    norm = k1 * (1 - s.match_b + s.match_b * length / avg_len)
    got = 0.0
    for q in query.terms:
        n = tf.get(q.stem, 0)
        if n:
            got += q.weight * n * (k1 + 1) / (n + norm)
    return got / query.total


def nearby(query: Query, terms: Sequence[str]) -> float:
    """1 when the question's words the quote holds sit next to each other, falling as
    they spread out: (k - 1) / (width of the smallest window holding all k of them)."""
    wanted = {t.stem for t in query.terms}
    pos = [(i, t) for i, t in enumerate(terms) if t in wanted]
    kinds = len({t for _, t in pos})
    if kinds < 2:
        return 0.0
    best = len(terms)
    count: dict[str, int] = {}
    lo = 0
    for i_hi, t_hi in pos:
        count[t_hi] = count.get(t_hi, 0) + 1
        while len(count) == kinds:
            best = min(best, i_hi - pos[lo][0])
            t_lo = pos[lo][1]
            count[t_lo] -= 1
            if not count[t_lo]:
                del count[t_lo]
            lo += 1
    return (kinds - 1) / max(best, 1)
