"""Checking an index build before it is trusted: sizes and checksums of its files, array
types, shapes and id ranges. Any failure is IndexCorrupt, which means a rebuild with a
one-line notice - never a traceback and never a silently wrong quote.

Sizes, types, shapes and the ranges of the small tables are checked on every open. The
BLAKE2 checksum of every file (recorded by the build in params.json) is verified on every
open of an index up to VERIFY_MAX_BYTES, and of any index by `python -m bot index --check`;
the postings' id ranges are checked whenever the checksums are.

A larger index is checked where it is used instead, at any size: every sentence carries a
checksum over its article's metadata, its offsets and its text (`checksum.py`), verified
each time the sentence is read (`IndexData.checked_sentence`), so a quote and its citation
are always what the build wrote; and the postings a query reads are bounds- and
NaN-checked as they are read (`bm25.py`, `impact.py`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexCorrupt
from .data import IndexData

# Up to this, every open verifies every checksum (~20 ms); a larger index is verified by
# `index --check`, so a plain `ask` on a big corpus does not hash it on every start.
VERIFY_MAX_BYTES = 16 * 1024 * 1024
# The dtype each array is written with (little-endian, C order); anything else is foreign.
DTYPES = {
    "passages": "<i8",
    "sentences": "<i8",
    "sent_text_offsets": "<i8",
    "postings_indptr": "<i8",
    "postings_indices": "<i4",
    "postings_weights": "<f8",
    "idf": "<f8",
    "doc_len": "<i4",
    "sent_df": "<i4",
    "impact_ptr": "<i8",
    "impact_ids": "<i4",
    "impact_neg_weights": "<f8",
    "dense_terms": "<i4",
    "dense_tf": "unsigned",  # one byte per passage, wider only when a tf needs it
    "sent_check": "<u8",
}
VECTOR_DTYPES = {"sent_vec": "<f2", "passage_vec": "<f2"}  # only with a sentence encoder


def file_digest(path: Path) -> str:
    """BLAKE2 of a regular file, opened without blocking or following a symlink: a named
    pipe put in an index file's place is refused (IndexCorrupt), never waited on."""
    h = hashlib.blake2b(digest_size=32)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise IndexCorrupt(f"index file {path.name} cannot be read ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise IndexCorrupt(f"index file {path.name} is not a regular file")
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def check_files(folder: Path, params: dict[str, Any], verify: bool | None) -> bool:
    """Every file params.json lists has its recorded size, and its checksum when verifying
    (`verify` None: when the index is small). Returns whether the checksums were verified."""
    files = params.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexCorrupt("params.json lists no file checksums")
    total = 0
    for name, rec in files.items():
        if not isinstance(rec, dict) or "/" in str(name) or str(name).startswith("."):
            raise IndexCorrupt("params.json has a malformed file list")
        try:
            size = os.lstat(folder / name).st_size
        except OSError as exc:
            raise IndexCorrupt(f"index file {name} is missing") from exc
        if size != rec.get("size"):
            raise IndexCorrupt(f"index file {name} has changed size")
        total += size
    if verify is None:
        verify = total <= VERIFY_MAX_BYTES
    if verify:
        for name, rec in files.items():
            if file_digest(folder / name) != rec.get("blake2b"):
                raise IndexCorrupt(f"index file {name} does not match its checksum")
    return verify


def check_dtypes(arrays: dict[str, NDArray[Any]]) -> None:
    for name, want in {**DTYPES, **VECTOR_DTYPES}.items():
        if name not in arrays:
            continue  # the vectors of a lexical index
        a = arrays[name]
        ok = (
            a.dtype.kind == "u" and a.dtype.byteorder in "=|<"
            if want == "unsigned"
            else a.dtype == np.dtype(want) and a.dtype.byteorder in "=<"
        )
        if not ok or not a.flags.c_contiguous:
            raise IndexCorrupt(f"index array {name} has the wrong type ({a.dtype})")


def check_shapes(d: IndexData, params: dict[str, Any]) -> None:
    """Catch truncation that np.load with mmap cannot (files cut between arrays)."""
    counts = params.get("counts")
    if not isinstance(counts, dict):  # {"counts": [...]} in a hand-edited params.json
        raise IndexCorrupt("params.json records no counts")
    p, s, v = d.passages.shape[0], d.sentences.shape[0], len(d.postings.vocab)
    post, imp = d.postings, d.postings.impact
    ok = (
        counts.get("passages") == p
        and counts.get("sentences") == s
        and counts.get("articles") == len(d.docs)
        and counts.get("terms") == v
        and d.passages.shape == (p, 5)
        and d.sentences.shape == (s, 5)
        and d.sent_text_offsets.shape == (s + 1,)
        and d.sent_check.shape == (s,)
        and (s == 0 or int(d.sent_text_offsets[-1]) == len(d.sent_text))
        and post.indptr.shape == (v + 1,)
        and int(post.indptr[-1]) == post.indices.shape[0] == post.weights.shape[0]
        and post.idf.shape == (v,)
        and d.sent_df.shape == (v,)
        and post.doc_len.shape == (p,)
        and imp.ptr.shape == (v + 1,)
        and int(imp.ptr[-1]) == imp.ids.shape[0] == imp.neg_weights.shape[0]
        and imp.dense_tf.shape == (len(imp.dense_terms), p)
        and _vectors_fit(d, params, p, s)
    )
    if not ok:
        raise IndexCorrupt("index files disagree with params.json (truncated or mixed builds)")


def _vectors_fit(d: IndexData, params: dict[str, Any], p: int, s: int) -> bool:
    encoder = params.get("settings", {}).get("encoder")
    if encoder is None:
        return d.sent_vec is None and d.passage_vec is None
    dim = encoder.get("dim") if isinstance(encoder, dict) else None
    return (
        d.sent_vec is not None
        and d.passage_vec is not None
        and d.sent_vec.shape == (s, dim)
        and d.passage_vec.shape == (p, dim)
    )


def check_ranges(d: IndexData, full: bool) -> None:
    """Ids point where they may: articles, passages and sentences in range, offsets in
    order. `full` also checks the postings (large: done when checksums are verified)."""
    n_docs, p, s = len(d.docs), d.passages.shape[0], d.sentences.shape[0]
    bad = []
    if any(e.doc_id != i for i, e in enumerate(d.docs)):
        bad.append("article ids")
    if p and not (
        0 <= d.passages[:, 0].min() <= d.passages[:, 0].max() < n_docs
        and d.passages[:, 3].min() >= 0
        and d.passages[:, 4].max() <= s
        and bool((d.passages[:, 3] <= d.passages[:, 4]).all())
    ):
        bad.append("passage rows")
    if s and not (
        0 <= d.sentences[:, 0].min() <= d.sentences[:, 0].max() < n_docs
        and 0 <= d.sentences[:, 1].min() <= d.sentences[:, 1].max() < p
        and bool((np.diff(d.sent_text_offsets) >= 0).all())
        and int(d.sent_text_offsets[0]) == 0
    ):
        bad.append("sentence rows")
    post = d.postings
    # Small (a float per term and per passage) and read by every query: checked always.
    if not (np.isfinite(post.idf).all() and np.isfinite(post.impact.norm).all()):
        bad.append("weights")
    if full and len(post.indices) and not 0 <= post.indices.min() <= post.indices.max() < p:
        bad.append("postings")
    if (
        full
        and len(post.impact.ids)
        and not 0 <= post.impact.ids.min() <= post.impact.ids.max() < p
    ):
        bad.append("impact postings")
    if bad:
        raise IndexCorrupt("index ids out of range: " + ", ".join(bad))
