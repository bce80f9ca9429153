"""The one answer function: question (+ conversation history) -> `Answer`.

    question -> standalone question (a follow-up is rewritten with the conversation's
                subject: followup.py)
             -> content terms weighted by sentence IDF; unknown names checked against
                spelling neighbours in the vocabulary (Lexicon.neighbour; a farther one
                counts when the corpus writes it beside the rest of the name)
             -> top passages (Retriever.search), each with its sentences and article
             -> candidate quotes scored from the sentence, its passage, proximity and
                answer-type cues (candidates.py)
             -> quotes that clear the evidence bar, cited (select.py), or a decline.

Evidence, not a single retrieval score, decides whether to answer: the share of the
question's weight a quote and its passage hold. A question whose rare words the corpus
never uses ("capital of France") cannot reach the bar, however well its common words
match; a name the corpus never uses declines at once (not an acronym, which the corpus
may spell out). Only the `Retriever` and `Lexicon` protocols are used (bot/retrieval.py),
so any backend behind them answers the same way.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Sequence
from dataclasses import replace

from ..errors import QuestionError
from ..ingest import tokens
from ..records import Answer
from ..retrieval import Engine, Retriever
from .candidates import score_candidates
from .followup import Turn, rewrite
from .query import NO_WORDS, Query, analyze, name_groups, validate
from .select import cite, select
from .settings import DEFAULT_TOP, MAX_QUESTION_CHARS, MAX_TOP, AnswerSettings, default_settings

__all__ = ["DEFAULT_TOP", "MAX_QUESTION_CHARS", "MAX_TOP", "NO_ANSWER", "answer"]

NO_ANSWER = "The articles don't say."


def answer(
    engine: Engine,
    question: str,
    top: int = DEFAULT_TOP,
    history: Sequence[Turn] = (),
    settings: AnswerSettings | None = None,
) -> Answer:
    """Answer `question` from the index with up to `top` verbatim, cited quotes."""
    s = settings or default_settings()
    t0 = time.perf_counter()
    q = validate(question, s.max_question_chars)
    if not 1 <= top <= s.max_top:
        raise QuestionError(f"number of quotes must be between 1 and {s.max_top}")
    rewritten = rewrite(q, history)
    query = analyze(engine.lexicon, rewritten or q)
    if not query.terms:
        raise QuestionError(NO_WORDS)
    query, fixed, near = (query, False, []) if "spelling" in s.off else correct(engine, query)
    resolved = query.text if (rewritten or fixed) else None
    if unknown := unknown_names(query):
        return Answer(
            question=q,
            answered=False,
            message=f"{NO_ANSWER} They never mention {', '.join(unknown)}."
            + (f" Did you mean {' or '.join(dict.fromkeys(near))}?" if near else ""),
            resolved_question=resolved,
            timings_ms={"retrieve": (time.perf_counter() - t0) * 1000},
        )
    t_embed = time.perf_counter()
    vector = engine.encoder.encode([query.text])[0] if engine.encoder is not None else None
    embed_ms = (time.perf_counter() - t_embed) * 1000
    hits = engine.retriever.search([t.stem for t in query.terms], s.candidate_passages, vector)
    t1 = time.perf_counter()
    dense = bool(hits) and hits[0].sims is not None  # the index answered with its vectors
    model = s.evidence_encoder if dense else s.evidence
    chosen = select(score_candidates(engine.lexicon, query, hits, s), query, top, s, model)
    timings = {"retrieve": (t1 - t0) * 1000, "rank": (time.perf_counter() - t1) * 1000}
    if vector is not None:
        timings["embed"] = embed_ms  # part of "retrieve"
    if not chosen:
        return Answer(
            question=q,
            answered=False,
            message=NO_ANSWER,
            resolved_question=resolved,
            timings_ms=timings,
        )
    quotes, sources = cite(chosen, query)
    return Answer(
        question=q,
        answered=True,
        message=None,
        quotes=quotes,
        sources=sources,
        resolved_question=resolved,
        timings_ms=timings,
    )


# "WWII", "WW-II", "DSMs", "AAA", "NASA's": capitals (and digits, "&", "-"), a plural or
# possessive at most. Measured: SQuAD answerable declined 3.85 -> 3.55 %, negatives
# declined unchanged (docs/quality.md, sixth round).
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z0-9](s|'s|’s)?$")


def unknown_names(query: Query) -> list[str]:
    """The question's names the corpus never uses: whatever else matches, the articles
    are not about what was asked. Not an acronym: one the corpus never writes may still
    be spelt out there ("WWII" / "World War II"), so the evidence bar decides."""
    return [
        t.surface for t in query.terms if t.entity and not t.known and not _ACRONYM.match(t.surface)
    ]


def correct(engine: Engine, query: Query) -> tuple[Query, bool, list[str]]:
    """Names the corpus never uses, replaced by a close spelling the corpus does use;
    also the farther spellings to suggest when a name stays unknown."""
    text, terms, fixed, near = query.text, list(query.terms), False, []
    for i, t in enumerate(terms):
        if t.known or not t.entity:  # measured: correcting other words too cost more
            continue
        found = engine.lexicon.neighbour(t.stem)
        if found is None:
            continue
        word = surface(engine.retriever, found.term)
        if t.surface[:1].isupper():  # "Councel voted ..." reads "Council voted ..."
            word = word[:1].upper() + word[1:]
        if not found.close and not _written_beside(engine, found.term, _partners(query, t.stem)):
            near.append(word)
            continue
        text = re.sub(rf"(?<!\w){re.escape(t.surface)}(?!\w)", word, text, count=1)
        weight = engine.lexicon.sentence_idf(found.term)
        terms[i] = replace(t, stem=found.term, surface=word, weight=weight, known=True)
        fixed = True
    if not fixed:
        return query, False, near
    merged = {t.stem: t for t in terms}  # a correction may land on a word already asked
    return replace(query, text=text, terms=tuple(merged.values())), True, near


def _partners(query: Query, stem: str) -> frozenset[str]:
    """The other words of the question's name that holds `stem` ("khan" for "ghengi" in
    "Ghengis Khan"), those the corpus knows."""
    groups = [g - {stem} for g in name_groups(query.text) if stem in g]
    known = {t.stem for t in query.terms if t.known}
    return frozenset().union(*groups) & known


def _written_beside(engine: Engine, candidate: str, partners: frozenset[str]) -> bool:
    """A spelling farther than a correction still is one when the corpus writes it right
    beside another word of the same name: "Ghengis Khan" (two edits) is "Genghis Khan",
    while "Ghandi" alone stays a suggestion. One search, only for a name the corpus never
    uses."""
    if not partners:
        return False
    for hit in engine.retriever.search([candidate, *sorted(partners)], 5):
        for sent in hit.sentences:
            stems = [stem for stem, _, _ in tokens.spans(sent.text)]
            for a, b in itertools.pairwise(stems):
                if candidate in (a, b) and ({a, b} - {candidate}) & partners:
                    return True
    return False


def surface(retriever: Retriever, stem: str) -> str:
    """How the corpus writes a term: its first occurrence in the best passage for it."""
    for hit in retriever.search([stem], 1):
        for sent in hit.sentences:
            for term, start, end in tokens.spans(sent.text):
                if term == stem:
                    return sent.text[start:end]
    return stem
