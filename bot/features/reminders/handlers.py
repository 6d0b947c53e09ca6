"""/reminder add|list|edit|pause|resume|remove|preview|test: weekly club posts (admins only)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.core.caller import Caller, ChannelRef, RoleRef, UserError, require_manage_guild
from bot.core.limits import fit
from bot.core.replies import Button, ButtonStyle, Choice, Reply
from bot.core.router import ButtonRoute
from bot.core.services import FeatureContext
from bot.features.faq import KnowledgeStore
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.features.reminders.guild_settings import GuildSettingsRepository
from bot.features.reminders.ports import ChannelDirectory, SendFailure
from bot.features.reminders.post import render_post
from bot.features.reminders.repository import (
    MAX_PER_GUILD,
    NewReminder,
    Reminder,
    ReminderRepository,
    Status,
)
from bot.features.reminders.schedule import (
    ScheduleError,
    Weekday,
    WeeklySchedule,
    parse_date,
    parse_time,
    parse_timezone,
)
from bot.features.reminders.timezones import TimezoneIndex

MESSAGE_MAX = 1000
# What `/reminder edit clear:` can remove (Discord options can't be set back to empty).
CLEARABLE = ("message", "role", "ends_on")
PREVIEW_COUNT = 4


@dataclass(frozen=True)
class RemindersContext(FeatureContext):
    knowledge: KnowledgeStore
    reminders: ReminderRepository
    guild_settings: GuildSettingsRepository
    # Built once at start-up: every autocomplete keystroke reuses it.
    timezones: TimezoneIndex
    # Always there; the cog starts it when the bot serves (not in the console or `coach sync`).
    dispatcher: ReminderDispatcher
    # Saved channels (the admin channel) as the bot sees them now; the cog attaches Discord's.
    channels: ChannelDirectory = field(default_factory=ChannelDirectory)

    async def guild_timezone(self, guild_id: int) -> str | None:
        return (await self.guild_settings.get(guild_id)).timezone

    async def holds_member(self, user_id: int) -> bool:
        """Whether the member created a reminder still linked to them."""
        return await self.reminders.created_by(user_id)

    async def forget_member(self, user_id: int) -> int:
        """Club data a member created (a reminder) stays the club's, but loses the link to who
        created it."""
        return await self.reminders.unlink_creator(user_id)


def _problem(kind: str, **context: Any) -> UserError:
    return UserError("reminders/error.j2", kind=kind, **context)


def _check_channel(channel: ChannelRef) -> None:
    """Refuse before saving, so a reminder never starts life unable to post."""
    if not channel.bot_can_view:
        raise _problem("channel_no_view", channel=channel)
    if not channel.bot_can_send:
        raise _problem("channel_no_send", channel=channel)
    if not channel.bot_can_embed:
        raise _problem("channel_no_embed", channel=channel)


def _check_role(role: RoleRef | None) -> int | None:
    if role is None:
        return None
    if role.is_default:  # @everyone: never, not even when asked
        raise _problem("role_everyone")
    return role.id


def _check_message(message: str | None) -> str | None:
    if message is None or not message.strip():
        return None
    if len(message) > MESSAGE_MAX:
        raise _problem("message_too_long", limit=MESSAGE_MAX)
    return message.strip()


def _schedule(
    ctx: RemindersContext,
    weekday: str,
    time: str,
    tz: str,
    ends_on: date | str | None,
    *,
    saved_tz: bool = False,
) -> WeeklySchedule:
    """`saved_tz`: the reminder's own zone, kept as it is (one saved before zones were checked
    for being places, such as EST, keeps working when its other options change)."""
    try:
        if saved_tz:
            schedule = WeeklySchedule(Weekday.parse(weekday), parse_time(time), tz)
        else:
            schedule = WeeklySchedule.parse(weekday, time, tz, index=ctx.timezones)
        if isinstance(ends_on, str):
            ends_on = parse_date(ends_on)
    except ScheduleError as exc:
        raise _problem("bad_option", option=exc.field, detail=exc.message) from None
    schedule = replace(schedule, ends_on=ends_on)
    today = schedule.local(ctx.clock.now()).date()
    if ends_on is not None and ends_on < today:
        raise _problem("ends_in_past", ends_on=ends_on)
    return schedule


def _saved(ctx: RemindersContext, template: str, reminder: Reminder, role: RoleRef | None) -> Reply:
    """After an add or edit: wake the dispatcher and confirm, warning if the role can't ping."""
    ctx.dispatcher.wake()
    return ctx.renderer.reply(
        template,
        ephemeral=True,
        unpingable=role if role is not None and not role.pingable else None,
        reminder=reminder,
        weekday=reminder.weekday.label,
        next_post=_next_post(ctx, reminder),
    )


