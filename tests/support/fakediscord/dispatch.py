"""Test-side actions that make Discord send the bot interactions: commands, autocomplete,
button clicks, modal submits."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

from .interactions import (
    FakeDiscordError,
    InteractionHandle,
    Resolver,
    build_options,
    interaction_member,
)
from .model import Channel, Guild, User, channel_permissions
from .payloads import channel_json, user_json

if TYPE_CHECKING:
    from .server import FakeDiscord

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


def _id(obj: Any) -> int:
    return int(getattr(obj, "id", obj))


class InteractionsMixin:
    """Mixed into FakeDiscord; kept apart so each file reads in one sitting."""

    def _find_command(self: FakeDiscord, guild: Guild | None, name: str) -> dict[str, Any]:
        scopes: list[int | str] = ([guild.id] if guild else []) + ["global"]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        raise FakeDiscordError(f"command /{name} was never synced (syncs: {self.command_syncs})")

    async def _dispatch_interaction(
        self: FakeDiscord,
        kind: int,
        guild: Guild | int | None,
        channel: Channel | int,
        user: User | int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
        timeout: float = 10.0,
    ) -> InteractionHandle:
        # Interactions sent while the bot has no valid session would be lost; wait for one on
        # the server's shard (shard 0 for DMs).
        shard = self.shard_of(guild)
        await self.wait_until(
            lambda: self.gateway.session_valid(shard),
            timeout,
            f"a gateway session on shard {shard} to dispatch an interaction on",
        )
        ch = self.channels[_id(channel)]
        who = self.users[_id(user)]
        g = self.guilds[_id(guild)] if guild is not None else None
        handle_id = self.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(handle_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel": channel_json(ch),
            "channel_id": str(ch.id),
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if g is not None:
            bot_perms = channel_permissions(g, ch, self.bot_user_id)
            payload["channel"]["permissions"] = str(bot_perms)
            payload.update(
                guild_id=str(g.id),
                guild={"id": str(g.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=interaction_member(g, ch, who),
                app_permissions=str(bot_perms),
                authorizing_integration_owners={"0": str(g.id)},
                context=0,
            )
        else:
            payload.update(
                user=user_json(who),
                app_permissions="0",
                authorizing_integration_owners={"1": str(who.id)},
                context=1,
            )
        if message is not None:
            payload["message"] = self.public(message)
        handle = InteractionHandle(
            id=handle_id,
            token=token,
            type=kind,
            payload=payload,
            dispatched_at=time.monotonic(),
            _wait=lambda pred, t, what: self.wait_until(pred, t, what),
        )
        self.interactions[handle_id] = handle
        self.interactions_by_token[token] = handle
        await self.gateway.dispatch("INTERACTION_CREATE", payload, shard=shard)
        return handle

    def _command_data(
        self: FakeDiscord,
        guild: Guild | int | None,
        user: User | int,
        command: str,
        options: dict[str, Any] | None,
        focused: str | None,
    ) -> dict[str, Any]:
        g = self.guilds[_id(guild)] if guild is not None else None
        name, *path = command.split()
        cmd = self._find_command(g, name)
        resolver = Resolver(g or next(iter(self.guilds.values())), self.users, self.bot_user_id)
        opts = build_options(cmd, path, options or {}, resolver, focused)
        data: dict[str, Any] = {"id": cmd["id"], "name": name, "type": 1, "options": opts}
        if resolver.resolved:
            data["resolved"] = resolver.resolved
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return data

    async def invoke(
        self: FakeDiscord,
        guild: Guild | int | None,
        channel: Channel | int,
        user: User | int,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Run a slash command: `command` is "name [group] [subcommand]" as the user types it."""
        data = self._command_data(guild, user, command, options, None)
        return await self._dispatch_interaction(
            APPLICATION_COMMAND, guild, channel, user, data, locale=locale
        )

    async def autocomplete(
        self: FakeDiscord,
        guild: Guild | int | None,
        channel: Channel | int,
        user: User | int,
        command: str,
        options: dict[str, Any],
        *,
        focused: str,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """Send an autocomplete interaction and return the choices the bot answered with."""
        data = self._command_data(guild, user, command, options, focused)
        handle = await self._dispatch_interaction(AUTOCOMPLETE, guild, channel, user, data)
        response = await handle.response(timeout)
        return list(response.get("data", {}).get("choices", []))

    async def click(
        self: FakeDiscord,
        message: dict[str, Any],
        custom_id: str,
        user: User | int,
        *,
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> InteractionHandle:
        """Press a button (or pick select `values`) on a message the bot sent."""
        found = [
            c
            for row in message.get("components", [])
            for c in row.get("components", [])
            if c.get("custom_id") == custom_id
        ]
        if not found:
            raise FakeDiscordError(f"no component {custom_id!r} on message {message['id']}")
        channel = self.channels[int(message["channel_id"])]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        return await self._dispatch_interaction(
            COMPONENT, channel.guild_id, channel, user, data, message=message
        )

    async def submit_modal(
        self: FakeDiscord,
        guild: Guild | int | None,
        channel: Channel | int,
        user: User | int,
        custom_id: str,
        fields: dict[str, str],
    ) -> InteractionHandle:
        """Submit a modal (text inputs keyed by their custom_id)."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        return await self._dispatch_interaction(MODAL_SUBMIT, guild, channel, user, data)
