"""Candidate quotes of the top passages, described by their `Features` and ranked.

A candidate is one sentence of a top passage, or a sentence together with the one before
it when it opens with a word that refers back ("But ...", "He ...", "This ..."): never a
neighbour joined to pad. Its features (features.py) are evidence any corpus has; its
rank score is `features.rank_score`. Whether a candidate is evidence enough to quote is
`select.py`'s business. The weights were chosen on development data only (the SQuAD dev
half with another seed than the one reported, and eval/questions.jsonl): see README,
Evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..ingest import tokens
from ..records import DocMeta, Sentence
from ..retrieval import Hit, Lexicon
from .features import (
    Features,
    coverage,
    match,
    nearby,
    rank_score,
    related_share,
    sentence_terms,
)
from .kinds import part_of_date
from .query import Query
from .settings import AnswerSettings


@dataclass(frozen=True)
class Candidate:
    sents: tuple[Sentence, ...]
    doc: DocMeta
    passage_id: int
    passage_rank: int  # 0 for the best passage
    position: int  # the window's place in its passage (0: it ends on its first sentence)
    stems: frozenset[str]
    names_ok: bool  # every name of the question the corpus knows is in the quote or passage
    on_point: bool  # matches a word of the question outside its name phrases (or none exist)
    predicate: bool  # a word of the question that is not a name matched (or none exist)
    typed: bool  # holds what the question asks for (an age, a duration, a date, a name...)
    holds: bool  # holds a number or date when one is asked for, of what "how many" counts
    # ... of anything: "thousands of others flee" holds one for "How many people fled?"
    has_needed: bool
    features: Features
    score: float = 0.0


def stems_of_last(win: Sequence[Sentence]) -> frozenset[str]:
    return frozenset(sentence_terms(win[-1].text))


def _predicate(query: Query, stems: frozenset[str]) -> bool:
    """ "When was Baghdadi killed?" is not answered by a sentence that only names
    Baghdadi: when the question has words besides names that the corpus uses, one of
    them must match."""
    preds = [t for t in query.terms if not t.entity and t.known]
    return not preds or any(t.stem in stems for t in preds)


def _answers_cue(ctx: _Context, stems: frozenset[str], typed: bool, has_needed: bool) -> bool:
    """ "How wide is Titan?" / "Titan, with a diameter of 3,200 miles, ...": a quote that
    holds the kind of answer asked (a measure, a sum, a score, an age: the kinds the
    containment gate checks) has answered the words that asked for it, however the page
    words them. The question's other words still need one match ("When was Baghdadi
    killed?" is not answered by a date beside his name)."""
    rest = ctx.cue_rest
    if rest is None or not typed or (ctx.query.needs is not None and not has_needed):
        return False
    return not rest or bool(rest & stems)


def _cue_rest(query: Query, settings: AnswerSettings) -> frozenset[str] | None:
    """The question's words besides its names and its cue (one of which a typed quote
    must still hold), or None when its kind of answer stands for no cue words."""
    if not query.cue or query.kind is None:
        return None
    if query.kind not in settings.containment:
        return None
    return frozenset(
        t.stem for t in query.terms if not t.entity and t.known and t.stem not in query.cue
    )


def known_names(query: Query) -> list[frozenset[str]]:
    """The question's names whose every word the corpus uses."""
    known = {t.stem for t in query.terms if t.known}
    return [g for g in query.names if g <= known]


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


def _holds(query: Query, kind: re.Pattern[str] | None, text: str, counted: bool = True) -> bool:
    """The quote holds what the question asks for (`kind`), and not only as words the
    question already has: "Who won Super Bowl 50?" is not answered by "Super Bowl"."""
    if kind is None:
        return False
    asked = {t.stem for t in query.terms}
    counts = query.kind == "number"
    for m in kind.finditer(text):
        if not any(t not in asked for t in sentence_terms(m.group())):
            continue
        if counts and part_of_date(text, m.start()):
            continue
        # "How many fighters?" is answered by "2,500 ISIS fighters", not "two districts".
        if (
            counted
            and query.counted
            and query.counted not in tokens.analyze(text[m.end() : m.end() + 30])
        ):
            continue
        return True
    return False


def windows(hit: Hit, lead_in: bool = True) -> list[tuple[Sentence, ...]]:
    """The candidate quotes of one passage: every sentence alone, except that a sentence
    that leans on the one before takes it along (even across a passage boundary), when
    only whitespace lies between them so the quote stays one verbatim span."""
    out: list[tuple[Sentence, ...]] = []
    for s, prev in zip(hit.sentences, hit.before, strict=True):
        if lead_in and prev is not None and needs_lead_in(s.text):
            out.append((prev, s))
        else:
            out.append((s,))
    return out


