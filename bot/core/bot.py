"""The discord.py bot: owns the services, loads the feature cogs, syncs commands on change."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord.ext import commands

from bot.commands.registry import build_router
from bot.core.router import Router
from bot.core.endpoints import use_endpoints
from bot.core.discord_io import caller_from, command_options, respond
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.features.reminders.runtime import start_dispatcher, stop_dispatcher
from bot.core.replies import Reply
from bot.core.services import CommandInfo, Services

log = logging.getLogger(__name__)

FEATURE_COGS = (
    "bot.cogs.core",
    "bot.cogs.faq",
    "bot.cogs.reminders",
    "bot.cogs.profile",
    "bot.cogs.plan",
)
SYNC_HASH_KEY = "command_sync_hash"
SHUTDOWN_GRACE_SECONDS = 10


class CoachBot(commands.Bot):
    def __init__(self, services: Services, *, force_sync: bool = False, **options: Any) -> None:
        settings = services.settings
        use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
        intents = discord.Intents.none()
        intents.guilds = True  # channel/role cache for permission checks; not privileged
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.services = services
        self.router: Router = build_router(services)
        self.force_sync = force_sync
        self.synced: bool | None = None  # what setup_hook decided, for logs and tests
        self._in_flight: set[asyncio.Task[None]] = set()
        # Started once logged in, before the gateway connects: posts go over HTTP, so a gateway
        # outage doesn't hold them up. Not for `coach sync`, which logs in but must not post.
        self.reminder_dispatcher: ReminderDispatcher | None = None

    async def respond(
        self,
        interaction: discord.Interaction,
        work: Awaitable[Reply],
        *,
        likely_ephemeral: bool = False,
    ) -> None:
        """Answer an interaction; tracked so shutdown lets in-flight replies finish."""
        task = asyncio.ensure_future(respond(interaction, work, likely_ephemeral=likely_ephemeral))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        await task

    async def run_command(
        self,
        interaction: discord.Interaction,
        name: str,
        *,
        likely_ephemeral: bool = False,
        **options: Any,
    ) -> None:
        """What every slash-command callback does: convert the options, route, answer."""
        work = self.router.run(
            name, caller_from(interaction), **command_options(interaction, options)
        )
        await self.respond(interaction, work, likely_ephemeral=likely_ephemeral)

    async def complete(
        self, interaction: discord.Interaction, name: str, option: str, current: str
    ) -> list[discord.app_commands.Choice[str]]:
        """What every autocomplete callback does."""
        choices = await self.router.complete(name, option, caller_from(interaction), current)
        return [discord.app_commands.Choice(name=c.name, value=c.value) for c in choices]

    async def setup_hook(self) -> None:
        for extension in FEATURE_COGS:
            await self.load_extension(extension)
        self.services.catalog = command_catalog(self.tree)
        await self.sync_commands(force=self.force_sync)
        if not self.force_sync:
            self.reminder_dispatcher = start_dispatcher(self, self.services)

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync only when the definitions changed: Discord rate-limits syncs hard."""
        guild_id = self.services.settings.dev_guild_id
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        scope = f"guild:{guild_id}" if guild_id else "global"
        digest = hashlib.sha256(json.dumps([scope, payload], sort_keys=True).encode()).hexdigest()
        if not force and await self.services.meta.get(SYNC_HASH_KEY) == digest:
            log.info("commands unchanged since the last sync (%s); not syncing", scope)
            self.synced = False
            return False
        await self.tree.sync(guild=guild)
        await self.services.meta.set(SYNC_HASH_KEY, digest)
        log.info("synced %d commands to %s", len(payload), scope)
        self.synced = True
        return True

    async def on_ready(self) -> None:
        log.info(
            "ready as %s (%s) in %d servers",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
        )

    async def close(self) -> None:
        if self._in_flight:
            log.info("waiting for %d in-flight replies before closing", len(self._in_flight))
            await asyncio.wait(set(self._in_flight), timeout=SHUTDOWN_GRACE_SECONDS)
        await stop_dispatcher(self.reminder_dispatcher, self.services)
        self.reminder_dispatcher = None
        try:
            await super().close()
        finally:
            await self.services.close()


def command_catalog(tree: discord.app_commands.CommandTree) -> tuple[CommandInfo, ...]:
    """Leaf commands with their qualified names, e.g. `reminder add`, for /about and help."""
    infos: list[CommandInfo] = []
    for command in sorted(tree.get_commands(), key=lambda c: c.name):
        admin = bool(
            getattr(command, "default_permissions", None) and command.default_permissions.value
        )
        if isinstance(command, discord.app_commands.Group):
            for sub in command.walk_commands():
                if isinstance(sub, discord.app_commands.Command):
                    infos.append(CommandInfo(sub.qualified_name, sub.description, admin))
        else:
            infos.append(CommandInfo(command.name, command.description, admin))
    return tuple(infos)
