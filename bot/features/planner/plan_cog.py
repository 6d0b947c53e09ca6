"""/plan [week] for Discord; its buttons are routed centrally by custom_id (rc:plan:...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.features.planner.handlers import LAST_WEEK

if TYPE_CHECKING:
    from bot.core.bot import CoachBot


class Plan(commands.Cog):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    @app_commands.command(name="plan", description="Your hill, sprint and strength week")
    @app_commands.describe(week=f"Which week of your plan (1 to {LAST_WEEK}; default: this week)")
    async def plan(
        self,
        interaction: discord.Interaction,
        week: app_commands.Range[int, 1, LAST_WEEK] | None = None,
    ) -> None:
        await self.bot.run_command(interaction, "plan", likely_ephemeral=True, week=week)


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Plan(bot))
