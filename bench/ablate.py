"""One row per answer-stage rule or feature switched off, on every development set at
once: the bundled news set, eval/pages.jsonl (the 90 real pages) and the SQuAD dev half
(2,000 questions, seed 0, with the negatives). Prints a Markdown table; changes nothing.

    python -m bench.ablate [--lexical | --reader] [--held-out] [--only NAME,...]

With --reader every row answers with the reader (stage 2); --held-out asks SQuAD only
about the articles the reader never saw (its card's list), which a row with the reader
needs to be honest.

A rule whose removal costs less than 0.3 points on every set does not pay for itself
(docs/quality.md lists each row and what became of the rule).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.answer.pipeline import Answerer
from bot.answer.settings import AnswerSettings, default_settings
from bot.encoder.minilm import MiniLM
from bot.encoder.reader import MiniLMReader, held_out_titles
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import evaluate, load_cases, metrics
from bot.evaluation.pages import corpus_directive, unpack
from bot.evaluation.squad_run import _engine
from bot.opening import open_engine
from bot.paths import default_index

ROOT = Path(__file__).resolve().parent.parent


def variants(base: AnswerSettings) -> dict[str, AnswerSettings]:
    r = base.rank
    off = {name: replace(base, off=frozenset({name})) for name in (
        "predicate", "typed_predicate", "two_names", "lead_in", "later_names", "later_needs",
        "spelling",
    )}  # fmt: skip
    return {
        "in use": base,
        **off,
        "containment": replace(base, containment=frozenset()),
        "containment + name, place": replace(
            base, containment=base.containment | {"name", "place"}
        ),
        "relatives": replace(base, relative_credit=0.0),
        "rank: context": replace(base, rank=replace(r, context=0.0)),
        "rank: nearby": replace(base, rank=replace(r, nearby=0.0)),
        "rank: typed": replace(base, rank=replace(r, typed=0.0)),
        "rank: passage": replace(base, rank=replace(r, passage=0.0)),
        "rank: match": replace(base, rank=replace(r, match=0.0)),
        "rank: cosines": replace(base, rank=replace(r, sim=0.0, passage_sim=0.0)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--lexical", action="store_true")
    ap.add_argument("--reader", action="store_true", help="every row with the reader")
    ap.add_argument("--held-out", action="store_true", help="SQuAD: the reader's held-out articles")
    ap.add_argument("--only", help="comma-separated variant names")
    ns = ap.parse_args()
    encoder = None if ns.lexical else MiniLM()
    reader = MiniLMReader() if ns.reader and not ns.lexical else None
    quiet: Callable[[str], None] = lambda _: None  # noqa: E731
    bundled = open_engine(ROOT / "corpus", default_index(ROOT / "corpus"), quiet, encoder=encoder)
    pages_file = ROOT / "eval/pages.jsonl"
    folder = corpus_directive(pages_file)
    assert folder is not None
    pages_corpus = unpack(folder)
    pages = open_engine(pages_corpus, default_index(pages_corpus), quiet, encoder=encoder)
    data = sq.load_squad(ns.squad)
    qs = sq.sample(data, ns.sample, 0)
    if ns.held_out:
        titles = held_out_titles()
        qs = [q for q in qs if data.articles[q.article].title in titles]
    full = _engine(data, "full", range(len(data.articles)), quiet, encoder)
    half = range(len(data.articles) // 2)
    part = _engine(data, "half", half, quiet, encoder)
    bundled_cases = load_cases(ROOT / "eval/questions.jsonl")
    page_cases = load_cases(pages_file)
    print(
        "| off | bundled hit@1 / hit@3 | abstain P / R | conv | pages hit@1 | near-miss declined"
        " | pages answerable declined | SQuAD R@1 / MRR@10 | declined | negatives declined |"
    )
    print("|---" * 10 + "|")
    chosen = variants(default_settings())
    if ns.only:
        chosen = {k: v for k, v in chosen.items() if k in ns.only.split(",") or k == "in use"}
    for name, s in chosen.items():
        b = metrics(evaluate(Answerer(bundled, reader, s), bundled_cases, 5), 5)
        p = metrics(evaluate(Answerer(pages, reader, s), page_cases, 5), 5)
        on_full = Answerer(full, reader, s)
        res = sq.run(data, qs, lambda q, a=on_full: a.answer(q, 10))
        m = sq.squad_metrics(res, 10)
        asker = Answerer(part, reader, s)
        neg = sq.run(data, qs, lambda q, a=asker: a.answer(q, 10), lambda q: q.article in half)
        n = sq.squad_metrics(neg, 10)
        print(
            f"| {name} | {b['hit@1']:.3f} / {b['hit@3']:.3f} | {b['abstain_precision']:.2f} / "
            f"{b['abstain_recall']:.2f} | {round(b['conversations_right'] * b['conversations'])}"
            f"/{b['conversations']} | {p['hit@1']:.3f} | {p['abstain_recall']:.3f} | "
            f"{p['wrongly_declined']:.3f} | {m['R@1']:.4f} / {m['MRR@10']:.4f} | "
            f"{m['declined']:.4f} | {n.get('negatives_declined', 0):.4f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
