"""The discord.py bot: installs the feature cogs, routes interactions, syncs commands on change.

The bot knows no feature by name: `bot/app.py` hands it (cog class, context) pairs, and the
router is read from the installed command tree.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.caller import Caller
from bot.core.cog import FeatureCog
from bot.core.commandline import CliError
from bot.core.discord_io import caller_from, command_options, modal_values, respond
from bot.core.endpoints import use_endpoints
from bot.core.replies import Reply
from bot.core.router import Router
from bot.core.services import CommandInfo, Services
from bot.core.tree import CoachTree

log = logging.getLogger(__name__)

SYNC_HASH_KEY = "command_sync_hash"
DEV_GUILDS_KEY = "command_sync_dev_guilds"  # JSON list of server ids
SHUTDOWN_GRACE_SECONDS = 10

Feature = tuple[type[FeatureCog], Any]  # a feature's cog class and its handlers' context


class CoachBot(commands.Bot):
    tree: CoachTree

    def __init__(
        self,
        services: Services,
        features: Sequence[Feature],
        *,
        serving: bool = True,
        force_sync: bool = False,
        clear_guild: int | None = None,
        **options: Any,
    ) -> None:
        settings = services.settings
        use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
        intents = discord.Intents.none()
        intents.guilds = True  # channel/role cache for permission checks; not privileged
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CoachTree,
            **options,
        )
        self.services = services
        self.features = tuple(features)
        # False for `coach sync` and the console: the tree is built, but nothing runs in the
        # background (no reminder posts from a process that only syncs or chats offline).
        self.serving = serving and not force_sync and clear_guild is None
        self.force_sync = force_sync
        self.clear_guild = clear_guild  # `coach sync --clear-guild`: only remove that copy
        self.router = Router(services.renderer, {})
        self.synced: bool | None = None  # what setup_hook decided, for logs and tests
        self._in_flight: set[asyncio.Task[None]] = set()

    async def install(self) -> None:
        """Add every feature's cog and read the router and the catalog from the tree."""
        for cog_class, context in self.features:
            await self.add_cog(cog_class(self, context))
        leaves = [c for c in self.tree.walk_commands() if isinstance(c, app_commands.Command)]
        for command in leaves:
            for option in command.extras.get("complete") or {}:
                command.autocomplete(option)(self._completer(command.qualified_name, option))
        self.router = Router.from_commands(
            self.services.renderer,
            leaves,
            contexts=lambda command: command.binding.context,
            buttons=[
                (route, cog.context)
                for cog in self.cogs.values()
                if isinstance(cog, FeatureCog)
                for route in cog.buttons
            ],
            modals=[
                (route, cog.context)
                for cog in self.cogs.values()
                if isinstance(cog, FeatureCog)
                for route in cog.modals
            ],
        )
        self.services.catalog = command_catalog(self.tree)

    def _completer(self, name: str, option: str) -> Any:
        async def complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            choices = await self.router.complete(name, option, caller_from(interaction), current)
            return [app_commands.Choice(name=c.name, value=c.value) for c in choices]

        return complete

    async def respond(
        self,
        interaction: discord.Interaction,
        work: Awaitable[Reply],
        *,
        likely_ephemeral: bool = False,
    ) -> None:
        """Answer an interaction; tracked so shutdown lets in-flight replies finish.

        Runs in the task discord.py started for the interaction (no task of its own), which
        is what `close` waits for."""
        task: Any = asyncio.current_task()
        self._in_flight.add(task)
        try:
            await respond(
                interaction,
                work,
                likely_ephemeral=likely_ephemeral,
                # Rendered only for the rare form that comes too late, not for every answer.
                modal_late=lambda: self.services.renderer.reply(
                    "errors/modal_late.j2", ephemeral=True
                ),
            )
        finally:
            self._in_flight.discard(task)

    async def answer(self, interaction: discord.Interaction) -> None:
        """What every slash-command callback does: the options from the interaction, routed."""
        command = interaction.command
        assert isinstance(command, app_commands.Command)
        values = {
            p.name: getattr(interaction.namespace, p.display_name) for p in command.parameters
        }
        caller: Caller = caller_from(interaction)
        work = self.router.run(
            command.qualified_name, caller, **command_options(interaction, values)
        )
        likely_ephemeral = bool(command.extras.get("ephemeral"))
        await self.respond(interaction, work, likely_ephemeral=likely_ephemeral)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Buttons and modals: stateless, routed by custom_id, so they keep working after a
        restart."""
        kind = interaction.type
        if kind not in (discord.InteractionType.component, discord.InteractionType.modal_submit):
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not self.router.owns(custom_id):
            return
        caller = caller_from(interaction)
        if kind is discord.InteractionType.modal_submit:
            values = modal_values(interaction)
            await self.respond(interaction, self.router.submit(custom_id, caller, values))
            return
        await self.respond(interaction, self.router.press(custom_id, caller))

    async def setup_hook(self) -> None:
        await self.install()
        if self.clear_guild is not None:
            await self.clear_guild_commands(self.clear_guild)
            return
        sharding = self.services.settings.sharding
        if not self.force_sync and sharding is not None and not sharding.syncs_commands:
            # Commands are global: one process syncs them, not each of a sharded bot's.
            log.info(
                "not syncing commands: the process running shard 0 does (this one runs %s)",
                ", ".join(map(str, sharding.ids)),
            )
            return
        await self.sync_commands(force=self.force_sync)

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync only when the definitions changed: Discord rate-limits syncs hard. Commands
        synced earlier to another (development) server are removed first, so a server never
        shows each command twice (its own copy beside the global one)."""
        guild_id = self.services.settings.dev_guild_id
        await self._clear_stale_guilds(keep=guild_id)
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
        if guild_id:
            # Recorded before the sync: a copy whose sync half-failed is still removed later.
            await self._set_dev_guilds(await self.dev_guilds() | {guild_id})
        try:
            await self.tree.sync(guild=guild)
        except discord.Forbidden:
            if not guild_id:
                raise
            raise CliError(
                f"DEV_GUILD_ID {guild_id}: Discord refused the commands for that server; invite "
                "the bot there first (coach invite), or correct or empty DEV_GUILD_ID"
            ) from None
        await self.services.meta.set(SYNC_HASH_KEY, digest)
        log.info("synced %d commands to %s", len(payload), scope)
        self.synced = True
        return True

    async def dev_guilds(self) -> set[int]:
        """The servers this installation has synced server-only commands to (its records)."""
        raw = await self.services.meta.get(DEV_GUILDS_KEY)
        return {int(g) for g in json.loads(raw)} if raw else set()

    async def _set_dev_guilds(self, guilds: set[int]) -> None:
        await self.services.meta.set(DEV_GUILDS_KEY, json.dumps(sorted(guilds)))

    async def clear_guild_commands(self, guild_id: int) -> None:
        """Remove every command this bot synced to one server, and forget that server."""
        guild = discord.Object(guild_id)
        self.tree.clear_commands(guild=guild)
        await self.tree.sync(guild=guild)
        await self._set_dev_guilds(await self.dev_guilds() - {guild_id})
        # The next start syncs again, in case that server was the configured DEV_GUILD_ID.
        await self.services.meta.set(SYNC_HASH_KEY, "")
        log.info("removed the commands synced to server %s", guild_id)

    async def _clear_stale_guilds(self, *, keep: int | None) -> None:
        for guild_id in sorted(await self.dev_guilds() - {keep}):
            try:
                await self.clear_guild_commands(guild_id)
            except discord.HTTPException as exc:
                # Not fatal (the bot may have been removed from that server); retried next start.
                log.warning(
                    "could not remove the commands synced earlier to server %s (%s); they may "
                    "show twice there: run `coach sync --clear-guild %s` once the bot is back in "
                    "it",
                    guild_id,
                    exc,
                    guild_id,
                )

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
        try:
            await super().close()  # removes the cogs: each stops what it started
        finally:
            await self.services.close()


