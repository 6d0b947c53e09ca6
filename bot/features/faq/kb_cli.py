"""`coach kb`: a server's club entries as a file, for organisers who prefer an editor.

`coach kb export --guild ID FILE` writes them as YAML (a list of entries, each with `question`,
optional `aliases` and `answer`); `coach kb import --guild ID FILE` reads such a file, checks all
of it (every problem with its line) and then adds or updates the server's entries, matched by
question, all or nothing. The bot may keep running: an import is live at its next question.
`register` returns the `kb` subcommands so more can join them (`coach kb gaps`, with
`club_titles` below to name club entries).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.core.clock import SystemClock
from bot.core.commandline import CliError
from bot.core.db import UNAVAILABLE, Database, open_database
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.features.faq.club import (
    CHOICE_PREFIX,
    ENTRIES_MAX,
    ClubEntry,
    ClubFileError,
    dump_file,
    parse_file,
)
from bot.features.faq.club_repository import ClubFull, ClubRepository, Imported

STDOUT = "-"
T = TypeVar("T")


def guild_id(value: str) -> int:
    """A server id as Discord shows it (Developer Mode: right-click the server, Copy Server ID)."""
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**63:
        raise argparse.ArgumentTypeError(f"{value!r} is not a server id (digits, e.g. 1234567890)")
    return int(value)


def add_guild_option(parser: argparse.ArgumentParser, help: str, *, required: bool = True) -> None:
    parser.add_argument("--guild", type=guild_id, required=required, metavar="ID", help=help)


def register(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    kb = sub.add_parser("kb", help="a server's club entries (export, import)")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND")
    kb_sub.required = True
    export = kb_sub.add_parser("export", help="write a server's club entries to a YAML file")
    add_guild_option(export, "the server whose entries to export")
    export.add_argument("file", metavar="FILE", help="where to write them ('-' for stdout)")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    export.set_defaults(handler=cmd_export)
    imp = kb_sub.add_parser(
        "import", help="add or update a server's club entries from a YAML file (all or nothing)"
    )
    add_guild_option(imp, "the server whose entries to add or update")
    imp.add_argument("file", metavar="FILE", help="a YAML list of question/aliases/answer")
    imp.set_defaults(handler=cmd_import)
    return kb_sub


def with_repository(settings: Settings, work: Callable[[ClubRepository], Awaitable[T]]) -> T:
    """Run `work` on the club entries of the configured database (migrated first, as the bot
    would; the bot may be running: SQLite's WAL and busy timeout share the file)."""

    async def run() -> T:
        db = await open_database(settings)
        try:
            return await work(ClubRepository(db))
        finally:
            await db.close()

    return asyncio.run(run())


async def club_titles(db: Database, guild_id: int) -> dict[str, str]:
    """Each of the server's club entries by the ref /faq's suggestions use (`club:<id>`) -> its
    question: what `coach kb gaps` shows for a club entry (its `club_titles`)."""
    try:
        entries = await ClubRepository(db).list_guild(guild_id)
    except UNAVAILABLE:  # a database from before club entries (not migrated)
        return {}
    return {f"{CHOICE_PREFIX}{entry.id}": entry.question for entry in entries}


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    if settings.database_url is None and not settings.database_path.is_file():
        raise CliError(f"no database at {settings.database_path}: nothing to export")
    target = None if args.file == STDOUT else Path(args.file).expanduser()
    if target is not None:
        if target.is_dir():
            raise CliError(
                f"{target} is a directory; give a file name, e.g. {target / 'club.yaml'}"
            )
        if target.exists() and not args.force:
            raise CliError(f"{target} already exists; pass --force to overwrite it")

    async def read(repository: ClubRepository) -> list[ClubEntry]:
        return await repository.list_guild(args.guild)

    entries = with_repository(settings, read)
    content = dump_file(entries)
    renderer = Renderer(settings.templates_dir)
    summary = renderer.text(
        "cli/kb_export.j2", count=len(entries), guild=args.guild, target=target or "stdout"
    )
    if target is None:
        sys.stdout.write(content)
        print(summary, file=sys.stderr)
        return 0
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(content, encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror}") from None
    print(summary)
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    renderer = Renderer(settings.templates_dir)
    path = Path(args.file).expanduser()
    try:
        content = sys.stdin.read() if args.file == STDOUT else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CliError(f"cannot read {args.file}: {reason}") from None
    try:
        entries = parse_file(content, args.file)
    except ClubFileError as exc:
        print(
            renderer.text("cli/kb_import.j2", file=args.file, problems=exc.problems),
            file=sys.stderr,
        )
        return 1

    async def write(repository: ClubRepository) -> Imported:
        return await repository.import_entries(args.guild, entries, SystemClock().now())

    try:
        done = with_repository(settings, write)
    except ClubFull as exc:
        problem = (
            f"server {args.guild} would have {exc.count} club entries; at most {exc.limit} "
            "(remove some first, in Discord with /kb remove)"
        )
        print(
            renderer.text("cli/kb_import.j2", file=args.file, problems=[problem]), file=sys.stderr
        )
        return 1
    print(
        renderer.text(
            "cli/kb_import.j2",
            file=args.file,
            problems=[],
            guild=args.guild,
            done=done,
            limit=ENTRIES_MAX,
        )
    )
    return 0
