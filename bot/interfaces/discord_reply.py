"""Delivering replies to Discord interactions, also when Discord's REST side fails.

Two faults (issue "Hardening", item 15) shape this module:
- discord.py retries a webhook request that got a 5xx up to five times over ~25 s. An
  answer edit (PATCH @original) that keeps failing therefore kept the user waiting for
  minutes with nothing; here it has a deadline, and then the answer goes as a followup
  (the first followup after a defer fills the deferred "thinking…" message).
- A POST (a followup) can fail with a 5xx *after* Discord applied it; the retries then
  delivered the same private reply three times. `NoRepeatPosts` tries a POST once: a 5xx
  is reported, not resent, and the caller treats it as "maybe delivered".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord.webhook import async_ as webhook_async

log = logging.getLogger("newsqa.discord")

PUBLIC_PLACEHOLDER = "(replied privately)"
PUBLIC_FALLBACK = "Sorry — I could not send that reply. Please try again."
# A followup that got a 5xx may or may not have arrived: say both, once.
PUBLIC_UNSURE = "(replied privately — if you see no reply, please ask again)"
EDIT_DEADLINE = 10.0  # seconds for an answer edit, retries included, before the fallback


class _Retried(Exception):
    """Raised in place of a second attempt of a POST."""

    def __init__(self, response: Any) -> None:
        super().__init__("not retried")
        self.response = response


class _OnceSession:
    """The aiohttp session as one webhook request sees it: its first `request` goes through
    (and its response is kept), a second one - a retry - raises _Retried."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self._response: Any = None

    def request(self, *args: Any, **kwargs: Any) -> Any:
        if self._response is not None:
            raise _Retried(self._response)
        return _Kept(self, self._session.request(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class _Kept:
    """The request's context manager, keeping its response for `_Retried`."""

    def __init__(self, owner: _OnceSession, inner: Any) -> None:
        self._owner, self._inner = owner, inner

    async def __aenter__(self) -> Any:
        response = await self._inner.__aenter__()
        self._owner._response = response
        return response

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)


class NoRepeatPosts(webhook_async.AsyncWebhookAdapter):
    """discord.py's webhook adapter, except that a POST is never repeated after a 5xx: it
    raises DiscordServerError at once (GET, PATCH and DELETE keep their retries: repeating
    them changes nothing)."""

    async def request(self, route: Any, session: Any, **kwargs: Any) -> Any:
        if route.method != "POST":
            return await super().request(route, session, **kwargs)
        try:
            once: Any = _OnceSession(session)  # stands in for the aiohttp session
            return await super().request(route, once, **kwargs)
        except _Retried as exc:
            message = "not retried: it may have arrived"
            raise discord.DiscordServerError(exc.response, message) from None


def install_adapter() -> None:
    """Use NoRepeatPosts for this task and every task it starts from now on (the gateway's
    event handlers among them)."""
    webhook_async.async_context.set(NoRepeatPosts())  # type: ignore[no-untyped-call]


async def edit_or_follow(
    interaction: discord.Interaction, deadline: float = EDIT_DEADLINE, **message: Any
) -> None:
    """Put `message` (content / embed) in the deferred response: an edit, or when that
    fails or misses `deadline`, a followup, which Discord puts in the deferred message."""
    none = discord.AllowedMentions.none()
    try:
        await asyncio.wait_for(
            interaction.edit_original_response(allowed_mentions=none, **message), deadline
        )
        return
    except (discord.HTTPException, asyncio.TimeoutError):
        log.warning(
            "editing the reply to interaction %s failed: sent as a followup", interaction.id
        )
    try:
        await interaction.followup.send(allowed_mentions=none, **message)
    except discord.DiscordServerError:
        # Maybe delivered (Discord may apply a POST and still answer 5xx): what may have
        # arrived is never deleted or replaced by an apology.
        log.warning("the reply to interaction %s may have arrived: left as it is", interaction.id)


async def private_after_defer(
    interaction: discord.Interaction, private: bool, text: str, deadline: float = EDIT_DEADLINE
) -> None:
    """A private reply after a defer. A private defer is simply filled in. A public one's
    "thinking…" message is first turned into a short public placeholder (so the followup
    is a new message, not the defer's, and can be private), then deleted only once the
    private reply went through; if that fails, the placeholder says so in public instead
    of the question silently vanishing."""
    none = discord.AllowedMentions.none()
    if private:
        await edit_or_follow(interaction, deadline, content=text)
        return
    await edit_or_follow(interaction, deadline, content=PUBLIC_PLACEHOLDER)
    try:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=none)
    except discord.DiscordServerError:  # maybe delivered: never sent twice
        log.warning("private reply to interaction %s may not have arrived", interaction.id)
        await interaction.edit_original_response(content=PUBLIC_UNSURE, allowed_mentions=none)
    except discord.HTTPException:
        log.warning("private reply to interaction %s failed: left a notice", interaction.id)
        await interaction.edit_original_response(content=PUBLIC_FALLBACK, allowed_mentions=none)
    else:
        await interaction.delete_original_response()
