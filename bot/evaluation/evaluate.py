"""Scripted evaluation: run a question file through the same `answer` the bot uses.

Metrics: hit@1, hit@3 and MRR@K over answerable cases; precision and recall of declining
on unanswerable ones; faithfulness (every quote verbatim in the file it cites); latency
p50/p95 per question with the index loaded. Case parsing and scoring are pure; reading
cited files for the faithfulness check is the only I/O.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..answer.conversation import Conversation
from ..answer.pipeline import Answerer
from ..errors import BotError, EvalFileError
from ..ingest.article import load_article
from ..ingest.corpus import list_corpus
from ..ingest.segment import collapse
from ..records import Answer
from ..retrieval import Engine
from .cases import Case, is_correct, load_cases, parse_case

__all__ = [  # the case file's reading lives in cases.py; callers know it from here too
    "Case",
    "CaseResult",
    "Verbatim",
    "evaluate",
    "gate_failures",
    "is_correct",
    "load_cases",
    "metrics",
    "parse_case",
    "report_json",
    "run_case",
]


@dataclass
class CaseResult:
    id: str
    question: str
    expected: str
    unanswerable: bool
    answered: bool = False
    rank: int | None = None  # 1-based rank of the first correct quote
    top_quote: str | None = None
    top_doc: str | None = None
    error: str | None = None
    latency_ms: list[float] = field(default_factory=list)
    unfaithful: list[str] = field(default_factory=list)
    quotes: int = 0  # quotes checked for faithfulness, over every turn
    tags: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        if self.error:
            return False
        return not self.answered if self.unanswerable else self.rank == 1


class Verbatim:
    """Checks quotes against the cited articles' text as the bot extracts it (what
    `python -m bot article` shows), read afresh from the corpus folder, once per file. It
    also checks that `start`/`end` point at the quote in that text."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self._texts: dict[str, str] = {}
        self._raw: dict[str, str] = {}
        try:
            self._metadata = list_corpus(corpus_dir)[0].metadata
        except BotError:
            self._metadata = {}

    def problems(self, ans: Answer) -> list[str]:
        out = []
        cited = {s.citation: s.doc for s in ans.sources}
        for q in ans.quotes:
            if cited.get(q.citation) != q.doc:
                out.append(f"quote cites [{q.citation}] but no source {q.doc} has that number")
            if collapse(q.text) not in self._text(q.doc):
                out.append(f"not verbatim in {q.doc}: {q.text[:80]}")
            elif collapse(self._raw[q.doc][q.start : q.end]) != collapse(q.text):
                out.append(f"start/end do not point at the quote in {q.doc}: {q.text[:60]}")
        return out

    def _text(self, doc: str) -> str:
        if doc not in self._texts:
            loaded = load_article(self.corpus_dir, doc, 0, self._metadata)
            self._raw[doc] = "" if isinstance(loaded, str) else loaded[0].raw
            self._texts[doc] = collapse(self._raw[doc])
        return self._texts[doc]


def run_case(answerer: Answerer, case: Case, top: int, verbatim: Verbatim) -> CaseResult:
    res = CaseResult(case.id, case.turns[-1], case.expected, case.unanswerable, tags=case.tags)
    conv = Conversation(answerer)
    for turn in case.turns:
        t0 = time.perf_counter()
        try:
            ans = conv.ask(turn, top=top)
        except BotError as exc:
            res.latency_ms.append((time.perf_counter() - t0) * 1000)
            if turn is case.turns[-1]:
                res.error = str(exc)
            continue
        res.latency_ms.append((time.perf_counter() - t0) * 1000)
        res.unfaithful.extend(verbatim.problems(ans))
        res.quotes += len(ans.quotes)
    if res.error:
        return res
    res.answered = ans.answered
    if ans.quotes:
        res.top_quote, res.top_doc = ans.quotes[0].text, ans.quotes[0].doc
    if not case.unanswerable:
        for i, q in enumerate(ans.quotes, 1):
            if is_correct(case, q.text, q.doc):
                res.rank = i
                break
    return res


def evaluate(
    answerer: Answerer | Engine,
    cases: Sequence[Case],
    top: int = 5,
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    """Every case asked through `answerer` (an `Engine` alone: stage 1 only)."""
    if not isinstance(answerer, Answerer):
        answerer = Answerer(answerer)
    if answerer.engine.corpus_dir is None:
        raise EvalFileError("the evaluation needs the corpus folder, to check every quote")
    verbatim = Verbatim(answerer.engine.corpus_dir)
    results = []
    for i, case in enumerate(cases):
        results.append(run_case(answerer, case, top, verbatim))
        if progress:
            progress(i + 1, len(cases))
    return results


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def metrics(results: Sequence[CaseResult], top: int) -> dict[str, Any]:
    answerable = [r for r in results if not r.unanswerable]
    unanswerable = [r for r in results if r.unanswerable]
    declined = [r for r in results if not r.answered and not r.error]
    n_a = len(answerable) or 1
    latencies = [ms for r in results for ms in r.latency_ms]
    unfaithful = [f"{r.id}: {p}" for r in results for p in r.unfaithful]
    right_declines = sum(1 for r in unanswerable if not r.answered and not r.error)
    talks = [r for r in results if "conversation" in r.tags]
    return {
        "cases": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": sum(1 for r in answerable if r.rank == 1) / n_a,
        "hit@3": sum(1 for r in answerable if r.rank is not None and r.rank <= 3) / n_a,
        f"mrr@{top}": statistics.fmean(1 / r.rank if r.rank else 0.0 for r in answerable)
        if answerable
        else 0.0,
        "abstain_precision": right_declines / len(declined) if declined else 1.0,
        "abstain_recall": right_declines / len(unanswerable) if unanswerable else 1.0,
        "wrongly_declined": sum(1 for r in answerable if not r.answered) / n_a,
        "conversations": len(talks),  # cases tagged "conversation": their last turn passed
        "conversations_right": sum(r.passed for r in talks) / len(talks) if talks else 1.0,
        "quotes_checked": sum(r.quotes for r in results),
        "faithfulness": 1.0 - len(unfaithful) / max(1, sum(r.quotes for r in results)),
        "unfaithful": unfaithful,
        "errors": [f"{r.id}: {r.error}" for r in results if r.error],
        "latency_p50_ms": round(_pct(latencies, 0.50), 3),
        "latency_p95_ms": round(_pct(latencies, 0.95), 3),
    }


def gate_failures(
    m: dict[str, Any],
    hit1: float | None = None,
    hit3: float | None = None,
    abstain: float | None = None,
) -> list[str]:
    """What falls below the CI gate: each metric under its minimum, and any quote that
    is not verbatim (faithfulness is always gated)."""
    below = [
        f"{key} {m[key]:.3f} < {limit:.3f}"
        for key, limit in (("hit@1", hit1), ("hit@3", hit3), ("abstain_recall", abstain))
        if limit is not None and m[key] < limit
    ]
    if m["unfaithful"]:
        below.append(f"{len(m['unfaithful'])} quote(s) not verbatim")
    return below


def report_json(results: Sequence[CaseResult], top: int) -> dict[str, Any]:
    return {
        "metrics": metrics(results, top),
        "failures": [asdict(r) for r in results if not r.passed],
        "cases": [
            {"id": r.id, "passed": r.passed, "rank": r.rank, "answered": r.answered}
            for r in results
        ],
    }
