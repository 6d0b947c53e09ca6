"""/faq, /topics and /kb (reload, and the server's club entries: add, edit, remove, list) for
Discord."""

from __future__ import annotations

import asyncio
import contextlib

import discord
from discord import app_commands

from bot.core.cog import FeatureCog
from bot.core.router import handled_by
from bot.features.faq import club_handlers, handlers, insights_handlers
from bot.features.faq.handlers import FaqContext

EntryId = app_commands.Range[int, 1, 2_000_000_000]  # far above any real id; fits SQLite
GapDays = app_commands.Range[int, 1, insights_handlers.MAX_DAYS]


class FaqCog(FeatureCog):
    context: FaqContext
    buttons = (
        handlers.ENTRY,
        handlers.TOPICS_PAGE,
        club_handlers.REMOVE,
        club_handlers.LIST_PAGE,
        insights_handlers.VOTE,
        insights_handlers.ADD_FROM_GAP,
    )
    modals = (club_handlers.ADD_FORM, club_handlers.EDIT_FORM)
    _warming: asyncio.Task[None] | None = None

    kb = app_commands.Group(
        name="kb",
        description="Manage the knowledge base",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    async def cog_load(self) -> None:
        # Each server's club entries are embedded in the background, so no member's first
        # question waits for it (only when the bot serves: not in the console or `coach sync`).
        if self.bot.serving:
            self._warming = asyncio.create_task(self.context.club.warm())
            self.context.cleaner.start()  # deletes what is past UNANSWERED_RETENTION_DAYS

    async def cog_unload(self) -> None:
        await self.context.cleaner.stop()
        if self._warming is not None:
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._warming

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

    @kb.command(
        name="add",
        description="Add a club answer: a question your members ask, and its answer",
        extras=handled_by(club_handlers.kb_add, ephemeral=True),
    )
    async def club_add(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)

    @kb.command(
        name="edit",
        description="Change a club answer",
        extras=handled_by(club_handlers.kb_edit, ephemeral=True),
    )
    @app_commands.describe(id="The club answer's number (see /kb list)")
    async def club_edit(self, interaction: discord.Interaction, id: EntryId) -> None:
        await self.answer(interaction)

    @kb.command(
        name="remove",
        description="Remove a club answer (asks to confirm)",
        extras=handled_by(club_handlers.kb_remove, ephemeral=True),
    )
    @app_commands.describe(id="The club answer's number (see /kb list)")
    async def club_remove(self, interaction: discord.Interaction, id: EntryId) -> None:
        await self.answer(interaction)

    @kb.command(
        name="list",
        description="This server's club answers",
        extras=handled_by(club_handlers.kb_list, ephemeral=True),
    )
    async def club_list(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)

    @kb.command(
        name="gaps",
        description="Questions /faq couldn't answer, and answers marked not helpful",
        extras=handled_by(insights_handlers.kb_gaps, ephemeral=True),
    )
    @app_commands.describe(days="How many days back to look (default 30)")
    async def gaps(self, interaction: discord.Interaction, days: GapDays | None = None) -> None:
        await self.answer(interaction)
