"""Who is asking and where: the transport-free input of every command handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    display_name: str
    guild_id: int | None = None
    channel_id: int | None = None
    can_manage_guild: bool = False


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel option, with what the bot may do there (checked before saving reminders)."""

    id: int
    name: str
    bot_can_view: bool = True
    bot_can_send: bool = True
    bot_can_embed: bool = True


@dataclass(frozen=True, slots=True)
class RoleRef:
    id: int
    name: str
    is_default: bool = False  # @everyone is never pingable through us
    # Discord only pings a role that is mentionable, unless the bot may mention everyone (which
    # it doesn't ask for): a reminder for an unpingable role would post but notify nobody.
    pingable: bool = True


class UserError(Exception):
    """A problem the member can fix: shown to them (ephemeral) from a template, not logged."""

    def __init__(self, template: str, **context: Any) -> None:
        super().__init__(template)
        self.template = template
        self.context = context


class NeedsManageGuild(UserError):
    def __init__(self) -> None:
        super().__init__("errors/needs_manage_server.j2")


class NotInGuild(UserError):
    def __init__(self) -> None:
        super().__init__("errors/not_in_server.j2")


def require_manage_guild(caller: Caller) -> int:
    """The caller's server id, if they may manage it. Discord hides admin commands via
    default_member_permissions; this is the second lock."""
    if caller.guild_id is None:
        raise NotInGuild()
    if not caller.can_manage_guild:
        raise NeedsManageGuild()
    return caller.guild_id
