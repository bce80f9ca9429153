"""Discord as people expect it: one-line network errors, quiet start-up, embeds inside
every limit, apologies that are private for real, and syncing only when needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import ConnectError
from bot.interfaces import discord_run
from bot.interfaces.cli import main
from bot.interfaces.discord_bot import NewsBot, Settings
from bot.interfaces.discord_render import (
    DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    TOTAL_MAX,
    answer_embed,
    sources_embed,
)
from bot.interfaces.discord_reply import PUBLIC_FALLBACK
from bot.records import Answer, DocMeta, Quote, Source
from bot.retrieval import Engine

from .discord_standin import DiscordStandIn, ask, embed_problem

# -- network failures -----------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def _silent_server() -> Any:
    """Accepts connections on loopback and never answers: a hanging Discord."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for w in held:
            w.close()
        server.close()


def _run(engine: Engine, base: str, timeout: float = 2.0) -> str:
    async def go() -> str:
        with pytest.raises(ConnectError) as info:
            await discord_run.run_bot(engine, Settings(token="t"), timeout=timeout)
        return str(info.value)

    old = discord.http.Route.BASE
    discord.http.Route.BASE = base  # type: ignore[misc]
    try:
        return asyncio.run(go())
    finally:
        discord.http.Route.BASE = old  # type: ignore[misc]


def test_refused_connection_is_one_line(tiny_engine: Engine) -> None:
    message = _run(tiny_engine, f"http://127.0.0.1:{_closed_port()}/api/v10")
    assert message == "cannot reach Discord (connection refused)"


def test_hanging_connection_gives_up_in_time(tiny_engine: Engine) -> None:
    async def go() -> str:
        async with _silent_server() as port:
            discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"  # type: ignore[misc]
            with pytest.raises(ConnectError) as info:
                await discord_run.run_bot(tiny_engine, Settings(token="t"), timeout=1.0)
            return str(info.value)

    old = discord.http.Route.BASE
    try:
        assert asyncio.run(go()) == "cannot reach Discord (no answer in time)"
    finally:
        discord.http.Route.BASE = old  # type: ignore[misc]


def test_dns_failure_is_one_line(tiny_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_such_host(*_: Any, **__: Any) -> Any:
        raise OSError(socket.EAI_NONAME, "Name or service not known")

    # The resolver is patched in this test only; no lookup leaves the machine.
    monkeypatch.setattr(aiohttp.resolver.ThreadedResolver, "resolve", no_such_host)
    message = _run(tiny_engine, "http://discord.invalid/api/v10")
    assert message == "cannot reach Discord (the name lookup failed)"


def test_cli_says_connecting_then_one_line_and_exit_1(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{_closed_port()}/api/v10")
    monkeypatch.chdir(tmp_path)
    out = CliRunner(env={"DISCORD_TOKEN": "MTIz.a-realistic-token"}).invoke(
        main, ["discord", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")]
    )
    assert out.exit_code == 1
    lines = [line for line in out.stderr.splitlines() if not line.startswith("Building")]
    assert lines[0] == "Connecting to Discord…"
    assert lines == ["Connecting to Discord…", "error: cannot reach Discord (connection refused)"]


# -- start-up -------------------------------------------------------------------------------


def test_start_up_asks_for_guilds_and_prints_no_voice_warnings(
    tiny_engine: Engine,
    threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, _ = threaded_standin
    caplog.set_level(logging.DEBUG)

    async def go() -> None:
        bot = NewsBot(tiny_engine, Settings(token="test-token"))
        task = asyncio.create_task(bot.start("test-token"))
        await asyncio.wait_for(bot.wait_until_ready(), 20)
        await bot.close()
        await task

    asyncio.run(go())
    assert (
        server.identify is not None
        and server.identify["intents"] == discord.Intents(guilds=True).value
    )
    for warning in ("PyNaCl", "davey", "Guilds intent seems to be disabled"):
        assert warning not in caplog.text


# -- embeds within every limit --------------------------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(list("*_~`|>#@<:&![]()\\\n ")), st.characters()),
    max_size=3000,
)


def _answer(question: str, quotes: list[str], metas: list[tuple[str, str]]) -> Answer:
    qs = tuple(
        Quote(q or "x", i % max(len(metas), 1) + 1, f"d{i}.txt", 1.0, 0, 1, 0, (0,))
        for i, q in enumerate(quotes)
    )
    srcs = tuple(
        Source(i + 1, f"d{i}.txt", title or "t", publisher, "2019-03-23")
        for i, (title, publisher) in enumerate(metas)
    )
    return Answer(question or "q", True, None, qs, srcs)


def _within_limits(embed: discord.Embed) -> None:
    assert embed_problem({"embeds": [embed.to_dict()]}) is None
    assert len(embed.title or "") <= TITLE_MAX
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert all(len(f.value or "") <= FIELD_VALUE_MAX for f in embed.fields)
    assert len(embed.footer.text or "") <= FOOTER_MAX
    assert len(embed) <= TOTAL_MAX


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    question=TEXT,
    quotes=st.lists(TEXT, min_size=1, max_size=6),
    metas=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6),
    footer=TEXT,
)
def test_every_embed_fits_whatever_the_corpus_holds(
    question: str, quotes: list[str], metas: list[tuple[str, str]], footer: str
) -> None:
    _within_limits(answer_embed(_answer(question, quotes, metas), footer))
    docs = [DocMeta(f"d{i}.txt", t or "t", p, None) for i, (t, p) in enumerate(metas * 10)]
    _within_limits(sources_embed(docs))


def test_a_long_publisher_still_gets_its_answer_through(
    tmp_path: Path, threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop]
) -> None:
    import json

    from bot.opening import open_engine

    from .conftest import quiet, write

    corpus = tmp_path / "c"
    write(corpus, "a.txt", "Ferry Story Here\n\nThe ferry fare rose to nine dollars on Monday.\n")
    write(
        corpus,
        "metadata.json",
        json.dumps({"a.txt": {"title": "**Ferry** " * 40, "publisher": "P" * 700}}),
    )
    engine = open_engine(corpus, tmp_path / "i", quiet)
    server, loop = threaded_standin

    async def go() -> None:
        bot = NewsBot(engine, Settings(token="test-token"))
        task = asyncio.create_task(bot.start("test-token"))
        await asyncio.wait_for(bot.wait_until_ready(), 20)
        await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(
                server.dispatch("INTERACTION_CREATE", ask(1, "What did the ferry fare rise to?")),
                loop,
            )
        )
        deadline = asyncio.get_running_loop().time() + 20
        while bot.answered < 1 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        await bot.close()
        await task

    asyncio.run(go())
    (shown,) = server.visible("itoken-1")
    assert shown["embeds"] and "nine dollars" in shown["embeds"][0]["description"]
    assert server.rejected == []


