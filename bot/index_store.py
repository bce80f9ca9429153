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
        vocab.json            terms, in term-id order
        postings_*.npy        term-major CSR of BM25 weights (indptr, indices, weights)
        idf.npy, doc_len.npy, sent_df.npy
        impact_*.npy          common terms' heaviest postings, by weight (ptr, ids, neg_weights)
        dense_terms.npy, dense_tf.npy   tf of the most common terms in every passage

A build is written to a fresh folder and only then named in CURRENT (os.replace), so a
crash or a full disk mid-build leaves the previous index in use. Arrays are loaded with
mmap_mode="r": opening is cheap and nothing is refitted. No pickle anywhere
(`allow_pickle=False`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from .bm25 import Postings
from .errors import IndexCorrupt, IndexMismatch, IndexMissing
from .impact import Impact, okapi_norm
from .records import DocMeta

FORMAT = "newsqa-index"
FORMAT_VERSION = 3  # v3: impact_*.npy and dense_*.npy (exact pruning, see impact.py)
_POINTER = "CURRENT"
_STALE_TMP_SECONDS = 3600  # an unfinished build folder older than this is debris


@dataclass(frozen=True)
class DocEntry:
    doc_id: int
    meta: DocMeta
    sha256: str


@dataclass(frozen=True)
class IndexData:
    params: dict[str, Any]
    docs: tuple[DocEntry, ...]
    passages: NDArray[np.int64]
    sentences: NDArray[np.int64]
    sent_text: bytes | memoryview | NDArray[np.uint8]
    sent_text_offsets: NDArray[np.int64]
    postings: Postings
    sent_df: NDArray[np.int32]

    def sentence_text(self, sent_id: int) -> str:
        lo, hi = int(self.sent_text_offsets[sent_id]), int(self.sent_text_offsets[sent_id + 1])
        return bytes(self.sent_text[lo:hi]).decode("utf-8")

    @property
    def n_sentences(self) -> int:
        return int(self.sentences.shape[0])


class BuildFolder:
    """A new build, written file by file into a hidden folder and switched in by `commit`.

    Used as a context manager: leaving it with an exception (a crash, a full disk) deletes
    the unfinished folder and leaves CURRENT, and so the previous index, untouched.
    """

    def __init__(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.index_dir = index_dir
        self.stamp = (
            f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        )
        self.path = index_dir / f".tmp-{self.stamp}"
        self.path.mkdir()
        self.committed: Path | None = None

    def __enter__(self) -> BuildFolder:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.committed is None:
            shutil.rmtree(self.path, ignore_errors=True)

    def write_array(self, name: str, arr: NDArray[Any]) -> None:
        with open(self.path / f"{name}.npy", "wb") as fh:
            np.save(fh, np.ascontiguousarray(arr), allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())

    def write_json(self, name: str, obj: Any) -> None:
        _write_json(self.path / name, obj)

    def open_binary(self, name: str) -> BinaryIO:
        return open(self.path / name, "wb")

    def write_docs(self, docs: Iterable[DocEntry]) -> None:
        with open(self.path / "docs.jsonl", "w", encoding="utf-8") as fh:
            for d in docs:
                m = d.meta
                row = {
                    "doc_id": d.doc_id,
                    "doc": m.doc,
                    "title": m.title,
                    "publisher": m.publisher,
                    "published": m.published,
                    "byline": m.byline,
                    "url": m.url,
                    "sha256": d.sha256,
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def write_postings(self, post: Postings) -> None:
        self.write_array("postings_indptr", post.indptr)
        self.write_array("postings_indices", post.indices)
        self.write_array("postings_weights", post.weights)
        self.write_array("idf", post.idf)
        self.write_array("doc_len", post.doc_len)
        self.write_array("impact_ptr", post.impact.ptr)
        self.write_array("impact_ids", post.impact.ids)
        self.write_array("impact_neg_weights", post.impact.neg_weights)
        self.write_array("dense_terms", post.impact.dense_terms)
        self.write_array("dense_tf", post.impact.dense_tf)
        terms = [""] * len(post.vocab)
        for term, tid in post.vocab.items():
            terms[tid] = term
        self.write_json("vocab.json", terms)

    def commit(self) -> Path:
        """Rename the folder into place, then point CURRENT at it (each step atomic)."""
        final = self.index_dir / self.stamp
        os.replace(self.path, final)
        _fsync_dir(self.index_dir)
        pointer_tmp = self.index_dir / f".{_POINTER}.{self.stamp}"
        pointer_tmp.write_text(self.stamp + "\n", encoding="utf-8")
        os.replace(pointer_tmp, self.index_dir / _POINTER)
        _fsync_dir(self.index_dir)
        self.committed = final
        _remove_old_builds(self.index_dir, keep=self.stamp)
        return final


def _write_json(path: Path, obj: Any) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    now = time.time()
    for child in index_dir.iterdir():
        name = child.name
        if name == keep or not child.is_dir():
            continue
        if name.startswith("build-"):
            shutil.rmtree(child, ignore_errors=True)
        elif name.startswith(".tmp-build-"):
            try:
                old = now - child.stat().st_mtime > _STALE_TMP_SECONDS
            except OSError:
                continue
            # A crashed build (its process is gone, or it is very old); a build still
            # running in another process keeps its folder.
            if old or not _alive(name):
                shutil.rmtree(child, ignore_errors=True)


def _alive(tmp_name: str) -> bool:
    """Whether the process that started build folder `tmp_name` is still running."""
    try:
        pid = int(tmp_name.split("-")[3])
    except (IndexError, ValueError):
        return True  # not ours to judge: leave it to the age rule
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / _POINTER
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir}")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"unreadable {pointer}: {exc}") from exc
    folder = index_dir / name
    if not name.startswith("build-") or "/" in name or not folder.is_dir():
        raise IndexCorrupt(f"{pointer} names a missing build ({name!r})")
    return folder


def read_params(index_dir: Path) -> dict[str, Any]:
    folder = current_build(index_dir)
    try:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorrupt(f"unreadable params.json: {exc}") from exc
    if not isinstance(params, dict) or params.get("format") != FORMAT:
        raise IndexMismatch("not a newsqa index")
    if params.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"index format v{params.get('format_version')}, this version reads v{FORMAT_VERSION}"
        )
    return params


def load(index_dir: Path) -> IndexData:
    """Open the live build. Raises IndexMissing / IndexMismatch / IndexCorrupt."""
    params = read_params(index_dir)
    folder = current_build(index_dir)
    try:
        docs = tuple(_read_docs(folder / "docs.jsonl"))
        arr = {
            # np.asarray: a plain ndarray view of the mapping. np.memmap's subclass hooks
            # cost microseconds on every slice, and a query takes thousands of slices.
            name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
            for name in (
                "passages",
                "sentences",
                "sent_text_offsets",
                "postings_indptr",
                "postings_indices",
                "postings_weights",
                "idf",
                "doc_len",
                "sent_df",
                "impact_ptr",
                "impact_ids",
                "impact_neg_weights",
                "dense_terms",
                "dense_tf",
            )
        }
        terms = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        bm25_params = params["settings"]["bm25"]
        k1 = float(bm25_params["k1"])
        norm = okapi_norm(arr["doc_len"], k1, float(bm25_params["b"]))
        text_path = folder / "sent_text.bin"
        sent_text: NDArray[np.uint8] | bytes = (
            np.memmap(text_path, dtype=np.uint8, mode="r") if text_path.stat().st_size else b""
        )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"unreadable index files in {folder.name}: {exc}") from exc
    data = IndexData(
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
    )
    _check_shapes(data, params)
    return data


