"""Candidate quotes and their scores.

A candidate is one sentence of a top passage, or a sentence together with the one before
it when it opens with a word that refers back ("But ...", "He ...", "This ..."): never a
neighbour joined to pad. Each is described by evidence any corpus has:

    own      share of the question's weight (sentence IDF) the quote itself holds; a
             word held only in another form counts part (ingest/morphology.py)
    match    the same as a BM25 score: repeated words saturate, long sentences pay
    context  share the quote's passage and its article's headline hold: the text around
             a sentence is evidence too
    passage  the passage's BM25 score against the best passage's
    reach    the passage's BM25 score against the most this query could reach
    nearby   how close together the matched words sit in the quote (proximity)
    typed    the quote holds what the question asks for: a number, a date, a name

and ranked by

    score = Σ RANK[f]·f = ½·own + ½·match + 0.3·context + 0.1·passage + 0.1·nearby
            + 0.2·typed

(the other features are computed for `bench/rank_fit.py`, whose fit of all of them did
no better than these weights).

Whether a candidate is evidence enough to quote is `select.py`'s business. The weights
were chosen on development data only (the SQuAD dev half with another seed than the one
reported, and eval/questions.jsonl): see README, Evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..index.engine import Engine
from ..ingest import tokens
from ..records import Sentence
from .query import Query, name_groups

RANK = {
    "own": 0.5,
    "match": 0.5,
    "context": 0.3,
    "passage": 0.1,
    "nearby": 0.1,
    "typed": 0.2,
}
# A question word held only in another form or word (ingest/morphology.py: derivations,
# compounds, WordNet synonyms) counts this much of its weight: 0.5-0.7 measured alike on
# SQuAD seed 1 and the bundled set; 0 is no relatives.
RELATIVE_CREDIT = 0.7
K1, B = 1.2, 0.3  # tf saturation and length normalisation of `match`
OKAPI_K1 = 1.5  # the passage index's k1: a term's most a passage can score is idf·(k1 + 1)


@dataclass(frozen=True)
class Candidate:
    sents: tuple[Sentence, ...]
    passage_id: int
    passage_rank: int  # 0 for the best passage
    stems: frozenset[str]
    names_ok: bool  # every name of the question the corpus knows is in the quote or passage
    on_point: bool  # matches a word of the question outside its name phrases (or none exist)
    predicate: bool  # a word of the question that is not a name matched (or none exist)
    typed: bool  # holds what the question asks for (an age, a duration, a date, a name...)
    holds: bool  # holds a number or date when one is asked for (any kind: query.needs)
    features: dict[str, float] = field(compare=False)  # see the module docstring
    score: float = 0.0

    @property
    def own(self) -> float:
        """Share of the question's weight in the quote."""
        return self.features["own"]

    @property
    def article(self) -> float:
        """Share held by the top passages of the quote's article together."""
        return self.features["article"]

    @property
    def reach(self) -> float:
        """The passage's BM25 score against the most this query could reach."""
        return self.features["reach"]


@lru_cache(maxsize=65536)
def sentence_terms(text: str) -> tuple[str, ...]:
    return tuple(tokens.analyze(text))


def stems_of_last(win: Sequence[Sentence]) -> frozenset[str]:
    return frozenset(sentence_terms(win[-1].text))


def coverage(query: Query, stems: frozenset[str]) -> float:
    return sum(t.weight for t in query.terms if t.stem in stems) / query.total


def related_share(query: Query, stems: frozenset[str], rel: dict[str, frozenset[str]]) -> float:
    """Share of the question's weight the quote holds only in another form or word."""
    got = sum(t.weight for t in query.terms if t.stem not in stems and rel[t.stem] & stems)
    return got / query.total


def match(query: Query, terms: Sequence[str], length: int, avg_len: float) -> float:
    """BM25 of the quote against the question with sentence IDF, divided by the
    question's weight: 1 when a quote of average length holds every word once. `length`
    is the quote's own sentence's: a lead-in it needs is not held against it."""
    if not terms:
        return 0.0
    tf: dict[str, int] = {}
    for term in terms:
        tf[term] = tf.get(term, 0) + 1
    norm = K1 * (1 - B + B * length / avg_len)
    got = 0.0
    for q in query.terms:
        n = tf.get(q.stem, 0)
        if n:
            got += q.weight * n * (K1 + 1) / (n + norm)
    return got / query.total


