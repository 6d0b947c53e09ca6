"""`coach db backup PATH`: a consistent copy of the live database, safe while the bot runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
from pathlib import Path

from bot.core.commandline import CliError
from bot.core.db import Database, StorageError
from bot.core.render import Renderer
from bot.core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database maintenance (backup)")
    db_sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    db_sub.required = True
    backup = db_sub.add_parser(
        "backup", help="copy the live database to PATH (online: the bot may keep running)"
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=cmd_backup)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    source = settings.database_path.resolve()
    target = Path(args.path).expanduser().resolve()
    _check_target(source, target, force=args.force)
    pages, versions = asyncio.run(backup_database(source, target))
    renderer = Renderer(settings.templates_dir)
    print(
        renderer.text(
            "cli/backup.j2",
            source=source,
            target=target,
            pages=pages,
            schema=max(versions, default=0),
        )
    )
    return 0


def _check_target(source: Path, target: Path, *, force: bool) -> None:
    if not source.is_file():
        raise CliError(f"no database at {source}: nothing to back up (check DATABASE_PATH)")
    if target == source:
        raise CliError(f"{target} is the live database itself; choose another PATH")
    if target.is_dir():
        raise CliError(f"{target} is a directory; give a file name, e.g. {target / 'coach.db'}")
    if target.exists() and not force:
        raise CliError(f"{target} already exists; pass --force to overwrite it")
    if target.parent.exists() and not target.parent.is_dir():
        raise CliError(f"cannot write {target}: {target.parent} is not a directory")
    if not target.parent.exists():
        # A mistyped folder would otherwise quietly become a new one that nobody copies off.
        raise CliError(
            f"cannot write backup to {target}: the folder {target.parent} does not exist; "
            "create it first"
        )


async def backup_database(source: Path, target: Path) -> tuple[int, list[int]]:
    """Copy `source` to `target` atomically; returns (pages, applied migration versions).

    The copy goes to a temporary file beside `target` and is renamed into place only after it
    passes an integrity check, so an interrupted backup never leaves a half-written PATH.
    """
    partial = target.with_name(f".{target.name}.partial")
    # No migrations: a backup must not change the schema under a running (older) bot.
    db = await Database.open(source, migrations=())
    try:
        try:
            await db.backup(partial)
        except (OSError, sqlite3.Error) as exc:
            raise CliError(f"cannot write backup to {target}: {_reason(exc)}") from None
    finally:
        await db.close()
    try:
        pages, versions = _verify(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return pages, versions


def _verify(path: Path) -> tuple[int, list[int]]:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise StorageError(f"backup at {path} failed its integrity check: {result}")
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        versions = [
            int(row[0])
            for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")
        ]
        return pages, versions
    finally:
        conn.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)
