"""PostgreSQL through asyncpg: the store several bot processes share (DATABASE_URL).

A pool of connections (DATABASE_POOL_SIZE), a statement timeout on every connection
(DATABASE_STATEMENT_TIMEOUT seconds), and no state kept across a lost connection: when the
server restarts, statements fail with StorageUnavailable (members get the storage-trouble reply)
and every pooled connection is replaced on its next use, so the bot recovers by itself.

Repositories' `?` placeholders are numbered here (`$1`, `$2`, ...), once per distinct statement.
Migrations take a transaction-scoped advisory lock: processes starting together apply each one
once, in turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.core.db import (
    ConstraintError,
    Database,
    Migration,
    Row,
    StorageError,
    StorageUnavailable,
    bundled_migrations,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECT_TIMEOUT = 10.0  # seconds to open one connection
# Any number will do as long as only this application uses it on the database.
MIGRATION_LOCK = 0x52_43_4F_41_43_48  # "RCOACH"

# A lost or refused connection, a server shutting down or not accepting yet, a timeout: the
# store can't serve now. Anything else (a syntax error, a bad value) is a bug and stays itself.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # admin/crash shutdown, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
    asyncpg.exceptions.QueryCanceledError,  # the statement timeout
)


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1`, `$2`, ... (not inside quotes or comments)."""
    out: list[str] = []
    n = 0
    i = 0
    quote: str | None = None
    while i < len(sql):
        ch = sql[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = len(sql) if end < 0 else end
            out.append(sql[i:end])
            i = end
            continue
        elif ch == "?":
            n += 1
            out.append(f"${n}")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def redacted(url: str) -> str:
    """The URL without its password, for logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def _rowcount(status: str) -> int:
    """asyncpg's command tag (`UPDATE 3`, `INSERT 0 1`, `DELETE 0`) as a number of rows."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        self._pool = pool
        self.where = where
        self._conn: contextvars.ContextVar[asyncpg.Connection | None] = contextvars.ContextVar(
            f"pg-tx-{id(self)}", default=None
        )

    @classmethod
    async def connect(
        cls,
        url: str,
        migrations: Sequence[Migration] | None = None,
        *,
        pool_size: int = 10,
        statement_timeout: float = 10.0,
    ) -> PostgresDatabase:
        where = redacted(url)
        timeout_ms = str(max(1, int(statement_timeout * 1000)))
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=pool_size,
                timeout=CONNECT_TIMEOUT,
                # the client gives up a little after the server would have cancelled
                command_timeout=statement_timeout + 5,
                max_inactive_connection_lifetime=300,
                server_settings={
                    "statement_timeout": timeout_ms,
                    "application_name": "runclub-coach",
                    "timezone": "UTC",
                },
            )
        except (*_UNAVAILABLE, asyncpg.exceptions.PostgresError, ValueError) as exc:
            raise StorageError(f"cannot connect to DATABASE_URL {where}: {_why(exc)}") from None
        db = cls(pool, where)
        try:
            await db._migrate(
                bundled_migrations("postgresql") if migrations is None else migrations
            )
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._pool.close(), 10)
        except (TimeoutError, *_UNAVAILABLE):
            self._pool.terminate()

    # -- migrations ----------------------------------------------------------------------------

    async def _migrate(self, migrations: Sequence[Migration]) -> list[int]:
        """Each pending migration and its record in one transaction holding the advisory lock,
        re-checked under it: a second process waits, then skips what the first applied."""
        done: list[int] = []
        try:
            async with self._pool.acquire() as conn:
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                    await conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT"
                        " NULL DEFAULT to_char(now() AT TIME ZONE 'UTC',"
                        ' \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\'))'
                    )
                for migration in migrations:
                    async with conn.transaction():
                        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                        applied = await conn.fetchval(
                            "SELECT 1 FROM schema_migrations WHERE version = $1",
                            migration.version,
                        )
                        if applied:
                            continue
                        try:
                            await conn.execute(migration.sql)
                        except asyncpg.exceptions.PostgresError as exc:
                            raise StorageError(
                                f"migration {migration.version:04d}_{migration.name}.sql"
                                f" failed: {exc}"
                            ) from exc
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version,
                            migration.name,
                        )
                    log.info("applied migration %04d_%s", migration.version, migration.name)
                    done.append(migration.version)
        except _UNAVAILABLE as exc:
            raise StorageError(f"cannot migrate DATABASE_URL {self.where}: {_why(exc)}") from None
        return done

    # -- queries -------------------------------------------------------------------------------

    async def _guard(self, work: Awaitable[T]) -> T:
        """`work`, with asyncpg's errors as the store's: a broken constraint, or the server gone
        (then every pooled connection is renewed: the server may have restarted)."""
        try:
            return await work
        except asyncpg.exceptions.IntegrityConstraintViolationError as exc:
            raise ConstraintError(str(exc)) from exc
        except _UNAVAILABLE as exc:
            await self._pool.expire_connections()
            raise StorageUnavailable(f"{self.where}: {_why(exc)}") from exc

    async def _call(self, method: str, sql: str, *args: Any) -> Any:
        target: Any = self._conn.get() or self._pool
        return await self._guard(getattr(target, method)(numbered(sql), *args))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return _rowcount(await self._call("execute", sql, *params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self._call("fetchrow", sql, *params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._call("fetch", sql, *params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._call("executemany", sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One pooled connection for the block; statements of this task (and tasks it starts)
        inside use it. Nested blocks join the enclosing transaction."""
        if self._conn.get() is not None:
            yield
            return
        conn = await self._guard(self._pool.acquire())
        token = self._conn.set(conn)
        try:
            tx = conn.transaction()
            await self._guard(tx.start())
            try:
                yield
            except BaseException:
                with contextlib.suppress(*_UNAVAILABLE):  # gone, and the transaction with it
                    await tx.rollback()
                raise
            await self._guard(tx.commit())
        finally:
            self._conn.reset(token)
            await self._pool.release(conn)

    async def tables(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
        return [str(r[0]) for r in rows]

    async def columns(self, table: str) -> list[str]:
        rows = await self.fetchall(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [str(r[0]) for r in rows]

    async def reset_sequences(self) -> None:
        """After rows were copied in with their ids: each identity column continues after the
        largest id (else the next insert would collide with a copied row)."""
        rows = await self.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for row in rows:
            table, column = str(row[0]), str(row[1])
            await self.fetchone(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
