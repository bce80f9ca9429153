"""Fit the candidate ranking of `bot/answer/candidates.py` on development data.

    python -m bench.rank_fit [--squad ../shared/squad/dev-v1.1-half.json] [--seed 1]

Every candidate quote of every question is described by the features `score_candidates`
computes (its own coverage and BM25 match, its passage's and article's coverage, the
passage score, proximity, answer-type cues, ...). A listwise softmax regression (numpy)
learns the weights that put a correct candidate first: SQuAD questions drawn with --seed
(the evaluation reports seed 0, so the fit never sees the reported sample), asked against
all of the file's articles, and the single-turn answerable cases of eval/questions.jsonl
on the bundled corpus, weighted up so they count beside the SQuAD ones. It prints the
weights to put into `RankWeights` (bot/answer/settings.py) and R@1 under the weights in use
and the fitted ones. Features the bot itself does not rank by (typed_hard, leadin, length,
first, matched, names) are worked out here, from the candidate, for the fit only.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from bot.answer import candidates
from bot.answer.features import sentence_terms
from bot.answer.pipeline import Answerer
from bot.answer.query import Query
from bot.answer.settings import default_settings
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import is_correct, load_cases
from bot.opening import open_engine
from bot.retrieval import Engine

ROOT = Path(__file__).resolve().parent.parent
Group = tuple[np.ndarray, np.ndarray]  # features [n, d], labels [n]


def row(c: candidates.Candidate, query: Query, avg_len: float) -> dict[str, float]:
    """The bot's own features of a candidate, and the ones only this fit reads."""
    length = len(sentence_terms(c.sents[-1].text))
    return {
        **{k: float(v) for k, v in asdict(c.features).items()},
        "typed_hard": float(c.typed and query.needs is not None),
        "leadin": float(len(c.sents) > 1),
        "length": min(length / avg_len, 3.0) if avg_len else 1.0,
        "first": float(c.position == 0),
        "matched": c.features.matched / len(query.terms),  # a share, not the count
        "names": float(c.names_ok),
    }


def group(engine: Engine, question: str, label) -> Group | None:  # type: ignore[no-untyped-def]
    staged = Answerer(engine).ranked(question)  # stage 1, through the answer path's stages
    if staged is None:
        return None
    query, ranked = staged
    cands = [c for c in ranked.candidates if c.predicate]
    if not cands:
        return None
    avg_len = engine.lexicon.avg_sentence_terms
    x = np.array([[row(c, query, avg_len)[n] for n in FEATURES] for c in cands])
    y = np.array([label(c) for c in cands], dtype=float)
    return (x, y) if y.any() else None


FEATURES = [
    "own", "match", "context", "article", "passage", "reach", "nearby", "typed",
    "typed_hard", "leadin", "length", "first", "matched", "names",
]  # fmt: skip


def fit(groups: list[Group], weights: list[float], l2: float = 1e-3) -> np.ndarray:
    """Listwise softmax regression: maximise the probability of the correct candidates."""
    d = groups[0][0].shape[1]
    w = np.zeros(d)
    total = sum(weights)
    for _ in range(3000):
        grad = l2 * w
        for (x, y), gw in zip(groups, weights, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad += gw / total * (x.T @ (p - q))
        w -= 2.0 * grad
    return w


def r_at_1(groups: list[Group], w: np.ndarray) -> float:
    return float(np.mean([y[int(np.argmax(x @ w))] for x, y in groups]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--bundled-weight", type=float, default=10.0)
    ns = ap.parse_args()
    data = sq.load_squad(ns.squad)
    quiet = lambda _: None  # noqa: E731
    groups: list[Group] = []
    weights: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        full = open_engine(
            sq.write_corpus(data, t / "c", range(len(data.articles))), t / "i", quiet
        )
        for q in sq.sample(data, ns.sample, ns.seed):
            art = data.articles[q.article]
            lo, hi = art.paragraphs[q.paragraph]

            def squad_label(c: candidates.Candidate, q=q, art=art, lo=lo, hi=hi) -> bool:  # type: ignore[no-untyped-def]
                text = " ".join(s.text for s in c.sents)
                inside = c.doc.doc == art.name and lo <= c.sents[0].start
                return inside and c.sents[-1].end <= hi and any(g in text for g in q.answers)

            if (g := group(full, q.question, squad_label)) is not None:
                groups.append(g)
                weights.append(1.0)
        n_squad = len(groups)
        bundled = open_engine(ROOT / "corpus", t / "b", quiet)
        for case in load_cases(ROOT / "eval/questions.jsonl"):
            if case.unanswerable or len(case.turns) > 1:
                continue

            def case_label(c: candidates.Candidate, case=case) -> bool:  # type: ignore[no-untyped-def]
                text = " ".join(s.text for s in c.sents)
                return is_correct(case, text, c.doc.doc)

            if (g := group(bundled, case.turns[0], case_label)) is not None:
                groups.append(g)
                weights.append(ns.bundled_weight)
    ranked = asdict(default_settings().rank)
    in_use = np.array([ranked.get(n, 0.0) for n in FEATURES])
    w = fit(groups, weights)
    print("fitted RankWeights =", {n: round(float(v), 3) for n, v in zip(FEATURES, w, strict=True)})
    for name, vec in (("in use", in_use), ("fitted", w)):
        print(
            f"{name}: R@1 among questions with a correct candidate: SQuAD "
            f"{r_at_1(groups[:n_squad], vec):.3f}, bundled {r_at_1(groups[n_squad:], vec):.3f}"
        )


if __name__ == "__main__":
    main()
