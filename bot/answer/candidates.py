"""Candidate quotes and their scores: each sentence of the top passages, a sentence with
the one it leans on ("But ...", "He ..."), and adjacent pairs.

    score = coverage of the question's weight + share of the passage score
            + answer-type bonus - pair penalty (+ a small bonus for carried words)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..index.engine import Engine
from ..ingest import tokens
from ..records import Sentence
from .query import QueryTerm

SYNONYM_CREDIT = 0.8  # a synonym match counts a little less than the asked word itself
CARRIED_CREDIT = 0.15  # words borrowed from earlier turns only break ties, never carry a quote
PAIR_PENALTY = 0.08  # a two-sentence quote must add real coverage to beat one sentence
PASSAGE_SHARE = 0.25
TYPE_BONUS = 0.12


@dataclass(frozen=True)
class Candidate:
    sents: tuple[Sentence, ...]
    passage_id: int
    coverage: float
    score: float
    stems: frozenset[str]
    predicate: bool  # matches a word of the question that is not a name (or none exist)
    parts: tuple[frozenset[str], ...] = ()  # stems of each sentence, for near-duplicates


def matches(t: QueryTerm, stems: frozenset[str]) -> bool:
    return t.stem in stems or bool(t.alternatives & stems)


def _predicate_matched(terms: Sequence[QueryTerm], stems: frozenset[str]) -> bool:
    """ "When was Baghdadi killed?" is not answered by a sentence that only names
    Baghdadi: when the question has words besides names that the corpus uses, one of
    them must match. (Words the corpus never uses are left to the coverage rule.)"""
    preds = [t for t in terms if not t.carried and not t.entity and t.known]
    return not preds or any(matches(t, stems) for t in preds)


def _coverage(terms: Sequence[QueryTerm], stems: frozenset[str]) -> tuple[float, float]:
    """(coverage of the question's own words, bonus from carried words)."""
    own = [t for t in terms if not t.carried]
    total = sum(t.weight for t in own) or 1.0
    got = 0.0
    for t in own:
        if t.stem in stems:
            got += t.weight
        elif t.alternatives & stems:
            got += t.weight * SYNONYM_CREDIT
    carried = [t for t in terms if t.carried]
    bonus = 0.0
    if carried:
        c_total = sum(t.weight for t in carried) or 1.0
        bonus = CARRIED_CREDIT * sum(t.weight for t in carried if t.stem in stems) / c_total
    return got / total, bonus


@lru_cache(maxsize=65536)
def sentence_stems(text: str) -> frozenset[str]:
    return frozenset(tokens.analyze(text))


_ANAPHORIC_START = re.compile(
    r"^[“\"‘'(]*\s*(but|however|he|she|it|they|this|that|these|those|his|her|its|their|"
    r"nevertheless|instead|still|yet|also|then|there|so)\b",
    re.IGNORECASE,
)


def score_candidates(
    engine: Engine,
    terms: list[QueryTerm],
    passages: list[tuple[int, float]],
    answer_type: re.Pattern[str] | None,
) -> list[Candidate]:
    best_passage = max((s for _, s in passages), default=0.0)
    out: list[Candidate] = []
    for pid, pscore in passages:
        share = PASSAGE_SHARE * (pscore / best_passage if best_passage > 0 else 0.0)
        for win, lead_in in windows(engine, engine.passage_sentences(pid)):
            stems = frozenset().union(*(sentence_stems(s.text) for s in win))
            cov, bonus = _coverage(terms, stems)
            if cov <= 0:
                continue
            score = cov + bonus + share - (PAIR_PENALTY if len(win) > 1 and not lead_in else 0.0)
            if answer_type and any(answer_type.search(s.text) for s in win):
                score += TYPE_BONUS
            parts = tuple(sentence_stems(s.text) for s in win)
            out.append(
                Candidate(win, pid, cov, score, stems, _predicate_matched(terms, stems), parts)
            )
    out.sort(key=lambda c: (-c.score, c.sents[0].sent_id, len(c.sents)))
    return out


_ATTRIBUTION = re.compile(r"\b(said|says|told|added|tweeted|wrote|according to|asked)\b")


def _needs_lead_in(text: str) -> bool:
    """A sentence opening with "But", "He", "This"... leans on the one before it - unless
    it is a quotation that names its own speaker ("“This is a big moment,” said Kino
    Gabriel"), where the opening word belongs to the speaker, not to us."""
    if not _ANAPHORIC_START.match(text):
        return False
    if text.lstrip().startswith(("“", '"')):
        close = max(text.rfind("”"), text.rfind('"'))
        return close <= 0 or not _ATTRIBUTION.search(text[close + 1 :])
    return True


def windows(engine: Engine, sents: list[Sentence]) -> list[tuple[tuple[Sentence, ...], bool]]:
    """Candidate quotes of one passage: (sentences, is_lead_in) pairs.

    Every sentence alone, except that a sentence opening with "But", "He", "It"... takes
    the sentence before it along ("But we cannot say that ISIS is finished." needs the
    one naming Kino Gabriel), even across a passage boundary; plus adjacent pairs, for
    answers split over two sentences. Only sentences with nothing but whitespace between
    them are joined, so the quote stays one verbatim span.
    """
    out: list[tuple[tuple[Sentence, ...], bool]] = []
    for i, s in enumerate(sents):
        joins = engine.joins_prev(s.sent_id)
        prev = (sents[i - 1] if i > 0 else engine.sentence(s.sent_id - 1)) if joins else None
        if prev is not None and _needs_lead_in(s.text):
            out.append(((prev, s), True))
        else:
            out.append(((s,), False))
        if prev is not None and i > 0:
            out.append(((prev, s), False))
    return out