class ShardedCoachBot(CoachBot, commands.AutoShardedBot):
    """The bot over several gateway connections (SHARD_COUNT), running those in SHARD_IDS;
    the same commands and wiring as CoachBot, with discord.py's AutoShardedBot underneath."""

    def __init__(self, services: Services, features: Sequence[Feature], **options: Any) -> None:
        sharding = services.settings.sharding
        if sharding is None:
            raise ValueError("ShardedCoachBot needs SHARD_COUNT (settings.sharding is None)")
        super().__init__(
            services,
            features,
            shard_count=sharding.count,
            shard_ids=list(sharding.ids),
            **options,
        )

    async def on_ready(self) -> None:
        log.info(
            "ready as %s (%s) in %d servers on shards %s of %d",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
            ", ".join(map(str, sorted(self.shards))),
            self.shard_count or 0,
        )


def command_catalog(tree: app_commands.CommandTree[Any]) -> tuple[CommandInfo, ...]:
    """Leaf commands with their qualified names, e.g. `reminder add`, for /about and help."""
    infos: list[CommandInfo] = []
    for command in sorted(tree.get_commands(), key=lambda c: c.name):
        admin = bool(
            getattr(command, "default_permissions", None) and command.default_permissions.value
        )
        if isinstance(command, app_commands.Group):
            for sub in command.walk_commands():
                if isinstance(sub, app_commands.Command):
                    infos.append(CommandInfo(sub.qualified_name, sub.description, admin))
        else:
            infos.append(CommandInfo(command.name, command.description, admin))
    return tuple(infos)