@dataclass(frozen=True)
class _Context:
    """What every candidate of one question shares."""

    query: Query
    settings: AnswerSettings
    asked: frozenset[str]
    rel: dict[str, frozenset[str]]
    names: list[frozenset[str]]
    avg_len: float
    best_passage: float
    cue_rest: frozenset[str] | None  # `_cue_rest`: worked out once per question


def score_candidates(
    lexicon: Lexicon, query: Query, hits: Sequence[Hit], settings: AnswerSettings
) -> list[Candidate]:
    """Every candidate of the top passages, described by its features and ranked by
    `rank_score` (ties: the earlier sentence, the shorter quote)."""
    ctx = _Context(
        query,
        settings,
        frozenset(t.stem for t in query.terms),
        {t.stem: lexicon.relatives(t.stem) for t in query.terms},
        known_names(query),
        lexicon.avg_sentence_terms,
        max((h.score for h in hits), default=0.0),
        _cue_rest(query, settings),
    )
    out = [c for rank, hit in enumerate(hits) for c in _passage_candidates(ctx, rank, hit)]
    by_doc: dict[int, frozenset[str]] = {}
    for c in out:
        doc = c.sents[-1].doc_id
        by_doc[doc] = by_doc.get(doc, frozenset()) | c.stems
    scored = []
    for c in out:
        feats = replace(c.features, article=coverage(query, by_doc[c.sents[-1].doc_id]))
        scored.append(replace(c, score=rank_score(feats, settings), features=feats))
    scored.sort(key=lambda c: (-c.score, c.sents[0].sent_id, len(c.sents)))
    return scored


def _passage_candidates(ctx: _Context, rank: int, hit: Hit) -> list[Candidate]:
    query = ctx.query
    context_stems = frozenset().union(*(sentence_terms(s.text) for s in hit.sentences))
    if hit.sentences:  # the headline is context for every sentence of its article
        context_stems |= frozenset(sentence_terms(hit.doc.title))
    context = coverage(query, context_stems) + ctx.settings.relative_credit * related_share(
        query, context_stems, ctx.rel
    )
    out = []
    sims = hit.sims or (0.0,) * len(hit.sentences)
    at = {s.sent_id: i for i, s in enumerate(hit.sentences)}
    for pos, win in enumerate(windows(hit, "lead_in" not in ctx.settings.off)):
        sim = sims[at[win[-1].sent_id]]  # the answering sentence's, not its lead-in's
        c = _candidate(ctx, hit, rank, pos, win, context, context_stems, sim)
        if c is not None:
            out.append(c)
    return out


def _candidate(
    ctx: _Context,
    hit: Hit,
    rank: int,
    pos: int,
    win: tuple[Sentence, ...],
    context: float,
    context_stems: frozenset[str],
    sim: float,
) -> Candidate | None:
    query = ctx.query
    terms = tuple(t for s in win for t in sentence_terms(s.text))
    stems = frozenset(terms)
    own = coverage(query, stems)
    if own <= 0:
        return None  # a quote sharing only relatives with the question is no candidate
    own += ctx.settings.relative_credit * related_share(query, stems, ctx.rel)
    # the question's words the quote holds, or holds a relative of
    seen = stems | {t.stem for t in query.terms if ctx.rel[t.stem] & stems}
    if len(win) > 1 and not stems_of_last(win) & ctx.asked:
        return None  # the sentence that needs a lead-in answers nothing: no padding
    length = len(sentence_terms(win[-1].text))
    typed = any(_holds(query, query.answer_type, s.text) for s in win)
    # A number of anything; only when there is one can it count what was asked about.
    has_needed = any(_holds(query, query.needs, s.text, counted=False) for s in win)
    feats = Features(
        own=own,
        match=match(query, terms, length, ctx.avg_len, ctx.settings),
        context=max(context, own),
        passage=hit.score / ctx.best_passage if ctx.best_passage > 0 else 0.0,
        reach=hit.reach,
        nearby=nearby(query, terms),
        typed=float(typed),
        matched=len(stems & ctx.asked),
        sim=sim,
        passage_sim=hit.passage_sim or 0.0,
    )
    return Candidate(
        win,
        hit.doc,
        hit.passage.passage_id,
        rank,
        pos,
        stems,
        _names_ok(query, stems | context_stems),
        _on_point(query, seen),
        "predicate" in ctx.settings.off
        or _predicate(query, seen)
        or ("two_names" not in ctx.settings.off and _two_names(ctx.names, stems))
        or (
            "typed_predicate" not in ctx.settings.off and _answers_cue(ctx, seen, typed, has_needed)
        ),
        typed,
        has_needed and any(_holds(query, query.needs, s.text) for s in win),
        has_needed,
        feats,
    )
