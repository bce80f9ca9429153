"""The evaluation's tables: metrics and failed cases of a question file, and a SQuAD run
beside its plain baseline. Pure: they take results and return rich renderables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..display import inert
from .evaluate import CaseResult
from .squad_run import SquadReport


def eval_table(
    m: dict[str, Any], results: Sequence[CaseResult], top: int, title: str = "Evaluation"
) -> Group:
    """Metrics summary, then every failed case with what was expected and what came back."""
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in ("cases", "answerable", "unanswerable"):
        table.add_row(key, str(m[key]))
    for key in (
        "hit@1",
        "hit@3",
        f"mrr@{top}",
        "abstain_precision",
        "abstain_recall",
        "wrongly_declined",
        "faithfulness",
    ):
        table.add_row(key, f"{m[key]:.3f}")
    if m.get("conversations"):
        right = round(m["conversations_right"] * m["conversations"])
        table.add_row("conversations right", f"{right}/{m['conversations']}")
    table.add_row("quotes checked", str(m["quotes_checked"]))
    if m.get("baseline"):
        b = m["baseline"]
        table.add_row("plain rank-bm25 hit@1 / hit@3", f"{b['hit@1']:.3f} / {b['hit@3']:.3f}")
    table.add_row("latency p50 (ms)", f"{m['latency_p50_ms']:.2f}")
    table.add_row("latency p95 (ms)", f"{m['latency_p95_ms']:.2f}")
    parts: list[Any] = [table]
    failed = [r for r in results if not r.passed]
    if failed:
        parts.append(Text(f"\nFailed cases ({len(failed)})", style="bold"))
    for r in failed:
        given = (r.error and f"error: {r.error}") or (
            (f"[correct at rank {r.rank}] " if r.rank else "")
            + (f"{_clip(r.top_quote)} ({r.top_doc})" if r.top_quote else "(declined)")
        )
        block = Text()
        block.append(f"✗ {r.id}", style="bold red")
        block.append(f"  {inert(r.question)}\n")
        block.append("    expected: ", style="dim")
        block.append(f"{r.expected}\n")
        block.append("    top quote: ", style="dim")
        block.append(inert(given))
        parts.append(block)
    for line in m["unfaithful"]:
        parts.append(Text(f"NOT VERBATIM: {line}", style="bold red"))
    return Group(*parts)


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def squad_table(report: SquadReport) -> Group:
    """A SQuAD run: the bot beside the plain rank-bm25 baseline, then the negatives and the
    follow-up set when they were run."""
    top = report.top
    table = Table(title=f"SQuAD: {report.file}", show_header=True, header_style="bold")
    table.add_column("metric")
    table.add_column("newsqa", justify="right")
    if report.baseline:
        table.add_column("plain rank-bm25", justify="right")
    for key in ("questions", "R@1", "R@3", f"MRR@{top}", "declined", "latency_p50_ms"):
        cells = [_fmt(report.bot[key])]
        if report.baseline:
            cells.append(_fmt(report.baseline[key]))
        table.add_row(key, *cells)
    parts: list[Any] = [table]
    for title, extra in (("Negatives", report.negatives), ("Follow-ups", report.followups)):
        if extra:
            t = Table(title=title, show_header=False)
            t.add_column("metric")
            t.add_column("value", justify="right")
            for key, value in extra.items():
                t.add_row(key, _fmt(value))
            parts.append(t)
    return Group(*parts)


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() and value > 1 else f"{value:.3f}"