# -- private apologies and declines ---------------------------------------------------------


def _drive(
    engine: Engine,
    server: DiscordStandIn,
    loop: asyncio.AbstractEventLoop,
    payload: dict[str, Any],
    **opts: Any,
) -> NewsBot:
    async def go() -> NewsBot:
        bot = NewsBot(engine, Settings(token="test-token", **opts))
        task = asyncio.create_task(bot.start("test-token"))
        await asyncio.wait_for(bot.wait_until_ready(), 20)
        await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(server.dispatch("INTERACTION_CREATE", payload), loop)
        )
        token = payload["token"]
        deadline = asyncio.get_running_loop().time() + 20
        while asyncio.get_running_loop().time() < deadline:
            shown = server.visible(token)
            if shown and all(m["content"] != "(replied privately)" for m in shown):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        await bot.close()
        await task
        return bot

    return asyncio.run(go())


def test_a_decline_whose_private_reply_fails_leaves_a_public_notice(
    bundled_engine: Engine, threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop]
) -> None:
    server, loop = threaded_standin
    server.fail_followups = 10  # every followup fails (repeated 500s)
    _drive(bundled_engine, server, loop, ask(1, "What is the capital of France?"))
    (shown,) = server.visible("itoken-1")  # the question did not simply vanish
    assert shown["content"] == PUBLIC_FALLBACK and not shown["ephemeral"]


def test_an_apology_after_a_public_defer_is_private(
    bundled_engine: Engine,
    threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.answer import pipeline

    def explode(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline.Answerer, "answer", explode)
    server, loop = threaded_standin
    _drive(bundled_engine, server, loop, ask(2, "Who is Mustafa Bali?"))
    (shown,) = server.visible("itoken-2")
    assert shown["ephemeral"] and shown["content"].startswith("Sorry — something went wrong")


# -- syncing --------------------------------------------------------------------------------


def test_commands_sync_only_when_they_changed(
    tiny_engine: Engine,
    threaded_standin: tuple[DiscordStandIn, asyncio.AbstractEventLoop],
    tmp_path: Path,
) -> None:
    server, _ = threaded_standin
    state = tmp_path / "sync.json"

    def start(**opts: Any) -> None:
        async def go() -> None:
            bot = NewsBot(tiny_engine, Settings(token="test-token", sync_state=state, **opts))
            task = asyncio.create_task(bot.start("test-token"))
            await asyncio.wait_for(bot.wait_until_ready(), 20)
            await bot.close()
            await task

        asyncio.run(go())

    start()
    start()  # unchanged: no second sync
    assert [p for p, _ in server.synced] == ["/applications/900000000000000001/commands"]
    start(force_sync=True)  # --sync
    assert len(server.synced) == 2
    start(guild_id=42, force_sync=True, clear_global=True)  # --sync --clear-global
    assert server.synced[-2] == ("/applications/900000000000000001/commands", [])
    assert server.synced[-1][0] == "/applications/900000000000000001/guilds/42/commands"
    assert {c["name"] for c in server.synced[-1][1]} == {"ask", "sources"}
    start(guild_id=42)
    assert len(server.synced) == 4  # the guild's tree did not change since


def test_clear_global_needs_sync(tiny_corpus: Path, tmp_path: Path) -> None:
    out = CliRunner(env={"DISCORD_TOKEN": "t"}).invoke(
        main, ["discord", "--clear-global", "--corpus", str(tiny_corpus)]
    )
    assert out.exit_code == 2 and out.stderr == "error: --clear-global goes with --sync\n"


def test_yarl_is_loopback_only() -> None:  # the stand-in never leaves the machine
    assert yarl.URL("http://127.0.0.1:1/api").host == "127.0.0.1"


def test_the_yielding_gateway_reader_is_this_bots_own(tiny_engine: Engine) -> None:
    """The bot yields to the event loop after each gateway event on its own connections
    only: discord.py's classes, and so any other client in the process, are untouched."""
    original = discord.gateway.DiscordWebSocket.poll_event
    bot = NewsBot(tiny_engine, Settings(token="test-token"))
    assert discord.client.DiscordWebSocket is discord.gateway.DiscordWebSocket
    assert discord.gateway.DiscordWebSocket.poll_event is original

    class Socket:
        async def poll_event(self) -> None:
            return None

    mine, other = Socket(), Socket()
    bot.ws = mine  # what Client.connect does with each connection it opens
    assert bot.ws is mine and "poll_event" in vars(mine)  # wrapped on the instance
    asyncio.run(mine.poll_event())  # still polls (then yields)
    assert "poll_event" not in vars(other)  # a socket the bot never held is as it was
