"""Fit the abstention model of `bot/answer/select.py` on development data. Prints tables.

    python -m bench.calibrate [--squad ../shared/squad/dev-v1.1-half.json] [--seed 1]
                              [--lexical] [--write --bias B]

Data: the SQuAD dev half (questions drawn with --seed; the evaluation reports seed 0, so
the fit never sees the reported sample) asked against all of its articles (answerable)
and against the first half only (questions about the other half: should be declined),
plus the single-turn cases of eval/questions.jsonl on the bundled corpus. For each
question, the candidate the bot would quote first (unless a rule - a name the corpus
never uses, no candidate at all - declines before) gives one row of features; a logistic
regression (numpy, L2) over the evidence features separates the two kinds, bundled rows
weighted up so 132 news questions count beside thousands of SQuAD ones.

By default the index holds sentence vectors and the fit includes the encoder's cosines
(the "encoder" model); --lexical fits the words-only model. Besides the in-sample table
it prints the same table cross-validated by article (SQuAD articles in two folds: each
fold's questions are judged by the model fitted on the other's), the honest estimate.
With --write it writes the fitted weights and the chosen --bias into
bot/answer/evidence.json, which the package loads (AnswerSettings.evidence / .evidence_encoder).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bot.answer.pipeline import Answerer
from bot.answer.select import judged
from bot.answer.settings import EVIDENCE_FEATURES, EVIDENCE_FILE, EvidenceModel
from bot.encoder.minilm import MiniLM
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import load_cases
from bot.opening import open_engine
from bot.retrieval import Engine

ROOT = Path(__file__).resolve().parent.parent
Row = tuple[list[float] | None, int]  # features (None: declined by a rule), article (-1: news)


def row(engine: Engine, question: str, names: list[str]) -> list[float] | None:
    """The features of the candidate the answer stands or falls with (`select.judged`,
    through the answer path's own stages), or None when a rule (a name the corpus never
    uses, no candidate at all) declines before the model."""
    answerer = Answerer(engine)
    staged = answerer.ranked(question)
    if staged is None:
        return None
    query, ranked = staged
    c = judged(ranked.candidates, query, answerer.settings)
    return None if c is None else [float(getattr(c.features, n)) for n in names]


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


def fit_groups(groups: dict[str, list[Row]], keep: Any, bundled_weight: float) -> np.ndarray:
    xs, ys, ws = [], [], []
    for name, rows in groups.items():
        positive = name.split()[-1] == "answerable"
        for r, article in rows:
            if r is not None and keep(article):
                xs.append(r)
                ys.append(float(positive))
                ws.append(bundled_weight if name.startswith("bundled") else 1.0)
    return fit(np.array(xs), np.array(ys), np.array(ws))


def declined(rows: list[Row], beta: np.ndarray, bias: float) -> float:
    out = [r is None or bias + float(np.dot(beta[1:], r)) < 0 for r, _ in rows]
    return sum(out) / max(len(out), 1)


def table(groups: dict[str, list[Row]], betas: Any, biases: list[float]) -> list[str]:
    """One row per bias shift; `betas(article)` is the model that judges that article."""
    lines = ["| bias shift | " + " | ".join(f"{g}: declined" for g in groups) + " |"]
    lines.append("|---" * (len(groups) + 1) + "|")
    for shift in biases:
        cells = []
        for rows in groups.values():
            done = [
                r is None or betas(a)[0] + shift + float(np.dot(betas(a)[1:], r)) < 0
                for r, a in rows
            ]
            cells.append(f"{sum(done) / max(len(done), 1):.3f}")
        lines.append(f"| {shift:+.2f} | " + " | ".join(cells) + " |")
    return lines


def collect(ns: argparse.Namespace, names: list[str]) -> dict[str, list[Row]]:
    data = sq.load_squad(ns.squad)
    qs = sq.sample(data, ns.sample, ns.seed)
    half = set(range(len(data.articles) // 2))
    encoder = None if ns.lexical else MiniLM()
    quiet = lambda _: None  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        every = range(len(data.articles))
        full = open_engine(
            sq.write_corpus(data, t / "full", every), t / "fi", quiet, encoder=encoder
        )
        part = open_engine(
            sq.write_corpus(data, t / "half", sorted(half)), t / "hi", quiet, encoder=encoder
        )
        bundled = open_engine(ROOT / "corpus", t / "bi", quiet, encoder=encoder)
        groups: dict[str, list[Row]] = {
            "squad answerable": [(row(full, q.question, names), q.article) for q in qs],
            "squad other articles": [
                (row(part, q.question, names), q.article) for q in qs if q.article not in half
            ],
        }
        cases = [c for c in load_cases(ROOT / "eval/questions.jsonl") if len(c.turns) == 1]
        groups["bundled answerable"] = [
            (row(bundled, c.turns[0], names), -1) for c in cases if not c.unanswerable
        ]
        groups["bundled unanswerable"] = [
            (row(bundled, c.turns[0], names), -1) for c in cases if c.unanswerable
        ]
    return groups


def write(model: EvidenceModel, kind: str, lines: list[str], ns: argparse.Namespace) -> None:
    """The fitted model into the package's evidence.json, with the numbers that chose it."""
    models = json.loads(EVIDENCE_FILE.read_text(encoding="utf-8"))
    models[kind] = {
        "fitted_on": f"SQuAD {ns.squad.name}, {ns.sample} questions drawn with seed {ns.seed}, "
        "against all of its articles and against the first half only; the single-turn "
        f"cases of eval/questions.jsonl weighted {ns.bundled_weight:g}",
        "measured": lines,
        **model.to_json(),
    }
    EVIDENCE_FILE.write_text(json.dumps(models, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote the {kind} model to {EVIDENCE_FILE}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--bundled-weight", type=float, default=40.0)
    ap.add_argument("--lexical", action="store_true", help="fit the words-only model")
    ap.add_argument("--bias", type=float, help="with --write: the bias chosen from the table")
    ap.add_argument("--write", action="store_true", help="write bot/answer/evidence.json")
    ns = ap.parse_args()
    kind = "lexical" if ns.lexical else "encoder"
    # The reader's model is fitted by bench.calibrate_reader, on data the reader never saw.
    dense = ("sim", "passage_sim")
    names = [n for n in EVIDENCE_FEATURES if n != "reader" and not (ns.lexical and n in dense)]
    groups = collect(ns, names)
    beta = fit_groups(groups, lambda a: True, ns.bundled_weight)
    weights = {n: round(float(b), 2) for n, b in zip(names, beta[1:], strict=True)}
    print(f"fitted ({kind}):", weights, f"bias = {beta[0]:.2f}")
    shifts = [float(s) for s in np.arange(-1.5, 1.51, 0.25)]
    print("\nin sample (bias = fitted + shift):")
    print("\n".join(table(groups, lambda a: beta, shifts)))
    folds = [
        fit_groups(groups, lambda a, k=k: a < 0 or a % 2 != k, ns.bundled_weight) for k in (0, 1)
    ]
    print("\ncross-validated by article (each SQuAD article judged by the fold without it):")
    print("\n".join(table(groups, lambda a: folds[a % 2] if a >= 0 else beta, shifts)))
    if ns.write:
        if ns.bias is None:
            ap.error("--write needs --bias, chosen from the tables above")
        chosen = [0.0 if ns.bias is None else ns.bias - beta[0]]
        lines = table(groups, lambda a: beta, chosen)
        model = EvidenceModel(**{n: weights.get(n, 0.0) for n in EVIDENCE_FEATURES}, bias=ns.bias)
        write(model, kind, [f"bias {ns.bias}", lines[0], lines[-1]], ns)


if __name__ == "__main__":
    main()
