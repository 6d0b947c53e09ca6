"""/profile set|show|delete and /plan for Discord."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.cog import FeatureCog
from bot.core.router import handled_by
from bot.features.planner import handlers
from bot.features.planner.calendar import LAST_WEEK
from bot.features.planner.profile import MAX_DAYS, MIN_DAYS
from bot.features.planner.views import LABELS

# Option lengths: room for all seven days written in full ("monday, tuesday, ..."); a date is 10
# characters, with slack for stray spaces.
WEEKDAYS_MAX = 80
RACE_DATE_MAX = 20


def _choices(option: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=label, value=value) for value, label in LABELS[option]]


class PlannerCog(FeatureCog):
    buttons = (handlers.PLAN_PAGE, handlers.MY_WEEK, handlers.DELETE)

    profile = app_commands.Group(name="profile", description="Your training profile, used by /plan")

    @profile.command(
        name="set",
        description="Tell me about your running so /plan fits you",
        extras=handled_by(handlers.profile_set, ephemeral=True),
    )
    @app_commands.describe(
        level="Your running experience",
        goal="What you want from hills, sprints and strength work",
        hills="What you can train on",
        days="Days a week you can train (2 to 7), or give weekdays",
        lifts="You already do strength training",
        age="Your age band (older runners get more recovery)",
        returning="Coming back from a break or a niggle: restarts your plan at week 1",
        units="Distances in km or miles",
        weekdays="Your training days, e.g. tue thu sat sun (sets days); none: I pick them",
        race_date="Your next race, YYYY-MM-DD; none clears it",
        break_="How long you were off (you are returning): restarts your plan at week 1",
    )
    @app_commands.choices(
        level=_choices("level"),
        goal=_choices("goal"),
        hills=_choices("hills"),
        age=_choices("age"),
        units=_choices("units"),
        break_=_choices("break"),
    )
    # `break` is a Python keyword: the parameter is `break_`, Discord shows `break`. The option
    # reaches the handler under its parameter name (bot.core.bot answers with `p.name`).
    @app_commands.rename(break_="break")
    async def profile_set(
        self,
        interaction: discord.Interaction,
        level: str,
        goal: str,
        hills: str,
        days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] | None = None,
        lifts: bool | None = None,
        age: str | None = None,
        returning: bool | None = None,
        units: str | None = None,
        weekdays: app_commands.Range[str, 1, WEEKDAYS_MAX] | None = None,
        race_date: app_commands.Range[str, 1, RACE_DATE_MAX] | None = None,
        break_: str | None = None,
    ) -> None:
        await self.answer(interaction)

    @profile.command(
        name="show",
        description="See your training profile",
        extras=handled_by(handlers.profile_show, ephemeral=True),
    )
    async def profile_show(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)

    @profile.command(
        name="delete",
        description="Delete everything I store about you",
        extras=handled_by(handlers.profile_delete, ephemeral=True),
    )
    async def profile_delete(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction)

    @app_commands.command(
        name="plan",
        description="Your hill, sprint and strength week",
        extras=handled_by(handlers.plan, ephemeral=True),
    )
    @app_commands.describe(week=f"Which week of your plan (1 to {LAST_WEEK}; default: this week)")
    async def plan(
        self,
        interaction: discord.Interaction,
        week: app_commands.Range[int, 1, LAST_WEEK] | None = None,
    ) -> None:
        await self.answer(interaction)
