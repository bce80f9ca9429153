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
fitted weights and what each bias would decline. With --write it writes the fitted weights
and the chosen --bias (read from that table: answerable questions declined at 4 % or
less) into bot/answer/evidence.json, which the package loads (AnswerSettings.evidence).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from bot.answer import pipeline
from bot.answer.candidates import score_candidates
from bot.answer.query import analyze
from bot.answer.settings import EVIDENCE_FEATURES, EVIDENCE_FILE, EvidenceModel, default_settings
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import load_cases
from bot.opening import open_engine
from bot.retrieval import Engine

ROOT = Path(__file__).resolve().parent.parent
NAMES = list(EVIDENCE_FEATURES)


def row(engine: Engine, question: str) -> list[float] | None:
    """The features of the candidate the bot would quote first, or None when a rule
    (a name the corpus never uses, no candidate at all) declines before the model."""
    settings = default_settings()
    query = analyze(engine.lexicon, question)
    query, _, _ = pipeline.correct(engine, query)
    if not query.terms or any(t.entity and not t.known for t in query.terms):
        return None
    hits = engine.retriever.search([t.stem for t in query.terms], settings.candidate_passages)
    for c in score_candidates(engine.lexicon, query, hits, settings):
        if c.predicate:  # the candidate answer() stands or falls with
            return [float(getattr(c.features, n)) for n in NAMES]
    return None


def write(weights: dict[str, float], bias: float, table: list[str], ns: argparse.Namespace) -> None:
    """The fitted model into the package's evidence.json, with the numbers that chose it."""
    model = EvidenceModel(**weights, bias=bias)
    old = json.loads(EVIDENCE_FILE.read_text(encoding="utf-8"))
    obj = {
        "about": old.get("about", ""),
        "fitted_on": f"SQuAD {ns.squad.name}, {ns.sample} questions drawn with seed {ns.seed}, "
        "against all of its articles and against the first half only; the single-turn "
        f"cases of eval/questions.jsonl weighted {ns.bundled_weight:g}",
        "measured": table,
        **model.to_json(),
    }
    EVIDENCE_FILE.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {EVIDENCE_FILE}")


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
    out: np.ndarray = np.r_[beta[0] - (raw * mu).sum(), raw]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--bundled-weight", type=float, default=40.0)
    ap.add_argument("--bias", type=float, help="with --write: the bias chosen from the table")
    ap.add_argument("--write", action="store_true", help="write bot/answer/evidence.json")
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
    print(f"in use: {default_settings().evidence}\n")
    table = ["| bias | " + " | ".join(f"{g}: declined" for g in groups) + " |"]
    table.append("|---" * (len(groups) + 1) + "|")
    vec = np.array([weights[n] for n in NAMES])
    biases = [beta[0] + shift for shift in np.arange(-1.5, 1.51, 0.25)]
    if ns.bias is not None:
        biases.append(ns.bias)
    for bias in biases:
        cells = []
        for rows in groups.values():
            declined = sum(r is None or bias + float(np.dot(vec, r)) < 0 for r in rows)
            cells.append(f"{declined / max(len(rows), 1):.3f}")
        table.append(f"| {bias:.2f} | " + " | ".join(cells) + " |")
    print("\n".join(table))
    if ns.write:
        if ns.bias is None:
            ap.error("--write needs --bias, chosen from the table above")
        write(weights, ns.bias, [table[0], table[-1]], ns)


if __name__ == "__main__":
    main()
