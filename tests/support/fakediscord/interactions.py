"""Interaction payloads sent to the bot, and the handle tests use to read what it answered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import Channel, Guild, Member, Role, User, base_permissions, channel_permissions
from .payloads import member_json, resolved_channel_json, role_json, user_json

# Option types (Discord's ApplicationCommandOptionType).
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class FakeDiscordError(AssertionError):
    """A test used the fake wrongly, or the bot did not answer as expected."""


@dataclass
class InteractionHandle:
    """What the test holds after dispatching an interaction."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    dispatched_at: float
    _wait: Callable[..., Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_message: dict[str, Any] | None = None
    original_deleted: bool = False
    original_edits: int = 0
    followups: list[dict[str, Any]] = field(default_factory=list)
    # Set when the callback is an update (type 7) of the message the component is on.
    updated_message: dict[str, Any] | None = None
    # Set with the first callback: waiting on it costs nothing per other interaction (the
    # fake's general wait_until wakes every waiter on every change, too slow under load).
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def responded(self) -> bool:
        return bool(self.callbacks)

    async def response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The initial callback body ({"type": ..., "data": ...})."""
        if not self.callbacks:
            try:
                await asyncio.wait_for(self.answered.wait(), timeout)
            except TimeoutError:
                raise FakeDiscordError(
                    f"timed out after {timeout}s: no callback for interaction {self.id}"
                ) from None
        return self.callbacks[0]

    async def original(self, timeout: float = 5.0) -> dict[str, Any]:
        """The original response message once it has content (after a defer, after the edit)."""

        def ready() -> bool:
            msg = self.original_message
            return msg is not None and not (msg.get("flags", 0) & LOADING)

        await self._wait(ready, timeout, f"no original response for interaction {self.id}")
        assert self.original_message is not None
        return self.original_message

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        await self._wait(
            lambda: len(self.followups) >= count, timeout, f"fewer than {count} followups"
        )
        return self.followups


def interaction_member(guild: Guild, channel: Channel, user: User) -> dict[str, Any]:
    member = guild.members.get(user.id) or Member(user=user)
    data = member_json(member)
    data["permissions"] = str(channel_permissions(guild, channel, user.id))
    return data


def _command_options_spec(command: dict[str, Any], path: list[str]) -> tuple[list[Any], list[Any]]:
    """Walk subcommand groups; return (nesting chain of option dicts, leaf option specs)."""
    chain: list[Any] = []
    options = command.get("options", [])
    for name in path:
        sub = next(
            (o for o in options if o["name"] == name and o["type"] in (1, 2)),
            None,
        )
        if sub is None:
            raise FakeDiscordError(f"command {command['name']!r} has no subcommand {name!r}")
        chain.append(sub)
        options = sub.get("options", [])
    return chain, options


def _ref_id(value: Any) -> int:
    if isinstance(value, User | Channel | Role | Guild):
        return value.id
    return int(value)


@dataclass
class Resolver:
    guild: Guild
    users: dict[int, User]
    bot_user_id: int
    resolved: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, opt_type: int, value: Any) -> str:
        ref = _ref_id(value)
        if opt_type == MENTIONABLE:
            opt_type = ROLE if ref in self.guild.roles else USER
        if opt_type == USER:
            user = self.users.get(ref)
            if user is None:
                raise FakeDiscordError(f"unknown user {ref}")
            self.resolved.setdefault("users", {})[str(ref)] = user_json(user)
            member = self.guild.members.get(ref)
            if member is not None:
                data = member_json(member, with_user=False)
                data["permissions"] = str(base_permissions(self.guild, ref))
                self.resolved.setdefault("members", {})[str(ref)] = data
        elif opt_type == ROLE:
            self.resolved.setdefault("roles", {})[str(ref)] = role_json(self.guild.roles[ref])
        elif opt_type == CHANNEL:
            channel = self.guild.channels[ref]
            self.resolved.setdefault("channels", {})[str(ref)] = resolved_channel_json(
                self.guild, channel, self.bot_user_id
            )
        return str(ref)


def build_options(
    command: dict[str, Any],
    path: list[str],
    values: dict[str, Any],
    resolver: Resolver,
    focused: str | None,
) -> list[dict[str, Any]]:
    chain, specs = _command_options_spec(command, path)
    by_name = {o["name"]: o for o in specs}
    leaf: list[dict[str, Any]] = []
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            raise FakeDiscordError(f"option {name!r} not in command {command['name']!r} {path}")
        opt_type = spec["type"]
        option: dict[str, Any] = {"name": name, "type": opt_type}
        if name == focused:
            option["value"] = str(value)  # autocomplete sends the raw text typed so far
            option["focused"] = True
        elif opt_type in (USER, CHANNEL, ROLE, MENTIONABLE):
            option["value"] = resolver.add(opt_type, value)
        else:
            option["value"] = value
        leaf.append(option)
    missing = [
        o["name"] for o in specs if o.get("required") and o["name"] not in values and not focused
    ]
    if missing:
        raise FakeDiscordError(f"required options missing: {missing}")
    options = leaf
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    return options
