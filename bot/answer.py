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

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import bm25, tokens
from .engine import Engine
from .errors import QuestionError
from .expand import synonyms
from .followup import Turn, carried_stems
from .records import Answer, Quote, Sentence, Source

MAX_QUESTION_CHARS = 2000
MAX_TOP = 10
DEFAULT_TOP = 3
CANDIDATE_PASSAGES = 12
MIN_COVERAGE = 0.55  # share of the question's weight a quote must hold to count as an answer
SECOND_QUOTE_RATIO = 0.6  # later quotes must score at least this share of the best one
FOLLOWUP_QUOTE_RATIO = 0.85  # ... or this share, in a follow-up, when off its subject
SYNONYM_CREDIT = 0.8  # a synonym match counts a little less than the asked word itself
CARRIED_CREDIT = 0.15  # words borrowed from earlier turns only break ties, never carry a quote
PAIR_PENALTY = 0.08  # a two-sentence quote must add real coverage to beat one sentence
PASSAGE_SHARE = 0.25
TYPE_BONUS = 0.12

NO_ANSWER = "The articles don't say."


@dataclass(frozen=True)
class QueryTerm:
    stem: str
    surface: str
    weight: float
    alternatives: frozenset[str]  # synonyms that also count, with SYNONYM_CREDIT
    carried: bool = False
    entity: bool = False  # written with a capital inside the question: a name
    known: bool = True  # the corpus uses the word or one of its synonyms


def question_stems(question: str) -> tuple[list[str], list[str]]:
    """Unique content stems of the question, in order, with the word each came from.
    The word is the whole whitespace-delimited word ("al-Baghdadi" for "al")."""
    stems: list[str] = []
    surfaces: list[str] = []
    for stem, start, end in tokens.spans(question):
        if stem not in stems:
            stems.append(stem)
            lo = question.rfind(" ", 0, start) + 1
            hi = question.find(" ", end)
            word = question[lo : hi if hi >= 0 else len(question)]
            surfaces.append(word.strip("?!.,;:\"'“”‘’()"))
    return stems, surfaces


def _is_entity(question: str, word: str) -> bool:
    """A word written with a capital (not just because it opens the question), or an
    acronym, is a name."""
    if len(word) > 1 and word.isupper():
        return True
    if word[:1].islower() and not any(part[:1].isupper() for part in word.split("-")):
        return False
    return not question.lstrip(" \"'“‘(").startswith(word)


def validate(question: str) -> str:
    q = question.strip()
    if not q:
        raise QuestionError("empty question: ask something about the articles")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"question too long ({len(q):,} characters; the limit is {MAX_QUESTION_CHARS:,})"
        )
    return q


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
    terms = _weigh(engine, q, stems, surfaces, carried)
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
    passages = bm25.search(engine.index.postings, query, CANDIDATE_PASSAGES)
    t1 = time.perf_counter()
    resolved = f"{q} (context: {history[-1].question})" if carried and history else None
    scored = _score_candidates(engine, terms, passages, _answer_type(q))
    chosen = _select(scored, top, frozenset(carried))
    timings = {"retrieve": (t1 - t0) * 1000, "rank": (time.perf_counter() - t1) * 1000}
    if not chosen:
        return Answer(
            question=q,
            answered=False,
            message=NO_ANSWER,
            resolved_question=resolved,
            timings_ms=timings,
        )
    quotes, sources = _cite(engine, chosen, terms)
    return Answer(
        question=q,
        answered=True,
        message=None,
        quotes=quotes,
        sources=sources,
        resolved_question=resolved,
        timings_ms=timings,
    )


def _sentence_idf(engine: Engine, stem: str) -> float:
    """BM25-style IDF over sentences, kept positive: log(1 + (S - n + .5) / (n + .5)).
    A word the corpus never uses gets the highest weight of all."""
    n_sent = max(engine.index.n_sentences, 1)
    tid = engine.index.postings.vocab.get(stem)
    df = int(engine.index.sent_df[tid]) if tid is not None else 0
    return math.log(1 + (n_sent - df + 0.5) / (df + 0.5))


def _weigh(
    engine: Engine, question: str, stems: list[str], surfaces: list[str], carried: list[str]
) -> list[QueryTerm]:
    terms = []
    vocab = engine.index.postings.vocab
    for stem, surface in zip(stems, surfaces, strict=True):
        alts = frozenset(a for a in synonyms(stem) if a in vocab)
        terms.append(
            QueryTerm(
                stem,
                surface,
                _sentence_idf(engine, stem),
                alts,
                entity=_is_entity(question, surface),
                known=stem in vocab or bool(alts),
            )
        )
    for stem in carried:
        terms.append(QueryTerm(stem, stem, _sentence_idf(engine, stem), frozenset(), True))
    return terms


