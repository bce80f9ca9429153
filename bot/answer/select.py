"""Choosing the quotes: the best candidates that clear the evidence bar, without overlaps
or near-duplicates, then citations numbered by first appearance."""

from __future__ import annotations

from ..index.engine import Engine
from ..ingest import tokens
from ..records import Quote, Source
from .candidates import Candidate
from .query import QueryTerm

MIN_COVERAGE = 0.55  # share of the question's weight a quote must hold to count as an answer
SECOND_QUOTE_RATIO = 0.6  # later quotes must score at least this share of the best one
FOLLOWUP_QUOTE_RATIO = 0.85  # ... or this share, in a follow-up, when off its subject


def select(
    scored: list[Candidate], top: int, carried: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Best candidates that clear the bar, without overlaps or near-duplicates. In a
    follow-up, a later quote must also touch the conversation's subject (a carried word)
    unless it scores close to the best: "What did he say about ISIS?" after "Who is Kino
    Gabriel?" should not add any sentence that merely mentions ISIS."""
    chosen: list[Candidate] = []
    used: set[int] = set()
    for c in scored:
        if len(chosen) >= top:
            break
        if c.coverage < MIN_COVERAGE or not c.predicate:
            continue
        if chosen and c.score < SECOND_QUOTE_RATIO * chosen[0].score:
            break
        if (
            chosen
            and carried
            and not carried & c.stems
            and c.score < FOLLOWUP_QUOTE_RATIO * chosen[0].score
        ):
            continue
        ids = {s.sent_id for s in c.sents}
        if ids & used or any(
            _near_duplicate(a, b) for o in chosen for a in c.parts for b in o.parts
        ):
            continue
        chosen.append(c)
        used |= ids
    return chosen


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= 0.8


def cite(
    engine: Engine, chosen: list[Candidate], terms: list[QueryTerm]
) -> tuple[tuple[Quote, ...], tuple[Source, ...]]:
    citations: dict[int, int] = {}
    quotes: list[Quote] = []
    wanted = {t.stem for t in terms} | {a for t in terms for a in t.alternatives}
    for c in chosen:
        first, last = c.sents[0], c.sents[-1]
        doc_id = first.doc_id
        citation = citations.setdefault(doc_id, len(citations) + 1)
        text = " ".join(s.text for s in c.sents)
        matched = tuple(
            dict.fromkeys(text[a:b] for stem, a, b in tokens.spans(text) if stem in wanted)
        )
        quotes.append(
            Quote(
                text=text,
                citation=citation,
                doc=engine.doc(doc_id).doc,
                score=round(c.score, 4),
                start=first.start,
                end=last.end,
                passage_id=c.passage_id,
                sent_ids=tuple(s.sent_id for s in c.sents),
                matched=matched,
            )
        )
    sources = tuple(
        Source(
            citation=n,
            doc=engine.doc(d).doc,
            title=engine.doc(d).title,
            publisher=engine.doc(d).publisher,
            published=engine.doc(d).published,
        )
        for d, n in citations.items()
    )
    return tuple(quotes), sources
