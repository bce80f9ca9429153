"""Load: many concurrent /ask interactions are each answered exactly once, and memory for
conversations stays bounded. How late the event loop runs, and how much memory grows, are
measured by `python -m bench.load`, not asserted here.

The burst is 500 interactions with NEWSQA_FULL_LOAD=1; by default 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import replace

import pytest

from bot.answer.conversation import ConversationStore
from bot.errors import QuestionError
from bot.retrieval import Engine

from .discord_standin import DiscordStandIn
from .load_driver import QUESTIONS, SlowRetriever, run_load

BURST = 500 if os.environ.get("NEWSQA_FULL_LOAD") == "1" else 200
pytestmark = pytest.mark.slow


def test_burst_of_concurrent_asks_is_answered_exactly_once(
    bundled_engine: Engine, threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop]
) -> None:
    result = run_load(bundled_engine, *threaded_standin, count=BURST, pace=0.0)
    assert (result.deferred_once, result.replied_once, result.unexpected) == (BURST, BURST, 0)


def test_slow_answers_are_still_each_answered_once(
    bundled_engine: Engine,
    threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop],
) -> None:
    slow = replace(bundled_engine, retriever=SlowRetriever(bundled_engine.retriever))
    count = BURST // 2
    result = run_load(slow, *threaded_standin, count=count, pace=0.002)
    assert (result.deferred_once, result.replied_once, result.unexpected) == (count, count, 0)


def test_conversation_memory_is_bounded_and_expires(bundled_engine: Engine) -> None:
    now = [0.0]
    store = ConversationStore(bundled_engine, max_conversations=1000, ttl=600, clock=lambda: now[0])
    for n in range(3000):
        conv = store.get(("channel", n % 1500))  # more conversations than the store keeps
        now[0] += 0.01
        with contextlib.suppress(QuestionError):
            conv.ask(QUESTIONS[n % len(QUESTIONS)])
    assert len(store) == 1000
    assert all(len(store.get(("channel", i)).history) <= 5 for i in range(1400, 1500, 7))
    now[0] += 601  # silence past the TTL: context is forgotten
    assert store.get(("channel", 1499)).history == ()
