"""Drives many concurrent /ask interactions through the Discord stand-in.

Shared by the load tests (which assert that every interaction is answered exactly once)
and `bench/load.py` (which prints how late the bot's event loop ran). The stand-in runs on
its own thread and loop, so the lag measured is the bot's alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from concurrent import futures
from dataclasses import dataclass

from bot.interfaces.discord_bot import NewsBot, Settings
from bot.records import DocMeta, Sentence
from bot.retrieval import Engine, Hit, Retriever

from .discord_standin import HUMAN, DiscordStandIn, ask

QUESTIONS = [
    "Who is Mustafa Bali?",
    "When did the SDF break into Raqqa?",
    "What is the capital of France?",
    "How old is the Nuri mosque?",
    "What did he say?",
    "How many civilians were trapped in Mosul?",
]


@dataclass(frozen=True)
class LoadResult:
    count: int
    max_lag_s: float  # the longest the bot's loop was late for a 10 ms sleep
    deferred_once: int  # interactions whose only callback was one deferral
    replied_once: int  # interactions left with exactly one message: an answer or a private one
    unexpected: int  # requests the stand-in did not expect


def run_load(
    engine: Engine,
    server: DiscordStandIn,
    server_loop: asyncio.AbstractEventLoop,
    count: int,
    pace: float,
) -> LoadResult:
    """Send `count` /ask interactions (all at once when pace is 0, else one every `pace`
    seconds); report what came back and the longest the bot's event loop was late."""

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

    def recorded() -> bool:  # every interaction's reply has reached the stand-in
        return all(server.visible(f"itoken-{1000 + n}") for n in range(count))

    # What is missing shows in the counts below (on 3.10 the three timeouts are distinct).
    with contextlib.suppress(TimeoutError, asyncio.TimeoutError, futures.TimeoutError):
        asyncio.run_coroutine_threadsafe(server.wait_for(recorded, 10), server_loop).result(15)
    deferred = replied = 0
    for n in range(count):
        iid, token = str(5 * 10**17 + 1000 + n), f"itoken-{1000 + n}"
        deferred += [c["type"] for c in server.callbacks[iid]] == [5]
        shown = server.visible(token)  # one message each: the answer, or a private reply
        replied += len(shown) == 1 and bool(shown[0]["embeds"] or shown[0]["ephemeral"])
    return LoadResult(count, max_lag, deferred, replied, len(server.unexpected))


@dataclass(frozen=True)
class SlowRetriever:
    """A `Retriever` that takes 50 ms per search: a slow backend behind the same seam."""

    inner: Retriever

    def search(self, terms: Sequence[str], k: int) -> list[Hit]:
        time.sleep(0.05)  # the backend's own latency, not a wait in the test
        return self.inner.search(terms, k)

    def hit(self, passage_id: int) -> Hit:
        return self.inner.hit(passage_id)

    def previous(self, sentence: Sentence) -> Sentence | None:
        return self.inner.previous(sentence)

    def documents(self) -> Sequence[DocMeta]:
        return self.inner.documents()
