"""Clean shutdown: in-flight replies finish, the database is closed and its data intact.

In-process, `bot.close()` is called while a gated /about is running; as a subprocess,
`python -m bot run` gets SIGTERM after it is serving and must exit 0 with the SQLite file intact.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path
from typing import Any

from bot.core.bot import SYNC_HASH_KEY
from bot.core.caller import Caller
from bot.core.db import StorageUnavailable
from bot.core.replies import Reply
from bot.core.services import Services
from bot.features.about.handlers import about as real_about
from tests.support.cli import start_coach_run
from tests.support.fakediscord.server import FakeDiscord
from tests.support.harness import Club, swap_handler

EXIT_TIMEOUT = 10.0


async def test_close_waits_for_the_in_flight_reply_then_closes_the_db(club: Club) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_about(svc: Services, caller: Caller, **options: Any) -> Reply:
        started.set()
        await release.wait()
        return await real_about(svc, caller, **options)

    bot = club.bot
    services = bot.services
    swap_handler(bot, "about", slow_about)
    handle = await club.fake.invoke(club.guild, club.general, club.member, "about", {})
    await asyncio.wait_for(started.wait(), 10)

    closing = asyncio.create_task(bot.close())
    await asyncio.sleep(0)  # let close() start waiting on the in-flight reply
    await asyncio.sleep(0)
    assert not closing.done()  # it cannot finish while /about is still working
    assert not bot.is_closed()

    release.set()
    await asyncio.wait_for(closing, 15)
    assert bot.is_closed()

    # The reply went out before the HTTP session closed (directly, or as a defer plus edit).
    body = await handle.response()
    if body["type"] == 5:
        message = await handle.original()
        embed = message["embeds"][0]
    else:
        embed = body["data"]["embeds"][0]
    assert embed["title"] == "RunClub Coach"
    # And the database is closed.
    try:
        await services.db.fetchone("SELECT 1")
    except ValueError as exc:  # SQLite: aiosqlite's connection is gone
        assert "no active connection" in str(exc)
    except StorageUnavailable as exc:  # PostgreSQL: the pool is closed
        assert "pool is closed" in str(exc)
    else:
        raise AssertionError("the database is still open after bot.close()")


async def test_sigterm_stops_coach_run_cleanly_and_keeps_the_data(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    club = Club.create(fake_discord)
    db_path = tmp_path / "data" / "coach.db"
    stderr_path = tmp_path / "output.log"
    proc = await start_coach_run(fake_discord, tmp_path, stderr_path, DATABASE_PATH=str(db_path))
    try:
        await fake_discord.wait_until(
            lambda: (
                proc.returncode is not None
                or (fake_discord.gateway.identify_count >= 1 and fake_discord.gateway.connected)
            ),
            30,
            "coach run to connect",
        )
        assert proc.returncode is None, stderr_path.read_text()
        # Serving: it answers a command before we stop it.
        body = await (await club.run("about")).response()
        assert body["data"]["embeds"][0]["title"] == "RunClub Coach"

        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), EXIT_TIMEOUT)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = stderr_path.read_text()
    assert code == 0, log
    assert "Traceback" not in log
    assert "shutting down" in log
    assert fake_discord.token not in log

    # Closed, not abandoned: the last connection's close checkpoints and removes the WAL file.
    assert db_path.is_file()
    assert not db_path.with_name(db_path.name + "-wal").exists()
    # The SQLite file is whole, migrated, and remembers the sync.
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
        assert versions and versions == sorted(set(versions))
        stored = conn.execute("SELECT value FROM meta WHERE key = ?", (SYNC_HASH_KEY,)).fetchone()
        assert stored is not None and len(stored[0]) == 64
    conn.close()
