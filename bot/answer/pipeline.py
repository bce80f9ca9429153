"""The one answer function: question (+ conversation history) -> `Answer`.

    question -> content stems (+ synonyms, + stems carried from earlier turns)
             -> top passages by BM25 (bm25.py)
             -> candidate quotes: each sentence of those passages, and adjacent pairs
             -> score = coverage of the question + share of passage score + type bonus
             -> verbatim quotes with citations, or `answered=False` with a reason.

Coverage is the evidence for answering: the share of the question's weight (sentence-level
IDF, always positive, unknown words weigh most) that a quote contains. A question whose
rare words the corpus never uses ("capital of France") cannot reach the bar, however well
its common words match; that is the abstention rule, not a single magic BM25 score.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ..errors import QuestionError
from ..index.engine import Engine
from ..ingest import tokens
from ..records import Answer
from .candidates import score_candidates
from .followup import Turn, carried_stems
from .query import (
    DEFAULT_TOP,
    MAX_QUESTION_CHARS,
    MAX_TOP,
    answer_type,
    question_stems,
    validate,
    weigh,
)
from .select import cite, select

__all__ = ["DEFAULT_TOP", "MAX_QUESTION_CHARS", "MAX_TOP", "NO_ANSWER", "answer"]

CANDIDATE_PASSAGES = 12
NO_ANSWER = "The articles don't say."


def answer(
    engine: Engine, question: str, top: int = DEFAULT_TOP, history: Sequence[Turn] = ()
) -> Answer:
    """Answer `question` from the index with up to `top` verbatim, cited quotes."""
    t0 = time.perf_counter()
    q = validate(question)
    if not 1 <= top <= MAX_TOP:
        raise QuestionError(f"number of quotes must be between 1 and {MAX_TOP}")
    if not tokens.has_word(q):
        raise QuestionError("the question has no searchable words (only stopwords or symbols)")
    stems, surfaces = question_stems(q)
    carried = [s for s in carried_stems(q, stems, history) if s not in stems]
    if not stems:
        if not carried:
            raise QuestionError("the question has no searchable words (only stopwords or symbols)")
        # "Where was he when he said it?": all pronouns, so the earlier turn is the query.
        stems, surfaces, carried = carried, list(carried), []
    terms = weigh(engine, q, stems, surfaces, carried)
    unknown = [t.surface for t in terms if t.entity and not t.known]
    if unknown:
        # A name the corpus never uses: whatever else matches, the articles are not
        # about what was asked.
        return Answer(
            question=q,
            answered=False,
            message=f"{NO_ANSWER} They never mention {', '.join(unknown)}.",
            timings_ms={"retrieve": (time.perf_counter() - t0) * 1000},
        )
    query = [*stems, *sorted({a for t in terms if not t.carried for a in t.alternatives}), *carried]
    passages = engine.search(query, CANDIDATE_PASSAGES)
    t1 = time.perf_counter()
    resolved = f"{q} (context: {history[-1].question})" if carried and history else None
    scored = score_candidates(engine, terms, passages, answer_type(q))
    chosen = select(scored, top, frozenset(carried))
    timings = {"retrieve": (t1 - t0) * 1000, "rank": (time.perf_counter() - t1) * 1000}
    if not chosen:
        return Answer(
            question=q,
            answered=False,
            message=NO_ANSWER,
            resolved_question=resolved,
            timings_ms=timings,
        )
    quotes, sources = cite(engine, chosen, terms)
    return Answer(
        question=q,
        answered=True,
        message=None,
        quotes=quotes,
        sources=sources,
        resolved_question=resolved,
        timings_ms=timings,
    )
