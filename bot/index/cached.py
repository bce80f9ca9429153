"""The indexes kept in the user cache (one per corpus folder, `paths.default_index`):
listing them, and pruning the ones nothing can use any more.

A cached index is prunable when the corpus folder it was built from is gone, or when it
cannot be opened as this version's index (damaged, or an older format: it would be
rebuilt anyway). Pruning takes each folder's build lock first, so a build or an open in
progress is never pulled from under its process; the folder goes whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import IndexError_
from .folder import build_lock, current_build
from .store import read_params


@dataclass(frozen=True)
class CachedIndex:
    path: Path
    corpus: str | None  # the corpus folder it was built from (None: unreadable)
    size: int  # bytes on disk
    built_at: str | None
    problem: str | None  # why it cannot be used (None: it can)

    @property
    def prunable(self) -> bool:
        return self.problem is not None


def cached_indexes(root: Path) -> list[CachedIndex]:
    """Every index folder under `root` (the cache's `indexes/`), by name."""
    if not root.is_dir():
        return []
    return [_describe(p) for p in sorted(root.iterdir()) if p.is_dir() and not p.is_symlink()]


def _describe(path: Path) -> CachedIndex:
    size = _size(path)
    try:
        params = read_params(current_build(path))
    except IndexError_ as exc:
        return CachedIndex(path, None, size, None, f"unusable ({exc})")
    corpus = params.get("corpus")
    folder = corpus.get("folder") if isinstance(corpus, dict) else None
    built = params.get("built_at")
    built_at = built if isinstance(built, str) else None
    if not isinstance(folder, str):
        return CachedIndex(path, None, size, built_at, "records no corpus folder")
    problem = None if Path(folder).is_dir() else "its corpus folder is gone"
    return CachedIndex(path, folder, size, built_at, problem)


def _size(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # deleted meanwhile
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def prune(root: Path, notify: Callable[[str], None]) -> list[CachedIndex]:
    """Remove the prunable indexes under `root`; returns them."""
    removed = []
    for entry in cached_indexes(root):
        if not entry.prunable:
            continue
        with build_lock(entry.path, notify):
            again = _describe(entry.path)  # a build may have finished while we waited
            if not again.prunable:
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry)
    return removed