@dataclass(frozen=True)
class _Candidate:
    sents: tuple[Sentence, ...]
    passage_id: int
    coverage: float
    score: float
    stems: frozenset[str]
    predicate: bool  # matches a word of the question that is not a name (or none exist)
    parts: tuple[frozenset[str], ...] = ()  # stems of each sentence, for near-duplicates


def _matches(t: QueryTerm, stems: frozenset[str]) -> bool:
    return t.stem in stems or bool(t.alternatives & stems)


def _predicate_matched(terms: Sequence[QueryTerm], stems: frozenset[str]) -> bool:
    """ "When was Baghdadi killed?" is not answered by a sentence that only names
    Baghdadi: when the question has words besides names that the corpus uses, one of
    them must match. (Words the corpus never uses are left to the coverage rule.)"""
    preds = [t for t in terms if not t.carried and not t.entity and t.known]
    return not preds or any(_matches(t, stems) for t in preds)


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
def _sentence_stems(text: str) -> frozenset[str]:
    return frozenset(tokens.analyze(text))


_ANAPHORIC_START = re.compile(
    r"^[“\"‘'(]*\s*(but|however|he|she|it|they|this|that|these|those|his|her|its|their|"
    r"nevertheless|instead|still|yet|also|then|there|so)\b",
    re.IGNORECASE,
)


def _score_candidates(
    engine: Engine,
    terms: list[QueryTerm],
    passages: list[tuple[int, float]],
    answer_type: re.Pattern[str] | None,
) -> list[_Candidate]:
    best_passage = max((s for _, s in passages), default=0.0)
    out: list[_Candidate] = []
    for pid, pscore in passages:
        share = PASSAGE_SHARE * (pscore / best_passage if best_passage > 0 else 0.0)
        for win, lead_in in _windows(engine, engine.passage_sentences(pid)):
            stems = frozenset().union(*(_sentence_stems(s.text) for s in win))
            cov, bonus = _coverage(terms, stems)
            if cov <= 0:
                continue
            score = cov + bonus + share - (PAIR_PENALTY if len(win) > 1 and not lead_in else 0.0)
            if answer_type and any(answer_type.search(s.text) for s in win):
                score += TYPE_BONUS
            parts = tuple(_sentence_stems(s.text) for s in win)
            out.append(
                _Candidate(win, pid, cov, score, stems, _predicate_matched(terms, stems), parts)
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


def _windows(engine: Engine, sents: list[Sentence]) -> list[tuple[tuple[Sentence, ...], bool]]:
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


def _select(
    scored: list[_Candidate], top: int, carried: frozenset[str] = frozenset()
) -> list[_Candidate]:
    """Best candidates that clear the bar, without overlaps or near-duplicates. In a
    follow-up, a later quote must also touch the conversation's subject (a carried word)
    unless it scores close to the best: "What did he say about ISIS?" after "Who is Kino
    Gabriel?" should not add any sentence that merely mentions ISIS."""
    chosen: list[_Candidate] = []
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


_NUMBER = (
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
    r"thousands?|millions?)\b"
)
_DATE = (
    r"\b(1[89]\d\d|20\d\d|January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"yesterday|today|ago|last (week|month|year)|century|decade)\b"
)
_TYPES = (
    (
        re.compile(r"^\s*how (many|much)|\bnumber of\b|\bhow (big|large|long|old|far)\b", re.I),
        _NUMBER,
    ),
    (re.compile(r"^\s*(when|what (year|day|date|month|time))\b|\bsince when\b", re.I), _DATE),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), r"\b[A-Z][a-z]+ [A-Z][a-z]+"),
    (re.compile(r"^\s*where\b", re.I), r"\b(in|at|near|from|to) (the )?[A-Z][a-z]+"),
)


def _answer_type(question: str) -> re.Pattern[str] | None:
    for cue, pattern in _TYPES:
        if cue.search(question):
            # Names and places are told by their capitals; numbers and dates are not.
            return re.compile(pattern, 0 if "A-Z" in pattern else re.IGNORECASE)
    return None


def _cite(
    engine: Engine, chosen: list[_Candidate], terms: list[QueryTerm]
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
