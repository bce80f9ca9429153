"""A Discord API stand-in on loopback: the REST routes and gateway the bot uses.

Real protocol, not a mock of our code: discord.py logs in over HTTP, opens the gateway
websocket (HELLO -> IDENTIFY -> READY, zlib-stream compressed like Discord's), receives
INTERACTION_CREATE dispatches and answers them over the interaction and webhook routes.
Everything listens on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import zlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "900000000000000001"
BOT_USER = {
    "id": APP_ID,
    "username": "newsqa",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
}
HUMAN = {
    "id": "700000000000000007",
    "username": "reader",
    "discriminator": "0",
    "global_name": "Reader",
    "avatar": None,
}


def _json(obj: Any, status: int = 200) -> web.Response:
    # discord.py decodes a body only when Content-Type is exactly "application/json".
    return web.Response(
        body=json.dumps(obj).encode(), status=status, headers={"Content-Type": "application/json"}
    )


class DiscordStandIn:
    def __init__(self, token: str = "test-token") -> None:
        self.token = token
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, json body)
        self.unexpected: list[str] = []
        self.identify: dict[str, Any] | None = None
        self.synced: list[tuple[str, Any]] = []  # (path, commands payload)
        self.callbacks: dict[str, list[Any]] = defaultdict(list)  # interaction id -> bodies
        self.edits: dict[str, list[Any]] = defaultdict(list)  # token -> PATCH @original
        self.followups: dict[str, list[Any]] = defaultdict(list)  # token -> POST webhook
        self.deletes: dict[str, int] = defaultdict(int)  # token -> DELETE @original
        # What users see, as Discord would show it: per interaction token, every message
        # with its real visibility. The first followup after a defer *is* the deferred
        # response and keeps the defer's visibility, whatever flags it asks for.
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._deferred: dict[str, bool] = {}  # token -> deferred ephemerally (unresolved)
        self.failed: list[str] = []  # requests answered with an injected 500
        self.rejected: list[str] = []  # bodies refused as Discord refuses them (50035)
        self.fail_followups = 0  # fault injection: this many next followups fail
        self.fail_edits = 0  # this many next PATCH @original get a 500
        self.fail_after_apply = 0  # this many next followups are applied, then get a 500
        self._ws: list[tuple[web.WebSocketResponse, Any]] = []
        self._seq = itertools.count(1)
        self._ids = itertools.count(10**17)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws, _ in self._ws:
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- gateway -----------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        mode = request.query.get("compress")
        if mode not in (None, "zlib-stream"):
            await ws.close(code=4000, message=f"stand-in speaks zlib-stream, not {mode}".encode())
            return ws
        compressor = zlib.compressobj() if mode else None
        self._ws.append((ws, compressor))
        await self._send(ws, compressor, {"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            if payload["op"] == 1:  # heartbeat
                await self._send(ws, compressor, {"op": 11})
            elif payload["op"] == 2:  # identify
                self.identify = payload["d"]
                await self._send(
                    ws,
                    compressor,
                    {
                        "op": 0,
                        "t": "READY",
                        "s": next(self._seq),
                        "d": {
                            "v": 10,
                            "user": BOT_USER,
                            "guilds": [],
                            "session_id": "standin-session",
                            "resume_gateway_url": self.gateway,
                            "shard": [0, 1],
                            "application": {"id": APP_ID, "flags": 0},
                        },
                    },
                )
        return ws

    async def _send(self, ws: web.WebSocketResponse, compressor: Any, payload: Any) -> None:
        data = json.dumps(payload).encode()
        if compressor is None:
            await ws.send_str(data.decode())
        else:  # one zlib stream per connection, each message ends with a sync flush
            await ws.send_bytes(compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        ws, compressor = self._ws[-1]
        await self._send(ws, compressor, {"op": 0, "t": event, "s": next(self._seq), "d": data})

    # -- REST --------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        self.requests.append((request.method, path, body))
        self._changed.set()
        if path == "/users/@me" and request.method == "GET":
            if request.headers.get("Authorization") != f"Bot {self.token}":
                return _json({"message": "401: Unauthorized", "code": 0}, status=401)
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": APP_ID,
                    "name": "newsqa",
                    "icon": None,
                    "description": "",
                    "rpc_origins": [],
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": HUMAN,
                    "summary": "",
                    "verify_key": "0" * 64,
                    "team": None,
                    "flags": 0,
                    "interactions_endpoint_url": None,
                }
            )
        if path in ("/gateway/bot", "/gateway"):
            return _json(
                {
                    "url": self.gateway,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        parts = path.strip("/").split("/")
        if request.method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            self.synced.append((path, body))
            return _json(
                [
                    {
                        **cmd,
                        "id": str(next(self._ids)),
                        "application_id": APP_ID,
                        "version": "1",
                        "default_member_permissions": None,
                        "type": cmd.get("type", 1),
                    }
                    for cmd in body or []
                ]
            )
        if request.method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            iid = parts[1]
            self.callbacks[iid].append(body)
            kind = (body or {}).get("type")
            data = (body or {}).get("data") or {}
            if problem := embed_problem(data):
                return self._reject(problem)
            token = parts[2]
            ephemeral = bool(data.get("flags", 0) & 64)
            if kind == 5:
                self._deferred[token] = ephemeral
            elif kind == 4:
                self.messages[token].append(self._shown(data, ephemeral, "original"))
            return _json(
                {
                    "interaction": {
                        "id": iid,
                        "type": 2,
                        "response_message_id": str(next(self._ids)),
                        "response_message_loading": kind == 5,
                        "response_message_ephemeral": bool(
                            ((body or {}).get("data") or {}).get("flags", 0) & 64
                        ),
                    },
                    "resource": {"type": kind},
                }
            )
        if parts[0] == "webhooks" and len(parts) >= 3:
            token = parts[2]
            if problem := embed_problem(body or {}):
                return self._reject(problem)
            if request.method == "PATCH" and parts[-1] == "@original":
                if self.fail_edits > 0:
                    self.fail_edits -= 1
                    self.failed.append(f"PATCH {path}")
                    return _json({"message": "500: Internal Server Error", "code": 0}, status=500)
                self.edits[token].append(body)
                self._resolve_original(token, body or {})
                return _json(self._message(body))
            if request.method == "DELETE" and parts[-1] == "@original":
                self.deletes[token] += 1
                for m in self.messages[token]:
                    if m["kind"] == "original":
                        m["deleted"] = True
                return web.Response(status=204)
            if request.method == "POST" and len(parts) == 3:
                if self.fail_followups > 0:  # a failure discord.py does not retry (a 5xx it
                    self.fail_followups -= 1  # retries for 25 s first, to the same end)
                    return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
                self.followups[token].append(body)
                if token in self._deferred:  # the first followup after a defer
                    self._resolve_original(token, body or {})
                else:
                    asked = bool((body or {}).get("flags", 0) & 64)
                    self.messages[token].append(self._shown(body or {}, asked, "followup"))
                if self.fail_after_apply > 0:  # applied, but the client hears a 500
                    self.fail_after_apply -= 1
                    self.failed.append(f"POST {path}")
                    return _json({"message": "500: Internal Server Error", "code": 0}, status=500)
                return _json(self._message(body))
        self.unexpected.append(f"{request.method} {path}")
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _resolve_original(self, token: str, body: dict[str, Any]) -> None:
        """The deferred response gets its content: its visibility is the defer's."""
        if token in self._deferred:
            ephemeral = self._deferred.pop(token)
            self.messages[token].append(self._shown(body, ephemeral, "original"))
            return
        for m in self.messages[token]:
            if m["kind"] == "original":
                m.update(
                    content=body.get("content") or m["content"],
                    embeds=body.get("embeds") or m["embeds"],
                )

    @staticmethod
    def _shown(body: dict[str, Any], ephemeral: bool, kind: str) -> dict[str, Any]:
        return {
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "ephemeral": ephemeral,
            "kind": kind,
            "deleted": False,
        }

    def visible(self, token: str) -> list[dict[str, Any]]:
        """The messages of an interaction that users still see."""
        return [m for m in self.messages[token] if not m["deleted"]]

    def _reject(self, problem: str) -> web.Response:
        self.rejected.append(problem)
        return _json(
            {"message": "Invalid Form Body", "code": 50035, "errors": {"embeds": problem}},
            status=400,
        )

    def _message(self, body: Any) -> dict[str, Any]:
        body = body or {}
        return {
            "id": str(next(self._ids)),
            "channel_id": "800000000000000008",
            "type": 0,
            "author": BOT_USER,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": "2026-11-22T00:00:00+00:00",
            "edited_timestamp": None,
            "flags": body.get("flags", 0),
            "components": [],
        }

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        async def loop() -> None:
            while not condition():
                self._changed.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.2)

        await asyncio.wait_for(loop(), timeout)


