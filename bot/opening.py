"""Opening the index for a corpus: the check every command makes before answering.

This is the one module that decides "the index is missing, stale or foreign: rebuild
it". It sits above both the index reader (`bot/index/`) and the builder (`bot/indexer/`),
so the query side never imports building code: `open_engine` loads the saved index,
checks it was built with today's settings from today's corpus, and only when it was not
imports the builder, rebuilds with a one-line notice, and loads the new build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    CorpusError,
    IndexCorrupt,
    IndexError_,
    IndexMismatch,
    IndexMissing,
    IndexWriteError,
)
from .index import store
from .index.folder import build_lock, remove_debris
from .index.fresh import check_fresh
from .index.local import LocalRetriever, local_engine
from .index.store import IndexData
from .ingest.corpus import check_folder, list_corpus, no_articles
from .progress import Progress, no_progress
from .retrieval import Encoder, Engine

if TYPE_CHECKING:  # the builder is imported only when a build runs
    from .indexer.builder import BuildReport


def open_index(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress = no_progress,
    encoder: Encoder | None = None,
) -> IndexData:
    """Open the index for `corpus_dir`, rebuilding it first when needed (also when it has
    no vectors of `encoder`; with None, a lexical index, words only, will do).

    At most one process builds: the others wait on the index folder's lock (with a
    notice), then find the fresh index and open it."""
    check_folder(corpus_dir)
    wanted = encoder.settings if encoder is not None else None
    try:
        return _fresh(corpus_dir, index_dir, wanted)
    except IndexMissing:
        reason = None
    except (IndexMismatch, IndexCorrupt) as exc:
        reason = str(exc)
    listing, _ = list_corpus(corpus_dir)
    if not listing.files:  # say so now, rather than announce a build that cannot start
        raise no_articles(corpus_dir)
    try:
        return _rebuild(corpus_dir, index_dir, notify, progress, encoder, wanted, reason)
    except IndexWriteError as exc:
        stale = _stale(index_dir, reason)
        if stale is None:
            raise
        # A read-only or full index folder: the index built before the change still
        # answers, and saying so beats stopping the bot.
        notify(f"{exc}; answering from the index built before the change (stale)")
        return stale


def _rebuild(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress,
    encoder: Encoder | None,
    wanted: dict[str, Any] | None,
    reason: str | None,
) -> IndexData:
    with build_lock(index_dir, notify):
        try:  # another process may have built it while this one waited
            return _fresh(corpus_dir, index_dir, wanted)
        except (IndexMismatch, IndexCorrupt) as exc:  # ... but not as this one needs it
            reason = str(exc)
        except IndexMissing:
            pass
        if reason is None:
            notify(f"Building the index for {corpus_dir} (first run)…")
        else:
            notify(f"Rebuilding the index: {reason}.")
        from .indexer.builder import build_index  # only now: reading and cleaning code is heavier

        report = build_index(corpus_dir, index_dir, progress, encoder=encoder)
        for line in report.skipped:
            notify(f"skipped {line}")
        if report.notes:  # never lost: `index` lists them one by one
            n = len(report.notes)
            notify(f"{n} note{'s' if n > 1 else ''}: run `newsqa index` to see them")
        try:
            return store.load(index_dir)
        except IndexError_ as exc:  # pragma: no cover - we just wrote it
            raise IndexCorrupt(f"the index just built cannot be read: {exc}") from exc


def _stale(index_dir: Path, reason: str | None) -> IndexData | None:
    """The saved index, when it is intact but out of date (the corpus or the settings
    changed); None when there is none or it is damaged."""
    if reason is None:
        return None
    try:
        return store.load(index_dir)
    except IndexError_:
        return None


def _fresh(corpus_dir: Path, index_dir: Path, encoder: dict[str, Any] | None) -> IndexData:
    data = store.load(index_dir)
    _check_fresh(data, corpus_dir, encoder)
    remove_debris(index_dir)  # what crashed builds left behind
    return data


def rebuild(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress = no_progress,
    encoder: Encoder | None = None,
) -> BuildReport:
    """Build the index now (`python -m bot index`), holding the build lock."""
    check_folder(corpus_dir)
    from .indexer.builder import build_index

    with build_lock(index_dir, notify):
        return build_index(corpus_dir, index_dir, progress, encoder=encoder)


def verify(corpus_dir: Path, index_dir: Path, encoder: Encoder | None = None) -> str | None:
    """Check the saved index file by file (every checksum, every id range) and against
    the corpus: None when it is intact and fresh, else what is wrong."""
    check_folder(corpus_dir)
    wanted = encoder.settings if encoder is not None else None
    try:
        check_fresh(store.load(index_dir, verify=True), corpus_dir, encoder=wanted, content=True)
    except IndexError_ as exc:
        return str(exc)
    return None


def open_engine(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress | None = None,
    encoder: Encoder | None = None,
) -> Engine:
    """An `Engine` over the up-to-date index of `corpus_dir` (built or rebuilt if needed).
    With an `encoder` (the interfaces pass `bot.encoder.minilm.MiniLM` unless told
    `--lexical`) the index holds its sentence vectors and answers use them; without one,
    answers come from words only."""
    data = open_index(corpus_dir, index_dir, notify, progress or no_progress, encoder)
    return local_engine(data, corpus_dir, encoder)


def mark_damaged(engine: Engine, reason: str) -> bool:
    """Mark the local index behind `engine` damaged (found so while answering), so that
    the next open rebuilds it. False for a cluster, or an index that cannot be written."""
    if not isinstance(engine.retriever, LocalRetriever):
        return False
    return store.mark_damaged(engine.retriever.data, reason)


def stale_reason(engine: Engine) -> str | None:
    """Why the local index behind `engine` no longer matches its corpus (the stat-based
    check every open makes), or None: still fresh, a cluster, or no corpus to compare."""
    if not isinstance(engine.retriever, LocalRetriever) or engine.corpus_dir is None:
        return None
    wanted = engine.encoder.settings if engine.encoder is not None else None
    try:
        _check_fresh(engine.retriever.data, engine.corpus_dir, wanted)
    except IndexMismatch as exc:
        return str(exc)
    except CorpusError:  # the folder is gone or unreadable for now: keep answering
        pass
    return None


def _check_fresh(data: IndexData, corpus_dir: Path, encoder: dict[str, Any] | None) -> None:
    """check_fresh (raises IndexMismatch when stale); when only the corpus's mtimes
    changed, the new listing is recorded so the next check is stat-only again."""
    if (listed := check_fresh(data, corpus_dir, encoder=encoder)) is not None:
        store.record_listing(data, listed)
