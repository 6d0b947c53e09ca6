"""The store every repository talks to: one small query interface over two backends.

Embedded SQLite at DATABASE_PATH is the default (`bot/core/sqlite_db.py`); PostgreSQL at
DATABASE_URL is for several processes sharing one database (`bot/core/postgres_db.py`).
Repositories write their SQL once, in the portable subset both understand, with `?` for
parameters; the PostgreSQL backend numbers them (`$1`, `$2`, ...) once per statement. Why a thin
layer and not an ORM: docs/scaling.md ("One query layer").

Each backend keeps its own numbered migrations (`bot/core/migrations/<dialect>/`), with the same
version numbers and the same tables, applied once each even when several processes start
together.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from bot.core.settings import Settings

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
DIALECTS = ("sqlite", "postgresql")

# A row: sqlite3.Row or asyncpg.Record; both read by column name (row["id"]) and position.
Row = Any


class StorageError(Exception):
    """The database could not be opened or migrated; the message says which one and why."""


class StorageUnavailable(Exception):
    """The database can't serve right now (connection lost, server restarting, timed out)."""


class ConstraintError(Exception):
    """A statement broke a constraint (a UNIQUE key, a CHECK): the caller's data, not the store."""


# What a query raises when the store can't serve right now: SQLite locked past the busy
# timeout, disk full or read-only; PostgreSQL unreachable or too slow. Callers above storage
# catch these without knowing the backend.
UNAVAILABLE: tuple[type[Exception], ...] = (sqlite3.OperationalError, StorageUnavailable)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations(dialect: str = "sqlite") -> list[Migration]:
    """The numbered SQL files shipped in bot/core/migrations/<dialect>, in order."""
    if dialect not in DIALECTS:
        raise StorageError(f"unknown database dialect {dialect!r}")
    found: list[Migration] = []
    for item in resources.files("bot.core.migrations").joinpath(dialect).iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append(Migration(int(match[1]), match[2], item.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StorageError(f"duplicate migration numbers in bot/core/migrations: {versions}")
    return found


def prepare_folder(path: Path, what: str = "DATABASE_PATH") -> None:
    """Create the database's folder if needed and make sure it can be written (SQLite writes its
    -wal and -shm files beside the database); a StorageError naming DATABASE_PATH otherwise."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"{what} {path}: cannot create its folder {folder}: {_reason(exc)}"
        ) from None
    if path.is_dir():
        raise StorageError(f"{what} {path} is a directory; give a file name")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(f"{what} {path}: its folder {folder} is not writable")


def _reason(exc: OSError) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a file is in the way"
    return (exc.strerror or str(exc)).lower()


class Database:
    """What repositories call. `dialect` says which backend serves it ("sqlite" or
    "postgresql"); repositories rarely need it."""

    dialect: ClassVar[str]
    where: str  # the file, or the URL without its password: for logs and errors

    @classmethod
    async def open(cls, path: Path, migrations: Sequence[Migration] | None = None) -> Database:
        """The embedded SQLite database at `path` (migrated, unless `migrations` says
        otherwise)."""
        from bot.core.sqlite_db import SqliteDatabase

        return await SqliteDatabase.open_file(path, migrations)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        raise NotImplementedError

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for many parameter rows, in one trip (bulk copies, imports)."""
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Statements inside run together or not at all; other tasks' statements wait."""
        raise NotImplementedError

    async def applied_migrations(self) -> list[int]:
        rows = await self.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        return [int(row[0]) for row in rows]

    async def tables(self) -> list[str]:
        """The application's tables (not the backend's own), sorted."""
        raise NotImplementedError

    async def columns(self, table: str) -> list[str]:
        """A table's columns, in their order."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


async def open_database(
    settings: Settings, migrations: Sequence[Migration] | None = None
) -> Database:
    """PostgreSQL when DATABASE_URL is set, else SQLite at DATABASE_PATH; migrated."""
    if settings.database_url:
        from bot.core.postgres_db import PostgresDatabase

        return await PostgresDatabase.connect(
            settings.database_url.get_secret_value(),
            migrations,
            pool_size=settings.database_pool_size,
            statement_timeout=settings.database_statement_timeout,
        )
    return await Database.open(settings.database_path, migrations)


async def iterate_rows(db: Database, sql: str, batch: int = 1000) -> AsyncIterator[list[Row]]:
    """A table's rows in batches of `batch` (ordered by the statement's ORDER BY), so a copy of
    a big table never holds it all in memory."""
    offset = 0
    while True:
        rows = await db.fetchall(f"{sql} LIMIT {int(batch)} OFFSET {int(offset)}")
        if not rows:
            return
        yield rows
        offset += len(rows)
