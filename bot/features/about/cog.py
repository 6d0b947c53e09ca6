"""/about for Discord."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.cog import FeatureCog
from bot.core.router import handled_by
from bot.features.about import handlers


class AboutCog(FeatureCog):
    @app_commands.command(
        name="about",
        description="What RunClub Coach does, its commands and sources",
        extras=handled_by(handlers.about),
    )
    async def about(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)
