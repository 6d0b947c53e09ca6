"""/settings timezone|admin_channel: per-server defaults for reminders (admins only)."""

from __future__ import annotations

from bot.core.caller import Caller, ChannelRef, UserError, require_manage_guild
from bot.features.reminders.schedule import ScheduleError, parse_timezone
from bot.core.replies import Reply
from bot.core.services import Services


async def timezone(svc: Services, caller: Caller, timezone: str) -> Reply:
    require_manage_guild(caller)
    assert caller.guild_id is not None
    try:
        zone = parse_timezone(timezone, svc.timezones)
    except ScheduleError as exc:
        raise UserError(
            "reminders/error.j2", kind="bad_option", option=exc.field, detail=exc.message
        ) from None
    await svc.guild_settings.set_timezone(caller.guild_id, zone.key)
    return svc.renderer.reply(
        "settings/timezone_set.j2",
        ephemeral=True,
        timezone=zone.key,
        local_now=svc.clock.now().astimezone(zone),
    )


async def admin_channel(svc: Services, caller: Caller, channel: ChannelRef | None = None) -> Reply:
    """Where paused-reminder notices go; without a channel, the setting is cleared."""
    require_manage_guild(caller)
    assert caller.guild_id is not None
    if channel is not None and not (channel.bot_can_view and channel.bot_can_send):
        raise UserError("reminders/error.j2", kind="channel_no_send", channel=channel)
    await svc.guild_settings.set_admin_channel(
        caller.guild_id, channel.id if channel is not None else None
    )
    return svc.renderer.reply("settings/admin_channel_set.j2", ephemeral=True, channel=channel)
