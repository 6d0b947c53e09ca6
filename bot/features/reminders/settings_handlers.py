"""/settings timezone|admin_channel: per-server defaults for reminders (admins only)."""

from __future__ import annotations

from bot.core.caller import Caller, ChannelRef, UserError, require_manage_guild
from bot.core.replies import Reply
from bot.features.reminders.handlers import RemindersContext
from bot.features.reminders.schedule import ScheduleError, parse_timezone


async def settings_timezone(ctx: RemindersContext, caller: Caller, timezone: str) -> Reply:
    guild_id = require_manage_guild(caller)
    try:
        zone = parse_timezone(timezone, ctx.timezones)
    except ScheduleError as exc:
        raise UserError(
            "reminders/error.j2", kind="bad_option", option=exc.field, detail=exc.message
        ) from None
    await ctx.guild_settings.set_timezone(guild_id, zone.key)
    return ctx.renderer.reply(
        "reminders/settings/timezone_set.j2",
        ephemeral=True,
        timezone=zone.key,
        local_now=ctx.clock.now().astimezone(zone),
    )


async def settings_admin_channel(
    ctx: RemindersContext, caller: Caller, channel: ChannelRef | None = None
) -> Reply:
    """Where paused-reminder notices go; without a channel, the setting is cleared."""
    guild_id = require_manage_guild(caller)
    if channel is not None and not (channel.bot_can_view and channel.bot_can_send):
        raise UserError("reminders/error.j2", kind="channel_no_send", channel=channel)
    await ctx.guild_settings.set_admin_channel(
        guild_id, channel.id if channel is not None else None
    )
    return ctx.renderer.reply(
        "reminders/settings/admin_channel_set.j2", ephemeral=True, channel=channel
    )
