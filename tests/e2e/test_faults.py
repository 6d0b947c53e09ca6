"""Faults end to end: a dropped or invalidated gateway, 5xx and 429 on answers, and a database
that is locked, full or read-only. The bot keeps answering and loses or doubles nothing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.core import sqlite_db as db_module
from tests.support.harness import BotRunner, Club

EPHEMERAL = 1 << 6
CALLBACK = r"/interactions/\d+/[^/]+/callback"
PROFILE = {"level": "regular", "goal": "both", "hills": "steep", "days": 4}


@pytest.fixture
def backend() -> str:
    """SQLite's faults (locked, full, read-only) and the gateway's; PostgreSQL's own (a server
    restart under the bot) are in test_postgres_faults.py."""
    return "sqlite"


async def _about_works(club: Club) -> None:
    body = await (await club.run("about")).response()
    assert body["type"] == 4 and body["data"]["embeds"][0]["title"] == "RunClub Coach"


async def test_gateway_drop_resumes_and_keeps_answering(club: Club) -> None:
    await club.fake.drop_gateway()
    await club.fake.wait_for_resume(1, timeout=20)
    await _about_works(club)
    assert club.fake.gateway.identify_count == 1  # resumed, not a new session


async def test_invalid_session_reidentifies(club: Club, monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py waits 5 s before re-identifying; not needed against the fake

    monkeypatch.setattr(club.bot, "before_identify_hook", no_wait)
    await club.fake.invalidate_session()
    await club.fake.wait_for_identify(2, timeout=20)
    await _about_works(club)


@pytest.mark.parametrize("status", [500, 502, 429])
async def test_transient_errors_on_the_answer_are_retried_once_delivered(
    club: Club, status: int
) -> None:
    club.fake.fail_next("POST", CALLBACK, status, count=1)
    handle = await club.run("faq", {"question": "do runners need protein"})
    body = await handle.response(timeout=15)
    assert body["data"]["embeds"][0]["title"] == "Do runners need protein?"
    assert len(handle.callbacks) == 1  # delivered exactly once
    assert club.fake.stats[f"injected_{status}"] == 1


async def _profile_set(club: Club, user=None) -> dict:
    handle = await club.run("profile set", PROFILE, user=user)
    return (await handle.response(timeout=15))["data"]


async def test_database_locked_briefly_waits_then_saves(club: Club) -> None:
    assert club.runner is not None and club.runner.services is not None
    path = club.runner.services.db.path
    blocker = sqlite3.connect(path, timeout=1)
    blocker.execute("BEGIN EXCLUSIVE")
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, blocker.rollback)
    data = await _profile_set(club)
    blocker.close()
    assert "couldn't save" not in data.get("content", "")
    stored = await club.runner.app.planner.profiles.get(club.member.id)
    assert stored is not None


async def test_database_locked_too_long_is_a_friendly_error_then_recovers(
    fake_discord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    club = Club.create(fake_discord)
    club.runner = BotRunner(fake_discord, tmp_path / "coach.db")
    await club.runner.start()
    try:
        blocker = sqlite3.connect(tmp_path / "coach.db", timeout=1)
        blocker.execute("BEGIN EXCLUSIVE")
        data = await _profile_set(club)
        assert data["flags"] & EPHEMERAL and "couldn't save" in data["content"]
        blocker.rollback()
        blocker.close()
        data = await _profile_set(club)
        assert "couldn't save" not in data.get("content", "")
        assert await club.runner.app.planner.profiles.get(club.member.id) is not None
    finally:
        await club.runner.stop()


async def test_full_disk_is_reported_without_corruption_and_recovers(club: Club) -> None:
    assert club.runner is not None and club.runner.services is not None
    db = club.runner.services.db
    # SQLite's own "disk full" (SQLITE_FULL): cap the file at its current size.
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    await db.execute(f"PRAGMA max_page_count = {pages}")
    members = [club.fake.add_member(club.guild, f"runner{i}") for i in range(60)]
    answers = [await _profile_set(club, user=m) for m in members]
    refused = [a for a in answers if "couldn't save" in a.get("content", "")]
    assert refused, "the capped database never filled up"
    assert (await db.fetchone("PRAGMA integrity_check"))[0] == "ok"

    await db.execute("PRAGMA max_page_count = 1073741823")  # space returns
    data = await _profile_set(club, user=members[-1])
    assert "couldn't save" not in data.get("content", "")
    assert await club.runner.app.planner.profiles.get(members[-1].id) is not None
    await _about_works(club)


async def test_read_only_database_is_reported_and_recovers(club: Club) -> None:
    assert club.runner is not None and club.runner.services is not None
    db = club.runner.services.db
    await db.execute("PRAGMA query_only = 1")  # what a read-only mount looks like to SQLite
    data = await _profile_set(club)
    assert data["flags"] & EPHEMERAL and "couldn't save" in data["content"]
    await db.execute("PRAGMA query_only = 0")
    data = await _profile_set(club)
    assert "couldn't save" not in data.get("content", "")
