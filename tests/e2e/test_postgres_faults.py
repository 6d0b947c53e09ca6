"""PostgreSQL's own fault: the server restarts under a running bot. Meanwhile commands get the
storage-trouble reply and nothing crashes; afterwards the bot recovers by itself (every pooled
connection is replaced), with no restart of the bot.

The test starts its own throwaway server (it stops and starts it), so it needs PostgreSQL's
programs installed, not just a server to connect to."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import postgres as pg
from tests.support.fakediscord.server import FakeDiscord
from tests.support.harness import BotRunner, Club

PROFILE = {"level": "regular", "goal": "both", "hills": "steep", "days": 4}
TROUBLE = "couldn't save or read that just now"


@pytest.fixture
def own_server() -> Iterator[tuple[pg.Server, Path]]:
    if pg.find_bindir() is None:
        pytest.skip("PostgreSQL's programs are not installed (initdb, pg_ctl)")
    folder = Path(tempfile.mkdtemp(prefix="coach-pg-restart-"))
    server = pg.start(folder)
    try:
        yield server, folder
    finally:
        pg.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


async def _profile_set(club: Club) -> str:
    handle = await club.run("profile set", PROFILE)
    data = (await handle.response(timeout=30))["data"]
    return str(data.get("content") or data.get("embeds", [{}])[0].get("title", ""))


async def test_the_server_restarts_under_the_bot_which_recovers_by_itself(
    own_server: tuple[pg.Server, Path], fake_discord: FakeDiscord
) -> None:
    server, folder = own_server
    url = await pg.create_database(server, "coach")
    club = Club.create(fake_discord)
    club.runner = BotRunner(fake_discord, url, overrides={"database_statement_timeout": 2})
    await club.runner.start()
    try:
        assert TROUBLE not in await _profile_set(club)

        await asyncio.to_thread(pg.pg_ctl, folder, "stop", "-m", "fast")
        for _ in range(3):  # every try while it is down: the friendly reply, and no crash
            assert TROUBLE in await _profile_set(club)
        about = await club.run("about")  # commands without storage still answer
        assert (await about.response())["type"] == 4

        await asyncio.to_thread(pg.pg_ctl, folder, "start")
        # Recovered by itself: the connections that saw the outage were all replaced.
        assert TROUBLE not in await _profile_set(club)
        assert TROUBLE not in await _profile_set(club)
        assert club.runner.bot is not None and not club.runner.bot.is_closed()
        stored = await club.runner.app.planner.profiles.get(club.member.id)  # type: ignore[union-attr]
        assert stored is not None
    finally:
        await club.runner.stop()
