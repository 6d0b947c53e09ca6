"""FakeDiscord: an aiohttp server on 127.0.0.1 speaking Discord's REST and gateway protocols."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from aiohttp import web

from .dispatch import InteractionsMixin
from .gateway import RECONNECT, Gateway
from .interactions import FakeDiscordError, InteractionHandle
from .model import (
    DEFAULT_EVERYONE,
    DM_CHANNEL,
    EMBED_LINKS,
    MANAGE_GUILD,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Member,
    Overwrite,
    Role,
    Snowflakes,
    User,
)
from .payloads import channel_json, guild_create_json, role_json, user_json
from .ratelimit import RateLimitConfig, RateLimiter
from .rest import EDITABLE, Call, Rest, new_message_json
from .schema import DEFAULT_SPEC_PATH, RouteTable, SpecValidator, bot_limit_errors

API_PREFIX = "/api/v10"
JSON_HEADERS = {"Content-Type": "application/json"}
DEFAULT_BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS


class RecordedRequest(NamedTuple):
    method: str
    path: str
    json: Any
    query: dict[str, str]
    at: float = 0.0  # time.monotonic() on arrival: rates across every client, measured here


@dataclass
class _FailRule:
    method: str
    path: re.Pattern[str]
    status: int
    body: Any
    remaining: int


@dataclass
class _DelayRule:
    method: str
    path: re.Pattern[str]
    seconds: float
    remaining: int


def _id(obj: Any) -> int:
    return int(getattr(obj, "id", obj))


class FakeDiscord(InteractionsMixin):
    """See README.md in this folder for the test-facing API."""

    def __init__(
        self,
        spec_path: Path | None = None,
        *,
        validate: bool = True,
        heartbeat_interval: int = 41250,
        interaction_window: float = 3.0,
        nonce_window: float = 300.0,
        rate_limits: RateLimitConfig | None = None,
        shards: int = 1,
    ) -> None:
        if shards < 1:
            raise ValueError(f"shards must be at least 1, not {shards}")
        self.shards = shards
        self.ids = Snowflakes()
        self.token = f"fake.{secrets.token_urlsafe(24)}"
        self.application_id = self.ids.next()
        self.bot_user = User(self.application_id, "RunClub Coach", bot=True)
        self.bot_user_id = self.bot_user.id
        self.owner = User(self.ids.next(), "server-owner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.owner)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.commands: defaultdict[int | str, list[dict[str, Any]]] = defaultdict(list)
        self.command_syncs: list[tuple[int | str, Any]] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self.interactions_by_token: dict[str, InteractionHandle] = {}
        self.requests: list[RecordedRequest] = []
        self.schema_errors: list[dict[str, Any]] = []
        self.unknown_routes: list[str] = []
        self.problems: list[str] = []
        self.stats: Counter[str] = Counter()
        self.interaction_window = interaction_window
        self.nonce_window = nonce_window
        self.rate_limits = rate_limits or RateLimitConfig()
        self._limiter = RateLimiter(self.rate_limits)
        self._messages: list[dict[str, Any]] = []
        self._nonces: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
        self._fail_rules: list[_FailRule] = []
        self._delay_rules: list[_DelayRule] = []
        self._pulse = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._dms: dict[int, Channel] = {}
        spec = spec_path or DEFAULT_SPEC_PATH
        self.validator: SpecValidator | None = None
        self.validation_off_reason: str | None = None
        if not validate:
            self.validation_off_reason = "validation disabled by the test"
        elif not spec.is_file():
            self.validation_off_reason = f"Discord OpenAPI spec not found at {spec}"
        else:
            self.validator = SpecValidator(spec)
        self.rest = Rest(self)
        self._routes = (
            self.validator.routes
            if self.validator
            else RouteTable([t for _, t in self.rest.handlers])
        )
        self.gateway = Gateway(
            token=lambda: self.token,
            ready_payloads=self._ready_payloads,
            heartbeat_interval=heartbeat_interval,
            on_change=self._changed,
            record_problem=self.problems.append,
            shard_count=shards,
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # -- waiting -----------------------------------------------------------------------------

    def _changed(self) -> None:
        # Wake every waiter; each re-checks its own predicate.
        self._pulse.set()
        self._pulse = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise FakeDiscordError(f"timed out after {timeout}s waiting for {what}")
            try:
                # Short slices so predicates over state outside the fake are re-checked too.
                await asyncio.wait_for(self._pulse.wait(), min(remaining, 0.05))
            except TimeoutError:
                continue

    async def wait_for_identify(self, count: int = 1, timeout: float = 10.0) -> None:
        await self.wait_until(
            lambda: self.gateway.identify_count >= count, timeout, f"IDENTIFY #{count}"
        )

    async def ready(self, timeout: float = 10.0, *, shard: int | None = None) -> None:
        """Wait until a gateway session is live (READY and GUILD_CREATEs sent): on `shard`,
        or on every shard."""
        if shard is None:
            await self.wait_until(lambda: self.gateway.connected, timeout, "a live gateway session")
        else:
            await self.wait_until(
                lambda: self.gateway.shard_connected(shard),
                timeout,
                f"a live gateway session on shard {shard}",
            )

    async def wait_for_resume(self, count: int = 1, timeout: float = 10.0) -> None:
        await self.wait_until(lambda: self.gateway.resume_count >= count, timeout, "RESUME")

    async def wait_for_messages(
        self, channel: Channel | int, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        await self.wait_until(
            lambda: len(self.messages(channel)) >= count, timeout, f"{count} messages"
        )
        return self.messages(channel)

    # -- state setup -------------------------------------------------------------------------

    def shard_of(self, guild: Guild | int | None) -> int:
        """The shard a server's events go to (Discord's formula); DMs go to shard 0."""
        return 0 if guild is None else (_id(guild) >> 22) % self.shards

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        shard: int | None = None,
    ) -> Guild:
        """A server with the bot and the owner in it, on `shard` (by default the servers take
        the shards in turn, so a sharded fake has servers on each)."""
        if shard is None:
            shard = len(self.guilds) % self.shards
        if not 0 <= shard < self.shards:
            raise ValueError(f"shard {shard} is not one of the fake's {self.shards} shards")
        gid = self.ids.next() if self.shards == 1 else self.ids.next_on_shard(shard, self.shards)
        guild = Guild(gid, name, owner_id=self.owner.id)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", DEFAULT_EVERYONE)
        bot_role = Role(self.ids.next(), guild.id, self.bot_user.username, bot_permissions, 1, True)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.owner.id] = Member(self.owner)
        guild.members[self.bot_user_id] = Member(self.bot_user, [bot_role.id])
        self.guilds[guild.id] = guild
        self._dispatch_soon("GUILD_CREATE", lambda: guild_create_json(guild), guild.id)
        return guild

    def add_role(
        self, guild: Guild | int, name: str, *, permissions: int = 0, position: int | None = None
    ) -> Role:
        g = self.guilds[_id(guild)]
        role = Role(self.ids.next(), g.id, name, permissions, position or len(g.roles))
        g.roles[role.id] = role
        self._dispatch_soon(
            "GUILD_ROLE_CREATE", lambda: {"guild_id": str(g.id), "role": role_json(role)}, g.id
        )
        return role

    def add_channel(
        self,
        guild: Guild | int,
        name: str,
        *,
        bot_can_view: bool = True,
        bot_can_send: bool = True,
        bot_can_embed: bool = True,
        overwrites: Iterable[Overwrite] = (),
    ) -> Channel:
        g = self.guilds[_id(guild)]
        deny = (
            (0 if bot_can_view else VIEW_CHANNEL)
            | (0 if bot_can_send else SEND_MESSAGES)
            | (0 if bot_can_embed else EMBED_LINKS)
        )
        ows = list(overwrites)
        if deny:
            ows.append(Overwrite(self.bot_user_id, 1, 0, deny))
        channel = Channel(self.ids.next(), g.id, name, position=len(g.channels), overwrites=ows)
        g.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self._dispatch_soon("CHANNEL_CREATE", lambda: channel_json(channel), g.id)
        return channel

    def add_member(
        self,
        guild: Guild | int,
        name: str,
        *,
        manage_guild: bool = False,
        roles: Iterable[Role | int] = (),
    ) -> User:
        g = self.guilds[_id(guild)]
        user = User(self.ids.next(), name)
        self.users[user.id] = user
        role_ids = [_id(r) for r in roles]
        if manage_guild:
            role = self.add_role(g, f"{name}-admin", permissions=MANAGE_GUILD)
            role_ids.append(role.id)
        g.members[user.id] = Member(user, role_ids)
        return user

    async def delete_channel(self, channel: Channel | int) -> None:
        ch = self.channels.pop(_id(channel))
        if ch.guild_id is not None:
            self.guilds[ch.guild_id].channels.pop(ch.id, None)
        await self.gateway.dispatch(
            "CHANNEL_DELETE", channel_json(ch), shard=self.shard_of(ch.guild_id)
        )

    async def remove_bot_from_guild(self, guild: Guild | int) -> None:
        g = self.guilds[_id(guild)]
        g.bot_present = False
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(g.id)}, shard=self.shard_of(g))

    def _dispatch_soon(self, event: str, payload: Callable[[], Any], guild_id: int) -> None:
        # Setup calls are sync; once the server's shard has a live session they reach the bot
        # as gateway events (before that, its READY and GUILD_CREATE carry them).
        shard = self.shard_of(guild_id)
        if not self.gateway.shard_connected(shard):
            return
        task = asyncio.get_running_loop().create_task(
            self.gateway.dispatch(event, payload(), shard=shard)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _bot_guild(self, guild_id: int | str) -> Guild | None:
        guild = self.guilds.get(int(guild_id))
        return guild if guild is not None and guild.bot_present else None

    def _dm_channel(self, user: User) -> Channel:
        if user.id not in self._dms:
            channel = Channel(self.ids.next(), None, "", type=DM_CHANNEL, recipient_ids=[user.id])
            self._dms[user.id] = channel
            self.channels[channel.id] = channel
        return self._dms[user.id]

    def application_json(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": user_json(self.owner),
            "team": None,
            "flags": 0,
            "bot": user_json(self.bot_user),
        }

    def _ready_payloads(self, session_id: str, shard: int, sharded: bool) -> list[tuple[str, Any]]:
        """READY and a GUILD_CREATE for each server on `shard` (with `shard` in READY when
        the IDENTIFY named one, as Discord does)."""
        guilds = [g for g in self.guilds.values() if g.bot_present and self.shard_of(g) == shard]
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**user_json(self.bot_user), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        if sharded:
            ready["shard"] = [shard, self.shards]
        return [("READY", ready)] + [("GUILD_CREATE", guild_create_json(g)) for g in guilds]

    # -- messages ----------------------------------------------------------------------------

    @staticmethod
    def public(msg: dict[str, Any]) -> dict[str, Any]:
        """The message as Discord would return it (bookkeeping keys stripped)."""
        return {k: v for k, v in msg.items() if not k.startswith("_") and k != "allowed_mentions"}

    def _new_message(
        self,
        channel_id: int | str,
        body: dict[str, Any],
        *,
        flags: int,
        via: str,
        interaction: InteractionHandle | None = None,
    ) -> dict[str, Any]:
        msg = new_message_json(self, channel_id, body, flags)
        msg["allowed_mentions"] = body.get("allowed_mentions")
        msg["_via"] = via
        if interaction is not None:
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.payload.get("member", {}).get("user")
                or interaction.payload.get("user"),
                "authorizing_integration_owners": {},
            }
        self._messages.append(msg)
        return msg

    @staticmethod
    def _apply_edit(msg: dict[str, Any], body: dict[str, Any]) -> None:
        for key in EDITABLE:
            if key in body and key != "flags":
                msg[key] = body[key] if body[key] is not None else msg.get(key)
        msg["flags"] = msg.get("flags", 0) & ~(1 << 7)
        msg["edited_timestamp"] = msg["timestamp"]

    def _find_message(self, message_id: str | int) -> dict[str, Any] | None:
        mid = str(message_id)
        return next((m for m in self._messages if m["id"] == mid and not m.get("_deleted")), None)

    def _channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        cid = str(channel_id)
        return [m for m in self._messages if m["channel_id"] == cid and not m.get("_deleted")]

    def messages(
        self, channel: Channel | int, *, include_interaction_responses: bool = False
    ) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first, as created/edited (incl. allowed_mentions)."""
        return [
            m
            for m in self._channel_messages(_id(channel))
            if m["_via"] == "rest" or include_interaction_responses
        ]

    def dm_messages(self, user: User | int) -> list[dict[str, Any]]:
        channel = self._dms.get(_id(user))
        return [] if channel is None else self.messages(channel)

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self, method: str, path_regex: str, status: int, json: Any = None, count: int = 1
    ) -> None:
        """Answer the next `count` matching requests (path without /api/v10) with `status`."""
        self._fail_rules.append(
            _FailRule(method.upper(), re.compile(path_regex), status, json, count)
        )

    def delay_next(self, method: str, path_regex: str, seconds: float, count: int = 1) -> None:
        """Handle the next `count` matching requests, then hold each response for `seconds`:
        Discord has acted but the client hasn't heard (e.g. to kill it in between)."""
        self._delay_rules.append(_DelayRule(method.upper(), re.compile(path_regex), seconds, count))

    async def drop_gateway(self, shard: int | None = None) -> None:
        """Abort the gateway connections (of one shard, or all): the bot RESUMEs."""
        await self.gateway.drop(shard)

    async def invalidate_session(self, shard: int | None = None) -> None:
        await self.gateway.invalidate(shard)

    async def request_reconnect(self, shard: int | None = None) -> None:
        await self.gateway.send_op(RECONNECT, None, shard)

    # -- verdicts for tests ------------------------------------------------------------------

    def assert_clean(self) -> None:
        """Fail if the bot sent anything Discord would have rejected as malformed or unknown."""
        lines = [
            f"schema error: {e['method']} {e['path']}: {e['errors']}" for e in self.schema_errors
        ]
        lines += [f"unknown route: {r}" for r in self.unknown_routes]
        lines += self.problems
        if lines:
            raise AssertionError("fake Discord saw problems:\n" + "\n".join(lines))

    # -- REST entry point --------------------------------------------------------------------

    async def _handle_rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        method = request.method
        body: Any = None
        raw = await request.read()
        if raw and request.content_type == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                return self._json(400, {"message": "400: Bad Request", "code": 50109})
        elif raw:
            self.problems.append(f"non-JSON body ({request.content_type}) on {method} {path}")
        query = dict(request.query)
        self.requests.append(RecordedRequest(method, path, body, query, time.monotonic()))
        self.stats["requests"] += 1

        for rule in self._fail_rules:
            if rule.remaining > 0 and rule.method == method and rule.path.search(path):
                rule.remaining -= 1
                self.stats[f"injected_{rule.status}"] += 1
                return self._injected(rule)

        matched = self._routes.match(path)
        handler = self.rest.handlers.get((method, matched[0])) if matched else None
        if matched is None or handler is None:
            why = "not in Discord's API" if matched is None else "not implemented by the fake"
            self.unknown_routes.append(f"{method} {path} ({why})")
            return self._json(404, {"message": "404: Not Found", "code": 0})
        template, params = matched

        is_interaction = template.startswith(("/interactions/", "/webhooks/"))
        if not is_interaction and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._json(401, {"message": "401: Unauthorized", "code": 0})

        major = params.get("channel_id") or params.get("guild_id") or params.get("webhook_id", "")
        verdict = self._limiter.check(method, template, major, counts_global=not is_interaction)
        if verdict.limited:
            self.stats["429"] += 1
            self.stats["429_global" if verdict.is_global else "429_route"] += 1
            headers = {**verdict.headers, "Via": "1.1 google"}
            return self._json(
                429,
                {
                    "message": "You are being rate limited.",
                    "retry_after": verdict.retry_after,
                    "global": verdict.is_global,
                },
                headers,
            )

        if self.validator is not None and body is not None:
            errors = self.validator.validate(method, template, body) or bot_limit_errors(body)
            if errors is not None:
                self.schema_errors.append(
                    {"method": method, "path": path, "body": body, "errors": errors}
                )
                return self._json(
                    400,
                    {"message": "Invalid Form Body", "code": 50035, "errors": errors},
                    verdict.headers,
                )

        status, payload = await handler(Call(method, template, params, query, body))
        for delay in self._delay_rules:
            if delay.remaining > 0 and delay.method == method and delay.path.search(path):
                delay.remaining -= 1
                self.stats["delayed"] += 1
                await asyncio.sleep(delay.seconds)
                break
        return self._json(status, payload, verdict.headers)

    def _injected(self, rule: _FailRule) -> web.Response:
        body = rule.body
        headers: dict[str, str] = {}
        if rule.status == 429:
            body = body or {
                "message": "You are being rate limited.",
                "retry_after": 0.05,
                "global": False,
            }
            headers = {"Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Scope": "user"}
            self.stats["429"] += 1
        elif body is None:
            body = {"message": f"{rule.status}: injected by test", "code": 0}
        return self._json(rule.status, body, headers)

    @staticmethod
    def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> web.Response:
        # Exactly "application/json": discord.py does not parse JSON with a charset suffix.
        if status == 204:
            return web.Response(status=204, headers=headers)
        return web.Response(
            status=status,
            body=json.dumps(payload).encode(),
            headers={**(headers or {}), **JSON_HEADERS},
        )
