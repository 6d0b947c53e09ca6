"""/reminder and /settings for Discord, and the reminder dispatcher's lifecycle."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.cog import FeatureCog
from bot.core.router import Completer, Handler, handled_by
from bot.features.reminders import handlers, settings_handlers
from bot.features.reminders.handlers import MESSAGE_MAX, RemindersContext, weekday_choices
from bot.features.reminders.sender import DiscordChannels, DiscordSender

ADMIN = discord.Permissions(manage_guild=True)
WEEKDAYS = [app_commands.Choice(name=label, value=value) for label, value in weekday_choices()]
CLEAR_CHOICES = [
    app_commands.Choice(name="the message", value="message"),
    app_commands.Choice(name="the role ping", value="role"),
    app_commands.Choice(name="the end date (post every week)", value="ends_on"),
]
TIMEZONE = {"timezone": handlers.complete_timezone}  # one autocomplete for every timezone option
Time = app_commands.Range[str, 4, 5]
Message = app_commands.Range[str, 1, MESSAGE_MAX]
Date = app_commands.Range[str, 10, 10]
ReminderId = app_commands.Range[int, 1, 2_000_000_000]  # far above any real id; fits SQLite


def admin_command(handler: Handler, **complete: Completer) -> dict[str, object]:
    return handled_by(handler, ephemeral=True, complete=complete)


class RemindersCog(FeatureCog):
    context: RemindersContext
    buttons = (handlers.REMOVE,)

    reminder = app_commands.Group(
        name="reminder",
        description="Weekly training posts for this server (admins)",
        default_permissions=ADMIN,
        guild_only=True,
    )
    settings = app_commands.Group(
        name="settings",
        description="Server settings for reminders (admins)",
        default_permissions=ADMIN,
        guild_only=True,
    )

    async def cog_load(self) -> None:
        self.context.channels.attach(DiscordChannels(self.bot))
        # Posts go over HTTP, so a gateway outage doesn't hold them up.
        if self.bot.serving:
            self.context.dispatcher.start(DiscordSender(self.bot))

    async def cog_unload(self) -> None:
        self.context.channels.attach(None)
        await self.context.dispatcher.stop()

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Removed from the server (not an outage: that is on_guild_unavailable): stop posting.
        await handlers.bot_removed(self.context, guild.id)

    @reminder.command(
        name="add",
        description="Post to a channel every week",
        extras=admin_command(handlers.reminder_add, **TIMEZONE),
    )
    @app_commands.describe(
        channel="Where to post",
        weekday="Day of the week",
        time="Local time, 24-hour HH:MM (e.g. 18:30)",
        timezone="IANA timezone, e.g. Europe/London (default: the server's)",
        message="Your text at the top of the post",
        role="A role to ping (the only mention the post makes)",
        ends_on="Last date to post, YYYY-MM-DD (season end)",
    )
    @app_commands.choices(weekday=WEEKDAYS)
    async def reminder_add(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        weekday: str,
        time: Time,
        timezone: str | None = None,
        message: Message | None = None,
        role: discord.Role | None = None,
        ends_on: Date | None = None,
    ) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="list",
        description="This server's reminders, next posts and status",
        extras=admin_command(handlers.reminder_list),
    )
    async def reminder_list(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="edit",
        description="Change a reminder",
        extras=admin_command(handlers.reminder_edit, **TIMEZONE),
    )
    @app_commands.describe(
        id="The reminder's id (see /reminder list)",
        channel="Post here instead",
        weekday="New day of the week",
        time="New local time, HH:MM",
        timezone="New IANA timezone",
        message="New text at the top of the post",
        role="Ping this role instead",
        ends_on="New last date, YYYY-MM-DD",
        clear="Remove the message, the role ping or the end date",
    )
    @app_commands.choices(weekday=WEEKDAYS, clear=CLEAR_CHOICES)
    async def reminder_edit(
        self,
        interaction: discord.Interaction,
        id: ReminderId,
        channel: discord.TextChannel | None = None,
        weekday: str | None = None,
        time: Time | None = None,
        timezone: str | None = None,
        message: Message | None = None,
        role: discord.Role | None = None,
        ends_on: Date | None = None,
        clear: str | None = None,
    ) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="pause",
        description="Stop posting a reminder until resumed",
        extras=admin_command(handlers.reminder_pause),
    )
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def reminder_pause(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="resume",
        description="Start posting a paused reminder again",
        extras=admin_command(handlers.reminder_resume),
    )
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def reminder_resume(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="remove",
        description="Delete a reminder (asks to confirm)",
        extras=admin_command(handlers.reminder_remove),
    )
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def reminder_remove(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="preview",
        description="See the post and its next 4 times",
        extras=admin_command(handlers.reminder_preview),
    )
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def reminder_preview(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self.answer(interaction)

    @reminder.command(
        name="test",
        description="Post a reminder now, outside its schedule",
        extras=admin_command(handlers.reminder_test),
    )
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def reminder_test(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self.answer(interaction)

    @settings.command(
        name="timezone",
        description="The server's default timezone for reminders",
        extras=admin_command(settings_handlers.settings_timezone, **TIMEZONE),
    )
    @app_commands.describe(timezone="IANA timezone, e.g. Europe/London")
    async def settings_timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        await self.answer(interaction)

    @settings.command(
        name="admin_channel",
        description="Where to tell admins about problems (leave out to see the current one)",
        extras=admin_command(settings_handlers.settings_admin_channel),
    )
    @app_commands.describe(
        channel="The admins' channel (leave out to see the current one)",
        clear="True: stop telling admins in a channel",
    )
    async def settings_admin_channel(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        clear: bool | None = None,
    ) -> None:
        await self.answer(interaction)

    @settings.command(
        name="show",
        description="This server's timezone, admin channel and reminders",
        extras=admin_command(settings_handlers.settings_show),
    )
    async def settings_show(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)
