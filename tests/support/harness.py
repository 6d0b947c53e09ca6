"""Run the real bot (real discord.py HTTP + gateway) against the fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.app import App, create_bot, open_app
from bot.core.bot import CoachBot
from bot.core.clock import Clock
from bot.core.services import Services
from bot.core.settings import Settings, load_settings
from tests.support.fakediscord.interactions import FakeDiscordError, InteractionHandle
from tests.support.fakediscord.model import Channel, Guild, User
from tests.support.fakediscord.server import FakeDiscord

READY_TIMEOUT = 15.0
MODAL = 9  # the interaction callback that opens a form
TEXT_INPUT_MAX = 4000  # Discord's longest text box


async def submit_form(
    fake: FakeDiscord, opened: InteractionHandle, values: dict[str, str]
) -> InteractionHandle:
    """Fill in and submit the form (modal) the bot opened in answer to `opened`, as the member
    who opened it, as Discord's client would: a box keeps its pre-filled text unless `values`
    (by the box's custom_id) replaces it, and the client refuses a required box left empty or
    text over a box's max_length. Returns the submission once the bot has answered it."""
    body = await opened.response(timeout=10)
    if body["type"] != MODAL:
        raise FakeDiscordError(f"the bot answered with callback type {body['type']}, not a form")
    form = body["data"]
    boxes = [c for row in form["components"] for c in row["components"]]
    unknown = set(values) - {box["custom_id"] for box in boxes}
    if unknown:
        raise FakeDiscordError(f"the form {form['custom_id']!r} has no box {sorted(unknown)}")
    fields: dict[str, str] = {}
    for box in boxes:
        text = values.get(box["custom_id"], box.get("value") or "")
        if box.get("required", True) and not text:
            raise FakeDiscordError(f"box {box['custom_id']!r} is required: Discord won't submit")
        if len(text) > box.get("max_length", TEXT_INPUT_MAX):
            raise FakeDiscordError(f"box {box['custom_id']!r}: over its max_length")
        fields[box["custom_id"]] = text
    payload = opened.payload
    user = (payload.get("member") or {}).get("user") or payload["user"]
    submitted = await fake.submit_modal(
        int(payload["guild_id"]) if "guild_id" in payload else None,
        int(payload["channel_id"]),
        int(user["id"]),
        form["custom_id"],
        fields,
    )
    await submitted.response(timeout=10)
    return submitted


def swap_handler(bot: CoachBot, name: str, handler: Any) -> None:
    """Answer /`name` with `handler` from now on (same context), e.g. to inject a failure."""
    route = bot.router.commands[name]
    commands = {**bot.router.commands, name: dataclasses.replace(route, handler=handler)}
    bot.router.commands = MappingProxyType(commands)


def settings_for(fake: FakeDiscord, db_path: Path | str, **overrides: Any) -> Settings:
    """`db_path`: a SQLite file, or a postgresql:// URL (DATABASE_URL)."""
    store: dict[str, Any] = (
        {"database_url": db_path}
        if str(db_path).startswith("postgresql://")
        else {"database_path": Path(db_path)}
    )
    return load_settings(
        _env_file=None,
        discord_token=fake.token,
        **store,
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        **overrides,
    )


@dataclass
class BotRunner:
    """Start, stop and restart the bot on one database file."""

    fake: FakeDiscord
    db_path: Path | str  # a SQLite file or a postgresql:// URL
    clock: Clock | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    bot: CoachBot | None = None
    app: App | None = None
    services: Services | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> CoachBot:
        settings = settings_for(self.fake, self.db_path, **self.overrides)
        self.app = await open_app(settings, clock=self.clock)
        self.services = self.app.services
        self.bot = create_bot(self.app, guild_ready_timeout=0.1)
        self._task = asyncio.create_task(self.bot.start(settings.token))
        ready = asyncio.create_task(self.bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            self._task.result()  # surfaces the start-up error
        if ready not in done:
            ready.cancel()
            raise AssertionError("the bot did not reach READY against the fake Discord")
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 10)
        self.bot = None
        self._task = None

    async def restart(self) -> CoachBot:
        await self.stop()
        return await self.start()


@dataclass
class Club:
    """The pretend running club: one server, two channels, an admin and a member."""

    fake: FakeDiscord
    guild: Guild
    general: Channel
    training: Channel
    admin: User
    member: User
    runner: BotRunner | None = None

    @classmethod
    def create(
        cls, fake: FakeDiscord, *, name: str = "Hill Harriers RC", shard: int | None = None
    ) -> Club:
        """`shard`: the gateway shard the server is on, for a sharded fake (`shards=N`)."""
        guild = fake.add_guild(name, shard=shard)
        general = fake.add_channel(guild, "general")
        training = fake.add_channel(guild, "training")
        admin = fake.add_member(guild, "coach-alex", manage_guild=True)
        member = fake.add_member(guild, "runner-sam")
        return cls(fake, guild, general, training, admin, member)

    @property
    def bot(self) -> CoachBot:
        assert self.runner is not None and self.runner.bot is not None
        return self.runner.bot

    async def run(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user: User | None = None,
        channel: Channel | None = None,
    ) -> Any:
        """Invoke a slash command and wait for the bot's callback; returns the handle."""
        handle = await self.fake.invoke(
            self.guild, channel or self.general, user or self.member, command, options or {}
        )
        await handle.response(timeout=10)
        return handle

    async def submit_form(self, opened: Any, values: dict[str, str]) -> Any:
        """Submit the form the bot opened in answer to `opened` (see `submit_form`)."""
        return await submit_form(self.fake, opened, values)


@contextlib.asynccontextmanager
async def running_club(
    fake: FakeDiscord, db_path: Path | str, **runner: Any
) -> AsyncIterator[Club]:
    """The usual club with the real bot connected (BotRunner options: clock, overrides);
    the bot is stopped on the way out, whatever happened."""
    club = Club.create(fake)
    club.runner = BotRunner(fake, db_path, **runner)
    await club.runner.start()
    try:
        yield club
    finally:
        await club.runner.stop()
