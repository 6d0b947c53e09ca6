"""/reminder and /settings for Discord: thin adapters over bot.features.reminders.handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.features.reminders.handlers import MESSAGE_MAX, bot_removed, weekday_choices

if TYPE_CHECKING:
    from bot.core.bot import CoachBot

ADMIN = discord.Permissions(manage_guild=True)
WEEKDAYS = [app_commands.Choice(name=label, value=value) for label, value in weekday_choices()]
CLEAR_CHOICES = [
    app_commands.Choice(name="the message", value="message"),
    app_commands.Choice(name="the role ping", value="role"),
    app_commands.Choice(name="the end date (post every week)", value="ends_on"),
]
Time = app_commands.Range[str, 4, 5]
Message = app_commands.Range[str, 1, MESSAGE_MAX]
Date = app_commands.Range[str, 10, 10]
ReminderId = app_commands.Range[int, 1, 2_000_000_000]  # far above any real id; fits SQLite


class Reminders(commands.Cog):
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

    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    async def _run(self, interaction: discord.Interaction, name: str, **options: Any) -> None:
        await self.bot.run_command(interaction, name, likely_ephemeral=True, **options)

    async def _timezones(
        self, interaction: discord.Interaction, name: str, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.bot.complete(interaction, name, "timezone", current)

    @reminder.command(name="add", description="Post to a channel every week")
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
    async def add(
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
        await self._run(
            interaction,
            "reminder add",
            channel=channel,
            weekday=weekday,
            time=time,
            timezone=timezone,
            message=message,
            role=role,
            ends_on=ends_on,
        )

    @add.autocomplete("timezone")
    async def add_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._timezones(interaction, "reminder add", current)

    @reminder.command(name="list", description="This server's reminders, next posts and status")
    async def list_(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, "reminder list")

    @reminder.command(name="edit", description="Change a reminder")
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
    async def edit(
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
        await self._run(
            interaction,
            "reminder edit",
            id=id,
            channel=channel,
            weekday=weekday,
            time=time,
            timezone=timezone,
            message=message,
            role=role,
            ends_on=ends_on,
            clear=clear,
        )

    @edit.autocomplete("timezone")
    async def edit_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._timezones(interaction, "reminder edit", current)

    @reminder.command(name="pause", description="Stop posting a reminder until resumed")
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def pause(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self._run(interaction, "reminder pause", id=id)

    @reminder.command(name="resume", description="Start posting a paused reminder again")
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def resume(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self._run(interaction, "reminder resume", id=id)

    @reminder.command(name="remove", description="Delete a reminder (asks to confirm)")
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def remove(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self._run(interaction, "reminder remove", id=id)

    @reminder.command(name="preview", description="See the post and its next 4 times")
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def preview(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self._run(interaction, "reminder preview", id=id)

    @reminder.command(name="test", description="Post a reminder now, outside its schedule")
    @app_commands.describe(id="The reminder's id (see /reminder list)")
    async def test(self, interaction: discord.Interaction, id: ReminderId) -> None:
        await self._run(interaction, "reminder test", id=id)

    @settings.command(name="timezone", description="The server's default timezone for reminders")
    @app_commands.describe(timezone="IANA timezone, e.g. Europe/London")
    async def timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        await self._run(interaction, "settings timezone", timezone=timezone)

    @timezone.autocomplete("timezone")
    async def settings_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._timezones(interaction, "settings timezone", current)

    @settings.command(name="admin_channel", description="Where to tell admins about problems")
    @app_commands.describe(channel="The admins' channel (leave out to clear)")
    async def admin_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self._run(interaction, "settings admin_channel", channel=channel)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Removed from the server (not an outage: that is on_guild_unavailable): stop posting.
        await bot_removed(self.bot.services, guild.id)


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Reminders(bot))
