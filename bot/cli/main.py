"""The `coach` command (also `python -m bot`): run, console, check, sync, invite, db, and each
feature's own subcommands (found in `bot/features/<feature>/cli.py`)."""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import importlib
import importlib.util
import logging
import pkgutil
import signal
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import discord
from pydantic import ValidationError

import bot.features
from bot.core.commandline import EXIT_USAGE, CliError
from bot.core.db import StorageError
from bot.core.render import Renderer, TemplateProblem
from bot.core.settings import ConfigError, Settings, configure_logging, load_settings
from bot.features.faq import KnowledgeError, validate_knowledge

log = logging.getLogger("bot")

# Exactly what the bot needs: see channels, post answers and reminders, and embed them.
INVITE_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def subcommand_modules() -> list[str]:
    """The modules that add subcommands: `bot.cli.db`, and every feature's `cli` module. Each
    has `register(subparsers)` and sets a `handler` default on its parsers."""
    found = ["bot.cli.db"]
    for feature in pkgutil.iter_modules(bot.features.__path__, "bot.features."):
        if importlib.util.find_spec(f"{feature.name}.cli") is not None:
            found.append(f"{feature.name}.cli")
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach", description="RunClub Coach: a Discord bot for running clubs."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    sub.add_parser("run", help="connect to Discord and serve the club")
    console = sub.add_parser("console", help="chat with the bot offline (no Discord needed)")
    console.add_argument(
        "--member",
        action="store_true",
        help="act as a member without Manage Server (default: admin)",
    )
    sub.add_parser("check", help="validate config, knowledge files and templates")
    sub.add_parser("sync", help="force a slash-command sync with Discord now")
    invite = sub.add_parser("invite", help="print the URL that adds the bot to a server")
    invite.add_argument(
        "--application-id", type=int, help="your application id (default: read from DISCORD_TOKEN)"
    )
    for name in subcommand_modules():
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    try:
        return int(handler(args))
    except (ConfigError, CliError, StorageError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KnowledgeError as exc:
        print("The knowledge base has problems:", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except TemplateProblem as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


def _settings() -> Settings:
    settings = load_settings()
    configure_logging(settings.log_level)
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings()
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
    from bot.app import create_bot, open_app

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


def cmd_console(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    from bot.app import open_app
    from bot.console import run_console

    async def go() -> int:
        return await run_console(await open_app(settings), admin=not args.member)

    return asyncio.run(go())


def cmd_check(args: argparse.Namespace) -> int:
    problems: list[str] = []
    try:
        settings = load_settings()
    except ConfigError as exc:
        problems.extend(exc.problems)
        settings = _settings_without(exc.fields)
    sources = settings.resolved_sources_dir
    kb, kb_problems = validate_knowledge(settings.knowledge_dir, sources)
    problems.extend(str(p) for p in kb_problems)
    renderer = Renderer(settings.templates_dir)
    template_problems = renderer.check()
    problems.extend(template_problems)
    if problems:
        print(renderer.text("cli/check.j2", problems=problems), file=sys.stderr)
        return 1
    print(
        renderer.text(
            "cli/check.j2",
            problems=[],
            entries=len(kb) if kb else 0,
            quotes_checked=sources is not None,
            templates=len(list(settings.templates_dir.rglob("*.j2"))),
        )
    )
    return 0


def _settings_without(bad: tuple[str, ...]) -> Settings:
    """The configuration with only the bad fields reset to defaults, so `check` still checks the
    configured KNOWLEDGE_DIR/TEMPLATES_DIR when, say, DEFAULT_TIMEZONE is wrong."""
    defaults = {name: Settings.model_fields[name].default for name in bad}
    try:
        return Settings(**defaults)
    except ValidationError:
        return Settings.model_construct()


def cmd_sync(args: argparse.Namespace) -> int:
    settings = _settings()
    token = settings.token
    return asyncio.run(_sync(settings, token))


async def _sync(settings: Settings, token: str) -> int:
    from bot.app import create_bot, open_app

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


def application_id_from_token(token: str) -> int:
    """A bot token's first part is the bot's user id in base64, which is the application id."""
    head = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(head + "=" * (-len(head) % 4)).decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CliError(
            "could not read the application id from DISCORD_TOKEN; pass "
            "--application-id (Developer Portal > General Information)"
        ) from None


def cmd_invite(args: argparse.Namespace) -> int:
    app_id = args.application_id
    if app_id is None:
        settings = load_settings()
        if settings.discord_token is None:
            raise CliError(
                "coach invite needs your application id: pass --application-id (Developer "
                "Portal > General Information) or set DISCORD_TOKEN in .env (see .env.example)"
            )
        app_id = application_id_from_token(settings.token)
    url = discord.utils.oauth_url(
        app_id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
    )
    print(url)
    return 0


COMMANDS = {
    "run": cmd_run,
    "console": cmd_console,
    "check": cmd_check,
    "sync": cmd_sync,
    "invite": cmd_invite,
}
