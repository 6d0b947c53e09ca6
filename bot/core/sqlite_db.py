"""The embedded SQLite store: one aiosqlite connection, WAL, foreign keys, versioned migrations.

Every statement is one trip to aiosqlite's thread (execute, fetch and close together), so a
command waits for one turn of the event loop per statement, not three. A transaction holds an
asyncio lock: other tasks' statements wait for it rather than landing inside it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.db import (
    ConstraintError,
    Database,
    Migration,
    Row,
    StorageError,
    bundled_migrations,
    prepare_folder,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


async def _use_wal(conn: aiosqlite.Connection) -> None:
    """Switch the file to WAL, retrying while another process holds it.

    SQLite answers "database is locked" to a journal-mode change at once, without the busy
    handler, when a second process is creating the same file at that moment: two bot processes
    started together on an empty database. The mode is stored in the file, so the retry ends
    as soon as either process has switched it.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.02)


def _fetchall(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def _fetchone(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _execute(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    cursor = conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _executemany(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    conn.executemany(sql, rows).close()


def statements(script: str) -> list[str]:
    """A migration script split into complete statements (a trigger's body stays whole)."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                found.append(pending.strip())
            pending = ""
    if pending.strip() and _code(pending):
        found.append(pending.strip())
    return found


def _code(text: str) -> bool:
    """Whether anything but comments and blank lines is left."""
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self.where = str(path)
        self._lock = asyncio.Lock()
        # Set inside a transaction's task (and tasks it starts): its statements skip the lock.
        self._inside: contextvars.ContextVar[bool] = contextvars.ContextVar(
            f"sqlite-tx-{id(self)}", default=False
        )

    @classmethod
    async def open_file(
        cls, path: Path, migrations: Sequence[Migration] | None = None
    ) -> SqliteDatabase:
        prepare_folder(path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except Exception as exc:  # sqlite3 errors are not specific about the file
            raise StorageError(f"cannot open database {path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _use_wal(conn)
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await db._migrate(bundled_migrations("sqlite") if migrations is None else migrations)
        except Exception as exc:
            await conn.close()
            if isinstance(exc, StorageError):
                raise
            raise StorageError(f"cannot prepare database {path}: {exc}") from exc
        return db

    async def close(self) -> None:
        await self._conn.close()

    # -- migrations ----------------------------------------------------------------------------

    async def _migrate(self, migrations: Iterable[Migration]) -> list[int]:
        """Apply what is missing, each migration with its record in one IMMEDIATE transaction
        that re-reads the records first: a second process starting at the same moment waits
        for the write lock, then finds the migration applied and skips it."""
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        done: list[int] = []
        for migration in migrations:
            if migration.version in set(await self.applied_migrations()):
                continue
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                applied = await self._conn._execute(
                    _fetchone,
                    self._conn._conn,
                    "SELECT 1 FROM schema_migrations WHERE version = ?",
                    (migration.version,),
                )
                if applied is None:
                    for statement in statements(migration.sql):
                        await self._conn.execute(statement)
                    await self._conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        (migration.version, migration.name),
                    )
            except Exception as exc:
                await self._conn.execute("ROLLBACK")
                raise StorageError(
                    f"migration {migration.version:04d}_{migration.name}.sql failed: {exc}"
                ) from exc
            await self._conn.execute("COMMIT")
            if applied is None:
                log.info("applied migration %04d_%s", migration.version, migration.name)
                done.append(migration.version)
        return done

    # -- queries -------------------------------------------------------------------------------

    async def _run(self, fn: Any, sql: str, params: Sequence[Any]) -> Any:
        if self._lock.locked() and not self._inside.get():
            async with self._lock:  # a transaction is open in another task: wait for it
                pass
        try:
            return await self._conn._execute(fn, self._conn._conn, sql, params)
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(await self._run(_execute, sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self._run(_fetchone, sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._run(_fetchall, sql, params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._run(_executemany, sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE so a writer takes the lock up front instead of failing mid-way."""
        if self._inside.get():  # nested: part of the enclosing transaction
            yield
            return
        async with self._lock:
            token = self._inside.set(True)
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                else:
                    await self._conn.execute("COMMIT")
            finally:
                self._inside.reset(token)

    async def tables(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        return [str(r[0]) for r in rows]

    async def columns(self, table: str) -> list[str]:
        rows = await self.fetchall("SELECT name FROM pragma_table_info(?) ORDER BY cid", (table,))
        return [str(r[0]) for r in rows]

    async def backup(self, target: Path) -> None:
        """An online, consistent copy of the database (SQLite's backup API). The target's folder
        must exist: a mistyped backup path is refused, not created."""
        async with aiosqlite.connect(target) as dest:
            await self._conn.backup(dest)
