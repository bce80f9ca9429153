"""Discord under load, and conversation memory over many questions. Prints a table.

    python -m bench.load                  # 500-interaction burst, 10,000 questions
    python -m bench.load --burst 200

Figures, not pass/fail: how late the bot's event loop ran (the longest a 10 ms sleep
overslept) during a burst of /ask interactions sent to the loopback Discord stand-in,
with real answers and with answers slowed to 50 ms each; and how much RSS grew over
7,000 questions in 1,000 conversations once every conversation had reached its turn
limit. The tests assert the behaviour (each interaction answered once, bounded stores).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import yarl

from bot.answer.conversation import ConversationStore
from bot.errors import QuestionError
from bot.opening import open_engine
from bot.retrieval import Engine
from tests.discord_standin import DiscordStandIn
from tests.load_driver import QUESTIONS, SlowRetriever, run_load

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def standin() -> Iterator[tuple[DiscordStandIn, asyncio.AbstractEventLoop]]:
    """The stand-in on its own thread and loop, with discord.py pointed at it."""
    loop = asyncio.new_event_loop()
    server = DiscordStandIn()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = server.base  # type: ignore[misc]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway)
    try:
        yield server, loop
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old  # type: ignore[misc]
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def burst(engine: Engine, count: int, pace: float, slow: bool) -> dict[str, Any]:
    if slow:  # a backend taking 50 ms per search, behind the same seam
        engine = replace(engine, retriever=SlowRetriever(engine.retriever))
    with standin() as (server, loop):
        t0 = time.perf_counter()
        result = run_load(engine, server, loop, count=count, pace=pace)
        wall = time.perf_counter() - t0
    return {
        "scenario": f"{count} /ask {'at once' if not pace else f'every {pace * 1000:.0f} ms'}"
        + (", answers slowed to 50 ms" if slow else ""),
        "max loop lag ms": f"{result.max_lag_s * 1000:.0f}",
        "answered once": f"{result.replied_once}/{count}",
        "wall s": f"{wall:.1f}",
    }


def memory(engine: Engine, questions: int) -> dict[str, Any]:
    now = [0.0]
    store = ConversationStore(engine, max_conversations=1000, ttl=600, clock=lambda: now[0])

    def run(start: int, count: int) -> None:
        for n in range(start, start + count):
            conv = store.get(("channel", n % 1000))
            now[0] += 0.01
            with contextlib.suppress(QuestionError):
                conv.ask(QUESTIONS[n % len(QUESTIONS)])

    warm = min(3000, questions // 3)
    run(0, warm)  # every conversation exists and has reached its turn limit
    before = _rss_mb()
    run(warm, questions - warm)
    return {
        "scenario": f"{questions - warm:,} more questions in 1,000 conversations",
        "RSS growth MB": f"{_rss_mb() - before:.1f}",
    }


def _table(rows: list[dict[str, Any]]) -> str:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None, emit: Callable[[str], None] = print) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--burst", type=int, default=500)
    ap.add_argument("--questions", type=int, default=10_000)
    ns = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(ROOT / "corpus", Path(tmp) / "idx", lambda _: None)
        rows = [
            burst(engine, ns.burst, 0.0, slow=False),
            burst(engine, ns.burst // 2, 0.002, slow=True),
        ]
        emit(_table(rows))
        emit("")
        emit(_table([memory(engine, ns.questions)]))


if __name__ == "__main__":
    main()
