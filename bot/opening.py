"""Opening the index for a corpus: the check every command makes before answering.

`open_index` loads the saved index and checks it was built with today's settings from
today's corpus; a missing, stale (corpus changed), foreign (other format or settings) or
corrupt index is rebuilt with a one-line notice. The build code is imported only then, so
answering from a fresh index stays light.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import index_store, tokens
from .bm25 import BM25Params
from .corpus import CorpusListing, list_corpus
from .errors import CorpusError, IndexCorrupt, IndexError_, IndexMismatch, IndexMissing
from .index_store import IndexData
from .segment import PASSAGE_MAX_WORDS, PASSAGE_MIN_WORDS

CLEAN_VERSION = 1  # bump when cleaning or segmenting rules change: old indexes get rebuilt
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def no_progress(stage: str, done: int, total: int) -> None:
    """The default `Progress`: report nothing."""
    return None


def expected_settings(params: BM25Params | None = None) -> dict[str, Any]:
    """Everything that changes what the index holds, except the corpus itself."""
    return {
        "tokenizer": tokens.SETTINGS,
        "bm25": (params or BM25Params()).to_json(),
        "clean_version": CLEAN_VERSION,
        "passage_words": [PASSAGE_MIN_WORDS, PASSAGE_MAX_WORDS],
    }


def listing_fingerprint(listing: CorpusListing) -> str:
    """Cheap fingerprint from names, sizes and mtimes; no file is read."""
    h = hashlib.sha256(listing.metadata_sha256.encode())
    folder = str(listing.folder)
    for name in listing.files:
        try:  # os.stat on a string: Path objects cost more than the system call
            st = os.stat(os.path.join(folder, name))
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{name}\0missing\n".encode())
    return h.hexdigest()


def content_fingerprint(listing: CorpusListing, known: Mapping[str, str] | None = None) -> str:
    """Fingerprint from the bytes of every article and of metadata.json. `known`: sha256
    digests already computed (a build hashes each file as it reads it), by file name."""
    h = hashlib.sha256(listing.metadata_sha256.encode())
    for name in listing.files:
        digest = known.get(name) if known else None
        if digest is None:
            try:
                digest = hashlib.sha256((listing.folder / name).read_bytes()).hexdigest()
            except OSError:
                digest = "unreadable"
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()


def check_fresh(data: IndexData, corpus_dir: Path) -> None:
    """Raise IndexMismatch when `data` was built with other settings or another corpus."""
    params = data.params
    if params.get("settings") != expected_settings():
        raise IndexMismatch("index was built with other tokenizer or BM25 settings")
    listing, _ = list_corpus(corpus_dir)
    corpus = params.get("corpus", {})
    if corpus.get("listing_fingerprint") == listing_fingerprint(listing):
        return
    if corpus.get("content_fingerprint") != content_fingerprint(listing):
        raise IndexMismatch("the corpus changed since the index was built")


def open_index(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress = no_progress,
) -> IndexData:
    """Open the index for `corpus_dir`, rebuilding it first when needed."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    try:
        data = index_store.load(index_dir)
        check_fresh(data, corpus_dir)
        return data
    except IndexMissing:
        notify(f"Building the index for {corpus_dir} (first run)…")
    except (IndexMismatch, IndexCorrupt) as exc:
        notify(f"Rebuilding the index: {exc}.")
    from .build import build_index  # only now: reading and cleaning code is heavier

    report = build_index(corpus_dir, index_dir, progress)
    for line in report.skipped:
        notify(f"skipped {line}")
    try:
        return index_store.load(index_dir)
    except IndexError_ as exc:  # pragma: no cover - we just wrote it
        raise IndexCorrupt(f"the index just built cannot be read: {exc}") from exc