async def _own(ctx: RemindersContext, caller: Caller, reminder_id: int) -> Reminder:
    """The reminder if it belongs to the caller's server; other servers' ids don't exist here."""
    guild_id = require_manage_guild(caller)
    reminder = await ctx.reminders.get(reminder_id, guild_id)
    if reminder is None:
        raise _problem("unknown_id", id=reminder_id)
    return reminder


def _next_post(ctx: RemindersContext, reminder: Reminder) -> datetime | None:
    if reminder.status is not Status.ACTIVE:
        return None
    return reminder.schedule.next_after(max(ctx.clock.now(), reminder.anchor_utc))


async def reminder_add(
    ctx: RemindersContext,
    caller: Caller,
    channel: ChannelRef,
    weekday: str,
    time: str,
    timezone: str | None = None,
    message: str | None = None,
    role: RoleRef | None = None,
    ends_on: str | None = None,
) -> Reply:
    guild_id = require_manage_guild(caller)
    if await ctx.reminders.count_guild(guild_id) >= MAX_PER_GUILD:
        raise _problem("too_many", limit=MAX_PER_GUILD)
    if timezone is None or not timezone.strip():
        timezone = (await ctx.guild_settings.get(guild_id)).timezone
        timezone = timezone or ctx.settings.default_timezone
        try:
            parse_timezone(timezone, ctx.timezones)
        except ScheduleError as exc:  # saved before zones were checked, or DEFAULT_TIMEZONE
            raise _problem("server_timezone", timezone=timezone, detail=exc.message) from None
    schedule = _schedule(ctx, weekday, time, timezone, ends_on)
    role_id = _check_role(role)
    text = _check_message(message)
    _check_channel(channel)
    reminder = await ctx.reminders.add(
        NewReminder(
            guild_id=guild_id,
            channel_id=channel.id,
            weekday=schedule.weekday,
            time=schedule.at.strftime("%H:%M"),
            tz=schedule.tz,
            message=text,
            role_id=role_id,
            ends_on=schedule.ends_on,
            created_by=caller.user_id,
        ),
        ctx.clock.now(),
        limit=MAX_PER_GUILD,
    )
    if reminder is None:  # another admin filled the last slot meanwhile
        raise _problem("too_many", limit=MAX_PER_GUILD)
    return _saved(ctx, "reminders/added.j2", reminder, role)


async def reminder_list(ctx: RemindersContext, caller: Caller) -> Reply:
    guild_id = require_manage_guild(caller)
    reminders = await ctx.reminders.list_guild(guild_id)
    history = await ctx.reminders.history([r.id for r in reminders])
    rows = [
        {
            "reminder": r,
            "weekday": r.weekday.label,
            "next_post": _next_post(ctx, r),
            "last": history[r.id].last if r.id in history else None,
            "missed": history[r.id].missed if r.id in history else 0,
        }
        for r in reminders
    ]
    notices = [r for r in reminders if r.status is Status.PAUSED and r.notice_pending]
    return ctx.renderer.reply(
        "reminders/list.j2", ephemeral=True, rows=rows, notices=notices, limit=MAX_PER_GUILD
    )


async def reminder_edit(
    ctx: RemindersContext,
    caller: Caller,
    id: int,  # the Discord option is called "id"
    channel: ChannelRef | None = None,
    weekday: str | None = None,
    time: str | None = None,
    timezone: str | None = None,
    message: str | None = None,
    role: RoleRef | None = None,
    ends_on: str | None = None,
    clear: str | None = None,
) -> Reply:
    reminder = await _own(ctx, caller, id)
    if clear not in (None, *CLEARABLE):
        raise _problem("nothing_to_edit")
    given = {"message": message, "role": role, "ends_on": ends_on}
    if clear is not None and given[clear] is not None:
        raise _problem("set_and_clear", option=clear)
    changes: dict[str, Any] = {}
    if clear == "message":
        changes["message"] = None
    elif clear == "role":
        changes["role_id"] = None
    if any(v is not None for v in (weekday, time, timezone, ends_on)) or clear == "ends_on":
        keep_end = None if clear == "ends_on" else reminder.ends_on
        schedule = _schedule(
            ctx,
            weekday or reminder.weekday.label,
            time or reminder.time,
            timezone or reminder.tz,
            ends_on if ends_on is not None else keep_end,
            saved_tz=timezone is None,
        )
        changes.update(
            weekday=schedule.weekday,
            time=schedule.at.strftime("%H:%M"),
            tz=schedule.tz,
            ends_on=schedule.ends_on,
        )
    if channel is not None:
        _check_channel(channel)
        changes["channel_id"] = channel.id
    if role is not None:
        changes["role_id"] = _check_role(role)
    if message is not None:
        changes["message"] = _check_message(message)
    if not changes:
        raise _problem("nothing_to_edit")
    updated = await ctx.reminders.update(reminder.id, ctx.clock.now(), **changes)
    return _saved(ctx, "reminders/edited.j2", updated, role)


