"""The input formats: file suffix -> reader(bytes) -> text, metadata, notes.

Adding a format (say `.docx`) is one module with a reader and its `SETTINGS`
fingerprint, and one line in `READERS`: the corpus listing, the index's freshness check
(`rules.py`) and the sample corpus's package data follow from here. Cleaning, segmenting
and indexing then work unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import decode, html, markdown
from .found import Found


@dataclass(frozen=True)
class Read:
    """What a reader makes of one file's bytes."""

    text: str  # the article's text: decoded, and extracted from HTML or Markdown
    found: Found = field(default_factory=Found)  # metadata the file carries itself
    notes: tuple[str, ...] = ()  # what was dropped from that metadata, and why
    decode_note: str | None = None  # e.g. "12 undecodable bytes replaced"
    decode_errors: int = 0
    roles: Mapping[str, str] = field(default_factory=dict)  # role_key(line) -> its role


Reader = Callable[[bytes], Read]


def read_text(data: bytes, declared: str | None = None) -> Read:
    """Plain text: decoded (with `declared`, the charset a page names, when it is not
    UTF-8); its headline, byline and dateline are read by cleaning."""
    text, note, errors = decode.decode(data, declared)
    decode.check_text(text, errors)
    return Read(text, decode_note=note, decode_errors=errors)


Extract = Callable[[str], tuple[str, Found, list[str], dict[str, str]]]


MAX_PAGE_BYTES = 5 * 1024 * 1024  # 5x the largest real page seen; ~7 s to extract here


def read_page(data: bytes) -> Read:
    """A web page: decoded with the charset it declares when it is not UTF-8. Pages over
    MAX_PAGE_BYTES are skipped: extraction time grows faster than size past a few MB
    (python -m bench.html_size; 20 MB took 240 s), and no article is that large."""
    if len(data) > MAX_PAGE_BYTES:
        mb = MAX_PAGE_BYTES // 2**20
        raise ValueError(f"web page over {mb} MB ({len(data) / 2**20:.0f} MB): not an article")
    return read_text(data, decode.declared_charset(data))


def _extracting(extract: Extract, decoding: Reader = read_text) -> Reader:
    def reader(data: bytes) -> Read:
        plain = decoding(data)
        text, found, notes, roles = extract(plain.text)
        return Read(text, found, tuple(notes), plain.decode_note, plain.decode_errors, roles)

    return reader


# suffix (lower case) -> (reader, the fingerprint of its rules)
READERS: dict[str, tuple[Reader, dict[str, Any]]] = {
    ".txt": (read_text, decode.SETTINGS),
    ".md": (_extracting(markdown.read_markdown), markdown.SETTINGS),
    ".markdown": (_extracting(markdown.read_markdown), markdown.SETTINGS),
    ".html": (_extracting(html.read_html, read_page), html.SETTINGS),
    ".htm": (_extracting(html.read_html, read_page), html.SETTINGS),
}
SUFFIXES = tuple(READERS)


def read_bytes(name: str, data: bytes) -> Read:
    """The reader for `name`'s suffix applied to its bytes. Raises ValueError."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    entry = READERS.get(suffix)
    if entry is None:
        raise ValueError(f"not an article format ({', '.join(SUFFIXES)})")
    return entry[0](data)


def settings() -> dict[str, Any]:
    """The readers' fingerprints, by suffix: recorded in the index."""
    return {suffix: fp for suffix, (_, fp) in sorted(READERS.items())}
