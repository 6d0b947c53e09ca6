"""The `coach` command (also `python -m bot`): run, console, check, sync, invite, db, and each
feature's own subcommands (found in `bot/features/<feature>/cli.py`)."""

from __future__ import annotations

import argparse
import base64
import binascii
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

import bot.features
from bot.cli.check import cmd_check
from bot.cli.serve import CONSOLE_DATABASE, cmd_console, cmd_run, cmd_sync
from bot.core.commandline import EXIT_USAGE, CliError
from bot.core.db import StorageError
from bot.core.render import TemplateProblem
from bot.core.settings import ConfigError, Settings, load_settings
from bot.features.faq import KnowledgeError, ModelBuildError
from bot.features.reminders import default_timezone_problem

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
    console.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help=f"the console's own SQLite file (default: {CONSOLE_DATABASE}; never DATABASE_PATH,"
        " so trying things offline leaves the bot's live data alone)",
    )
    sub.add_parser("check", help="validate config, knowledge files and templates")
    sync = sub.add_parser("sync", help="force a slash-command sync with Discord now")
    sync.add_argument(
        "--clear-guild",
        type=int,
        metavar="ID",
        help="instead, remove the commands synced earlier to this server (its own copies)",
    )
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
        # Loaded once, here, and passed in; `check` and `invite` load it themselves (a bad
        # setting is what check reports, and invite --application-id needs none).
        settings = None if args.command in SETTINGS_OPTIONAL else load_settings()
        if settings is not None and (why := default_timezone_problem(settings.default_timezone)):
            raise CliError(why)
        return int(handler(args, settings))
    except (ConfigError, CliError, StorageError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except ModelBuildError as exc:
        print(f"The FAQ's embedding model can't be installed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KnowledgeError as exc:
        print("The knowledge base has problems:", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except TemplateProblem as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE


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


def cmd_invite(args: argparse.Namespace, settings: Settings | None) -> int:
    app_id = args.application_id
    if app_id is None:
        # Only now: with --application-id the URL needs no configuration at all.
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
SETTINGS_OPTIONAL = frozenset({"check", "invite"})
