"""`coach db backup PATH`: a consistent copy of the live database, safe while the bot runs.
`coach db copy --to URL`: the SQLite database moved into an empty PostgreSQL one, verified."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from bot.core.commandline import CliError
from bot.core.db import (
    ConstraintError,
    Database,
    Migration,
    StorageError,
    StorageUnavailable,
    bundled_migrations,
    iterate_rows,
)
from bot.core.postgres_db import PostgresDatabase, redacted
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.core.sqlite_db import SqliteDatabase

MIGRATIONS_TABLE = "schema_migrations"  # each store's own record, never copied
COPY_BATCH = 1000  # rows read from SQLite and sent to PostgreSQL per trip
COPY_STATEMENT_TIMEOUT = 600.0  # seconds: a big table's batch or count may take a while


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database maintenance (backup, copy)")
    db_sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    db_sub.required = True
    backup = db_sub.add_parser(
        "backup", help="copy the live database to PATH (online: the bot may keep running)"
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=cmd_backup)
    copy = db_sub.add_parser(
        "copy",
        help="copy the SQLite database into an empty PostgreSQL one and verify the row counts",
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the PostgreSQL database, postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME; it must be"
        " empty (it is migrated to this coach's schema first)",
    )
    copy.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="PATH",
        help="the SQLite file to copy (default: DATABASE_PATH); the bot may keep running on it",
    )
    copy.set_defaults(handler=cmd_copy)


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
    db = await SqliteDatabase.open_file(source, migrations=())
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


# -- coach db copy ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableCount:
    name: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: Path
    target: str  # the URL without its password
    schema: int
    tables: list[TableCount]  # by name

    @property
    def mismatched(self) -> list[str]:
        return [t.name for t in self.tables if not t.ok]


class _Mismatch(Exception):
    """Raised inside the copy's transaction (so it rolls back) when a count differs."""

    def __init__(self, tables: list[TableCount]) -> None:
        super().__init__()
        self.tables = tables


