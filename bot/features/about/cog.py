"""/about, button routing and the one app-command error handler."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.discord_io import caller_from, send_reply

if TYPE_CHECKING:
    from bot.core.bot import CoachBot

log = logging.getLogger(__name__)


class Core(commands.Cog):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error

    @app_commands.command(
        name="about", description="What RunClub Coach does, its commands and sources"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        await self.bot.run_command(interaction, "about")

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not self.bot.router.owns(custom_id):
            return
        await self.bot.respond(
            interaction, self.bot.router.press(custom_id, caller_from(interaction))
        )

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.NoPrivateMessage):
            reply = self.bot.router.error("errors/not_in_server.j2")
        elif isinstance(error, app_commands.CheckFailure):
            reply = self.bot.router.error("errors/needs_manage_server.j2")
        else:
            log.error(
                "/%s failed (user %s, guild %s)",
                command,
                interaction.user.id,
                interaction.guild_id,
                exc_info=error,
            )
            reply = self.bot.router.error("errors/internal.j2")
        await send_reply(interaction, reply)


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Core(bot))
