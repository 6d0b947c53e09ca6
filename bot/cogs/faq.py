"""/faq, /topics and /kb reload for Discord."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import caller_from

if TYPE_CHECKING:
    from bot.app import CoachBot


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
        router = self.bot.router
        await self.bot.respond(
            interaction, router.run("faq", caller_from(interaction), question=question)
        )

    @faq.autocomplete("question")
    async def faq_question(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        choices = await self.bot.router.complete(
            "faq", "question", caller_from(interaction), current
        )
        return [app_commands.Choice(name=c.name, value=c.value) for c in choices]

    @app_commands.command(name="topics", description="Browse every question I can answer")
    async def topics(self, interaction: discord.Interaction) -> None:
        await self.bot.respond(
            interaction,
            self.bot.router.run("topics", caller_from(interaction)),
            likely_ephemeral=True,
        )

    @kb.command(name="reload", description="Re-read the knowledge files")
    async def reload(self, interaction: discord.Interaction) -> None:
        await self.bot.respond(
            interaction,
            self.bot.router.run("kb reload", caller_from(interaction)),
            likely_ephemeral=True,
        )


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Faq(bot))
