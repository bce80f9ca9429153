"""The text an article keeps after cleaning: its body paragraphs, a blank line between
them (every offset from then on points into it), and a title when none was found. Pure."""

from __future__ import annotations

from ..records import Span


def kept_text(
    raw: str, paragraphs: list[tuple[Span, ...]]
) -> tuple[str, tuple[tuple[Span, ...], ...]]:
    """The kept text, a blank line between paragraphs, and each paragraph's span in it."""
    parts: list[str] = []
    spans: list[tuple[Span, ...]] = []
    pos = 0
    for para in paragraphs:
        text = " ".join(raw[s.start : s.end] for s in para)
        if parts:
            pos += 2  # "\n\n"
        spans.append((Span(pos, pos + len(text)),))
        parts.append(text)
        pos += len(text)
    return "\n\n".join(parts) + ("\n" if parts else ""), tuple(spans)


def fallback_title(name: str, raw: str, paragraphs: list[tuple[Span, ...]]) -> str:
    """No headline found: the first words of the body, else the file name."""
    if paragraphs:
        first = paragraphs[0][0]
        words = raw[first.start : first.end].split()
        return " ".join(words[:12]) + (" …" if len(words) > 12 else "")
    return name.rsplit(".", 1)[0]
