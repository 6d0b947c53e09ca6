"""/faq, /topics and /kb reload for Discord."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

if TYPE_CHECKING:
    from bot.core.bot import CoachBot


class Faq(commands.Cog):
    kb = app_commands.Group(
        name="kb",
        description="Manage the knowledge base",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    @app_commands.command(name="faq", description="Ask a question about running and muscle")
    @app_commands.describe(question="Your question, e.g. do hill sprints build muscle?")
    async def faq(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        await self.bot.run_command(interaction, "faq", question=question)

    @faq.autocomplete("question")
    async def faq_question(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.bot.complete(interaction, "faq", "question", current)

    @app_commands.command(name="topics", description="Browse every question I can answer")
    async def topics(self, interaction: discord.Interaction) -> None:
        await self.bot.run_command(interaction, "topics", likely_ephemeral=True)

    @kb.command(name="reload", description="Re-read the knowledge files")
    async def reload(self, interaction: discord.Interaction) -> None:
        await self.bot.run_command(interaction, "kb reload", likely_ephemeral=True)


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Faq(bot))
