"""Choose the rank weights of the encoder's cosines (`RankWeights.sim`, `.passage_sim`).

    python -m bench.dense_grid [--squad ../shared/squad/dev-v1.1-half.json] [--seed 1]

Every candidate of every question is worked out once, on an index with sentence vectors
(SQuAD questions drawn with --seed, never the reported seed 0, against all of the file's
articles; and the single-turn answerable cases of eval/questions.jsonl on the bundled
corpus); then each pair of weights on a grid re-ranks them, and the table prints how
often the first candidate the bot would quote (the best-ranked one matching a word of
the question that is not a name) is a correct one. Prints a table; changes nothing.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from dataclasses import replace
from pathlib import Path

from bot.answer import candidates
from bot.answer.features import rank_score
from bot.answer.pipeline import Answerer
from bot.answer.settings import AnswerSettings, default_settings
from bot.encoder.minilm import MiniLM
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import is_correct, load_cases
from bot.evaluation.squad_run import _engine
from bot.opening import open_engine
from bot.retrieval import Engine

ROOT = Path(__file__).resolve().parent.parent
Row = list[tuple[candidates.Candidate, bool]]


def rows(engine: Engine, question: str, label) -> Row | None:  # type: ignore[no-untyped-def]
    """Stage 1's predicate candidates, labelled, through the answer path's own stages."""
    staged = Answerer(engine).ranked(question) if engine.encoder is not None else None
    if staged is None:
        return None
    cands = [c for c in staged[1].candidates if c.predicate]
    return [(c, label(c)) for c in cands] or None


def first_right(group: Row, s: AnswerSettings) -> bool:
    best = min(group, key=lambda cl: (-rank_score(cl[0].features, s), cl[0].sents[0].sent_id))
    return best[1]


def labelled(
    encoder: MiniLM, squad_file: Path, sample: int, seed: int, work: Path
) -> tuple[list[tuple[str, Row]], list[tuple[str, Row]]]:
    """(question, its candidates labelled right or wrong) for `sample` SQuAD questions
    drawn with `seed` (against all of the file's articles) and for the single-turn
    answerable cases of eval/questions.jsonl (the bundled corpus, indexed in `work`)."""
    data = sq.load_squad(squad_file)
    full = _engine(data, "full", range(len(data.articles)), print, encoder)
    squad: list[tuple[str, Row]] = []
    for q in sq.sample(data, sample, seed):
        art = data.articles[q.article]
        lo, hi = art.paragraphs[q.paragraph]

        def label(c, q=q, art=art, lo=lo, hi=hi) -> bool:  # type: ignore[no-untyped-def]
            text = " ".join(s.text for s in c.sents)
            inside = c.doc.doc == art.name and lo <= c.sents[0].start and c.sents[-1].end <= hi
            return inside and any(g in text for g in q.answers)

        if (r := rows(full, q.question, label)) is not None:
            squad.append((q.question, r))
    bundled_engine = open_engine(ROOT / "corpus", work / "b", print, encoder=encoder)
    bundled: list[tuple[str, Row]] = []
    for case in load_cases(ROOT / "eval/questions.jsonl"):
        if case.unanswerable or len(case.turns) > 1:
            continue

        def case_label(c, case=case) -> bool:  # type: ignore[no-untyped-def]
            return is_correct(case, " ".join(s.text for s in c.sents), c.doc.doc)

        if (r := rows(bundled_engine, case.turns[0], case_label)) is not None:
            bundled.append((case.turns[0], r))
    return squad, bundled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=2000)
    ns = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        labels = labelled(MiniLM(), ns.squad, ns.sample, ns.seed, Path(tmp))
    squad, bundled = ([row for _, row in part] for part in labels)
    base = default_settings()
    print(f"{len(squad)} SQuAD and {len(bundled)} bundled questions with candidates")
    print("| sim | passage_sim | SQuAD first right | bundled first right |\n|---|---|---|---|")
    for ws, wp in itertools.product((0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0), (0, 0.25, 0.5, 1.0)):
        s = replace(base, rank=replace(base.rank, sim=ws, passage_sim=wp))
        a = sum(first_right(g, s) for g in squad) / max(len(squad), 1)
        b = sum(first_right(g, s) for g in bundled) / max(len(bundled), 1)
        print(f"| {ws} | {wp} | {a:.4f} | {b:.4f} |")


if __name__ == "__main__":
    main()
