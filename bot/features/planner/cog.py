"""/profile set|show|delete for Discord: thin adapters over bot.features.planner.handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.features.planner.handlers import LABELS
from bot.features.planner.profile import MAX_DAYS, MIN_DAYS

if TYPE_CHECKING:
    from bot.core.bot import CoachBot


def _choices(option: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=label, value=value) for value, label in LABELS[option]]


class Profiles(commands.Cog):
    profile = app_commands.Group(name="profile", description="Your training profile, used by /plan")

    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    @profile.command(name="set", description="Tell me about your running so /plan fits you")
    @app_commands.describe(
        level="Your running experience",
        goal="What you want from hills, sprints and strength work",
        hills="What you can train on",
        days="Days a week you can train (2 to 7)",
        lifts="You already do strength training",
        age="Your age band (older runners get more recovery)",
        returning="Coming back from a break or a niggle",
        units="Distances in km or miles",
    )
    @app_commands.choices(
        level=_choices("level"),
        goal=_choices("goal"),
        hills=_choices("hills"),
        age=_choices("age"),
        units=_choices("units"),
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        level: str,
        goal: str,
        hills: str,
        days: app_commands.Range[int, MIN_DAYS, MAX_DAYS],
        lifts: bool | None = None,
        age: str | None = None,
        returning: bool | None = None,
        units: str | None = None,
    ) -> None:
        await self.bot.run_command(
            interaction,
            "profile set",
            likely_ephemeral=True,
            level=level,
            goal=goal,
            hills=hills,
            days=days,
            lifts=lifts,
            age=age,
            returning=returning,
            units=units,
        )

    @profile.command(name="show", description="See your training profile")
    async def show(self, interaction: discord.Interaction) -> None:
        await self.bot.run_command(interaction, "profile show", likely_ephemeral=True)

    @profile.command(name="delete", description="Delete everything I store about you")
    async def delete(self, interaction: discord.Interaction) -> None:
        await self.bot.run_command(interaction, "profile delete", likely_ephemeral=True)


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Profiles(bot))
