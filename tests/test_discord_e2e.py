"""End to end with the real discord.py against the loopback stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import discord
import pytest
import yarl

from bot.interfaces.discord_bot import NewsBot, Settings
from bot.retrieval import Engine

from .discord_standin import HUMAN, DiscordStandIn, ask, interaction

Scenario = Callable[[DiscordStandIn, NewsBot], Awaitable[None]]
pytestmark = pytest.mark.slow  # each starts a bot against the stand-in: ~2 s


def run_with_bot(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, scenario: Scenario, **settings: Any
) -> DiscordStandIn:
    async def main() -> DiscordStandIn:
        standin = DiscordStandIn()
        await standin.start()
        monkeypatch.setattr(discord.http.Route, "BASE", standin.base)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway)
        )
        bot = NewsBot(engine, Settings(token="test-token", **settings))
        task = asyncio.create_task(bot.start("test-token"))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 20)
            await scenario(standin, bot)
        finally:
            await bot.close()
            await asyncio.wait_for(task, 10)
            await standin.stop()
        return standin

    return asyncio.run(main())


def test_ask_is_deferred_then_answered_with_a_cited_embed(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        await s.dispatch("INTERACTION_CREATE", ask(1, "Who is **Mustafa Bali**? @everyone <@&123>"))
        await s.wait_for(lambda: bool(s.edits["itoken-1"]))

    s = run_with_bot(bundled_engine, monkeypatch, scenario, guild_id=600000000000000006)
    assert s.identify is not None and s.identify["intents"] == 1  # guilds: not privileged
    assert s.unexpected == []
    # command sync went to the one guild and describes /ask and its options
    ((path, commands),) = s.synced
    assert path == f"/applications/{'900000000000000001'}/guilds/600000000000000006/commands"
    ask_cmd = next(c for c in commands if c["name"] == "ask")
    options = {o["name"]: o for o in ask_cmd["options"]}
    assert options["question"]["type"] == 3 and options["question"]["required"] is True
    assert options["question"]["max_length"] == 500 and options["question"]["description"]
    assert options["quotes"]["type"] == 4 and options["quotes"]["max_value"] == 5
    assert options["private"]["type"] == 5
    assert {c["name"] for c in commands} == {"ask", "sources"}
    # deferred first ("thinking…"), then exactly one final edit with the embed
    (deferred,) = s.callbacks["500000000000000001"]
    assert deferred["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "thinking…"
    assert not (deferred.get("data") or {}).get("flags", 0) & 64  # public unless private=True
    (final,) = s.edits["itoken-1"]
    assert final["allowed_mentions"] == {"parse": []}
    (embed,) = final["embeds"]
    assert "Baghouz is free" in embed["description"] and embed["description"].startswith("**[1]**")
    assert (
        embed["title"] == "Who is \\*\\*Mustafa Bali\\*\\*?"
    )  # mentions dropped, markdown escaped
    assert embed["fields"][0]["name"] == "Sources"
    assert "The Hill, 23 March 2019" in embed["fields"][0]["value"]


def test_no_answer_is_a_private_polite_reply(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        await s.dispatch("INTERACTION_CREATE", ask(2, "What is the capital of France?"))
        await s.wait_for(lambda: bool(s.followups["itoken-2"]))

    s = run_with_bot(bundled_engine, monkeypatch, scenario)
    (seen,) = s.visible("itoken-2")  # the public "thinking…" message is gone
    assert seen["ephemeral"] and seen["content"].startswith("Sorry — The articles don't say.")
    assert s.deletes["itoken-2"] == 1
    assert s.synced[0][0] == "/applications/900000000000000001/commands"  # global sync


def test_cooldown_and_errors_reply_privately_and_the_bot_keeps_running(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: Any, **__: Any) -> None:
        raise RuntimeError("boom")

    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        await s.dispatch("INTERACTION_CREATE", ask(3, "Who is Kino Gabriel?"))
        await s.dispatch("INTERACTION_CREATE", ask(4, "Who is Kino Gabriel?"))
        await s.wait_for(
            lambda: bool(s.edits["itoken-3"]) and bool(s.callbacks["500000000000000004"])
        )
        monkeypatch.setattr(bot.conversations, "get", explode)
        other = {**HUMAN, "id": "700000000000000099"}
        await s.dispatch("INTERACTION_CREATE", ask(5, "Who is Kino Gabriel?", user=other))
        await s.wait_for(lambda: s.deletes["itoken-5"] > 0)
        monkeypatch.undo()
        monkeypatch.setattr(discord.http.Route, "BASE", s.base)
        await s.dispatch("INTERACTION_CREATE", interaction(6, "sources"))
        await s.wait_for(lambda: bool(s.callbacks["500000000000000006"]))

    s = run_with_bot(bundled_engine, monkeypatch, scenario, cooldown_rate=1)
    (cool,) = s.callbacks["500000000000000004"]
    assert cool["type"] == 4 and cool["data"]["flags"] & 64
    assert cool["data"]["content"].startswith("Slow down a little")
    (apology,) = s.visible("itoken-5")  # private for real: the stand-in applies Discord's rule
    assert apology["ephemeral"] and apology["content"].startswith("Sorry — something went wrong")
    (sources,) = s.callbacks["500000000000000006"]
    assert sources["data"]["flags"] & 64
    assert sources["data"]["embeds"][0]["description"].count("**[") == 5


def test_hundred_concurrent_asks_are_each_answered_exactly_once(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [
        "Who is Mustafa Bali?",
        "When did the SDF break into Raqqa?",
        "What is the capital of France?",
        "How old is the Nuri mosque?",
    ]

    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        for n in range(100):
            user = {**HUMAN, "id": str(710000000000000000 + n)}
            await s.dispatch("INTERACTION_CREATE", ask(100 + n, questions[n % 4], user=user))
        await s.wait_for(lambda: bot.answered >= 100, timeout=60)

    s = run_with_bot(bundled_engine, monkeypatch, scenario, cooldown_rate=1000)
    for n in range(100):
        iid, token = str(5 * 10**17 + 100 + n), f"itoken-{100 + n}"
        assert [c["type"] for c in s.callbacks[iid]] == [5], n
        (final,) = s.visible(token)  # one message each: the answer, or a private reply
        assert final["embeds"] or final["ephemeral"], (n, final)
    assert s.unexpected == []


def test_nasty_questions_over_slash_command_get_answers_or_private_messages(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    nasty = [
        "x" * 600,
        "what is the",
        "?!?!",
        "Who is\x00 Mustafa\x07 Bali? 🔥",
        "```py\nimport os\n``` **who** is Bali",
        "@everyone <@123456789012345678> @here",
        "¿Quién es Mustafa Bali?",
        " ".join(["Mosul"] * 5000),
    ]

    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        for n, q in enumerate(nasty):
            await s.dispatch("INTERACTION_CREATE", ask(300 + n, q))

        def replied(n: int) -> bool:
            shown = s.visible(f"itoken-{300 + n}")
            return bool(shown) and all(m["content"] != "(replied privately)" for m in shown)

        await s.wait_for(lambda: all(replied(n) for n in range(len(nasty))))

    s = run_with_bot(bundled_engine, monkeypatch, scenario, cooldown_rate=1000)
    for n in range(len(nasty)):
        token, iid = f"itoken-{300 + n}", str(5 * 10**17 + 300 + n)
        replies = s.visible(token)
        assert len(replies) == 1, (n, replies, iid)
        reply = replies[0]
        text = str(reply)
        assert "@everyone" not in text and "<@123456789012345678>" not in text
        if not reply.get("embeds"):
            assert reply["ephemeral"], (n, reply)  # anything that is not an answer is private
    too_long = [c["data"] for c in s.callbacks[str(5 * 10**17 + 300)] if c["type"] == 4]
    assert too_long and too_long[0]["content"].startswith("I can't use that input")
    assert "test-token" not in caplog.text  # nothing logged the token, even at DEBUG


def test_15_an_answer_edit_that_keeps_failing_goes_as_a_followup(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        s.fail_edits = 100  # every PATCH @original: 500, which discord.py would retry for 25 s
        await s.dispatch("INTERACTION_CREATE", ask(1, "Who is Mustafa Bali?"))
        await s.wait_for(lambda: bool(s.followups["itoken-1"]))

    s = run_with_bot(bundled_engine, monkeypatch, scenario, edit_deadline=0.5)
    assert s.failed and s.edits["itoken-1"] == []  # no edit went through ...
    (shown,) = s.visible("itoken-1")  # ... and the answer is there, in the deferred message
    assert "Baghouz is free" in shown["embeds"][0]["description"] and not shown["ephemeral"]


def test_15_a_private_reply_that_fails_after_it_arrived_is_not_sent_again(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.interfaces.discord_reply import PUBLIC_UNSURE

    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        s.fail_after_apply = 1  # the private decline arrives, but the bot hears a 500
        await s.dispatch("INTERACTION_CREATE", ask(1, "What is the capital of France?"))
        await s.wait_for(
            lambda: any(e.get("content") == PUBLIC_UNSURE for e in s.edits["itoken-1"])
        )

    s = run_with_bot(bundled_engine, monkeypatch, scenario)
    assert len(s.followups["itoken-1"]) == 1  # before the fix: 3 copies of the decline
    private = [m for m in s.visible("itoken-1") if m["ephemeral"]]
    assert len(private) == 1 and private[0]["content"].startswith("Sorry")


def test_7_an_answer_that_may_have_arrived_is_never_replaced_by_an_apology(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hardening item 7: every answer edit fails, the followup carrying the answer is
    # applied but Discord answers 500. The answer stays; no "something went wrong".
    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        s.fail_edits = 100
        s.fail_after_apply = 1
        await s.dispatch("INTERACTION_CREATE", ask(1, "Who is Mustafa Bali?"))
        # done: counted as answered, or (the fault) a second followup, the apology
        await s.wait_for(lambda: bot.answered == 1 or len(s.followups["itoken-1"]) > 1)

    s = run_with_bot(bundled_engine, monkeypatch, scenario, edit_deadline=0.5)
    shown = s.visible("itoken-1")
    assert any("Baghouz is free" in str(m.get("embeds")) for m in shown)
    assert not any("something went wrong" in str(m.get("content")) for m in shown)


def test_each_question_is_one_log_line_with_its_latency_and_not_its_text(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        await s.dispatch("INTERACTION_CREATE", ask(1, "Who is Mustafa Bali?"))
        await s.dispatch("INTERACTION_CREATE", ask(2, "What is the capital of France?"))
        await s.wait_for(lambda: bot.answered == 2)

    with caplog.at_level(logging.INFO, logger="newsqa.discord"):
        run_with_bot(bundled_engine, monkeypatch, scenario)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("/ask ")]
    assert sorted(line.split(" in ")[0] for line in lines) == ["/ask answered", "/ask declined"]
    assert all(line.split(" in ")[1].split(" ms")[0].isdigit() for line in lines)
    assert not any("Bali" in line or "France" in line for line in lines)


def test_the_log_level_comes_from_the_environment() -> None:
    import logging

    from bot.errors import ConfigError
    from bot.interfaces.logs import level_from_env

    assert level_from_env({}) == logging.INFO
    assert level_from_env({"NEWSQA_LOG_LEVEL": "warning"}) == logging.WARNING
    with pytest.raises(ConfigError, match="NEWSQA_LOG_LEVEL must be one of"):
        level_from_env({"NEWSQA_LOG_LEVEL": "loud"})
