"""The embedded SQLite store: one aiosqlite connection, WAL, foreign keys, versioned migrations."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


# What a query raises when the store can't serve right now: locked past the busy timeout, disk
# full, read-only. Callers above storage catch these without knowing SQLite.
UNAVAILABLE: tuple[type[Exception], ...] = (sqlite3.OperationalError,)


class StorageError(Exception):
    """The database could not be opened or migrated; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The numbered SQL files shipped in bot/core/migrations, in order."""
    found: list[Migration] = []
    for item in resources.files("bot.core.migrations").iterdir():
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
    """A thin async wrapper; repositories hold the SQL, this holds the connection."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path, migrations: Sequence[Migration] | None = None) -> Database:
        prepare_folder(path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except Exception as exc:  # sqlite3 errors are not specific about the file
            raise StorageError(f"cannot open database {path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await db._migrate(bundled_migrations() if migrations is None else migrations)
        except Exception as exc:
            await conn.close()
            if isinstance(exc, StorageError):
                raise
            raise StorageError(f"cannot prepare database {path}: {exc}") from exc
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def _migrate(self, migrations: Iterable[Migration]) -> list[int]:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        applied = {
            row[0]
            for row in await self._conn.execute_fetchall("SELECT version FROM schema_migrations")
        }
        done: list[int] = []
        for migration in migrations:
            if migration.version in applied:
                continue
            # executescript commits on its own, so the migration and its record share one script.
            script = (
                "BEGIN;\n" + migration.sql + "\n;INSERT INTO schema_migrations (version, name) "
                f"VALUES ({migration.version}, '{migration.name}');\nCOMMIT;"
            )
            try:
                await self._conn.executescript(script)
            except Exception as exc:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise StorageError(
                    f"migration {migration.version:04d}_{migration.name}.sql failed: {exc}"
                ) from exc
            log.info("applied migration %04d_%s", migration.version, migration.name)
            done.append(migration.version)
        return done

    async def applied_migrations(self) -> list[int]:
        rows = await self._conn.execute_fetchall(
            "SELECT version FROM schema_migrations ORDER BY version"
        )
        return [row[0] for row in rows]

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        cursor = await self._conn.execute(sql, params)
        try:
            return cursor.rowcount
        finally:
            await cursor.close()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE so a writer takes the lock up front instead of failing mid-way."""
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise
        else:
            await self._conn.execute("COMMIT")

    async def backup(self, target: Path) -> None:
        """An online, consistent copy of the database (SQLite's backup API). The target's folder
        must exist: a mistyped backup path is refused, not created."""
        async with aiosqlite.connect(target) as dest:
            await self._conn.backup(dest)
