"""Ranking the candidates of one question, in two stages.

    stage 1  every candidate of the top passages, by today's cheap score
             (`features.rank_score`, candidates.py): one feature table per question
    stage 2  the reader (a cross-encoder: reader/, through the `Reader` protocol) reads
             the first `reader_top` candidates that could be quoted, in one batch; their
             order becomes stage 1's score + `reader_weight` x the reader's logit (a
             weight fitted on training data by `python -m bench.calibrate`, not chosen
             by hand), and the logit joins their features for the evidence model

Without a reader (`--no-reader`, `--lexical`, `NEWSQA_READER=0`) stage 2 is skipped and
the order is stage 1's, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..retrieval import Reader
from .candidates import Candidate
from .query import Query
from .settings import AnswerSettings


@dataclass(frozen=True)
class Ranked:
    """A question's candidates in their final order, and how they were ranked."""

    candidates: tuple[Candidate, ...]
    dense: bool  # the index answered with sentence vectors (the encoder's cosines are set)
    read: int = 0  # how many candidates the reader scored (0: no reader)


def eligible(c: Candidate, query: Query, settings: AnswerSettings) -> bool:
    """A candidate `select` could quote: it matches a word that is not a name (or holds
    two names, or the kind of answer asked), and holds what a typed question asks for."""
    if not c.predicate:
        return False
    return "containment" in settings.off or contains(c, query, settings.containment)


def contains(c: Candidate, query: Query, kinds: frozenset[str]) -> bool:
    """The quote holds what the question asks for, beyond the question's own words: a
    number for "how many / how much / how old / how long ..." (any number: "less than a
    square mile" answers "how much territory"), a date for "when"; with "name" or "place"
    in `kinds`, a name for "who" and a place for "where" (query.py's answer types)."""
    if query.kind is None or query.kind not in kinds:
        return True
    return c.has_needed if query.needs is not None else c.typed


def reader_text(c: Candidate) -> str:
    """What the reader reads of a candidate (`reader_input`)."""
    return reader_input(c.doc.title, " ".join(s.text for s in c.sents))


def reader_input(title: str, quote: str) -> str:
    """The article's title, then the quote: the title says what "he" or "it" in the
    quote refers to ("Nikola Tesla. He died in 1943."). Training (train/reader_data.py)
    builds its pairs with this same function."""
    return f"{title}. {quote}" if title else quote


def rerank(
    query: Query,
    first: Sequence[Candidate],
    reader: Reader | None,
    settings: AnswerSettings,
) -> tuple[tuple[Candidate, ...], int]:
    """Stage 2 over stage 1's order (`first`): the reader's scores mixed in for the first
    `settings.reader_top` eligible candidates, which are re-sorted; every other candidate
    keeps its place after them, in stage 1's order. Returns the order and how many
    candidates were read."""
    if reader is None or settings.reader_top <= 0:
        return tuple(first), 0
    picked = [i for i, c in enumerate(first) if eligible(c, query, settings)]
    picked = picked[: settings.reader_top]
    if not picked:
        return tuple(first), 0
    logits = reader.score(query.text, [reader_text(first[i]) for i in picked])
    read = []
    for i, logit in zip(picked, logits, strict=True):
        c = first[i]
        feats = replace(c.features, reader=float(logit))
        read.append(replace(c, features=feats, score=c.score + settings.reader_weight * logit))
    read.sort(key=lambda c: (-c.score, c.sents[0].sent_id, len(c.sents)))
    chosen = set(picked)
    rest = [c for i, c in enumerate(first) if i not in chosen]
    return (*read, *rest), len(read)
