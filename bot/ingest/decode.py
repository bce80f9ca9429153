"""Decoding article bytes to text: BOMs honoured, UTF-8, then Windows-1252, else UTF-8 with
replacement; control characters blanked. Pure functions; what was done is a note for the
build summary.
"""

from __future__ import annotations

import codecs
import re

from ..digest import rule_settings

JUNK_SHARE = 0.2  # a "text" file with more replacement characters than this is binary junk
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# <meta charset="iso-8859-7">, <meta http-equiv="Content-Type" content="text/html;
# charset=Shift_JIS">: found in the page's first bytes, which any of these is ASCII in.
_DECLARED = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{2,40})", re.I)
# An XHTML page may declare it only in its XML declaration: <?xml version="1.0"
# encoding="iso-8859-1"?>, which comes first.
_XML_DECLARED = re.compile(
    rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{2,40})[\"']"
)
DECLARED_SCAN = 4096  # the HTML spec has the declaration within the first 1024 bytes


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset an HTML page declares (a <meta> charset, else an
    XML declaration's encoding), if Python knows it."""
    head = data[:DECLARED_SCAN]
    m = _DECLARED.search(head) or _XML_DECLARED.match(head)
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str | None, int]:
    """Decode article bytes: BOMs honoured, UTF-8, then the charset the page declares
    (`declared`, HTML), then cp1252, else UTF-8 with replacement. Returns (text, note
    for the build summary, count of replaced chars)."""
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
            text, note = _fallback(data, declared)
    errors = text.count("\ufffd")
    if errors:
        note = f"{errors} undecodable byte(s) replaced"
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub(" ", text)
        note = (note + "; " if note else "") + f"{controls} control character(s) blanked"
    return text, note, errors


def _fallback(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Bytes that are not UTF-8: the charset the page declares (a few bad bytes in it
    become replacement characters), else Windows-1252, else UTF-8 with replacement."""
    if declared is not None:  # as the page says: nothing to note (bad bytes still are)
        return data.decode(declared, errors="replace"), None
    try:
        return data.decode("cp1252"), "not UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), None


def check_text(text: str, errors: int) -> None:
    """Raise ValueError when decoding left mostly replacement characters: not text."""
    if len(text) >= 64 and errors > JUNK_SHARE * len(text):
        raise ValueError(f"mostly undecodable bytes ({errors:,} of {len(text):,}): not text")


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-decode", vars())
