"""Writing a build folder of the index (the layout is in `bot/index/store.py`).

A build is written file by file into a hidden folder, renamed into place, and only then
named in CURRENT (os.replace), so a crash or a full disk mid-build leaves the previous
index in use.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from ..index.folder import MARKER, POINTER, remove_old_builds
from ..index.integrity import file_digest
from ..index.postings import Postings
from ..index.store import DocEntry


class FolderWriter:
    """Writes the files of one index folder (a build, or one shard of a cluster build)."""

    def __init__(self, path: Path) -> None:
        self.path = path

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

    def checksums(self) -> dict[str, dict[str, Any]]:
        """Size and BLAKE2 checksum of every file written so far (params.json lists them)."""
        return {
            p.name: {"size": p.stat().st_size, "blake2b": file_digest(p)}
            for p in sorted(self.path.iterdir())
            if p.is_file() and not p.name.startswith(".")
        }


class BuildFolder(FolderWriter):
    """A new build, written file by file into a hidden folder and switched in by `commit`.

    Used as a context manager: leaving it with an exception (a crash, a full disk) deletes
    the unfinished folder and leaves CURRENT, and so the previous index, untouched.
    """

    def __init__(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        pointer = index_dir / POINTER
        if pointer.is_dir() and not pointer.is_symlink():
            # A folder is the one thing the switch cannot replace (a symlink or a FIFO it
            # does): say so before a whole build is written that could never be switched in.
            raise IsADirectoryError(errno.EISDIR, f"{POINTER} there is not a file", str(pointer))
        self.index_dir = index_dir
        self.stamp = (
            f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        )
        super().__init__(index_dir / f".tmp-{self.stamp}")
        self.path.mkdir()
        # The marker says "a build of this tool": only marked folders are ever deleted, and
        # readers lock it while they load the build.
        (self.path / MARKER).write_text("newsqa index build\n", encoding="utf-8")
        self.committed: Path | None = None

    def __enter__(self) -> BuildFolder:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.committed is None:
            shutil.rmtree(self.path, ignore_errors=True)

    def subfolder(self, name: str) -> FolderWriter:
        """A folder inside the build (a cluster build's shard), with its own marker."""
        path = self.path / name
        path.mkdir()
        (path / MARKER).write_text("newsqa index build\n", encoding="utf-8")
        return FolderWriter(path)

    def commit(self) -> Path:
        """Rename the folder into place, then point CURRENT at it (each step atomic), then
        remove older builds nobody is loading."""
        final = self.index_dir / self.stamp
        os.replace(self.path, final)
        _fsync_dir(self.index_dir)
        pointer_tmp = self.index_dir / f".{POINTER}.{self.stamp}"
        try:
            pointer_tmp.write_text(self.stamp + "\n", encoding="utf-8")
            os.replace(pointer_tmp, self.index_dir / POINTER)
        except OSError:  # nothing of this build is left behind: the old index stays live
            pointer_tmp.unlink(missing_ok=True)
            shutil.rmtree(final, ignore_errors=True)
            raise
        _fsync_dir(self.index_dir)
        self.committed = final
        remove_old_builds(self.index_dir, keep=self.stamp)
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
