"""The Discord adapter: `/ask` and `/sources` as slash commands over the same engine.

Slash commands only: no privileged intents, no message content. Commands are synced once
in `setup_hook` (to one guild when DISCORD_GUILD_ID is set, which is instant; otherwise
globally). Every `/ask` defers first, computes the answer in a worker thread so the event
loop never blocks, and replies with an embed from `discord_render`. Errors become private
replies; the token never reaches a log line or a message.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from ..answer.conversation import ConversationStore
from ..answer.settings import DEFAULT_TOP, MAX_TOP
from ..errors import ConfigError, QuestionError
from ..retrieval import Engine
from .discord_render import answer_embed, clean, sources_embed
from .discord_reply import EDIT_DEADLINE, edit_or_follow, install_adapter, private_after_defer
from .discord_sync import sync_commands
from .live import LiveEngine, keep_fresh

log = logging.getLogger("newsqa.discord")

_MENTION = re.compile(r"<[@#][!&]?\d+>|@(everyone|here)\b")
ANSWER_THREADS = 2
QUESTION_MAX = 500  # Discord allows 6,000 in an option; a question needs far less
DISCORD_TOP_MAX = min(5, MAX_TOP)  # five quotes fill a phone screen
BAD_INPUT = (
    f"I can't use that input: questions are 1–{QUESTION_MAX} characters and "
    f"quotes 1–{DISCORD_TOP_MAX}."
)


@dataclass(frozen=True)
class Settings:
    token: str
    guild_id: int | None = None
    cooldown_rate: int = 5  # questions ...
    cooldown_per: float = 30.0  # ... per this many seconds, per user
    conversation_ttl: float = 600.0  # follow-up context expires after 10 minutes
    max_conversations: int = 5000
    force_sync: bool = False  # sync the commands even when they did not change
    clear_global: bool = False  # remove a stale global copy (moving to guild sync)
    sync_state: Path | None = None  # where the synced command tree's hash is kept
    edit_deadline: float = EDIT_DEADLINE  # for an answer edit, before it goes as a followup

    def __repr__(self) -> str:  # never show the token, even in a traceback or debugger
        return f"Settings(token=<hidden>, guild_id={self.guild_id})"


def load_env_file(path: Path) -> None:
    """The working directory's .env only - never one in a parent folder, which belongs
    to someone else's project. A variable exported empty counts as unset, so
    `DISCORD_TOKEN=""` in the shell does not hide the token in .env."""
    from dotenv import dotenv_values

    if not path.is_file():
        return
    for key, value in dotenv_values(path).items():
        if value is not None and not os.environ.get(key, "").strip():
            os.environ[key] = value


def settings_from_env() -> Settings:
    """DISCORD_TOKEN (required) and DISCORD_GUILD_ID (optional), from the environment or a
    .env file in the working directory."""
    load_env_file(Path.cwd() / ".env")
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise ConfigError("DISCORD_TOKEN is not set (put it in the environment or in .env)")
    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    if guild and not guild.isdigit():
        raise ConfigError("DISCORD_GUILD_ID must be a number (the server's id)")
    return Settings(token=token, guild_id=int(guild) if guild else None)


def _yielding(poll: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """discord.py's gateway reader handles every message already buffered before it gives
    the event loop back, so a burst of 500 interactions kept the loop busy for ~330 ms.
    Yielding after each gateway event keeps it under 100 ms (tests/test_load.py)."""

    async def poll_event() -> None:
        await poll()
        await asyncio.sleep(0)

    return poll_event


class NewsBot(commands.Bot):
    """The bot; its engine and settings come in through `__init__`."""

    def __init__(self, engine: Engine | LiveEngine, settings: Settings) -> None:
        # No voice here: say so before discord.py warns about PyNaCl and davey.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True  # not privileged; without it discord.py warns about state
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        # Rebuilt and swapped in should the index prove damaged while answering (live.py).
        self.live = LiveEngine.of(engine)
        self.settings = settings
        self.conversations = ConversationStore(
            self.live.answerer(),
            max_conversations=settings.max_conversations,
            ttl=settings.conversation_ttl,
        )
        self.answered = 0  # interactions answered, for tests and logs
        self.live.on_swap.append(self._swap)
        self.tree.error(self.on_tree_error)

    @property
    def engine(self) -> Engine:
        return self.live.engine

    def _swap(self, engine: Engine) -> None:
        self.conversations.use(engine)

    # Client.connect stores each gateway connection it opens in `self.ws`: this bot's own
    # connections (and no other client's) get the yielding reader, on the instance only.
    @property
    def ws(self) -> Any:
        return self.__dict__.get("_newsqa_ws")

    @ws.setter
    def ws(self, value: Any) -> None:
        if value is not None and not getattr(value, "_newsqa_yields", False):
            value.poll_event = _yielding(value.poll_event)
            value._newsqa_yields = True
        self.__dict__["_newsqa_ws"] = value

    async def setup_hook(self) -> None:
        install_adapter()  # webhook POSTs are never repeated after a 5xx (discord_reply.py)
        # Answers are CPU-bound Python: more threads than cores only compete with the event
        # loop for the GIL. asyncio.to_thread uses this executor.
        # Everything alive now (the engine, the libraries) lives as long as the bot: keep
        # it out of the cyclic collector, whose full passes over it paused the loop for
        # 50-100 ms under load.
        gc.freeze()
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=ANSWER_THREADS, thread_name_prefix="answer")
        )
        for command in make_commands(self.settings):
            self.tree.add_command(command)
        s = self.settings
        await sync_commands(self, s.guild_id, s.force_sync, s.clear_global, s.sync_state)
        # New or changed articles are picked up while the bot runs (live.py).
        self._fresh_task = asyncio.create_task(keep_fresh(self.live, log))

    async def close(self) -> None:
        task = getattr(self, "_fresh_task", None)
        if task is not None:
            task.cancel()
        await super().close()

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            await reply_private(
                interaction, f"Slow down a little — you can ask again in {error.retry_after:.0f} s."
            )
            return
        if isinstance(error, app_commands.TransformerError):  # an option Discord let through
            await reply_private(interaction, BAD_INPUT)
            return
        log.error(
            "command %s failed", interaction.command and interaction.command.name, exc_info=error
        )
        await reply_private(
            interaction, "Sorry — something went wrong answering that. The error was logged."
        )


async def reply_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral reply, whether or not the interaction was already deferred. After a
    public defer a followup would be public (Discord gives the first followup after a
    defer the defer's visibility), so that case goes through `private_after_defer`."""
    none = discord.AllowedMentions.none()
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none)
            return
        deferred_private = bool(interaction.extras.get("private", False))
        await private_after_defer(interaction, deferred_private, text)
    except discord.HTTPException:
        log.warning("could not send a private reply to interaction %s", interaction.id)


