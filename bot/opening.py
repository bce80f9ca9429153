"""Opening the index for a corpus: the check every command makes before answering.

This is the one module that decides "the index is missing, stale or foreign: rebuild
it". It sits above both the index reader (`bot/index/`) and the builder (`bot/build/`),
so the query side never imports building code: `open_engine` loads the saved index,
checks it was built with today's settings from today's corpus, and only when it was not
imports the builder, rebuilds with a one-line notice, and loads the new build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import CorpusError, IndexCorrupt, IndexError_, IndexMismatch, IndexMissing
from .index import store
from .index.engine import Engine
from .index.fresh import check_fresh
from .index.store import IndexData
from .progress import Progress, no_progress

WHERE = "give one with --corpus DIR or NEWSQA_CORPUS"


def check_corpus_dir(corpus_dir: Path) -> None:
    """A one-line error naming the ways to point the bot at a corpus."""
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder not found: {corpus_dir} ({WHERE})")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path is a file, not a folder: {corpus_dir} ({WHERE})")


def open_index(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress = no_progress,
) -> IndexData:
    """Open the index for `corpus_dir`, rebuilding it first when needed."""
    check_corpus_dir(corpus_dir)
    try:
        data = store.load(index_dir)
        check_fresh(data, corpus_dir)
        return data
    except IndexMissing:
        notify(f"Building the index for {corpus_dir} (first run)…")
    except (IndexMismatch, IndexCorrupt) as exc:
        notify(f"Rebuilding the index: {exc}.")
    from .build.builder import build_index  # only now: reading and cleaning code is heavier

    report = build_index(corpus_dir, index_dir, progress)
    for line in report.skipped:
        notify(f"skipped {line}")
    try:
        return store.load(index_dir)
    except IndexError_ as exc:  # pragma: no cover - we just wrote it
        raise IndexCorrupt(f"the index just built cannot be read: {exc}") from exc


def open_engine(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress | None = None,
) -> Engine:
    """An `Engine` over the up-to-date index of `corpus_dir` (built or rebuilt if needed)."""
    data = open_index(corpus_dir, index_dir, notify, progress or no_progress)
    return Engine(data, corpus_dir)