def _predicate(query: Query, stems: frozenset[str]) -> bool:
    """ "When was Baghdadi killed?" is not answered by a sentence that only names
    Baghdadi: when the question has words besides names that the corpus uses, one of
    them must match."""
    preds = [t for t in query.terms if not t.entity and t.known]
    return not preds or any(t.stem in stems for t in preds)


def known_names(query: Query) -> list[frozenset[str]]:
    """The question's names whose every word the corpus uses."""
    known = {t.stem for t in query.terms if t.known}
    return [g for g in name_groups(query.text) if g <= known]


def _two_names(names: list[frozenset[str]], stems: frozenset[str]) -> bool:
    """ "What profession are Cany Ash and Robert Sakula?": a quote holding two of the
    question's names whole is about what was asked, however its verb is worded. One name
    is not ("When was Abu Bakr al-Baghdadi killed?" / "Abu Bakr al-Baghdadi speaks ...")."""
    return sum(g <= stems for g in names) >= 2


def _on_point(query: Query, stems: frozenset[str]) -> bool:
    """ "When was the Grand al Nuri mosque built?": a later quote that only says "mosque"
    (part of the name) does not answer; it must match a word outside the names."""
    words = [t for t in query.terms if not (t.entity or t.in_name) and t.known]
    return not words or any(t.stem in stems for t in words)


def _names_ok(query: Query, stems: frozenset[str]) -> bool:
    return all(t.stem in stems for t in query.terms if t.entity and t.known)


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