# Discord's embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
LIMITS = {"title": 256, "description": 4096, "field.name": 256, "field.value": 1024, "footer": 2048}


def embed_problem(body: dict[str, Any]) -> str | None:
    """Why Discord would refuse these embeds (400, code 50035), or None."""
    embeds = body.get("embeds") or []
    total = 0
    for e in embeds:
        parts = {
            "title": e.get("title") or "",
            "description": e.get("description") or "",
            "footer": (e.get("footer") or {}).get("text") or "",
        }
        fields = e.get("fields") or []
        if len(fields) > 25:
            return "more than 25 fields"
        for f in fields:
            for key, value in (
                ("field.name", f.get("name") or ""),
                ("field.value", f.get("value") or ""),
            ):
                if len(value) > LIMITS[key]:
                    return f"{key} longer than {LIMITS[key]}"
                total += len(value)
        for key, value in parts.items():
            if len(value) > LIMITS[key]:
                return f"{key} longer than {LIMITS[key]}"
            total += len(value)
    if total > 6000:
        return "embeds longer than 6000 in all"
    return None


def interaction(
    n: int,
    command: str,
    options: list[dict[str, Any]] | None = None,
    user: dict[str, Any] | None = None,
    channel_id: str = "800000000000000008",
    guild_id: str = "600000000000000006",
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for a slash command, as Discord sends it."""
    who = user or HUMAN
    return {
        "id": str(5 * 10**17 + n),
        "application_id": APP_ID,
        "type": 2,
        "token": f"itoken-{n}",
        "version": 1,
        "guild_id": guild_id,
        "channel_id": channel_id,
        "channel": {
            "id": channel_id,
            "type": 0,
            "guild_id": guild_id,
            "name": "general",
            "position": 0,
        },
        "member": {
            "user": who,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "permissions": "2147483647",
            "flags": 0,
        },
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": "2147483647",
        "attachment_size_limit": 8388608,
        "entitlements": [],
        "context": 0,
        "authorizing_integration_owners": {"0": guild_id},
        "data": {
            "id": "1",
            "name": command,
            "type": 1,
            "options": options or [],
            "guild_id": guild_id,
        },
    }


def ask(n: int, question: str, **extra: Any) -> dict[str, Any]:
    options = [{"name": "question", "type": 3, "value": question}]
    options += [
        {"name": k, "type": 4 if isinstance(v, int) and not isinstance(v, bool) else 5, "value": v}
        for k, v in extra.items()
        if k not in ("user", "channel_id")
    ]
    kwargs = {k: v for k, v in extra.items() if k in ("user", "channel_id")}
    return interaction(n, "ask", options, **kwargs)
