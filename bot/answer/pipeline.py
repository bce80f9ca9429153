"""The one answer path: question (+ conversation history) -> `Answer`.

`Answerer` holds what answering needs - the engine (retriever, lexicon, the index's
encoder), the reader, the settings - and runs the stages in order:

    prepare   question -> standalone question -> `Query`, or an early decline
              (prepare.py: follow-ups, spelling, names the corpus never mentions)
    gather    `Query` -> top passages (Retriever.search, with the question's vector) ->
              every candidate quote with its features, in stage 1's order (candidates.py)
    rank      stage 2: the reader over the first eligible candidates (rank.py)
    decide    the quotes that clear the evidence bar, or none (select.py)
    cite      quotes and numbered sources (select.py)

The chat, `ask`, Discord, the evaluation and every bench script call `Answerer.answer`
(or its stages, to read what it judged); none has a copy of this path. `answer()` is the
same for a caller with only an engine. Only the `Retriever`, `Lexicon`, `Encoder` and
`Reader` protocols are used (bot/retrieval.py), so any backend answers the same way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..errors import QuestionError
from ..records import Answer
from ..retrieval import Engine, Reader
from .candidates import score_candidates
from .features import evidence_score
from .followup import Agrees, Turn, rewrite, unresolved
from .prepare import NO_ANSWER, Prepared, prepare
from .query import Query, validate
from .rank import Ranked, rerank
from .referents import Kinds, kinds_of
from .select import cite, judged, select
from .settings import (
    DEFAULT_TOP,
    MAX_QUESTION_CHARS,
    MAX_TOP,
    AnswerSettings,
    EvidenceModel,
    default_settings,
)
from .smalltalk import small_talk

__all__ = ["DEFAULT_TOP", "MAX_QUESTION_CHARS", "MAX_TOP", "NO_ANSWER", "Answerer", "answer"]


@dataclass(frozen=True)
class Answerer:
    """The engine, the reader (None: stage 1 alone) and the settings; `answer` is the one
    answer path. Cheap to copy: `on(engine)` is the same answerer over a rebuilt index."""

    engine: Engine
    reader: Reader | None = None
    settings: AnswerSettings = field(default_factory=default_settings)

    def on(self, engine: Engine) -> Answerer:
        return self if engine is self.engine else replace(self, engine=engine)

    def answer(
        self,
        question: str,
        top: int = DEFAULT_TOP,
        history: Sequence[Turn] = (),
        memo: dict[str, Kinds] | None = None,
    ) -> Answer:
        """Answer `question` from the index with up to `top` verbatim, cited quotes.
        `history`: the conversation's turns; `memo`: what it learnt of its names."""
        s = self.settings
        t0 = time.perf_counter()
        q = validate(question, s.max_question_chars)
        if not 1 <= top <= s.max_top:
            raise QuestionError(f"number of quotes must be between 1 and {s.max_top}")
        if (reply := small_talk(q)) is not None:
            return Answer(q, False, reply, small_talk=True)
        timings: dict[str, float] = {}
        agrees = self.agreement(memo if memo is not None else {})
        readings = rewrite(q, history, agrees, s.off)
        if (word := unresolved(q, history, readings, s.off)) is not None:
            return Answer(
                q, False, f"I can't tell who or what “{word}” is here: ask again with the name."
            )
        prep, ranked = self.read(q, readings, timings)
        if ranked is None:
            ms = {"retrieve": (time.perf_counter() - t0) * 1000}
            return Answer(q, False, prep.decline, resolved_question=prep.resolved, timings_ms=ms)
        chosen = select(ranked.candidates, prep.query, top, s, self.model(ranked))
        searched = timings.pop("searched_at")
        timings["retrieve"] = (searched - t0) * 1000  # validate, prepare, embed, search
        timings["rank"] = (time.perf_counter() - searched) * 1000  # both stages, decide
        if not chosen:
            return Answer(q, False, NO_ANSWER, resolved_question=prep.resolved, timings_ms=timings)
        quotes, sources = cite(chosen, prep.query)
        return Answer(q, True, None, quotes, sources, prep.resolved, timings)

    def prepare(self, text: str, rewritten: bool = False) -> Prepared:
        """A validated question (or a follow-up's reading) as a `Query` to search."""
        spelling = "spelling" not in self.settings.off
        return prepare(self.engine, text, rewritten, spelling)

    def read(
        self, question: str, readings: Sequence[str], timings: dict[str, float]
    ) -> tuple[Prepared, Ranked | None]:
        """The question prepared and ranked; for a follow-up, the reading (one per
        antecedent that agrees) whose judged candidate has the most evidence, the most
        salient on a tie. Ranked is None when the question is declined before ranking."""
        texts = list(readings) or [question]
        first = self.prepare(texts[0], rewritten=bool(readings))
        best: tuple[float, Prepared, Ranked | None] = (-math.inf, first, None)
        for i, text in enumerate(texts):
            prep = first if i == 0 else self.prepare(text, rewritten=True)
            if prep.decline is not None:
                continue
            ranked = self.rank(prep.query, timings)
            c = judged(ranked.candidates, prep.query, self.settings)
            score = evidence_score(c.features, self.model(ranked)) if c else -math.inf
            if best[2] is None or score > best[0]:
                best = (score, prep, ranked)
        return best[1], best[2]

    def agreement(self, memo: dict[str, Kinds]) -> Agrees:
        """Whether a pronoun of a kind may stand for a name, as the corpus refers to it
        (referents.py); what is learnt of each name is kept in `memo`."""

        def agrees(kind: str, name: str) -> bool:
            if name not in memo:
                memo[name] = kinds_of(self.engine.retriever, name)
            return memo[name].agrees(kind, name)

        return agrees

    def rank(self, query: Query, timings: dict[str, float] | None = None) -> Ranked:
        """Search, every candidate's features (stage 1), then the reader (stage 2).
        `timings` gets "embed" and "read" (ms) and "searched_at" (a perf_counter time)."""
        clock = timings if timings is not None else {}
        s, encoder = self.settings, self.engine.encoder
        t0 = time.perf_counter()
        vector = encoder.encode([query.text])[0] if encoder is not None else None
        if vector is not None:
            clock["embed"] = (time.perf_counter() - t0) * 1000
        stems = [t.stem for t in query.terms]
        hits = self.engine.retriever.search(stems, s.candidate_passages, vector)
        clock["searched_at"] = time.perf_counter()
        first = score_candidates(self.engine.lexicon, query, hits, s)
        dense = bool(hits) and hits[0].sims is not None  # the index answered with its vectors
        # The reader was fitted beside the encoder's cosines: on a words-only index the
        # answer stays words only (`--lexical`).
        t_read = time.perf_counter()
        order, read = rerank(query, first, self.reader if dense else None, s)
        if read:
            clock["read"] = (time.perf_counter() - t_read) * 1000  # part of "rank"
        return Ranked(order, dense, read)

    def ranked(self, question: str) -> tuple[Query, Ranked] | None:
        """`prepare` then `rank` for a question on its own: what the answer would judge,
        for calibration, training data and benchmarks; None when it is declined before
        any candidate is ranked (a name the corpus never mentions, no searchable word)."""
        try:
            prep = self.prepare(validate(question, self.settings.max_question_chars))
        except QuestionError:
            return None
        if prep.decline is not None:
            return None
        return prep.query, self.rank(prep.query)

    def model(self, ranked: Ranked) -> EvidenceModel:
        """The evidence model fitted for how these candidates were ranked."""
        s = self.settings
        if ranked.read:
            return s.evidence_reader
        return s.evidence_encoder if ranked.dense else s.evidence


def answer(
    engine: Engine,
    question: str,
    top: int = DEFAULT_TOP,
    history: Sequence[Turn] = (),
    settings: AnswerSettings | None = None,
    reader: Reader | None = None,
) -> Answer:
    """`Answerer(engine, reader, settings).answer(question, top, history)`."""
    answerer = Answerer(engine, reader, settings or default_settings())
    return answerer.answer(question, top, history)
