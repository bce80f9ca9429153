"""Running the SQuAD evaluation: corpora in the cache, the bot, and what it is compared with.

One call asks a (sampled) SQuAD file's questions and, on request, the plain rank-bm25
baseline on the same questions, the negatives (only the first half of the articles
indexed) and the follow-up set, returning one report. The corpora and their indexes live
in the user cache, keyed by the file's digest, so a second run reuses them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..answer.conversation import Conversation
from ..answer.pipeline import Answerer
from ..opening import open_engine
from ..paths import cache_dir
from ..retrieval import Encoder, Engine, Reader
from . import squad as sq
from .followup_set import followup_pairs, name_matters

FOLLOWUP_PAIRS = 500  # the follow-up set's size, at most


@dataclass
class SquadReport:
    file: str
    top: int
    bot: dict[str, float]
    baseline: dict[str, float] | None = None
    negatives: dict[str, float] | None = None
    followups: dict[str, float] | None = None
    misses: list[dict[str, Any]] = field(default_factory=list)  # a few, for reading


def _engine(
    data: sq.SquadSet,
    kind: str,
    articles: range,
    notify: Callable[[str], None],
    encoder: Encoder | None,
) -> Engine:
    root = cache_dir() / "squad" / data.digest / kind
    corpus = sq.write_corpus(data, root / "corpus", articles)
    return open_engine(corpus, root / "index", notify, encoder=encoder)


def run_squad(
    path: Path,
    sample: int | None,
    seed: int,
    top: int = 10,
    baseline: bool = False,
    negatives: bool = False,
    followups: bool = False,
    encoder: Encoder | None = None,
    notify: Callable[[str], None] = lambda _: None,
    progress: Callable[[int, int], None] | None = None,
    reader: Reader | None = None,
    only: frozenset[str] | None = None,
) -> SquadReport:
    """`only`: ask only about the articles with these titles (the corpus still holds
    every article), e.g. those the reader never read in training."""
    data = sq.load_squad(path)
    questions = sq.sample(data, sample, seed)
    if only is not None:
        questions = [q for q in questions if data.articles[q.article].title in only]
    every = range(len(data.articles))
    full = Answerer(_engine(data, "full", every, notify, encoder), reader)
    results = sq.run(data, questions, lambda q: full.answer(q, top), progress=progress)
    report = SquadReport(str(path), top, sq.squad_metrics(results, top))
    report.misses = [
        {"question": r.question, "answers": list(r.answers), "top_quote": r.top_quote}
        for r in results
        if r.rank != 1
    ][:10]
    if baseline:
        from .baseline import PlainBM25  # rank-bm25 over every sentence: built only when asked

        report.baseline = sq.squad_metrics(PlainBM25(data, every).run(questions), top)
    if negatives:
        half = range(len(data.articles) // 2)
        part = full.on(_engine(data, "half", half, notify, encoder))
        neg = sq.run(data, questions, lambda q: part.answer(q, top), lambda q: q.article in half)
        m = sq.squad_metrics(neg, top)
        report.negatives = {
            "indexed articles": float(len(half)),
            "declined, article indexed": m["declined"],
            "declined, article not indexed": m.get("negatives_declined", 0.0),
        }
    if followups:
        report.followups = followup_recall(data, full, seed, top, only)
    return report


def followup_recall(
    data: sq.SquadSet, answerer: Answerer, seed: int, top: int, only: frozenset[str] | None
) -> dict[str, float]:
    """R@3 of the pronoun form asked after its first question, against R@3 of the same
    question with the subject written out, on pairs where the name matters to the plain
    baseline (followup_set.py)."""
    from .baseline import PlainBM25

    plain = PlainBM25(data, range(len(data.articles)))
    pairs = followup_pairs(data, None, seed, name_matters(plain.rank_of))
    if only is not None:
        pairs = [p for p in pairs if data.articles[p.second.article].title in only]
    if len(pairs) > FOLLOWUP_PAIRS:
        pairs = random.Random(seed).sample(pairs, FOLLOWUP_PAIRS)
    rewritten = named = 0
    for p in pairs:
        conv = Conversation(answerer)
        conv.ask(p.first, top=top)
        rank = sq.hit_rank(data, p.second, conv.ask(p.pronoun_form, top=top))
        rewritten += rank is not None and rank <= 3
        rank = sq.hit_rank(data, p.second, answerer.answer(p.second.question, top))
        named += rank is not None and rank <= 3
    n = len(pairs) or 1
    return {
        "pairs": float(len(pairs)),
        "they pairs": float(sum(p.kind == "group" for p in pairs)),
        "R@3 follow-up": rewritten / n,
        "R@3 written out": named / n,
        "ratio": rewritten / named if named else 0.0,
    }
