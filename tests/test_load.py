"""Load: many concurrent /ask interactions, event-loop lag, and bounded memory.

The 500-interaction burst runs in full with NEWSQA_FULL_LOAD=1; by default CI sends 200.
The stand-in runs on its own thread and loop, so the lag measured is the bot's alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path

import pytest

from bot.answer.conversation import ConversationStore
from bot.errors import QuestionError
from bot.index.engine import Engine
from bot.interfaces.discord_bot import NewsBot, Settings

from .discord_standin import HUMAN, DiscordStandIn, ask

BURST = 500 if os.environ.get("NEWSQA_FULL_LOAD") == "1" else 200
QUESTIONS = [
    "Who is Mustafa Bali?",
    "When did the SDF break into Raqqa?",
    "What is the capital of France?",
    "How old is the Nuri mosque?",
    "What did he say?",
    "How many civilians were trapped in Mosul?",
]


def _run_load(
    engine: Engine,
    server: DiscordStandIn,
    server_loop: asyncio.AbstractEventLoop,
    count: int,
    pace: float,
) -> float:
    """Send `count` /ask interactions (all at once when pace is 0, else one every `pace`
    seconds) and return the longest the bot's event loop was late for a 10 ms sleep."""

    async def send_all() -> None:
        for n in range(count):
            user = {**HUMAN, "id": str(720000000000000000 + n % 50)}
            payload = ask(
                1000 + n,
                QUESTIONS[n % len(QUESTIONS)],
                user=user,
                channel_id=str(810000000000000000 + n % 7),
            )
            await server.dispatch("INTERACTION_CREATE", payload)
            if pace:
                await asyncio.sleep(pace)

    async def main() -> float:
        bot = NewsBot(engine, Settings(token="test-token", cooldown_rate=10_000))
        task = asyncio.create_task(bot.start("test-token"))
        await asyncio.wait_for(bot.wait_until_ready(), 20)
        lag = [0.0]
        stop = asyncio.Event()

        async def monitor() -> None:
            while not stop.is_set():
                t = time.perf_counter()
                await asyncio.sleep(0.01)
                lag[0] = max(lag[0], time.perf_counter() - t - 0.01)

        mon = asyncio.create_task(monitor())
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(send_all(), server_loop))
        deadline = time.monotonic() + 120
        while bot.answered < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        stop.set()
        await mon
        await bot.close()
        await asyncio.wait_for(task, 10)
        return lag[0]

    max_lag = asyncio.run(main())
    time.sleep(0.2)  # let the stand-in record the last requests
    for n in range(count):
        iid, token = str(5 * 10**17 + 1000 + n), f"itoken-{1000 + n}"
        assert [c["type"] for c in server.callbacks[iid]] == [5], n  # deferred once
        assert len(server.edits[token]) + len(server.followups[token]) == 1, n  # one reply
    assert server.unexpected == []
    return max_lag


def test_burst_of_concurrent_asks_is_answered_exactly_once_without_blocking_the_loop(
    bundled_engine: Engine, threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop]
) -> None:
    max_lag = _run_load(bundled_engine, *threaded_standin, count=BURST, pace=0.0)
    assert max_lag < 0.100, f"event loop blocked for {max_lag * 1000:.0f} ms"


def test_event_loop_never_blocked_while_answers_are_slow(
    bundled_engine: Engine,
    threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.answer import conversation

    real = conversation.answer

    def slow_answer(*args: object, **kwargs: object) -> object:
        time.sleep(0.05)  # fault injection: each answer holds its thread for 50 ms
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(conversation, "answer", slow_answer)
    max_lag = _run_load(bundled_engine, *threaded_standin, count=BURST // 2, pace=0.002)
    assert max_lag < 0.100, f"event loop blocked for {max_lag * 1000:.0f} ms"


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_memory_stays_flat_over_10000_questions_in_1000_conversations(
    bundled_engine: Engine,
) -> None:
    now = [0.0]
    store = ConversationStore(bundled_engine, max_conversations=1000, ttl=600, clock=lambda: now[0])

    def run(start: int, count: int) -> None:
        for n in range(start, start + count):
            conv = store.get(("channel", n % 1000))
            now[0] += 0.01
            with contextlib.suppress(QuestionError):
                conv.ask(QUESTIONS[n % len(QUESTIONS)])

    run(0, 3000)  # every conversation exists and has reached its turn limit
    before = _rss_kb()
    run(3000, 7000)
    grown_mb = (_rss_kb() - before) / 1024
    assert len(store) == 1000
    assert all(len(store.get(("channel", i)).history) <= 5 for i in range(0, 1000, 97))
    assert grown_mb < 8, f"memory grew by {grown_mb:.1f} MB over 7,000 more questions"
    now[0] += 601  # silence past the TTL: context is forgotten
    assert store.get(("channel", 1)).history == ()
