"""The index folder itself: CURRENT, build folders, their marker, locks and debris.

    index/
      CURRENT          the live build's folder name (replaced atomically, never trusted)
      .lock            advisory lock: at most one process builds at a time
      build-<stamp>/   one complete build; `.newsqa-build` inside marks it as ours
      .tmp-build-*/    a build being written (or left by a crash)
      .CURRENT.*       a CURRENT being written (or left by a crash)

Readers take a shared lock on a build's marker while they load it, and a builder deletes
an old build only when it can take that lock exclusively, so nobody's build is pulled
from under them. Only folders carrying the marker are ever deleted (an index folder may
sit inside a folder of the user's). Everything here is POSIX advisory locking (fcntl);
where that is missing the locks are no-ops and concurrent builds are not coordinated.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import IndexCorrupt, IndexMissing, IndexWriteError
from ..safe_io import NotRegular, read_regular

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

POINTER = "CURRENT"
LOCK = ".lock"
MARKER = ".newsqa-build"
MAX_POINTER_BYTES = 256
STALE_SECONDS = 3600  # debris older than this is removed even if its process lives on
_BUILD_NAME = re.compile(r"^build-[A-Za-z0-9._-]{1,120}$")


def shown(text: str, limit: int = 40) -> str:
    """A short, inert prefix of untrusted text for a message: printable characters only."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return clean + ("…" if len(text) > limit else "")


def current_build(index_dir: Path) -> Path:
    """The live build's folder, from CURRENT read once, with every check on it."""
    pointer = index_dir / POINTER
    if not os.path.lexists(pointer):
        raise IndexMissing(f"no index in {index_dir}")
    try:
        data, _ = read_regular(pointer, MAX_POINTER_BYTES)
    except NotRegular as exc:
        raise IndexCorrupt(f"{POINTER} is {exc}, not a plain file") from exc
    except ValueError as exc:
        raise IndexCorrupt(f"{POINTER} is {exc}") from exc
    except OSError as exc:
        raise IndexCorrupt(f"unreadable {POINTER}: {exc.strerror or exc}") from exc
    name = data.decode("ascii", errors="replace").strip()
    if not _BUILD_NAME.match(name):
        raise IndexCorrupt(f"{POINTER} does not name a build ('{shown(name)}')")
    folder = index_dir / name
    if folder.is_symlink() or not folder.is_dir():
        raise IndexCorrupt(f"{POINTER} names a missing build ('{shown(name)}')")
    return folder


@contextlib.contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Hold a shared lock on a build while it is being loaded."""
    with _locked(folder / MARKER, shared=True, wait=True) as ok:
        if not ok and not (folder / MARKER).exists():
            raise IndexCorrupt(f"{folder.name} is not a build of this tool (no marker)")
        if not ok and not (folder / MARKER).is_file():
            raise IndexCorrupt(f"{folder.name} has a marker that is not a regular file")
        yield


_HELD: set[int] = set()  # lock descriptors this process holds (see close_inherited_locks)


def close_inherited_locks() -> None:
    """For a forked worker: drop its copies of the parent's lock descriptors. A flock
    lasts while any copy is open, so a worker outliving a killed parent would otherwise
    keep every other process waiting."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


@contextlib.contextmanager
def build_lock(
    index_dir: Path, notify: Callable[[str], None], timeout: float = 600.0
) -> Iterator[None]:
    """The index folder's build lock: waits (with one notice) while another process
    builds, at most `timeout` seconds, then raises IndexCorrupt."""
    path = index_dir / LOCK
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise IndexWriteError(
            f"cannot write the index in {index_dir}: {exc.strerror or exc} (any previous "
            "index there is unchanged)"
        ) from exc
    if fcntl is None:  # pragma: no cover
        os.close(fd)
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    notify("Waiting for another process that is building the index…")
                    told = True
                if time.monotonic() > deadline:
                    raise IndexCorrupt(
                        f"another process has been building the index for over {timeout:.0f} s"
                    ) from None
                time.sleep(0.05)
        _HELD.add(fd)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _locked(path: Path, shared: bool, wait: bool) -> Iterator[bool]:
    """flock on `path`; yields whether the lock was taken (False: no such file, or busy)."""
    if fcntl is None:  # pragma: no cover
        yield True
        return
    try:
        # O_NONBLOCK: a FIFO put where the marker should be would block open() forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        yield False
        return
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # only a regular file is our marker
        os.close(fd)
        yield False
        return
    try:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def remove_old_builds(index_dir: Path, keep: str) -> None:
    """Delete our builds other than `keep` that nobody is loading, and our debris."""
    for child in _children(index_dir):
        name = child.name
        if name == keep or child.is_symlink():
            continue
        if name.startswith("build-") and child.is_dir():
            with _locked(child / MARKER, shared=False, wait=False) as free:
                if free:  # ours (marked) and not being loaded
                    shutil.rmtree(child, ignore_errors=True)
    remove_debris(index_dir)


# The temporary pointer a build writes before renaming it onto CURRENT (writer.py):
# ".CURRENT.build-20261201T120000-1234-567890". Only names of exactly this shape are ours.
_OUR_POINTER = re.compile(r"^\.CURRENT\.build-\d{8}T\d{6}-\d+-\d+$")


def remove_debris(index_dir: Path) -> None:
    """Unfinished builds and CURRENT files of processes that are gone (or very old)."""
    now = time.time()
    for child in _children(index_dir):
        name = child.name
        if child.is_symlink() or not name.startswith((".tmp-build-", f".{POINTER}.")):
            continue
        try:
            old = now - child.lstat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if not (old or not _alive(name)):
            continue
        if child.is_dir() and (child / MARKER).exists():
            shutil.rmtree(child, ignore_errors=True)
        elif child.is_file() and _OUR_POINTER.match(name):  # not a user's .CURRENT.bak
            with contextlib.suppress(OSError):
                child.unlink()


def _children(index_dir: Path) -> list[Path]:
    try:
        return list(index_dir.iterdir())
    except OSError:
        return []


def _alive(name: str) -> bool:
    """Whether the process that made `name` (…-<stamp>-<pid>-<n>) is still running."""
    m = re.search(r"build-\d{8}T\d{6}-(\d+)-\d+$", name)
    if not m:
        return True  # not ours to judge: left to the age rule
    try:
        os.kill(int(m.group(1)), 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True
