"""End to end: a club's bot on SQLite, moved with `coach db copy --to URL` to PostgreSQL, answers
/reminder list and /profile show exactly as before (issue 14's acceptance for the copy).

The real bot and discord.py against the fake Discord, on a fixed clock so "next post" and "this
week" read the same before and after; `coach` runs as a subprocess, as organisers run it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import FakeClock
from tests.support import postgres as pg
from tests.support.cli import run_coach, settings_free_env
from tests.support.harness import BotRunner, Club
from tests.support.reminders import running_dispatcher

pytestmark = pytest.mark.postgresql

MONDAY_NOON = datetime.fromisoformat("2026-03-16T12:00:00+00:00")
DUE = datetime.fromisoformat("2026-03-17T18:30:00+00:00")  # Tuesday 18:30 in London (GMT)
AFTER = datetime.fromisoformat("2026-03-18T09:00:00+00:00")
PROFILE = {"level": "regular", "goal": "both", "hills": "steep", "days": 3, "lifts": True}


@pytest.fixture
async def target(postgres_server: pg.Server | None) -> AsyncIterator[str]:
    if postgres_server is None:
        pytest.skip(f"PostgreSQL not available (install it or set {pg.ENV})")
    name = pg.new_database_name()
    url = await pg.create_database(postgres_server, name)
    try:
        yield url
    finally:
        await pg.drop_database(postgres_server, name)


async def _body(club: Club, command: str, options: dict[str, Any], user: Any) -> dict[str, Any]:
    """The bot's answer to a slash command: the interaction callback's {type, data}."""
    handle = await club.run(command, options, user=user)
    return dict(await handle.response())


async def _served(club: Club) -> dict[str, dict[str, Any]]:
    return {
        "reminder list": await _body(club, "reminder list", {}, club.admin),
        "profile show": await _body(club, "profile show", {}, club.member),
    }


async def test_the_bot_answers_the_same_from_postgresql_after_the_copy(
    fake_discord: Any, tmp_path: Path, target: str
) -> None:
    clock = FakeClock(MONDAY_NOON)
    club = Club.create(fake_discord)
    runners = fake_discord.add_role(club.guild, "runners")
    sqlite_path = tmp_path / "coach.db"

    club.runner = BotRunner(fake_discord, sqlite_path, clock=clock)
    await club.runner.start()
    try:
        saved = await _body(club, "profile set", PROFILE, club.member)
        assert saved["data"]["content"].startswith("Profile saved")
        admin = club.admin
        base = {"channel": club.training, "timezone": "Europe/London"}
        for options in (
            {"weekday": "tue", "time": "18:30", "role": runners, "message": "Hills tonight"},
            {"weekday": "sat", "time": "08:00", "message": "Long run, café after"},
        ):
            added = await _body(club, "reminder add", {**base, **options}, admin)
            assert "saved" in added["data"]["content"]
        await _body(club, "settings admin_channel", {"channel": club.general}, admin)
        dispatcher = await running_dispatcher(club.bot)
        clock.set(DUE)
        await dispatcher.poke()
        await dispatcher.poke()
        (post,) = fake_discord.messages(club.training)  # one reminder has posted: history
        assert post["content"].startswith(f"<@&{runners.id}> Hills tonight")
        clock.set(AFTER)
        before = await _served(club)
    finally:
        await club.runner.stop()
    listing = before["reminder list"]["data"]["embeds"][0]
    assert len(listing["fields"]) == 2 and "Last: sent" in listing["fields"][0]["value"]
    assert before["profile show"]["data"]["embeds"], before["profile show"]

    result = await asyncio.to_thread(
        run_coach,
        "db",
        "copy",
        "--to",
        target,
        env=settings_free_env(DATABASE_PATH=str(sqlite_path)),
    )
    assert result.returncode == 0, result.stderr
    assert "Verified: the row counts of all" in result.stdout

    club.runner = BotRunner(fake_discord, target, clock=clock)
    await club.runner.start()
    try:
        assert club.runner.app is not None
        assert club.runner.app.services.db.dialect == "postgresql"
        after = await _served(club)
    finally:
        await club.runner.stop()

    # Message payloads, not just texts: content, embeds (with the "next post" and "last post"
    # lines), buttons and flags. No interaction or message ids appear in them.
    assert after == before
