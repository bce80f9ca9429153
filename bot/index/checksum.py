"""Checksums of single sentences: what lets a quote be checked where it is read, at any
index size (`IndexData.checked_sentence`), and the error for bad values met mid-query."""

from __future__ import annotations

import hashlib
import json
import struct
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexCorrupt
from ..records import DocMeta


def doc_key(meta: DocMeta, sha256: str) -> bytes:
    """A digest of everything a citation shows of an article (docs.jsonl's row, less its
    id): a sentence's checksum holds it, so a renamed or swapped row is caught too."""
    row = [meta.doc, meta.title, meta.publisher, meta.published, meta.byline, meta.url, sha256]
    return hashlib.blake2b(json.dumps(row, ensure_ascii=False).encode(), digest_size=16).digest()


def sentence_check(key: bytes, start: int, end: int, text: bytes, joins: bool) -> int:
    """A sentence's checksum: its article's `doc_key`, its offsets, whether it follows the
    previous sentence with only whitespace between (a lead-in may be quoted with it) and
    its UTF-8 text."""
    h = hashlib.blake2b(key, digest_size=8)
    h.update(struct.pack("<qq?", start, end, joins))
    h.update(text)
    return int.from_bytes(h.digest(), "little")


def check_read(
    what: str, n: int, ids: NDArray[Any] | None = None, weights: NDArray[Any] | None = None
) -> None:
    """Postings as a query reads them: ids in [0, n), weights numbers. The files are not
    hashed on opening a large index, so a bad id or a NaN met here means a rebuild
    (IndexCorrupt), not an IndexError or a silently wrong ranking."""
    if ids is not None and len(ids) and not 0 <= ids.min() <= ids.max() < n:
        raise IndexCorrupt(f"index {what} out of range")
    if weights is not None and not np.isfinite(weights).all():
        raise IndexCorrupt(f"index {what} weights are not numbers")