# "It was at Mosul's mosque that ...", "There are 2,500 ...": clefts and existentials
# open with "it"/"there" without pointing back.
_NOT_ANAPHORIC = re.compile(
    r"^[“\"‘'(]*\s*(it\s+(is|was|has been)\b.*\bthat\b|there\s+(is|are|was|were|has|have)\b)",
    re.IGNORECASE,
)
_ANAPHORIC_START = re.compile(
    r"^[“\"‘'(]*\s*(but|however|he|she|it|they|this|that|these|those|his|her|its|their|"
    r"nevertheless|instead|still|yet|also|then|there|so)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(r"\b(said|says|told|added|tweeted|wrote|according to|asked)\b")


def needs_lead_in(text: str) -> bool:
    """A sentence opening with "But", "He", "This"... leans on the one before it - unless
    it is a quotation that names its own speaker ("“This is a big moment,” said Kino
    Gabriel"), where the opening word belongs to the speaker, not to us."""
    if not _ANAPHORIC_START.match(text) or _NOT_ANAPHORIC.match(text):
        return False
    if text.lstrip().startswith(("“", '"')):
        close = max(text.rfind("”"), text.rfind('"'))
        return close <= 0 or not _ATTRIBUTION.search(text[close + 1 :])
    return True


def windows(engine: Engine, sents: list[Sentence]) -> list[tuple[Sentence, ...]]:
    """The candidate quotes of one passage: every sentence alone, except that a sentence
    that leans on the one before takes it along (even across a passage boundary), when
    only whitespace lies between them so the quote stays one verbatim span."""
    out: list[tuple[Sentence, ...]] = []
    for i, s in enumerate(sents):
        if needs_lead_in(s.text) and engine.joins_prev(s.sent_id):
            prev = sents[i - 1] if i > 0 else engine.sentence(s.sent_id - 1)
            out.append((prev, s))
        else:
            out.append((s,))
    return out


def _holds(query: Query, kind: re.Pattern[str] | None, text: str) -> bool:
    """The quote holds what the question asks for (`kind`), and not only as words the
    question already has: "Who won Super Bowl 50?" is not answered by "Super Bowl"."""
    if kind is None:
        return False
    asked = {t.stem for t in query.terms}
    for m in kind.finditer(text):
        if not any(t not in asked for t in sentence_terms(m.group())):
            continue
        # "How many fighters?" is answered by "2,500 ISIS fighters", not "two districts".
        if query.counted and query.counted not in tokens.analyze(text[m.end() : m.end() + 30]):
            continue
        return True
    return False


def max_reach(engine: Engine, query: Query) -> float:
    """The most a passage could score for this query: every known term, weighted."""
    return sum(max(engine.passage_idf(t.stem), 0.0) for t in query.terms) * (OKAPI_K1 + 1)


def _reach(score: float, reachable: float) -> float:
    """The passage's score against the most the query could reach, in [0, 1]. A corpus of
    one or two passages has no positive IDF (rank-bm25's quirk): then nothing is known."""
    return min(max(score / reachable, 0.0), 1.0) if reachable > 0 else 1.0


def score_candidates(
    engine: Engine, query: Query, passages: list[tuple[int, float]]
) -> list[Candidate]:
    """Every candidate of the top passages, described by its features and ranked by
    score = Σ RANK[f]·feature (ties: the earlier sentence, the shorter quote)."""
    best_passage = max((s for _, s in passages), default=0.0)
    reachable = max_reach(engine, query)
    avg_len = engine.avg_sentence_terms
    asked = {t.stem for t in query.terms}
    rel = {t.stem: engine.relatives(t.stem) for t in query.terms}
    names = known_names(query)
    out: list[Candidate] = []
    for rank, (pid, pscore) in enumerate(passages):
        sents = engine.passage_sentences(pid)
        context_stems = frozenset().union(*(sentence_terms(s.text) for s in sents))
        if sents:  # the headline is context for every sentence of its article
            context_stems |= frozenset(sentence_terms(engine.doc(sents[0].doc_id).title))
        context = coverage(query, context_stems) + RELATIVE_CREDIT * related_share(
            query, context_stems, rel
        )
        for pos, win in enumerate(windows(engine, sents)):
            terms = tuple(t for s in win for t in sentence_terms(s.text))
            stems = frozenset(terms)
            own = coverage(query, stems)
            if own <= 0:
                continue  # a quote sharing only relatives with the question is no candidate
            own += RELATIVE_CREDIT * related_share(query, stems, rel)
            # the question's words the quote holds, or holds a relative of
            seen = stems | {t.stem for t in query.terms if rel[t.stem] & stems}
            if len(win) > 1 and not stems_of_last(win) & asked:
                continue  # the sentence that needs a lead-in answers nothing: no padding
            length = len(sentence_terms(win[-1].text))
            typed = any(_holds(query, query.answer_type, s.text) for s in win)
            holds = any(_holds(query, query.needs, s.text) for s in win)
            names_ok = _names_ok(query, stems | context_stems)
            feats = {
                "own": own,
                "match": match(query, terms, length, avg_len),
                "context": max(context, own),
                "passage": pscore / best_passage if best_passage > 0 else 0.0,
                "reach": _reach(pscore, reachable),
                "nearby": nearby(query, terms),
                "typed": float(typed),
                "typed_hard": float(typed and query.needs is not None),
                "leadin": float(len(win) > 1),
                "length": min(length / avg_len, 3.0) if avg_len else 1.0,
                "first": float(pos == 0),
                "matched": len(stems & asked) / len(asked),
                "names": float(names_ok),
            }
            out.append(
                Candidate(
                    win,
                    pid,
                    rank,
                    stems,
                    names_ok,
                    _on_point(query, seen),
                    _predicate(query, seen) or _two_names(names, stems),
                    typed,
                    holds,
                    feats,
                )
            )
    by_doc: dict[int, frozenset[str]] = {}
    for c in out:
        doc = c.sents[-1].doc_id
        by_doc[doc] = by_doc.get(doc, frozenset()) | c.stems
    scored = []
    for c in out:
        feats = {**c.features, "article": coverage(query, by_doc[c.sents[-1].doc_id])}
        score = sum(RANK.get(k, 0.0) * v for k, v in feats.items())
        scored.append(replace(c, score=score, features=feats))
    scored.sort(key=lambda c: (-c.score, c.sents[0].sent_id, len(c.sents)))
    return scored
