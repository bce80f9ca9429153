"""The package's public surface, and the linters the team relies on."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

import bot
from bot import errors

from .conftest import ROOT


def test_public_exports() -> None:
    assert set(bot.__all__) == {
        "Answer",
        "BotError",
        "ConfigError",
        "Conversation",
        "ConversationStore",
        "CorpusError",
        "DocMeta",
        "Engine",
        "IndexCorrupt",
        "IndexError_",
        "IndexMismatch",
        "IndexMissing",
        "QuestionError",
        "Quote",
        "Source",
        "answer",
        "open_engine",
    }
    for name in bot.__all__:  # lazy names resolve too
        assert getattr(bot, name) is not None
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.BotError)


@pytest.mark.parametrize(
    "cmd",
    [["ruff", "check", "bot", "tests"], ["ruff", "format", "--check", "bot"], ["mypy", "bot"]],
)
def test_linters_are_clean(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None and not (ROOT / ".venv").exists():
        pytest.skip(f"{cmd[0]} not installed")
    result = subprocess.run(
        [sys.executable, "-m", *cmd], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dotenv_is_git_ignored() -> None:
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    if shutil.which("git") and (ROOT / ".git").exists():
        result = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
        assert result.returncode == 0


def test_no_source_file_is_git_ignored() -> None:
    """A .gitignore pattern like `build/` once hid bot/build/ (now bot/indexer/) from
    every commit."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    sources = [str(p.relative_to(ROOT)) for p in (ROOT / "bot").rglob("*.py")]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *sources], cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.split() == []
