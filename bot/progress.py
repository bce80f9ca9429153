"""The progress callback a long build reports through: (stage, done, total)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default `Progress`: report nothing."""
    return None
