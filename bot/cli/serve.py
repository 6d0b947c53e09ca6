"""`coach run`, `coach sync` and `coach console`: the bot itself, online or offline."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import stat
from pathlib import Path

import aiohttp
import discord

from bot.app import create_bot, open_app
from bot.console import run_console
from bot.core.commandline import CliError
from bot.core.settings import Settings, configure_logging

log = logging.getLogger("bot")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)
    token = settings.token
    warn_if_env_file_exposed(Path(".env"))
    return asyncio.run(_run(settings, token))


def warn_if_env_file_exposed(path: Path) -> bool:
    """The token lives in .env: say so if other users on the machine can read it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning(
            "%s is readable by other users and holds the bot token: run chmod 600 %s", path, path
        )
        return True
    return False


async def _run(settings: Settings, token: str) -> int:
    # on_ready waits this long after the last GUILD_CREATE; commands are served before it.
    bot = create_bot(await open_app(settings), guild_ready_timeout=0.5)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with bot:  # closes the bot, and with it the database, on the way out
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("shutting down: finishing in-flight replies")
            await bot.close()
        stopper.cancel()
        try:
            await runner
        except discord.LoginFailure:
            raise CliError(
                "DISCORD_TOKEN was rejected by Discord: copy the token again from the "
                "Developer Portal (Bot > Reset Token) into .env"
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise CliError(
                "Discord refused the connection's intents; this bot needs none "
                "privileged, so check DISCORD_TOKEN belongs to this bot"
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            # Login is one HTTP call that discord.py doesn't retry: no network, DNS, a proxy.
            where = settings.discord_api_base or "discord.com"
            raise CliError(f"cannot reach Discord at {where}: {exc}") from None
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)

    async def go() -> int:
        return await run_console(await open_app(settings), admin=not args.member)

    return asyncio.run(go())


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)
    token = settings.token
    return asyncio.run(_sync(settings, token))


async def _sync(settings: Settings, token: str) -> int:
    app = await open_app(settings)
    services = app.services
    bot = create_bot(app, force_sync=True)
    try:
        async with bot:
            await bot.login(token)  # setup_hook runs here and syncs
    except discord.LoginFailure:
        raise CliError("DISCORD_TOKEN was rejected by Discord") from None
    print(
        services.renderer.text(
            "cli/sync.j2", count=len(services.catalog), guild_id=settings.dev_guild_id
        )
    )
    return 0
