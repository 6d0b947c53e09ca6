"""The base of every feature's cog: its commands, its buttons and its handlers' context.

A feature's cog declares each slash command once, naming the handler in the decorator's `extras`
(`handled_by`); every callback body is the same one line, `await self.answer(interaction)`: the
option values reach the handler from the interaction, never re-listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord.ext import commands

from bot.core.router import ButtonRoute, ModalRoute

if TYPE_CHECKING:
    from bot.core.bot import CoachBot


class FeatureCog(commands.Cog):
    # The feature's buttons; the router sends each press to the route whose pattern it matches.
    buttons: ClassVar[tuple[ButtonRoute, ...]] = ()
    # The feature's modals (forms); a submitted one goes to the route its custom_id matches.
    modals: ClassVar[tuple[ModalRoute, ...]] = ()

    def __init__(self, bot: CoachBot, context: Any) -> None:
        self.bot = bot
        self.context = context

    async def answer(self, interaction: discord.Interaction) -> None:
        await self.bot.answer(interaction)
