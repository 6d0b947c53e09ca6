"""`coach db backup PATH`: an online, consistent copy; bad paths get one clear line and exit 2."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.db import Database, bundled_migrations
from bot.core.meta import MetaRepository
from tests.support.cli import isolate_settings


@pytest.fixture
def live_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A migrated database with one committed fact, configured as DATABASE_PATH."""
    path = tmp_path / "data" / "coach.db"
    isolate_settings(monkeypatch, tmp_path, DATABASE_PATH=str(path))

    async def seed() -> None:
        db = await Database.open(path)
        try:
            await MetaRepository(db).set("committed", "yes")
        finally:
            await db.close()

    asyncio.run(seed())
    return path


def _meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def test_backup_while_another_connection_holds_a_write_transaction(
    live_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = sqlite3.connect(live_db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the write lock, as the bot holds mid-fan-out
        writer.execute("INSERT INTO meta (key, value) VALUES ('uncommitted', 'no')")
        target = tmp_path / "backups" / "nightly.db"
        target.parent.mkdir()

        assert main(["db", "backup", str(target)]) == 0

        out = capsys.readouterr().out
        assert str(target) in out and "integrity ok" in out
        # The copy is the last committed state: consistent, without the open transaction's row.
        assert _meta(target) == {"committed": "yes"}
        conn = sqlite3.connect(target)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
        finally:
            conn.close()
        assert versions == [m.version for m in bundled_migrations()]
        assert not list(target.parent.glob(".*partial*")), "temporary file left behind"
        writer.execute("COMMIT")
    finally:
        writer.close()
    # The live database was not disturbed: the writer's transaction committed normally.
    assert _meta(live_db) == {"committed": "yes", "uncommitted": "no"}


def test_backup_opens_with_the_bot_storage_layer(live_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert main(["db", "backup", str(target)]) == 0

    async def read() -> str | None:
        db = await Database.open(target)
        try:
            return await MetaRepository(db).get("committed")
        finally:
            await db.close()

    assert asyncio.run(read()) == "yes"


def test_existing_target_needs_force(
    live_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.db"
    target.write_text("an older backup")
    assert main(["db", "backup", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert "already exists" in err and "--force" in err and len(err.splitlines()) == 1
    assert target.read_text() == "an older backup"

    assert main(["db", "backup", "--force", str(target)]) == 0
    assert _meta(target) == {"committed": "yes"}


@pytest.mark.parametrize(
    "make_path, words",
    [
        (lambda tmp, live: tmp, "is a directory"),
        (lambda tmp, live: live, "live database"),
        (lambda tmp, live: tmp / "not-a-dir.txt" / "copy.db", "not a directory"),
    ],
    ids=["directory", "live-db-itself", "parent-is-a-file"],
)
def test_bad_path_gives_one_clear_line_and_exit_2(
    live_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_path: object,
    words: str,
) -> None:
    (tmp_path / "not-a-dir.txt").write_text("x")
    target = make_path(tmp_path, live_db)  # type: ignore[operator]
    assert main(["db", "backup", str(target)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert words in err, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert captured.out == ""
    assert _meta(live_db) == {"committed": "yes"}


def test_unwritable_location_is_one_line(
    live_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new directories even to root, unlike a chmod-ed folder.
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    target = Path("/proc/runclub-copy.db")  # the folder exists; nothing can be written there
    assert main(["db", "backup", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"cannot write backup to {target}: "), err
    assert len(err.splitlines()) == 1


def test_a_missing_folder_is_refused_not_created(
    live_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A mistyped folder must not quietly become a new one that no off-site copy picks up.
    target = tmp_path / "bakcups" / "nightly.db"
    assert main(["db", "backup", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"the folder {target.parent} does not exist" in err, err
    assert len(err.splitlines()) == 1
    assert not target.parent.exists()


def test_missing_database_is_not_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "data" / "nothing.db"
    isolate_settings(monkeypatch, tmp_path, DATABASE_PATH=str(missing))
    assert main(["db", "backup", str(tmp_path / "copy.db")]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "copy.db").exists()
