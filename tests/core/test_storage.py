"""SQLite store: pragmas, migrations applied once and recorded, data kept across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.db import Database, Migration, StorageError, bundled_migrations
from bot.core.meta import MetaRepository


async def test_pragmas_and_migrations(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nested" / "coach.db")
    try:
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        assert (await db.fetchone("PRAGMA busy_timeout"))[0] >= 1000
        assert await db.applied_migrations() == [m.version for m in bundled_migrations()]
    finally:
        await db.close()


async def test_restart_keeps_data_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    db = await Database.open(path)
    await MetaRepository(db).set("greeting", "hello")
    await db.close()

    db = await Database.open(path)
    try:
        assert await MetaRepository(db).get("greeting") == "hello"
        rows = await db.fetchall("SELECT version FROM schema_migrations")
        assert len(rows) == len(bundled_migrations())  # not re-applied
    finally:
        await db.close()


async def test_migrations_apply_in_order_and_new_ones_only(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    first = [Migration(1, "a", "CREATE TABLE a (x INTEGER);")]
    db = await Database.open(path, first)
    await db.close()
    both = [*first, Migration(2, "b", "INSERT INTO a VALUES (7);")]
    db = await Database.open(path, both)
    try:
        assert await db.applied_migrations() == [1, 2]
        assert (await db.fetchone("SELECT x FROM a"))[0] == 7
    finally:
        await db.close()
    db = await Database.open(path, both)  # idempotent: the insert is not repeated
    try:
        assert len(await db.fetchall("SELECT x FROM a")) == 1
    finally:
        await db.close()


async def test_failed_migration_is_rolled_back_and_named(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    bad = [Migration(1, "broken", "CREATE TABLE ok (x INTEGER); CREATE TABLE ok (x INTEGER);")]
    with pytest.raises(StorageError, match="0001_broken"):
        await Database.open(path, bad)
    db = await Database.open(path, [])
    try:
        assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'ok'") is None
    finally:
        await db.close()


async def test_online_backup(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "coach.db")
    await MetaRepository(db).set("k", "v")
    (tmp_path / "backup").mkdir()  # the target's folder must exist: never created
    await db.backup(tmp_path / "backup" / "copy.db")
    await db.close()
    copy = await Database.open(tmp_path / "backup" / "copy.db")
    try:
        assert await MetaRepository(copy).get("k") == "v"
    finally:
        await copy.close()


async def test_a_database_folder_that_cannot_be_made_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(StorageError, match=r"cannot create its folder .*: a file is in the way"):
        await Database.open(tmp_path / "data" / "coach.db")
    with pytest.raises(StorageError, match="is a directory"):
        await Database.open(tmp_path)
