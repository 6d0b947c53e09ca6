"""The query layer on both stores: same schema, same answers, constraints and transactions, and
migrations applied once each when two processes start together on an empty database."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.core.db import (
    ConstraintError,
    Database,
    StorageUnavailable,
    bundled_migrations,
    open_database,
)
from bot.core.postgres_db import numbered, redacted
from bot.core.settings import PROJECT_ROOT, load_settings
from bot.core.sqlite_db import SqliteDatabase


@pytest.fixture
def backend(both_backends: str) -> str:
    return both_backends


@pytest.fixture
async def db(database: dict[str, Any]) -> Any:
    store = await open_database(load_settings(_env_file=None, **database))
    yield store
    await store.close()


def test_both_dialects_have_the_same_migrations() -> None:
    sqlite = [(m.version, m.name) for m in bundled_migrations("sqlite")]
    postgresql = [(m.version, m.name) for m in bundled_migrations("postgresql")]
    assert sqlite == postgresql and sqlite


def test_placeholders_are_numbered_outside_quotes_and_comments() -> None:
    sql = "SELECT '?' AS q, \"a?\" FROM t WHERE a = ? AND b = ? -- why?\n AND c = ?"
    assert numbered(sql) == (
        "SELECT '?' AS q, \"a?\" FROM t WHERE a = $1 AND b = $2 -- why?\n AND c = $3"
    )


def test_the_password_never_appears_in_where() -> None:
    assert redacted("postgresql://coach:s3cret@db.internal:5433/coach") == (
        "postgresql://coach:***@db.internal:5433/coach"
    )
    assert redacted("postgresql://coach@db/coach") == "postgresql://coach@db/coach"


async def test_same_tables_and_columns_on_both(db: Database, tmp_path: Path) -> None:
    reference = await Database.open(tmp_path / "reference.db")
    try:
        assert await db.tables() == await reference.tables()
        for table in await reference.tables():
            assert await db.columns(table) == await reference.columns(table), table
    finally:
        await reference.close()
    assert await db.applied_migrations() == [m.version for m in bundled_migrations()]


async def test_rowcounts_rows_and_constraints(db: Database) -> None:
    assert await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("a", "1")) == 1
    assert await db.execute("UPDATE meta SET value = ? WHERE key = ?", ("2", "a")) == 1
    assert await db.execute("UPDATE meta SET value = ? WHERE key = ?", ("2", "zz")) == 0
    row = await db.fetchone("SELECT key, value FROM meta WHERE key = ?", ("a",))
    assert row is not None and row["value"] == "2" and row[0] == "a"
    assert await db.fetchone("SELECT key FROM meta WHERE key = ?", ("b",)) is None
    with pytest.raises(ConstraintError):
        await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("a", "again"))
    big = 1_577_436_090_279_657_474  # a real snowflake: past 32 bits
    await db.execute(
        "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?)",
        (big, "Europe/London", "2026-01-01T00:00:00.000Z"),
    )
    row = await db.fetchone("SELECT guild_id FROM guild_settings")
    assert row is not None and row[0] == big


async def test_a_failed_transaction_leaves_nothing_and_others_wait_for_it(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO meta (key, value) VALUES ('t', '1')")
            async with db.transaction():  # nested: part of the same transaction
                await db.execute("INSERT INTO meta (key, value) VALUES ('u', '1')")
            raise RuntimeError("half-way")
    assert await db.fetchall("SELECT key FROM meta WHERE key IN ('t', 'u')") == []

    inside = asyncio.Event()
    release = asyncio.Event()

    async def long_transaction() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO meta (key, value) VALUES ('long', '1')")
            inside.set()
            await release.wait()
            raise RuntimeError("rolled back")

    task = asyncio.create_task(long_transaction())
    await inside.wait()
    # Another task's write neither lands inside the open transaction nor is lost with it.
    other = asyncio.create_task(db.execute("INSERT INTO meta (key, value) VALUES ('other', '1')"))
    await asyncio.sleep(0.05)
    release.set()
    with pytest.raises(RuntimeError):
        await task
    assert await other == 1
    keys = {r[0] for r in await db.fetchall("SELECT key FROM meta")}
    assert "other" in keys and "long" not in keys


_OPEN_AT = """
import asyncio, logging, sys, time
from bot.core.db import open_database
from bot.core.settings import load_settings
logging.basicConfig(level=logging.INFO, format="%(message)s")
start = float(sys.argv[1])
async def main():
    time.sleep(max(0.0, start - time.time()))  # both processes open at the same instant
    db = await open_database(load_settings(_env_file=None))
    await db.close()
asyncio.run(main())
"""


async def test_two_processes_starting_together_apply_each_migration_once(
    database: dict[str, Any],
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DISCORD_"))}
    env.update({k.upper(): str(v) for k, v in database.items()})
    start = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_AT, str(start)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    applied = [line for out in outputs for line in out.splitlines() if "applied migration" in line]
    expected = [f"applied migration {m.version:04d}_{m.name}" for m in bundled_migrations()]
    assert sorted(applied) == sorted(expected)  # each once, whichever process applied it
    db = await open_database(load_settings(_env_file=None, **database))
    try:
        assert await db.applied_migrations() == [m.version for m in bundled_migrations()]
    finally:
        await db.close()


async def test_sqlite_waits_for_another_process_creating_the_file(tmp_path: Path) -> None:
    """A second process still writing the new file in rollback mode makes SQLite refuse the
    switch to WAL at once ("database is locked", no busy wait): opening waits for it instead."""
    path = tmp_path / "c.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE early (a)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO early VALUES (1)")
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, other.execute, "COMMIT")
    store = await SqliteDatabase.open_file(path)
    try:
        assert await store.applied_migrations() == [m.version for m in bundled_migrations()]
        row = await store.fetchone("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
    finally:
        await store.close()
        other.close()


def test_make_test_says_when_postgresql_variants_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support import postgres as pg

    monkeypatch.delenv(pg.ENV, raising=False)
    monkeypatch.setattr(pg, "find_bindir", lambda: None)
    assert "SKIPPED" in pg.status()
    monkeypatch.setenv(pg.ENV, "postgresql://coach@127.0.0.1:5432/postgres")
    assert "variants run" in pg.status()


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite's busy timeout: test_faults.py
async def test_a_statement_past_the_timeout_is_cancelled_as_unavailable(
    database: dict[str, Any],
) -> None:
    settings = load_settings(_env_file=None, database_statement_timeout=0.2, **database)
    store = await open_database(settings)
    try:
        with pytest.raises(StorageUnavailable, match="statement timeout"):
            await store.fetchone("SELECT pg_sleep(2)")
        assert (await store.fetchone("SELECT 1"))[0] == 1  # and the store carries on
    finally:
        await store.close()
