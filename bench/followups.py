"""One row per follow-up rule switched off (bot/answer/followup.py RULES), on every
conversation set at once: the follow-up pairs of the SQuAD dev half (where the name
matters to plain rank-bm25: R@3 asked after the first question, against R@3 with the name
written out), and the conversation cases of the bundled news set and of the real pages
(last turn right). Prints a Markdown table; changes nothing.

    python -m bench.followups [--no-reader] [--only RULE,...]

The shipped answer path reads with the reader; --no-reader measures stage 1 alone.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.answer.followup import RULES
from bot.answer.pipeline import Answerer
from bot.answer.settings import default_settings
from bot.encoder.minilm import MiniLM
from bot.encoder.reader import MiniLMReader
from bot.evaluation import squad as sq
from bot.evaluation.evaluate import evaluate, load_cases
from bot.evaluation.pages import corpus_directive, unpack
from bot.evaluation.squad_run import _engine, followup_recall
from bot.opening import open_engine
from bot.paths import default_index

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared/squad/dev-v1.1-half.json")
    ap.add_argument("--no-reader", action="store_true", help="stage 1 alone")
    ap.add_argument("--only", help="comma-separated rule names")
    ns = ap.parse_args()
    encoder = MiniLM()
    reader = None if ns.no_reader else MiniLMReader()
    quiet: Callable[[str], None] = lambda _: None  # noqa: E731
    data = sq.load_squad(ns.squad)
    squad = _engine(data, "full", range(len(data.articles)), quiet, encoder)
    sets = []
    for cases_file in (ROOT / "eval/questions.jsonl", ROOT / "eval/pages.jsonl"):
        folder = corpus_directive(cases_file)
        corpus = unpack(folder) if folder is not None else ROOT / "corpus"
        engine = open_engine(corpus, default_index(corpus), quiet, encoder=encoder)
        talks = [c for c in load_cases(cases_file) if "conversation" in c.tags]
        sets.append((engine, talks))
    print("| off | follow-up R@3 | written out R@3 | ratio | bundled conv | pages conv |")
    print("|---" * 6 + "|")
    rules = ns.only.split(",") if ns.only else list(RULES)
    base = default_settings()
    for name in ["in use", *rules]:
        s = base if name == "in use" else replace(base, off=frozenset({name}))
        f = followup_recall(data, Answerer(squad, reader, s), 0, 10, None)
        right = [
            f"{sum(r.passed for r in evaluate(Answerer(e, reader, s), talks, 5))}/{len(talks)}"
            for e, talks in sets
        ]
        print(
            f"| {name} | {f['R@3 follow-up']:.3f} | {f['R@3 written out']:.3f} | "
            f"{f['ratio']:.3f} | {right[0]} | {right[1]} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
