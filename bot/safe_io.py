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
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise NotRegular("a symlink") from exc
        raise
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
