"""Strings shown to people, made safe and readable: corpus text made inert for a
terminal, dates in words, one source line. Pure functions, shared by every renderer (the
terminal, Discord, the evaluation tables).
"""

from __future__ import annotations

import datetime as dt
import re

# Control characters (C0 but newline and tab, DEL, C1): an article's title or file name
# must not be able to set the window title ("\x1b]0;") or clear the screen ("\x1b[2J").
# C0 and C1 controls, and the bidirectional controls (U+202A-202E, U+2066-2069, the
# marks U+200E/200F and U+061C): a title with U+202E would show its text reversed and
# could make a line read as something else.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """`text` safe to print on a terminal: control characters shown as \\xNN (\\uNNNN
    for the bidirectional ones)."""
    return _CONTROL.sub(_shown, text)


def _shown(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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
