"""Rendering an `Answer` for people (terminal text) and machines (the JSON contract).

Pure functions: they take values and return strings, `rich.text.Text` or dicts. Whether
colour reaches the terminal is decided by the caller's `rich.console.Console`.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

from ..display import full_date, human_date, inert, source_line
from ..records import Answer, CleanDoc, DocMeta, Source

__all__ = [
    "answer_text",
    "answer_to_json",
    "article_json",
    "article_text",
    "error_json",
    "full_date",
    "highlight",
    "human_date",
    "inert",
    "source_line",
    "sources_json",
    "sources_text",
]


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
        "url": s.url,
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
            "url": d.url,
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
        out.append(f"  ({inert(s.doc)})", style="dim")
        out.append(f"\n    {inert(s.url)}\n" if s.url else "\n", style="dim underline")
    return out


def sources_text(docs: list[DocMeta]) -> Text:
    out = Text()
    for i, d in enumerate(docs, 1):
        out.append(f"{i:>3}. ", style="bold cyan")
        out.append(source_line(d.title, d.publisher, d.published))
        out.append(f"  ({inert(d.doc)})", style="dim")
        out.append(f"\n     {inert(d.url)}\n" if d.url else "\n", style="dim underline")
    return out


def article_json(doc: CleanDoc, dropped: bool = False) -> dict[str, Any]:
    """`article --json`: the article's metadata and the text the bot indexes and quotes
    (with `dropped`, also the lines it never quotes and why)."""
    m = doc.meta
    extra = {"dropped": [{"reason": r, "line": t} for r, t in doc.dropped]} if dropped else {}
    return {
        "doc": m.doc,
        "title": m.title,
        "publisher": m.publisher,
        "published": full_date(m.published),
        "date": m.published,
        "byline": m.byline,
        "url": m.url,
        "sources": dict(doc.sources),  # where each field came from
        "text": doc.raw,
        **extra,
    }


def article_text(doc: CleanDoc, first: bool = True, dropped: bool = False) -> Text:
    """`article`: a header of metadata, then the cleaned text, paragraphs apart."""
    m = doc.meta
    out = Text("" if first else "\n" + "─" * 40 + "\n\n")
    out.append(inert(m.doc) + "\n", style="dim")
    for label, value in (
        ("Title", m.title),
        ("Publisher", m.publisher),
        ("Date", human_date(m.published)),
        ("Byline", m.byline),
        ("Link", m.url),
    ):
        out.append(f"{label}: ", style="bold")
        out.append(f"{inert(value or '—')}\n")
    out.append("\n")
    out.append(inert(doc.raw))
    if dropped and doc.dropped:
        out.append("\nNever quoted:\n", style="bold")
        for reason, line in doc.dropped:
            out.append(f"  {reason}: ", style="dim")
            out.append(inert(line) + "\n")
    return out
