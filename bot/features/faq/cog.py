"""/faq, /topics and /kb reload for Discord."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.cog import FeatureCog
from bot.core.router import handled_by
from bot.features.faq import handlers


class FaqCog(FeatureCog):
    buttons = (handlers.ENTRY, handlers.TOPICS_PAGE)

    kb = app_commands.Group(
        name="kb",
        description="Manage the knowledge base",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    @app_commands.command(
        name="faq",
        description="Ask a question about running and muscle",
        extras=handled_by(handlers.faq, complete={"question": handlers.complete_question}),
    )
    @app_commands.describe(question="Your question, e.g. do hill sprints build muscle?")
    async def faq(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        await self.answer(interaction)

    @app_commands.command(
        name="topics",
        description="Browse every question I can answer",
        extras=handled_by(handlers.topics, ephemeral=True),
    )
    async def topics(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)

    @kb.command(
        name="reload",
        description="Re-read the knowledge files",
        extras=handled_by(handlers.kb_reload, ephemeral=True),
    )
    async def reload(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)
