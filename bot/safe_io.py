"""Reading files that may be anything: only regular files, never without a size bound.

A corpus or an index folder may hold a named pipe, a device node, a symlink to
/dev/zero or a file of gigabytes under an article's name. Every read of such a file goes
through `read_regular`: it opens without blocking and without following a final symlink
(unless asked), checks with fstat that it is a regular file, and reads at most `limit`
bytes. It raises `NotRegular` or `TooLarge` (both ValueErrors) or an OSError, for the
caller to report by name.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotRegular(ValueError):
    """A FIFO, device, socket or folder where a file was expected."""


class TooLarge(ValueError):
    """Larger than the caller's bound: never read."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_regular(
    path: Path | str, limit: int, follow: bool = False
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (at most `limit`) and its stat, taken before reading."""
    flags = _READ | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise NotRegular("a symlink") from exc
        raise
    return _read_fd(fd, limit)


# Without blocking (a FIFO would hang the open) and never inherited by a child.
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_beneath(root: Path, rel: str, limit: int) -> tuple[bytes, os.stat_result]:
    """`read_regular` of `root`/`rel`, opened folder by folder from `root` with
    O_NOFOLLOW, each relative to the descriptor of the one before. No component can be a
    symlink, so what is read is inside `root` even when a folder is swapped for a link
    while this runs (a check of the path, then an open of it, can be raced; this cannot).
    A symlink on the way is NotRegular("a symlink"); ".." is refused. POSIX only: check
    `BENEATH` first."""
    parts = rel.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError("outside the corpus folder")
    nofollow = os.O_NOFOLLOW
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                sub = os.open(
                    part, os.O_RDONLY | os.O_DIRECTORY | nofollow | os.O_CLOEXEC, dir_fd=fd
                )
            except OSError as exc:
                raise _symlink(exc, part, fd) from exc
            os.close(fd)
            fd = sub
        try:
            leaf = os.open(parts[-1], _READ | nofollow, dir_fd=fd)
        except OSError as exc:
            raise _symlink(exc) from exc
    finally:
        os.close(fd)
    return _read_fd(leaf, limit)


BENEATH = hasattr(os, "O_NOFOLLOW") and os.open in os.supports_dir_fd


def _symlink(exc: OSError, folder: str | None = None, dir_fd: int = -1) -> OSError | NotRegular:
    """NotRegular("a symlink") for a symlink where O_NOFOLLOW allows none: the file opens
    with ELOOP, a folder (with O_DIRECTORY) with ENOTDIR, as a plain file there would."""
    if exc.errno == errno.ELOOP:
        return NotRegular("a symlink")
    if exc.errno == errno.ENOTDIR and folder is not None:
        try:
            if stat.S_ISLNK(os.stat(folder, dir_fd=dir_fd, follow_symlinks=False).st_mode):
                return NotRegular("a symlink")
        except OSError:
            pass
    return exc


def _read_fd(fd: int, limit: int) -> tuple[bytes, os.stat_result]:
    """Read an open descriptor (and close it): a regular file of at most `limit` bytes."""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(_kind(st.st_mode))
        if st.st_size > limit:
            raise TooLarge(f"larger than {_size(limit)}")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # grew while being read
            raise TooLarge(f"larger than {_size(limit)}")
        return data, st
    finally:
        os.close(fd)


def regular_stat(path: Path | str) -> os.stat_result | None:
    """lstat of a regular file (not following a final symlink), or None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"
