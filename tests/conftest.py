"""Shared fixtures. Every test gets its own temporary folders; nothing depends on order."""

from __future__ import annotations

import asyncio
import os
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import discord
import pytest
import yarl

from bot.opening import open_engine
from bot.retrieval import Engine

from .discord_standin import DiscordStandIn

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "corpus"
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_corpus"


def quiet(_: str) -> None:
    return None


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own user cache and data folders (indexes of other corpora, the
    Discord sync state, chat history): nothing leaks between tests or into the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    # Commands answer from words only unless a test asks for the sentence encoder
    # (`encoder` fixture, or delenv): every build would otherwise run the model, ~10 ms a
    # sentence. tests/test_encoder.py and the evaluation gates run with it.
    monkeypatch.setenv("NEWSQA_LEXICAL", "1")


@pytest.fixture
def with_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands (CLI, subprocesses) use the real sentence encoder, as by default."""
    monkeypatch.delenv("NEWSQA_LEXICAL")


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A private copy of the three-article fixture corpus, free to modify."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


@pytest.fixture
def bundled_corpus(tmp_path: Path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(BUNDLED, dest)
    return dest


@pytest.fixture(scope="session")
def bundled_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled corpus, indexed once per session into a temporary folder (read-only use)."""
    index = tmp_path_factory.mktemp("bundled-index")
    return open_engine(BUNDLED, index, quiet)


@pytest.fixture
def tiny_engine(tiny_corpus: Path, tmp_path: Path) -> Engine:
    return open_engine(tiny_corpus, tmp_path / "index", quiet)


def wait_for_stderr(proc: subprocess.Popen[str], text: str, timeout: float = 120.0) -> str:
    """Read `proc`'s stderr until `text` appears: waiting for an event, never a fixed
    sleep. Returns what was read (the rest comes with `communicate`)."""
    assert proc.stderr is not None
    fd = proc.stderr.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {text!r} on stderr within {timeout} s: {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"stderr closed before {text!r}: {seen!r}"
            seen += chunk
    return seen.decode()


def wait_until(ready: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    """Poll a condition (a file appearing, a file growing) until it holds: waiting for an
    event, bounded, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def ask_with_site(
    site: Path, corpus: Path, index: Path, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ask "Who cut the ribbon?"` in a fresh process whose imports look in
    `site` first (a damaged install stands there)."""
    command = [sys.executable, "-m", "bot", "ask", "Who cut the ribbon?"]
    return subprocess.run(
        [*command, "--corpus", str(corpus), "--index", str(index)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**env, "PYTHONPATH": str(site)},
    )


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def threaded_standin(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[DiscordStandIn, asyncio.AbstractEventLoop]]:
    """The Discord stand-in on its own thread and loop (so code under test can run its own
    loop, and lag measured there is the bot's alone), with discord.py pointed at it."""
    loop = asyncio.new_event_loop()
    server = DiscordStandIn()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    monkeypatch.setattr(discord.http.Route, "BASE", server.base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway)
    )
    yield server, loop
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
