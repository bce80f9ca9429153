"""Fit the abstention model of `bot/answer/select.py` on development data. Prints tables.

    python -m bench.calibrate [--squad ../shared/squad/dev-v1.1-half.json] [--seed 1]

Data: the SQuAD dev half (questions drawn with --seed; the evaluation reports seed 0, so
the fit never sees the reported sample) asked against all of its articles (answerable)
and against the first half only (questions about the other half: should be declined),
plus the single-turn cases of eval/questions.jsonl on the bundled corpus. For each
question, the candidate the bot would quote first (unless a rule - a name the corpus
never uses, no candidate at all - declines before) gives one row of features; a logistic
regression (numpy, L2) over `select.features` separates the two kinds, bundled rows
weighted up so 132 news questions count beside thousands of SQuAD ones. It prints the
fitted weights and what each bias would decline; the chosen ones are pasted into
bot/answer/select.py (WEIGHTS, BIAS).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from bot.answer import pipeline, select
from bot.answer.candidates import score_candidates
from bot.answer.query import analyze
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import load_cases
from bot.opening import open_engine
from bot.retrieval import Engine

ROOT = Path(__file__).resolve().parent.parent
NAMES = list(select.WEIGHTS)


def row(engine: Engine, question: str) -> list[float] | None:
    """The features of the candidate the bot would quote first, or None when a rule
    (a name the corpus never uses, no candidate at all) declines before the model."""
    query = analyze(engine, question)
    query, _, _ = pipeline._correct(engine, query)
    if not query.terms or any(t.entity and not t.known for t in query.terms):
        return None
    passages = engine.search([t.stem for t in query.terms], pipeline.CANDIDATE_PASSAGES)
    for c in score_candidates(engine, query, passages):
        if c.predicate:  # the candidate answer() stands or falls with
            f = select.features(c, query)
            return [f[n] for n in NAMES]
    return None


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression by gradient descent on standardised features; returns
    [bias, weights...] in the raw feature scale."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mu) / sd])
    beta = np.zeros(z.shape[1])
    for _ in range(20_000):
        p = 1 / (1 + np.exp(-z @ beta))
        grad = z.T @ (w * (p - y)) / w.sum() + l2 * np.r_[0, beta[1:]]
        beta -= 0.5 * grad
    raw = beta[1:] / sd
    return np.r_[beta[0] - (raw * mu).sum(), raw]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--bundled-weight", type=float, default=40.0)
    ns = ap.parse_args()
    data = sq.load_squad(ns.squad)
    qs = sq.sample(data, ns.sample, ns.seed)
    half = set(range(len(data.articles) // 2))
    quiet = lambda _: None  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        full = open_engine(
            sq.write_corpus(data, t / "full", range(len(data.articles))), t / "fi", quiet
        )
        part = open_engine(sq.write_corpus(data, t / "half", sorted(half)), t / "hi", quiet)
        bundled = open_engine(ROOT / "corpus", t / "bi", quiet)
        groups: dict[str, list[list[float] | None]] = {
            "squad answerable": [row(full, q.question) for q in qs],
            "squad other articles": [row(part, q.question) for q in qs if q.article not in half],
        }
        cases = [c for c in load_cases(ROOT / "eval/questions.jsonl") if len(c.turns) == 1]
        groups["bundled answerable"] = [
            row(bundled, c.turns[0]) for c in cases if not c.unanswerable
        ]
        groups["bundled unanswerable"] = [row(bundled, c.turns[0]) for c in cases if c.unanswerable]
    xs, ys, ws = [], [], []
    for name, rows in groups.items():
        positive = name.split()[-1] == "answerable"
        for r in rows:
            if r is not None:
                xs.append(r)
                ys.append(float(positive))
                ws.append(ns.bundled_weight if name.startswith("bundled") else 1.0)
    beta = fit(np.array(xs), np.array(ys), np.array(ws))
    weights = {n: round(float(b), 2) for n, b in zip(NAMES, beta[1:], strict=True)}
    print("fitted WEIGHTS =", weights, f"BIAS = {beta[0]:.2f}")
    print(f"in use: WEIGHTS = {select.WEIGHTS} BIAS = {select.BIAS}\n")
    print("| BIAS | " + " | ".join(f"{g}: declined" for g in groups) + " |")
    print("|---" * (len(groups) + 1) + "|")
    for shift in np.arange(-1.5, 1.51, 0.25):
        bias = beta[0] + shift
        cells = []
        for rows in groups.values():
            declined = sum(r is None or bias + float(np.dot(beta[1:], r)) < 0 for r in rows) / max(
                len(rows), 1
            )
            cells.append(f"{declined:.3f}")
        print(f"| {bias:.2f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
