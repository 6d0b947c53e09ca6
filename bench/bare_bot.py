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

What it sends has the shape of the coach's answers (measured on the fake's callbacks in one
`bench.load` run), because building and sending that is Discord-side work any bot answering
these commands pays, not the coach's overhead: /faq a public embed of ~2 KB (title,
description, a sources field, a related field, footer) with six buttons (four related entries,
the two votes), /plan an ephemeral embed of ~3 KB (one field per session, notes, safety) with
its three buttons, each built the ordinary discord.py way (`discord.Embed`, a `discord.ui.View`
of `discord.ui.Button`s, stopped: nothing kept in memory), one `send_message` per command, as
the coach answers in one callback when it is not slow; autocomplete the same number of
suggestions per typed prefix as the coach (25, 25, 2, 6, 20...). The coach's abstentions
(plain text, three buttons, ephemeral) are smaller than this, so the floor errs on the heavy
side for /faq by a few per cent of its answers.

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
    "profile set": "Saved your profile.",
    "about": "Bare bench bot.",
}
# Suggestions per typed prefix: as many as the coach offers for the load's prefixes.
CHOICE_COUNTS: dict[str, int] = {
    "": 25, "hil": 25, "prot": 2, "calf": 6, "sprint": 20, "marath": 5, "lift": 25, "recov": 9,
    "stud": 8, "trail": 25,
}  # fmt: skip
EPHEMERAL = {"plan", "profile set"}  # as the coach answers them
_SENTENCE = "Hill sprints recruit the fast-twitch fibres that lifting trains, so they build power. "
_QUOTE = "• *“Short steep reps at full effort are strength work for runners.”*\n  — Coach, 2021\n"


def _faq_embed() -> discord.Embed:
    embed = discord.Embed(title="Do hill sprints build muscle?", description=_SENTENCE * 6)
    embed.add_field(name="Sources", value=_QUOTE * 5)
    embed.add_field(name="Related", value="• How steep should hills be?\n" * 4)
    embed.set_footer(text="Answers come from the club's curated articles · /topics lists them")
    return embed


def _plan_embed() -> discord.Embed:
    embed = discord.Embed(
        title="Your plan: week 3", description="This is your current week.\n4 sessions, 2 hard.",
        colour=0xE67E22,
    )  # fmt: skip
    for day in ("Mon", "Tue", "Thu", "Sat"):
        embed.add_field(name=f"{day} · Hill sprints · 40 min ⚡ hard", value=_SENTENCE * 4)
    embed.add_field(name="Notes", value="• Warm up for ten minutes first.\n" * 6)
    embed.add_field(name="Safety", value=_SENTENCE * 2)
    embed.set_footer(text='regular · muscle · steep · 4 days · "Why?" explains each session')
    return embed


def _view(labels: list[str]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, label in enumerate(labels):
        view.add_item(
            discord.ui.Button(custom_id=f"rc:bare:{i}", label=label, row=1 if i >= 4 else None)
        )
    view.stop()  # stateless, as the coach's
    return view


async def _answer(interaction: discord.Interaction, name: str) -> None:
    if name == "faq":
        labels = [f"Related question number {i}?" for i in range(4)] + ["Helpful", "Not helpful"]
        await interaction.response.send_message(embed=_faq_embed(), view=_view(labels))
    elif name == "plan":
        view = _view(["◀ Previous week", "Next week ▶", "Why?"])
        await interaction.response.send_message(embed=_plan_embed(), view=view, ephemeral=True)
    else:
        await interaction.response.send_message(ANSWERS[name], ephemeral=name in EPHEMERAL)


def _point_at(api_base: str | None, gateway_url: str | None) -> None:
    # The same two class attributes bot.core.endpoints.use_endpoints sets.
    if api_base:
        http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


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
        count = CHOICE_COUNTS.get(current.strip().lower(), 25)
        return [
            app_commands.Choice(name=f"Can hill sprints build muscle, question {i}?", value=f"q{i}")
            for i in range(count)
        ]

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