@app_commands.describe(
    question="Your question, e.g. “Who is Mustafa Bali?”",
    quotes=f"How many quotes to show (1–{DISCORD_TOP_MAX}, default {DEFAULT_TOP})",
    private="Only you see the answer",
)
async def ask_callback(
    interaction: discord.Interaction,
    question: app_commands.Range[str, 1, QUESTION_MAX],
    quotes: app_commands.Range[int, 1, DISCORD_TOP_MAX] = DEFAULT_TOP,
    private: bool = False,
) -> None:
    bot = cast(NewsBot, interaction.client)  # the only client these commands are added to
    if not 1 <= len(question) <= QUESTION_MAX or not 1 <= quotes <= DISCORD_TOP_MAX:
        # Discord's client enforces the option limits; a raw API call need not.
        await reply_private(interaction, BAD_INPUT)
        return
    await interaction.response.defer(ephemeral=private, thinking=True)
    interaction.extras["private"] = private  # for the error handler's apology
    key = (interaction.channel_id, interaction.user.id)
    conversation = bot.conversations.get(key)
    t0 = time.perf_counter()
    # Mentions are addressed to people, not part of the question; drop them before searching.
    text = " ".join(_MENTION.sub(" ", question).split()) or question
    deadline = bot.settings.edit_deadline
    try:
        result = await asyncio.to_thread(bot.live.call, lambda _: conversation.ask(text, quotes))
    except QuestionError as exc:
        await private_after_defer(interaction, private, f"I can't search that: {exc}.", deadline)
        bot.answered += 1
        return
    ms = (time.perf_counter() - t0) * 1000
    # One line per question, for the operator: how it went and how long it took (never
    # what was asked: that is the user's).
    log.info(
        "/ask %s in %.0f ms (%d quotes)",
        "answered" if result.answered else "declined",
        ms,
        len(result.quotes),
    )
    if not result.answered:
        sorry = f"Sorry — {clean(result.message or 'the articles do not say.')}"
        await private_after_defer(interaction, private, sorry, deadline)
        bot.answered += 1
        return
    footer = f"Quoted verbatim · {len(result.sources)} source(s) · {ms:.0f} ms"
    if result.resolved_question:
        footer = f"Read as: {result.resolved_question} · " + footer
    await edit_or_follow(interaction, deadline, embed=answer_embed(result, footer))
    bot.answered += 1


async def sources_callback(interaction: discord.Interaction) -> None:
    bot = cast(NewsBot, interaction.client)
    await interaction.response.send_message(
        embed=sources_embed(bot.engine.documents),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )


def make_commands(settings: Settings) -> list[app_commands.Command[Any, Any, None]]:
    """Fresh command objects for one bot: a decorator like the cooldown check attaches to
    the command object, so sharing module-level commands would leak one bot's settings
    into the next."""
    ask: app_commands.Command[Any, Any, None] = app_commands.Command(
        name="ask", description="Ask the news articles a question", callback=ask_callback
    )
    ask = app_commands.checks.cooldown(
        settings.cooldown_rate, settings.cooldown_per, key=lambda i: i.user.id
    )(ask)
    sources: app_commands.Command[Any, Any, None] = app_commands.Command(
        name="sources",
        description="List the articles the bot answers from",
        callback=sources_callback,
    )
    return [ask, sources]