def cmd_copy(args: argparse.Namespace, settings: Settings) -> int:
    url = str(args.to).strip()
    _check_url(url)
    source = Path(args.source).expanduser() if args.source else settings.database_path
    source = source.resolve()
    if not source.is_file():
        where = "--from" if args.source else "DATABASE_PATH"
        raise CliError(f"no database at {source}: nothing to copy (check {where})")
    report = asyncio.run(copy_database(source, url))
    text = Renderer(settings.templates_dir).text(
        "cli/db_copy.j2",
        report=report,
        width=max([len("table"), *(len(t.name) for t in report.tables)]),
    )
    if report.mismatched:
        print(text, file=sys.stderr)
        return 1
    print(text)
    return 0


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise CliError(f"--to {_where(url)} is not a valid URL: {exc}") from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise CliError(
            f"--to {_where(url)} is not a PostgreSQL URL: give"
            " postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        )


def _where(url: str) -> str:
    """The URL for messages: never its password, even when it does not parse."""
    try:
        return redacted(url)
    except ValueError:
        password = urlsplit(url).password
        return url.replace(password, "***") if password else url


def _scrub(text: str, url: str) -> str:
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def copy_database(source: Path, url: str, *, batch: int = COPY_BATCH) -> CopyReport:
    """Copy the SQLite database at `source` into the empty PostgreSQL database at `url`.

    Reads a fresh backup of `source` (consistent, and the live file is only read), refuses a
    source whose schema is not this coach's, migrates the target and refuses it unless it is
    empty, then copies every table in one transaction: verified counts, or nothing at all.
    """
    with tempfile.TemporaryDirectory(prefix="coach-copy-") as folder:
        snapshot_path = Path(folder) / "snapshot.db"
        _, versions = await backup_database(source, snapshot_path)
        _check_source_schema(source, versions, bundled_migrations("sqlite"))
        seeds = await _seeded_rows(Path(folder) / "fresh.db")
        snapshot = await SqliteDatabase.open_file(snapshot_path, migrations=())
        try:
            return await _copy(snapshot, source, url, seeds, batch, max(versions))
        finally:
            await snapshot.close()


def _check_source_schema(source: Path, versions: list[int], bundled: list[Migration]) -> None:
    expected = [m.version for m in bundled]
    if versions == expected:
        return
    if not versions:
        raise CliError(f"{source} has no schema_migrations: it is not a RunClub Coach database")
    if set(versions) - set(expected):
        raise CliError(
            f"{source} is at schema {max(versions):04d}, newer than this coach's"
            f" {max(expected):04d}: copy it with the coach version that last ran on it"
        )
    raise CliError(
        f"{source} is at schema {max(versions):04d}, behind this coach's {max(expected):04d}:"
        " start the current bot once on it (that applies the migrations), then copy"
    )


async def _seeded_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The rows a freshly migrated database starts with (the migrations' own inserts), by
    table: a target holding only these counts as empty."""
    fresh = await SqliteDatabase.open_file(path)
    try:
        seeds: dict[str, list[dict[str, Any]]] = {}
        for table in await fresh.tables():
            if table != MIGRATIONS_TABLE:
                rows = await fresh.fetchall(f"SELECT * FROM {_quote(table)}")
                seeds[table] = [dict(row) for row in rows]
        return seeds
    finally:
        await fresh.close()


async def _connect(url: str, migrations: Sequence[Migration] | None = None) -> PostgresDatabase:
    try:
        return await PostgresDatabase.connect(
            url, migrations, pool_size=2, statement_timeout=COPY_STATEMENT_TIMEOUT
        )
    except StorageError as exc:
        raise CliError(_scrub(str(exc).replace("DATABASE_URL ", ""), url)) from None


async def _copy(
    snapshot: SqliteDatabase,
    source: Path,
    url: str,
    seeds: dict[str, list[dict[str, Any]]],
    batch: int,
    schema: int,
) -> CopyReport:
    where = _where(url)
    tables = [t for t in await snapshot.tables() if t != MIGRATIONS_TABLE]
    order = await _copy_order(snapshot, tables)
    # Look first without migrating: a database of some other application or of a newer coach,
    # or one already holding data, is refused before anything is created in it.
    target = await _connect(url, migrations=())
    try:
        foreign = sorted(set(await target.tables()) - {*tables, MIGRATIONS_TABLE})
        if foreign:
            raise CliError(
                f"{where} is not empty: it holds tables that are not RunClub Coach's"
                f" ({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''});"
                " copy into a new, empty database"
            )
        _check_target_schema(where, await target.applied_migrations())
        await _check_empty(target, where, sorted(set(await target.tables()) & set(tables)), seeds)
    finally:
        await target.close()

    target = await _connect(url)  # migrated to this coach's schema
    try:
        _check_target_schema(where, await target.applied_migrations())
        missing = sorted(set(tables) ^ (set(await target.tables()) - {MIGRATIONS_TABLE}))
        if missing:
            raise CliError(
                f"the SQLite and PostgreSQL schemas differ in tables {', '.join(missing)}:"
                " nothing was copied"
            )
        columns: dict[str, list[str]] = {}
        for table in order:
            columns[table] = await snapshot.columns(table)
            if set(columns[table]) != set(await target.columns(table)):
                raise CliError(
                    f"table {table} has different columns in SQLite and PostgreSQL:"
                    " nothing was copied"
                )
        counts = {t: await _count(snapshot, t) for t in tables}
        current = ""
        try:
            async with target.transaction():
                # Rows go in as they are: the target's own triggers (e.g. the club revision
                # counter) must not add to them. Locks each table until the end, too.
                for current in order:
                    await target.execute(f"ALTER TABLE {_quote(current)} DISABLE TRIGGER USER")
                await _check_empty(target, where, order, seeds)  # again, under the locks
                for current in reversed(order):  # the migrations' starting rows
                    await target.execute(f"DELETE FROM {_quote(current)}")
                for current in order:
                    await _copy_table(snapshot, target, current, columns[current], batch)
                for current in order:
                    await target.execute(f"ALTER TABLE {_quote(current)} ENABLE TRIGGER USER")
                current = ""
                await target.reset_sequences()
                verified = [
                    TableCount(t, counts[t], await _count(target, t)) for t in sorted(tables)
                ]
                if any(not t.ok for t in verified):
                    raise _Mismatch(verified)
        except _Mismatch as exc:
            verified = exc.tables  # rolled back: the target is as empty as it was
        except (ConstraintError, StorageUnavailable, asyncpg.PostgresError) as exc:
            # e.g. a value SQLite's loose typing let in that the PostgreSQL column refuses
            at = f" at table {current}" if current else ""
            raise CliError(
                _scrub(
                    f"the copy into {where} stopped{at}: {_first_line(exc)}; nothing was copied",
                    url,
                )
            ) from None
    finally:
        await target.close()
    return CopyReport(source=source, target=where, schema=schema, tables=verified)


def _check_target_schema(where: str, applied: list[int]) -> None:
    bundled = [m.version for m in bundled_migrations("postgresql")]
    if set(applied) - set(bundled):
        raise CliError(
            f"{where} is at schema {max(applied):04d}, newer than this coach's"
            f" {max(bundled):04d}: copy into a new, empty database"
        )


async def _check_empty(
    target: Database, where: str, tables: Sequence[str], seeds: dict[str, list[dict[str, Any]]]
) -> None:
    held = []
    for table in sorted(tables):
        extra = await _unseeded(target, table, seeds.get(table, []))
        if extra:
            held.append(f"{table} ({extra} {'row' if extra == 1 else 'rows'})")
    if held:
        raise CliError(
            f"{where} is not empty: {', '.join(held)}; nothing was copied: copy only into a"
            " new, empty database"
        )


async def _unseeded(target: Database, table: str, seeds: list[dict[str, Any]]) -> int:
    """How many of the table's rows are not among the rows its migrations start it with."""
    count = await _count(target, table)
    if count == 0 or count > len(seeds):
        return count
    names = [c for c in await target.columns(table) if c in seeds[0]]
    left = Counter(tuple(seed[c] for c in names) for seed in seeds)
    select = ", ".join(_quote(c) for c in names)
    extra = 0
    for row in await target.fetchall(f"SELECT {select} FROM {_quote(table)}"):
        key = tuple(row)
        if left[key] > 0:
            left[key] -= 1
        else:
            extra += 1
    return extra


async def _count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {_quote(table)}")
    return int(row[0]) if row is not None else 0


async def _copy_order(snapshot: SqliteDatabase, tables: list[str]) -> list[str]:
    """The tables with every table after the ones its foreign keys reference (from the SQLite
    schema), else by name: the target's foreign keys are checked row by row."""
    needs: dict[str, set[str]] = {}
    for table in tables:
        rows = await snapshot.fetchall(
            'SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)', (table,)
        )
        needs[table] = {str(r[0]) for r in rows} & set(tables) - {table}
    order: list[str] = []
    while needs:
        ready = sorted(t for t, refs in needs.items() if refs <= set(order)) or sorted(needs)
        for table in ready:
            order.append(table)
            del needs[table]
    return order


async def _copy_table(
    snapshot: SqliteDatabase, target: Database, table: str, columns: list[str], batch: int
) -> None:
    names = ", ".join(_quote(c) for c in columns)
    keys = await snapshot.fetchall(
        "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,)
    )
    order = ", ".join(_quote(str(k[0])) for k in keys) or "rowid"
    insert = f"INSERT INTO {_quote(table)} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    select = f"SELECT {names} FROM {_quote(table)} ORDER BY {order}"
    async for rows in iterate_rows(snapshot, select, batch):
        await target.executemany(insert, [tuple(row) for row in rows])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
