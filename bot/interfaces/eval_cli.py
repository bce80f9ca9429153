"""`python -m bot eval FILE...`: the scripted evaluation, on question files and SQuAD files.

A `.jsonl` file holds the bot's own cases (eval/questions.jsonl) and runs against
--corpus; a `.json` file in SQuAD v1.1 format becomes a corpus of its own (see
`squad_run.py`). Several files run in one invocation, so every change is judged on all
the development data at once, with the plain baseline beside it (--baseline).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import click

from ..answer.settings import MAX_TOP
from ..errors import EvalFileError
from ..paths import default_index
from .terminal import corpus_options, errors_to_exit, fail, notify, open_engine, out_console
from .terminal import progress_bar as _progress_bar

SQUAD_GATES = (
    ("min_r1", "R@1", ">="),
    ("min_mrr", "MRR@{top}", ">="),
    ("max_declined", "declined", "<="),
)


@click.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--top",
    type=click.IntRange(1, MAX_TOP),
    help="Quotes per answer scored (default 5 for question files, 10 for SQuAD files).",
)
@click.option("--json", "as_json", is_flag=True, help="Print metrics and failures as JSON.")
@click.option("--sample", type=click.IntRange(1), help="SQuAD: ask N questions drawn at random.")
@click.option("--seed", default=0, show_default=True, help="SQuAD: seed of the sample.")
@click.option("--baseline", is_flag=True, help="Plain rank-bm25 on the same questions, beside.")
@click.option(
    "--negatives",
    is_flag=True,
    help="SQuAD: also index half of the articles and report the share declined on each side.",
)
@click.option("--followups", is_flag=True, help="SQuAD: follow-ups with the subject as a pronoun.")
@click.option(
    "--held-out",
    is_flag=True,
    help="SQuAD: ask only about the articles the shipped reader never saw in training or "
    "calibration (its card's held-out list); the corpus still holds every article.",
)
@click.option("--min-hit1", type=click.FloatRange(0, 1), help="Fail when hit@1 is lower.")
@click.option("--min-hit3", type=click.FloatRange(0, 1), help="Fail when hit@3 is lower.")
@click.option(
    "--min-abstain",
    type=click.FloatRange(0, 1),
    help="Fail when abstention recall (unanswerable cases declined) is lower.",
)
@click.option("--min-r1", type=click.FloatRange(0, 1), help="SQuAD: fail when R@1 is lower.")
@click.option("--min-mrr", type=click.FloatRange(0, 1), help="SQuAD: fail when MRR is lower.")
@click.option(
    "--max-declined", type=click.FloatRange(0, 1), help="SQuAD: fail when more are declined."
)
@click.option(
    "--min-negatives",
    type=click.FloatRange(0, 1),
    help="SQuAD: fail when fewer questions about unindexed articles are declined.",
)
@click.option(
    "--min-followup-ratio",
    type=click.FloatRange(0, 2),
    help="SQuAD: fail when follow-up R@3 over written-out R@3 is lower.",
)
@corpus_options
def eval_cmd(files: tuple[Path, ...], **opts: Any) -> None:
    """Run question FILES (.jsonl) and SQuAD FILES (.json); report hit@1/3, MRR,
    abstention, faithfulness and latency. Exits 1 when a --min/--max threshold is not met."""
    below: list[str] = []
    reports: list[dict[str, Any]] = []
    for path in files:
        if path.suffix.lower() == ".json":
            below += _squad(path, opts, reports)
        else:
            below += _cases(path, opts, reports)
    if opts["as_json"]:
        click.echo(json.dumps(reports if len(reports) > 1 else reports[0], indent=1))
    if below:
        fail("below threshold: " + "; ".join(below), 1)


def _cases(path: Path, opts: dict[str, Any], reports: list[dict[str, Any]]) -> list[str]:
    from ..evaluation.evaluate import evaluate, gate_failures, load_cases, metrics, report_json
    from ..evaluation.pages import case_baseline, corpus_directive, unpack
    from ..evaluation.tables import eval_table

    top = opts["top"] or 5
    where = opts["where"]
    with errors_to_exit():
        cases = load_cases(path)
        about = corpus_directive(path)
        if about is not None:  # a question file about a corpus of its own
            corpus = unpack(about)
            where = replace(where, corpus=corpus, index=default_index(corpus))
        from ..answer.pipeline import Answerer

        reader = where.reader()
        answerer = Answerer(open_engine(where), reader)
        results = evaluate(answerer, cases, top, _progress(len(cases)))
        plain = case_baseline(where.corpus, cases) if opts["baseline"] else None
    m = metrics(results, top)
    if plain is not None:
        m["baseline"] = plain
    if opts["as_json"]:
        reports.append({"file": str(path), **report_json(results, top), "baseline": plain})
    else:
        out_console().print(eval_table(m, results, top, title=f"Evaluation: {path}"))
    return gate_failures(
        m, hit1=opts["min_hit1"], hit3=opts["min_hit3"], abstain=opts["min_abstain"]
    )


def _squad(path: Path, opts: dict[str, Any], reports: list[dict[str, Any]]) -> list[str]:
    from ..evaluation.squad_run import run_squad
    from ..evaluation.tables import squad_table

    top = opts["top"] or 10
    with errors_to_exit():
        if not path.is_file():
            raise EvalFileError(f"no such file: {path}")
        report = run_squad(
            path,
            opts["sample"],
            opts["seed"],
            top,
            baseline=opts["baseline"],
            negatives=opts["negatives"],
            followups=opts["followups"],
            encoder=opts["where"].encoder(),
            reader=opts["where"].reader(),
            only=_held_out() if opts["held_out"] else None,
            notify=notify,
            progress=_progress(opts["sample"] or 1000),
        )
    if opts["as_json"]:
        reports.append(asdict(report))
    else:
        out_console().print(squad_table(report))
    below = []
    for key, metric, op in SQUAD_GATES:
        limit, value = opts[key], report.bot[metric.format(top=top)]
        if limit is not None and (value < limit if op == ">=" else value > limit):
            below.append(
                f"{metric.format(top=top)} {value:.3f} {'<' if op == '>=' else '>'} {limit:.3f}"
            )
    neg = (report.negatives or {}).get("declined, article not indexed")
    if opts["min_negatives"] is not None and neg is not None and neg < opts["min_negatives"]:
        below.append(f"negatives declined {neg:.3f} < {opts['min_negatives']:.3f}")
    ratio = (report.followups or {}).get("ratio")
    limit = opts["min_followup_ratio"]
    if limit is not None and ratio is not None and ratio < limit:
        below.append(f"follow-up ratio {ratio:.3f} < {opts['min_followup_ratio']:.3f}")
    return below


def _held_out() -> frozenset[str]:
    from ..encoder.reader import held_out_titles

    titles = held_out_titles()
    if not titles:
        raise EvalFileError("--held-out: the reader's card lists no held-out articles")
    return titles


def _progress(total: int) -> Callable[[int, int], None] | None:
    bar = _progress_bar()
    if bar is None or total < 20:
        return None
    return lambda done, n: bar("evaluating", done, n) if done < n else bar("indexing", 1, 1)
