"""Decoding article bytes to text: BOMs honoured, UTF-8, then Windows-1252, else UTF-8 with
replacement; control characters blanked. Pure functions; what was done is a note for the
build summary.
"""

from __future__ import annotations

import re

from ..digest import rule_settings

JUNK_SHARE = 0.2  # a "text" file with more replacement characters than this is binary junk
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str | None, int]:
    """Decode article bytes: BOMs honoured, UTF-8, then cp1252, else UTF-8 with
    replacement. Returns (text, note for the build summary, count of replaced chars)."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and data.count(b"\x00", 0, 65536) > min(len(data), 65536) // 10:
        raise ValueError("looks binary, not text (many NUL bytes)")
    note: str | None = None
    errors = 0
    if utf16:
        text = data.decode("utf-16", errors="replace")
        note = "decoded as UTF-16"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
                note = "not UTF-8; decoded as Windows-1252"
            except UnicodeDecodeError:
                text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    if errors:
        note = f"{errors} undecodable byte(s) replaced"
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub(" ", text)
        note = (note + "; " if note else "") + f"{controls} control character(s) blanked"
    return text, note, errors


def check_text(text: str, errors: int) -> None:
    """Raise ValueError when decoding left mostly replacement characters: not text."""
    if len(text) >= 64 and errors > JUNK_SHARE * len(text):
        raise ValueError(f"mostly undecodable bytes ({errors:,} of {len(text):,}): not text")


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-decode", vars())
