"""The index on disk: a folder of plain, versioned files, switched into place atomically.

    index/
      CURRENT                 name of the live build folder (replaced atomically)
      build-<stamp>/
        params.json           format version, settings, corpus fingerprint, counts, Punkt
        docs.jsonl            one article per line: file name, title, publisher, date, sha256
        passages.npy          int64 [P, 5]: doc_id, start, end, first_sent, last_sent
        sentences.npy         int64 [S, 5]: doc_id, passage_id, start, end, joins_prev
        sent_text.bin         UTF-8 sentence texts, back to back
        sent_text_offsets.npy int64 [S + 1]: byte offsets into sent_text.bin
        sent_check.npy        uint64 [S]: each sentence's checksum (checksum.sentence_check)
        sent_vec.npy, passage_vec.npy   float16 [S, dim], [P, dim]: unit vectors (only
                              with a sentence encoder; settings.encoder says which)
        vocab.json            terms, in term-id order
        postings_*.npy        term-major CSR of BM25 weights (indptr, indices, weights)
        idf.npy, doc_len.npy, sent_df.npy
        impact_*.npy          common terms' heaviest postings, by weight (ptr, ids, neg_weights)
        dense_terms.npy, dense_tf.npy   tf of the most common terms in every passage

A build is written to a fresh folder and only then named in CURRENT (os.replace), so a
crash or a full disk mid-build leaves the previous index in use; the writing side is
`bot/indexer/writer.py`, this module only reads. Arrays are loaded with
mmap_mode="r": opening is cheap and nothing is refitted. No pickle anywhere
(`allow_pickle=False`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexCorrupt, IndexMismatch
from ..records import DocMeta
from ..safe_io import read_regular
from .data import DocEntry, IndexData
from .folder import POINTER, current_build, reading, shown
from .integrity import (
    DTYPES,
    VECTOR_DTYPES,
    check_dtypes,
    check_files,
    check_ranges,
    check_shapes,
)
from .postings import Impact, Postings, okapi_norm

__all__ = ["FORMAT", "FORMAT_VERSION", "POINTER", "DocEntry", "IndexData", "current_build", "load"]

FORMAT = "newsqa-index"
FORMAT_VERSION = 7  # v7: joins_prev checksummed; v6: sentence checksums; v5: vectors
DAMAGED = "DAMAGED"  # written into a build found damaged while answering: rebuild it
MAX_JSON_BYTES = 2 * 1024**3  # vocab.json of a very large corpus; params.json is small
MAX_DOCS_BYTES = 2 * 1024**3


def read_params(folder: Path) -> dict[str, Any]:
    try:
        data, _ = read_regular(folder / "params.json", MAX_JSON_BYTES)
        params = json.loads(data.decode("utf-8"))
    except RecursionError as exc:
        raise IndexCorrupt("unreadable params.json: nested too deeply") from exc
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"unreadable params.json: {exc}") from exc
    if not isinstance(params, dict) or params.get("format") != FORMAT:
        raise IndexMismatch("not a newsqa index")
    if params.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"index format v{shown(str(params.get('format_version')), 10)}, this version "
            f"reads v{FORMAT_VERSION}"
        )
    return params


def load(index_dir: Path, verify: bool | None = None) -> IndexData:
    """Open the live build: CURRENT is read once and everything comes from the folder it
    names, under a shared lock so no builder deletes it meanwhile. `verify`: check every
    file's checksum (None: when the index is small enough to do it on every open).
    Raises IndexMissing / IndexMismatch / IndexCorrupt."""
    return load_folder(current_build(index_dir), verify)


def load_folder(folder: Path, verify: bool | None = None) -> IndexData:
    """Open one build folder (a local build, or a shard of a cluster build)."""
    params = read_params(folder)  # first: an older format says so, rather than "no marker"
    with reading(folder):
        _check_not_damaged(folder)
        verified = check_files(folder, params, verify)
        try:
            data = _load(folder, params)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise IndexCorrupt(f"unreadable index files in {folder.name}: {exc}") from exc
        check_shapes(data, params)
        check_ranges(data, full=verified)
    return data


def _check_not_damaged(folder: Path) -> None:
    """A build marked damaged while answering (`mark_damaged`) is not opened again."""
    path = folder / DAMAGED
    if not os.path.lexists(path):
        return
    try:
        text = read_regular(path, 4096)[0].decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    raise IndexCorrupt(shown(text, 200) or "the index was found damaged")


def _load(folder: Path, params: dict[str, Any]) -> IndexData:
    docs = tuple(read_docs(folder / "docs.jsonl"))
    arr = {
        # np.asarray: a plain ndarray view of the mapping. np.memmap's subclass hooks
        # cost microseconds on every slice, and a query takes thousands of slices.
        name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
        for name in (*DTYPES, *(VECTOR_DTYPES if _has_vectors(params) else ()))
    }
    check_dtypes(arr)
    data, _ = read_regular(folder / "vocab.json", MAX_JSON_BYTES)
    terms = json.loads(data.decode("utf-8"))
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise TypeError("vocab.json must be a list of strings")
    bm25_params = params["settings"]["bm25"]
    k1 = float(bm25_params["k1"])
    shard = params.get("shard")  # a shard normalises by the whole corpus's average length
    avgdl = float(shard["avgdl"]) if isinstance(shard, dict) else None
    norm = okapi_norm(arr["doc_len"], k1, float(bm25_params["b"]), avgdl)
    text_path = folder / "sent_text.bin"
    sent_text: NDArray[np.uint8] | bytes = (
        np.memmap(text_path, dtype=np.uint8, mode="r") if text_path.stat().st_size else b""
    )
    return IndexData(
        params=params,
        docs=docs,
        passages=arr["passages"],
        sentences=arr["sentences"],
        sent_text=sent_text,
        sent_text_offsets=arr["sent_text_offsets"],
        postings=Postings(
            vocab={t: i for i, t in enumerate(terms)},
            indptr=arr["postings_indptr"],
            indices=arr["postings_indices"],
            weights=arr["postings_weights"],
            idf=arr["idf"],
            doc_len=arr["doc_len"],
            n_passages=int(arr["passages"].shape[0]),
            impact=Impact(
                ptr=arr["impact_ptr"],
                ids=arr["impact_ids"],
                neg_weights=arr["impact_neg_weights"],
                dense_terms=arr["dense_terms"],
                dense_tf=arr["dense_tf"],
                norm=norm,
                k1=k1,
            ),
        ),
        sent_df=arr["sent_df"],
        sent_vec=arr.get("sent_vec"),
        passage_vec=arr.get("passage_vec"),
        sent_check=arr["sent_check"],
        folder=folder,
    )


def mark_damaged(data: IndexData, reason: str) -> bool:
    """Record in `data`'s build folder that it was found damaged while answering, so the
    next open rebuilds it (with `reason` as the notice). False when it cannot be written
    (a read-only index): then the error is all there is to say."""
    if data.folder is None:
        return False
    try:
        (data.folder / DAMAGED).write_text(reason + "\n", encoding="utf-8")
    except OSError:
        return False
    return True


def _has_vectors(params: dict[str, Any]) -> bool:
    settings = params.get("settings")
    return isinstance(settings, dict) and isinstance(settings.get("encoder"), dict)


_DOC_FIELDS = ("doc", "title", "publisher", "published", "byline", "url", "sha256")


def read_docs(path: Path) -> list[DocEntry]:
    data, _ = read_regular(path, MAX_DOCS_BYTES)
    lines = data.decode("utf-8").splitlines()
    out = []
    # One JSON array instead of a parse call per line: a third of the time at 100k articles.
    for row in json.loads("[" + ",".join(lines) + "]"):
        if not isinstance(row, dict) or not isinstance(row.get("doc_id"), int):
            raise TypeError("docs.jsonl rows must be objects with an integer doc_id")
        for key in _DOC_FIELDS:
            value = row.get(key)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"docs.jsonl field {key} must be a string")
        if not row.get("doc") or not isinstance(row.get("title"), str):
            raise TypeError("docs.jsonl rows need a doc and a title")
        meta = DocMeta(
            doc=row["doc"],
            title=row["title"],
            publisher=row.get("publisher"),
            published=row.get("published"),
            byline=row.get("byline"),
            url=row.get("url"),
        )
        out.append(DocEntry(row["doc_id"], meta, row.get("sha256") or ""))
    return out


def record_listing(data: IndexData, fingerprint: str) -> None:
    """Write the corpus listing's new fingerprint into the build's params.json (replaced
    atomically), once its content was found unchanged: after a `touch`, only the first
    open reads every file. Best effort: a read-only index just stays slower."""
    if data.folder is None:
        return
    params = {
        **data.params,
        "corpus": {**data.params["corpus"], "listing_fingerprint": fingerprint},
    }
    tmp = data.folder / f".params.json.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(params, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, data.folder / "params.json")
    except OSError:
        tmp.unlink(missing_ok=True)