def _read_docs(path: Path) -> list[DocEntry]:
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    # One JSON array instead of a parse call per line: a third of the time at 100k articles.
    for row in json.loads("[" + ",".join(lines) + "]"):
        meta = DocMeta(
            doc=row["doc"],
            title=row["title"],
            publisher=row["publisher"],
            published=row["published"],
            byline=row["byline"],
            url=row.get("url"),
        )
        out.append(DocEntry(int(row["doc_id"]), meta, row["sha256"]))
    return out


def _check_shapes(d: IndexData, params: dict[str, Any]) -> None:
    """Catch truncation that np.load with mmap cannot (files cut between arrays)."""
    counts = params.get("counts", {})
    p, s, v = d.passages.shape[0], d.sentences.shape[0], len(d.postings.vocab)
    ok = (
        counts.get("passages") == p
        and counts.get("sentences") == s
        and counts.get("articles") == len(d.docs)
        and counts.get("terms") == v
        and d.passages.shape == (p, 5)
        and d.sentences.shape == (s, 5)
        and d.sent_text_offsets.shape == (s + 1,)
        and (s == 0 or int(d.sent_text_offsets[-1]) == len(d.sent_text))
        and d.postings.indptr.shape == (v + 1,)
        and int(d.postings.indptr[-1]) == d.postings.indices.shape[0] == d.postings.weights.shape[0]
        and d.postings.idf.shape == (v,)
        and d.sent_df.shape == (v,)
        and d.postings.doc_len.shape == (p,)
        and d.postings.impact.ptr.shape == (v + 1,)
        and int(d.postings.impact.ptr[-1])
        == d.postings.impact.ids.shape[0]
        == d.postings.impact.neg_weights.shape[0]
        and d.postings.impact.dense_tf.shape == (len(d.postings.impact.dense_terms), p)
    )
    if not ok:
        raise IndexCorrupt("index files disagree with params.json (truncated or mixed builds)")
