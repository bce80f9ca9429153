"""Rendering an `Answer` for people (terminal text) and machines (the JSON contract).

Pure functions: they take values and return strings, `rich.text.Text` or dicts. Whether
colour reaches the terminal is decided by the caller's `rich.console.Console`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..records import Answer, CleanDoc, DocMeta, Source

# Control characters (C0 but newline and tab, DEL, C1): an article's title or file name
# must not be able to set the window title ("\x1b]0;") or clear the screen ("\x1b[2J").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """`text` safe to print on a terminal: control characters shown as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def full_date(published: str | None) -> str | None:
    """The contract's "published": a full YYYY-MM-DD date, else null."""
    return published if published and len(published) == 10 else None


def human_date(published: str | None) -> str | None:
    """ "2017-06-29" -> "29 June 2017"; "2017-06" -> "June 2017"; "2017" -> "2017"."""
    if not published:
        return None
    try:
        if len(published) == 10:
            d = dt.date.fromisoformat(published)
            return f"{d.day} {d:%B %Y}"
        if len(published) == 7:
            return dt.date.fromisoformat(published + "-01").strftime("%B %Y")
    except ValueError:
        return published
    return published


def source_line(title: str, publisher: str | None, published: str | None) -> str:
    parts = [p for p in (publisher, human_date(published)) if p]
    return inert(f"{title} — {', '.join(parts)}" if parts else title)


def answer_to_json(ans: Answer) -> dict[str, Any]:
    """The JSON contract other tools depend on (extra fields are allowed)."""
    return {
        "question": ans.question,
        "answered": ans.answered,
        "message": ans.message,
        "quotes": [
            {
                "text": q.text,
                "citation": q.citation,
                "doc": q.doc,
                "score": q.score,
                "start": q.start,
                "end": q.end,
                "passage": q.passage_id,
                "matched": list(q.matched),
            }
            for q in ans.quotes
        ],
        "sources": [_source_json(s) for s in ans.sources],
        "resolved_question": ans.resolved_question,
    }


def _source_json(s: Source) -> dict[str, Any]:
    return {
        "citation": s.citation,
        "doc": s.doc,
        "title": s.title,
        "publisher": s.publisher,
        "published": full_date(s.published),
        "date": s.published,
    }


def sources_json(docs: list[DocMeta]) -> list[dict[str, Any]]:
    """`sources --json`: every article with its metadata."""
    return [
        {
            "doc": d.doc,
            "title": d.title,
            "publisher": d.publisher,
            "published": full_date(d.published),
            "date": d.published,
            "byline": d.byline,
        }
        for d in docs
    ]


def error_json(question: str, message: str) -> dict[str, Any]:
    """What a batch line gets when its question cannot be asked at all."""
    return {
        "question": question,
        "answered": False,
        "message": message,
        "quotes": [],
        "sources": [],
        "error": message,
    }


def highlight(text: str, words: tuple[str, ...], style: str = "bold yellow") -> Text:
    out = Text(text)
    for word in sorted(set(words), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            out.stylize(style, m.start(), m.end())
    return out


def answer_text(ans: Answer) -> Text:
    """Readable answer: quotes in order, each with its [n] citation marker, then a sources
    footer. (The chat's /show N counts the quotes in this order.)"""
    out = Text()
    if ans.resolved_question:
        out.append(f"(read as: {inert(ans.resolved_question)})\n", style="dim")
    if not ans.answered:
        out.append(inert(ans.message or "The articles don't say."), style="italic")
        out.append("\n")
        return out
    for q in ans.quotes:
        out.append(f"[{q.citation}] ", style="bold cyan")
        out.append_text(highlight(inert(q.text), q.matched))
        out.append("\n")
    out.append("\nSources\n", style="bold")
    for s in ans.sources:
        out.append(f"[{s.citation}] ", style="bold cyan")
        out.append(source_line(s.title, s.publisher, s.published))
        out.append(f"  ({inert(s.doc)})\n", style="dim")
    return out


def sources_text(docs: list[DocMeta]) -> Text:
    out = Text()
    for i, d in enumerate(docs, 1):
        out.append(f"{i:>3}. ", style="bold cyan")
        out.append(source_line(d.title, d.publisher, d.published))
        out.append(f"  ({inert(d.doc)})\n", style="dim")
    return out


def eval_table(m: dict[str, Any], results: Any, top: int, title: str = "Evaluation") -> Group:
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


def squad_table(report: Any) -> Group:
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


def article_json(doc: CleanDoc) -> dict[str, Any]:
    """`article --json`: the article's metadata and the text the bot indexes and quotes."""
    m = doc.meta
    return {
        "doc": m.doc,
        "title": m.title,
        "publisher": m.publisher,
        "published": full_date(m.published),
        "date": m.published,
        "byline": m.byline,
        "text": doc.raw,
    }


def article_text(doc: CleanDoc, first: bool = True) -> Text:
    """`article`: a header of metadata, then the cleaned text, paragraphs apart."""
    m = doc.meta
    out = Text("" if first else "\n" + "─" * 40 + "\n\n")
    out.append(inert(m.doc) + "\n", style="dim")
    for label, value in (
        ("Title", m.title),
        ("Publisher", m.publisher),
        ("Date", human_date(m.published)),
        ("Byline", m.byline),
    ):
        out.append(f"{label}: ", style="bold")
        out.append(f"{inert(value or '—')}\n")
    out.append("\n")
    out.append(inert(doc.raw))
    return out
