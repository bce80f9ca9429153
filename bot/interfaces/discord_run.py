"""Starting the Discord bot: connecting within a time bound, and one-line errors.

"connecting…" is said first; logging in (REST) and opening the gateway each get
CONNECT_TIMEOUT seconds. A DNS failure, a refused or hanging connection, or a rejected
token becomes a BotError with one line ("cannot reach Discord (…)"), never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable

import aiohttp
import discord

from ..errors import ConfigError, ConnectError
from ..retrieval import Engine
from .discord_bot import NewsBot, Settings
from .live import LiveEngine

CONNECT_TIMEOUT = 15.0


def _reason(exc: BaseException) -> str:
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", None)  # aiohttp >= 3.11
    if dns_error is not None and isinstance(exc, dns_error):
        return "the name lookup failed"
    lookup = (socket.EAI_NONAME, socket.EAI_AGAIN)
    if isinstance(exc, aiohttp.ClientConnectorError) and exc.os_error.errno in lookup:
        return "the name lookup failed"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return (exc.os_error.strerror or "connection failed").lower()
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "no answer in time"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]


async def run_bot(
    engine: Engine | LiveEngine,
    settings: Settings,
    notify: Callable[[str], None] = lambda _: None,
    timeout: float | None = None,
) -> None:
    """Run until stopped. Failing to reach Discord, or a rejected token, is one line."""
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    live = LiveEngine.of(engine)
    live.engine.warm()  # not on the first /ask
    notify("Connecting to Discord…")
    bot = NewsBot(live, settings)
    async with bot:
        try:
            await asyncio.wait_for(bot.login(settings.token), timeout)
        except discord.LoginFailure as exc:
            raise ConfigError(
                "Discord rejected DISCORD_TOKEN (check it in the developer portal, Bot → "
                "Reset Token)"
            ) from exc
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError, discord.HTTPException) as exc:
            raise ConnectError(f"cannot reach Discord ({_reason(exc)})") from exc
        connecting = asyncio.create_task(bot.connect(reconnect=True))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {connecting, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            failure = connecting.exception() if connecting in done else None
            if not connecting.done():
                connecting.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await connecting
            if isinstance(failure, discord.PrivilegedIntentsRequired):  # pragma: no cover
                raise ConfigError("Discord refused the requested intents") from failure
            raise ConnectError(
                f"cannot reach Discord's gateway ({_reason(failure or TimeoutError())})"
            ) from failure
        notify("Connected. Ctrl-C stops the bot.")
        await connecting
