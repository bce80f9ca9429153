"""Syncing the slash commands only when they changed.

Global syncs are rate-limited by Discord, and syncing on every start re-registers the
same commands for nothing. The synced tree's hash is kept per application and scope
(global, or one guild) in a small JSON file; a start syncs only when the hash differs or
`--sync` asks. `--sync --clear-global` also removes the global copy, which otherwise stays
beside a guild's and shows `/ask` twice after moving to DISCORD_GUILD_ID.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from ..paths import cache_dir

log = logging.getLogger("newsqa.discord")


def tree_hash(bot: commands.Bot, guild: discord.abc.Snowflake | None) -> str:
    payload = [c.to_dict(bot.tree) for c in bot.tree.get_commands(guild=guild)]
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _load(path: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def _save(path: Path, state: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        tmp.replace(path)


async def sync_commands(
    bot: commands.Bot,
    guild_id: int | None,
    force: bool = False,
    clear_global: bool = False,
    state_path: Path | None = None,
) -> None:
    """Sync to the guild (DISCORD_GUILD_ID) or globally, when the tree changed."""
    path = state_path or cache_dir() / "discord_sync.json"
    state = _load(path)
    app = str(bot.application_id)
    guild = discord.Object(id=guild_id) if guild_id else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    if clear_global:
        bot.tree.clear_commands(guild=None)
        await bot.tree.sync()
        state[f"{app}:global"] = tree_hash(bot, None)
        log.info("removed the global commands")
    scope = f"{app}:{guild_id or 'global'}"
    digest = tree_hash(bot, guild)
    if state.get(scope) == digest and not force:
        log.info("commands unchanged since the last sync: not synced (--sync forces it)")
        return
    synced = await bot.tree.sync(guild=guild)
    state[scope] = digest
    _save(path, state)
    where = f"guild {guild_id}" if guild else "all servers (may take up to an hour)"
    log.info("synced %d commands to %s", len(synced), where)