async def reminder_pause(ctx: RemindersContext, caller: Caller, id: int) -> Reply:
    reminder = await _own(ctx, caller, id)
    if reminder.status is Status.PAUSED:
        raise _problem("already_paused", id=id)
    await ctx.reminders.pause(reminder.id, "by_admin", ctx.clock.now())
    ctx.dispatcher.wake()
    return ctx.renderer.reply("reminders/paused.j2", ephemeral=True, reminder=reminder)


async def reminder_resume(ctx: RemindersContext, caller: Caller, id: int) -> Reply:
    reminder = await _own(ctx, caller, id)
    if reminder.status is Status.ACTIVE:
        raise _problem("already_active", id=id)
    if reminder.schedule.next_after(ctx.clock.now()) is None:
        raise _problem("season_over", id=id, ends_on=reminder.ends_on)
    await ctx.reminders.resume(reminder.id, ctx.clock.now())
    resumed = await _own(ctx, caller, id)
    ctx.dispatcher.wake()
    return ctx.renderer.reply(
        "reminders/resumed.j2",
        ephemeral=True,
        reminder=resumed,
        next_post=_next_post(ctx, resumed),
    )


async def reminder_remove(ctx: RemindersContext, caller: Caller, id: int) -> Reply:
    reminder = await _own(ctx, caller, id)
    buttons = (
        Button(REMOVE.custom_id("remove", reminder.id), "Remove it", ButtonStyle.DANGER),
        Button(REMOVE.custom_id("keep", reminder.id), "Keep it", ButtonStyle.SECONDARY),
    )
    return ctx.renderer.reply(
        "reminders/remove_confirm.j2",
        ephemeral=True,
        buttons=buttons,
        reminder=reminder,
        weekday=reminder.weekday.label,
    )


async def press_remove(
    ctx: RemindersContext, caller: Caller, action: str, reminder_id: int
) -> Reply:
    """The confirm/keep buttons under /reminder remove."""
    reminder = await _own(ctx, caller, reminder_id)
    removed = False
    if action == "remove":
        removed = await ctx.reminders.remove(reminder.id)
        ctx.dispatcher.wake()
    return ctx.renderer.reply(
        "reminders/removed.j2",
        ephemeral=True,
        edit_original=True,
        reminder=reminder,
        removed=removed,
    )


async def reminder_preview(ctx: RemindersContext, caller: Caller, id: int) -> Reply:
    reminder = await _own(ctx, caller, id)
    after = max(ctx.clock.now(), reminder.anchor_utc)
    upcoming = reminder.schedule.occurrences(after, PREVIEW_COUNT)
    due = upcoming[0] if upcoming else ctx.clock.now()
    post = render_post(ctx.renderer, ctx.knowledge.kb, reminder, due, ephemeral=True)
    header = ctx.renderer.text(
        "reminders/preview_header.j2",
        reminder=reminder,
        upcoming=upcoming,
        zone=reminder.schedule.zone,
    )
    # The post as members will see it, under a header only the admin sees; no button to press.
    return fit(replace(post, content=f"{header}\n\n{post.content}", buttons=()))


async def reminder_test(ctx: RemindersContext, caller: Caller, id: int) -> Reply:
    reminder = await _own(ctx, caller, id)
    if not ctx.dispatcher.running:
        raise _problem("not_connected")
    try:
        message_id = await ctx.dispatcher.post_test(reminder)
    except SendFailure as failure:
        raise _problem(
            "test_failed", reminder=reminder, status=failure.status, code=failure.code
        ) from None
    return ctx.renderer.reply(
        "reminders/tested.j2", ephemeral=True, reminder=reminder, message_id=message_id
    )


async def complete_timezone(ctx: RemindersContext, caller: Caller, text: str) -> list[Choice]:
    return [Choice(name, name) for name in ctx.timezones.suggest(text, 25)]


def weekday_choices() -> list[tuple[str, str]]:
    """(label, value) pairs for the cog's weekday choice."""
    return [(day.label, day.short.lower()) for day in Weekday]


async def bot_removed(ctx: RemindersContext, guild_id: int) -> int:
    """The bot left or was kicked from a server: its reminders stop (paused, kept, resumable)."""
    count = await ctx.reminders.pause_guild(guild_id, "bot_removed", ctx.clock.now())
    ctx.dispatcher.wake()
    return count


# ASCII digits only ("²".isdigit() is True), and few enough to fit SQLite's integers.
REMOVE = ButtonRoute(
    "reminder", r"(?P<action>remove|keep):(?P<reminder_id>[0-9]{1,18})", press_remove
)
