"""The command tree, with the one error handler for app-command failures discord.py catches
before our router sees them (permission checks, DMs, option conversion)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.discord_io import send_reply

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class CoachTree(app_commands.CommandTree["CoachBot"]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        router = self.client.router
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.NoPrivateMessage):
            reply = router.error("errors/not_in_server.j2")
        elif isinstance(error, app_commands.CheckFailure):
            reply = router.error("errors/needs_manage_server.j2")
        else:
            log.error(
                "/%s failed (user %s, guild %s)",
                command,
                interaction.user.id,
                interaction.guild_id,
                exc_info=error,
            )
            reply = router.error("errors/internal.j2")
        await send_reply(interaction, reply)
