"""Choosing the quotes: every quote clears the same evidence bar, then citations are
numbered by first appearance.

Evidence is a logistic model's log-odds that a candidate answers the question
(`features.evidence_score`, weights in `evidence.json`). On a lexical index:

    evidence = bias + 7.58·own + 2.01·article + 2.44·reach + 1.26·matched

and on an index with sentence vectors the model adds the encoder's two cosines (sim,
passage_sim) and was refitted with them (bias −10.7; docs/quality.md, fourth round).

`own` is the share of the question's weight (sentence IDF; words the corpus never uses
weigh most) the quote holds, `article` the share held by the top passages of its article
together, `reach` its passage's BM25 score against the most the query could reach, and
`matched` how many of the question's words it holds. The weights were fitted by
`python -m bench.calibrate` on development data (answerable SQuAD questions against the
same questions asked of a corpus without their article, and the bundled set); the bias
was read from the table it prints, to keep answerable questions declined at 4 % or less
(docs/quality.md; −7.3 keeps it at 3.45 % on the seed-1 sample the fit used); `python -m
bench.calibrate --write` writes them to `evidence.json`. The answer
stands or falls with the best-ranked candidate, which must also match a word of the
question that is not a name (or a relative of one), or hold two of its names whole.

Every quote holds what the question asks for (`contains`: a number for "how many", a date
for "when"); a candidate that does not is passed over. Later quotes clear the same bar as
the first, and must also hold every name of the question in themselves or their passage
("How many fighters remain in Raqqa?" never adds a sentence about fighters in Mosul), and
a number they hold must count what was asked about (not "two districts").
Overlapping and near-identical quotes (the same wire copy in two outlets) are quoted once.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ingest import tokens
from ..records import DocMeta, Quote, Source
from .candidates import Candidate
from .features import evidence_score, sentence_terms
from .query import Query
from .rank import eligible
from .settings import AnswerSettings, EvidenceModel


def clears_bar(c: Candidate, model: EvidenceModel) -> bool:
    return c.predicate and evidence_score(c.features, model) >= 0


def judged(ranked: Sequence[Candidate], query: Query, settings: AnswerSettings) -> Candidate | None:
    """The candidate the answer stands or falls with: the first that could be quoted
    (`rank.eligible`). Calibration fits the evidence model on exactly this one."""
    return next((c for c in ranked if eligible(c, query, settings)), None)


def select(
    scored: Sequence[Candidate],
    query: Query,
    top: int,
    settings: AnswerSettings,
    model: EvidenceModel | None = None,
) -> list[Candidate]:
    """The best candidates that clear the bar, without overlaps or near-duplicates. The
    answer stands or falls with the best candidate: when it lacks the evidence, a weaker
    one is not searched for (that is how off-corpus questions slipped through)."""
    model = model or settings.evidence
    chosen: list[Candidate] = []
    used: set[int] = set()
    for c in scored:
        if len(chosen) >= top:
            break
        if not eligible(c, query, settings):
            continue  # it does not hold what was asked: no answer, whatever its evidence
        if not clears_bar(c, model):
            if not chosen:
                return []
            continue
        if chosen and not (c.names_ok and c.on_point) and "later_names" not in settings.off:
            continue  # a later quote keeps to the question's names and words: no drift
        if chosen and query.needs is not None and not c.holds and "later_needs" not in settings.off:
            continue  # "How many fighters?": a later quote counts fighters, not districts
        ids = {s.sent_id for s in c.sents}
        if ids & used or any(_near_duplicate(c, o, settings.near_duplicate) for o in chosen):
            continue
        chosen.append(c)
        used |= ids
    return chosen


def _near_duplicate(a: Candidate, b: Candidate, share: float) -> bool:
    for x in a.sents:
        for y in b.sents:
            sx, sy = frozenset(sentence_terms(x.text)), frozenset(sentence_terms(y.text))
            if sx and sy and len(sx & sy) / len(sx | sy) >= share:
                return True
    return False


def cite(chosen: list[Candidate], query: Query) -> tuple[tuple[Quote, ...], tuple[Source, ...]]:
    """The chosen candidates as quotes, and their articles as sources numbered by first
    appearance."""
    citations: dict[int, int] = {}
    docs: dict[int, DocMeta] = {}
    quotes: list[Quote] = []
    wanted = {t.stem for t in query.terms}
    for c in chosen:
        first, last = c.sents[0], c.sents[-1]
        doc_id = first.doc_id
        citation = citations.setdefault(doc_id, len(citations) + 1)
        docs[doc_id] = c.doc
        text = " ".join(s.text for s in c.sents)
        matched = tuple(
            dict.fromkeys(text[a:b] for stem, a, b in tokens.spans(text) if stem in wanted)
        )
        quotes.append(
            Quote(
                text=text,
                citation=citation,
                doc=c.doc.doc,
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
            doc=docs[d].doc,
            title=docs[d].title,
            publisher=docs[d].publisher,
            published=docs[d].published,
            url=docs[d].url,
        )
        for d, n in citations.items()
    )
    return tuple(quotes), sources
