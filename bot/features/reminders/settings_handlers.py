"""/settings timezone|admin_channel|show: per-server defaults for reminders (admins only)."""

from __future__ import annotations

from bot.core.caller import Caller, ChannelRef, UserError, require_manage_guild
from bot.core.replies import Reply
from bot.features.reminders.handlers import RemindersContext
from bot.features.reminders.ports import ChannelCheck
from bot.features.reminders.repository import MAX_PER_GUILD, Status
from bot.features.reminders.schedule import ScheduleError, parse_timezone
from bot.features.reminders.timezones import not_a_place


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


def _admin_channel_state(ctx: RemindersContext, guild_id: int, channel_id: int | None) -> str:
    """ "none", "ok", "gone", "no_view", "no_send" or "unknown" (the bot can't tell from here)."""
    if channel_id is None:
        return "none"
    check: ChannelCheck | None = ctx.channels.check(guild_id, channel_id)
    if check is None:
        return "unknown"
    if not check.exists or check.ref is None:
        return "gone"
    if not check.ref.bot_can_view:
        return "no_view"
    return "ok" if check.ref.bot_can_send else "no_send"


async def settings_admin_channel(
    ctx: RemindersContext,
    caller: Caller,
    channel: ChannelRef | None = None,
    clear: bool | None = None,
) -> Reply:
    """Where paused-reminder notices go. Without a channel: the current one (`clear:true`
    removes it)."""
    guild_id = require_manage_guild(caller)
    if channel is not None and clear:
        raise UserError("reminders/error.j2", kind="admin_channel_set_and_clear")
    if channel is None and not clear:
        current = (await ctx.guild_settings.get(guild_id)).admin_channel_id
        return ctx.renderer.reply(
            "reminders/settings/admin_channel_current.j2",
            ephemeral=True,
            channel_id=current,
            state=_admin_channel_state(ctx, guild_id, current),
        )
    if channel is not None and not (channel.bot_can_view and channel.bot_can_send):
        raise UserError("reminders/error.j2", kind="channel_no_send", channel=channel)
    await ctx.guild_settings.set_admin_channel(
        guild_id, channel.id if channel is not None else None
    )
    return ctx.renderer.reply(
        "reminders/settings/admin_channel_set.j2", ephemeral=True, channel=channel
    )


async def settings_show(ctx: RemindersContext, caller: Caller) -> Reply:
    """The server's settings and its reminders at a glance."""
    guild_id = require_manage_guild(caller)
    saved = await ctx.guild_settings.get(guild_id)
    timezone = saved.timezone or ctx.settings.default_timezone
    reminders = await ctx.reminders.list_guild(guild_id)
    try:
        local_now = ctx.clock.now().astimezone(parse_timezone(timezone, ctx.timezones))
        timezone_problem = None
    except ScheduleError as exc:  # saved before zones had to be places (EST...)
        local_now = None
        timezone_problem = exc.message
    return ctx.renderer.reply(
        "reminders/settings/show.j2",
        ephemeral=True,
        timezone=timezone,
        timezone_is_default=saved.timezone is None,
        timezone_problem=timezone_problem,
        local_now=local_now,
        admin_channel_id=saved.admin_channel_id,
        admin_state=_admin_channel_state(ctx, guild_id, saved.admin_channel_id),
        count=len(reminders),
        limit=MAX_PER_GUILD,
        paused=[r for r in reminders if r.status is Status.PAUSED],
        not_places=[(r, not_a_place(r.tz)) for r in reminders if not_a_place(r.tz)],
    )
