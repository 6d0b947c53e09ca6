"""A minimal discord.py bot: the floor that `bench.load --bare` compares the coach against.

Run by `bench.load --bare` as `python -m bench.bare_bot` with the environment the real bot gets
(bench.startup.bot_env: DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL; the database path
is ignored). It connects the way the coach does (same intents, REST base and gateway URL set on
discord.py's class attributes as bot.core.endpoints does), syncs the commands the load drives
(/faq with autocomplete on `question`, /plan, /profile set, /about) with the coach's names and
option types, and answers each interaction with a dictionary lookup: no database, no matcher,
no templates. Everything discord.py itself does per interaction (gateway parse, Interaction
object, app_commands option parsing, the REST callback) is still paid, so the coach's cost over
this bot is its own.

Deliberately not imported from `bot`: importing the package would load its settings, models and
features, which is what this bot exists to leave out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import discord
import yarl
from discord import app_commands, http
from discord.gateway import DiscordWebSocket

ANSWERS: dict[str, str] = {
    "faq": "Hill sprints build leg power; lift twice a week for muscle.",
    "plan": "Mon: hill sprints 6x10 s. Wed: easy 30 min. Fri: squats and lunges.",
    "profile set": "Saved your profile.",
    "about": "Bare bench bot.",
}
CHOICES: dict[str, list[str]] = {
    "": ["Do hill sprints build muscle?", "How much protein do runners need?"],
    "hil": ["Do hill sprints build muscle?", "How steep should hills be?"],
    "prot": ["How much protein do runners need?"],
    "calf": ["Why do my calves hurt after hills?"],
    "sprint": ["How long should sprint reps be?"],
    "marath": ["Can I lift while training for a marathon?"],
    "lift": ["Should I lift before or after running?"],
    "recov": ["How long should I recover between hill sessions?"],
    "stud": ["Are there studies on sprinting and muscle?"],
    "trail": ["Is trail running good for strength?"],
}
EPHEMERAL = {"plan", "profile set"}  # as the coach answers them


def _point_at(api_base: str | None, gateway_url: str | None) -> None:
    # The same two class attributes bot.core.endpoints.use_endpoints sets.
    if api_base:
        http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


async def _answer(interaction: discord.Interaction, name: str) -> None:
    await interaction.response.send_message(ANSWERS[name], ephemeral=name in EPHEMERAL)


class BareBot(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # as the coach
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        _install(self.tree)

    async def setup_hook(self) -> None:
        await self.tree.sync()


def _install(tree: app_commands.CommandTree[BareBot]) -> None:
    @tree.command(name="faq", description="Ask a question about running and muscle")
    async def faq(
        interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        await _answer(interaction, "faq")

    @faq.autocomplete("question")
    async def faq_question(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = CHOICES.get(current.strip().lower(), CHOICES[""])
        return [app_commands.Choice(name=q, value=q) for q in found]

    @tree.command(name="plan", description="Your hill, sprint and strength week")
    async def plan(
        interaction: discord.Interaction, week: app_commands.Range[int, 1, 52] | None = None
    ) -> None:
        await _answer(interaction, "plan")

    @tree.command(name="about", description="About this bot")
    async def about(interaction: discord.Interaction) -> None:
        await _answer(interaction, "about")

    profile = app_commands.Group(name="profile", description="Your training profile")

    @profile.command(name="set", description="Tell me about your running")
    async def profile_set(
        interaction: discord.Interaction,
        level: str,
        goal: str,
        hills: str,
        days: app_commands.Range[int, 2, 7] | None = None,
    ) -> None:
        await _answer(interaction, "profile set")

    tree.add_command(profile)


async def run() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper())
    _point_at(os.environ.get("DISCORD_API_BASE"), os.environ.get("DISCORD_GATEWAY_URL"))
    bot = BareBot()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(os.environ["DISCORD_TOKEN"]))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()  # surface a failed login or connection
    stopper.cancel()


if __name__ == "__main__":
    asyncio.run(run())
