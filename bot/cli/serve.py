"""`coach run`, `coach sync` and `coach console`: the bot itself, online or offline."""

from __future__ import annotations

import argparse
import asyncio
import grp
import logging
import os
import pwd
import signal
import stat
from pathlib import Path

import aiohttp
import discord

from bot.app import create_bot, open_app
from bot.console import run_console
from bot.core.commandline import CliError
from bot.core.db import prepare_folder
from bot.core.settings import Settings, configure_logging

log = logging.getLogger("bot")

CONSOLE_DATABASE = Path("data/console.db")  # `coach console`'s own file, relative to the cwd


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)
    token = settings.token
    warn_if_env_file_exposed(Path(".env"))
    return asyncio.run(_run(settings, token))


def warn_if_env_file_exposed(path: Path) -> bool:
    """The token lives in .env: say so if anyone but its owner, the user running the bot and
    root can read it (mode 600 owned by that user is the advice; 640 with a group that holds
    only that user is as safe and not warned about)."""
    try:
        info = path.stat()
    except OSError:
        return False
    readers = _other_readers(info)
    if readers:
        log.warning(
            "%s holds the bot token and is readable by %s: run chmod 600 %s (owned by the "
            "user that runs the bot)",
            path,
            readers,
            path,
        )
        return True
    return False


def _other_readers(info: os.stat_result) -> str | None:
    if info.st_mode & stat.S_IROTH:
        return "every user on this machine"
    if not info.st_mode & stat.S_IRGRP:
        return None
    trusted = {info.st_uid, os.getuid(), 0}
    members = group_members(info.st_gid)
    if members is not None and members <= trusted:
        return None
    return f"the members of group {_group_name(info.st_gid)}"


def group_members(gid: int) -> set[int] | None:
    """The users in a group: its listed members and those whose primary group it is (None if
    the system can't say)."""
    try:
        names = grp.getgrgid(gid).gr_mem
        users = pwd.getpwall()
    except (KeyError, OSError):
        return None
    by_name = {u.pw_name: u.pw_uid for u in users}
    if any(name not in by_name for name in names):
        return None
    return {by_name[name] for name in names} | {u.pw_uid for u in users if u.pw_gid == gid}


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


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
    # Its own file, never the bot's DATABASE_PATH: profiles and reminders made while trying
    # things offline must not land in the live database (reminders would even be posted).
    given = getattr(args, "database", None)
    path = Path(given) if given else CONSOLE_DATABASE
    prepare_folder(path, "--database" if given else "the console's database")
    settings = settings.model_copy(update={"database_path": path})

    async def go() -> int:
        return await run_console(await open_app(settings), admin=not args.member)

    return asyncio.run(go())


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)
    token = settings.token
    return asyncio.run(_sync(settings, token, clear_guild=getattr(args, "clear_guild", None)))


async def _sync(settings: Settings, token: str, *, clear_guild: int | None = None) -> int:
    app = await open_app(settings)
    services = app.services
    bot = create_bot(app, force_sync=True, clear_guild=clear_guild)
    try:
        async with bot:
            await bot.login(token)  # setup_hook runs here and syncs (or clears)
    except discord.LoginFailure:
        raise CliError("DISCORD_TOKEN was rejected by Discord") from None
    except (aiohttp.ClientError, OSError) as exc:
        where = settings.discord_api_base or "discord.com"
        raise CliError(f"cannot reach Discord at {where}: {exc}") from None
    except discord.HTTPException as exc:
        raise CliError(f"Discord refused the command sync: {exc}") from None
    print(
        services.renderer.text(
            "cli/sync.j2",
            count=len(services.catalog),
            guild_id=settings.dev_guild_id,
            cleared=clear_guild,
        )
    )
    return 0
