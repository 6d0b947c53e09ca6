"""Sharded processes (issue 14, item 2): SHARD_COUNT and SHARD_IDS run a process for some of the
bot's gateway shards; each answers the servers on its shards, and only the process with shard 0
syncs the commands. Against a fake Discord with two shards, servers on both."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.ext import commands

from bot.cli.serve import _sync
from bot.core.bot import CoachBot, ShardedCoachBot
from tests.support.cli import start_coach_run
from tests.support.fakediscord.server import FakeDiscord
from tests.support.harness import BotRunner, Club, settings_for

SHARDS = 2


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord whose /gateway/bot says two shards; clean at teardown."""
    async with FakeDiscord(shards=SHARDS) as server:
        yield server
        server.assert_clean()


@pytest.fixture
def clubs(fake: FakeDiscord) -> tuple[Club, Club]:
    """A club on each shard."""
    return (
        Club.create(fake, name="Shard Zero Striders", shard=0),
        Club.create(fake, name="Shard One Harriers", shard=1),
    )


def sharded(ids: str | None = None) -> dict[str, Any]:
    """BotRunner overrides, as SHARD_COUNT and SHARD_IDS would set them."""
    return {"shard_count": str(SHARDS), "shard_ids": ids}


def seen_by(bot: CoachBot) -> list[int]:
    """The ids of the interactions this bot receives from now on."""
    seen: list[int] = []

    async def record(interaction: discord.Interaction) -> None:
        seen.append(interaction.id)

    bot.add_listener(record, "on_interaction")
    return seen


async def about_title(club: Club) -> str:
    handle = await club.run("about")
    body = await handle.response()
    if body["type"] == 5:  # deferred, then edited
        return str((await handle.original())["embeds"][0]["title"])
    return str(body["data"]["embeds"][0]["title"])


async def test_two_processes_each_serve_their_shard_and_sync_once(
    fake: FakeDiscord, clubs: tuple[Club, Club], tmp_path: Path
) -> None:
    db = tmp_path / "coach.db"  # one database for both (PostgreSQL in production)
    runners = [BotRunner(fake, db, overrides=sharded(str(shard))) for shard in range(SHARDS)]
    # Shard 1's process starts first, on a fresh database: still it leaves the sync to shard 0.
    bot1 = await runners[1].start()
    bot0 = await runners[0].start()
    try:
        for bot, shard in ((bot0, 0), (bot1, 1)):
            assert isinstance(bot, ShardedCoachBot)
            assert isinstance(bot, commands.AutoShardedBot)
            assert bot.shard_count == SHARDS and list(bot.shards) == [shard]
            assert [g.id for g in bot.guilds] == [clubs[shard].guild.id]
        assert sorted(p["shard"] for p in fake.gateway.identify_payloads) == [[0, 2], [1, 2]]
        assert len(fake.command_syncs) == 1 and fake.command_syncs[0][0] == "global"
        assert (bot0.synced, bot1.synced) == (True, None)

        seen = [seen_by(bot0), seen_by(bot1)]
        for shard, club in enumerate(clubs):
            assert await about_title(club) == "RunClub Coach"
            answered = list(fake.interactions)[-1]
            assert answered in seen[shard] and answered not in seen[1 - shard]

        # A restart of shard 0's process finds the commands unchanged: still one sync.
        bot0 = await runners[0].restart()
        assert bot0.synced is False
        assert await about_title(clubs[0]) == "RunClub Coach"
        assert len(fake.command_syncs) == 1
    finally:
        for runner in runners:
            await runner.stop()


async def test_one_process_with_only_shard_count_serves_every_shard(
    fake: FakeDiscord,
    clubs: tuple[Club, Club],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_wait(self: discord.Client, shard_id: int | None, *, initial: bool = False) -> None:
        pass  # discord.py waits 5 s before IDENTIFYing each shard after the first

    monkeypatch.setattr(ShardedCoachBot, "before_identify_hook", no_wait)
    runner = BotRunner(fake, tmp_path / "coach.db", overrides=sharded())
    bot = await runner.start()
    try:
        assert isinstance(bot, ShardedCoachBot)
        assert sorted(bot.shards) == [0, 1]
        assert {g.id for g in bot.guilds} == {c.guild.id for c in clubs}
        assert sorted(p["shard"] for p in fake.gateway.identify_payloads) == [[0, 2], [1, 2]]
        assert len(fake.command_syncs) == 1
        for club in clubs:
            assert await about_title(club) == "RunClub Coach"
    finally:
        await runner.stop()


async def test_unsharded_is_todays_bot(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    club = Club.create(fake_discord)
    runner = BotRunner(fake_discord, tmp_path / "coach.db")
    bot = await runner.start()
    try:
        assert type(bot) is CoachBot
        assert "shard" not in fake_discord.gateway.identify_payloads[0]
        assert await about_title(club) == "RunClub Coach"
    finally:
        await runner.stop()


async def test_other_shards_log_that_shard_zero_syncs_and_coach_sync_still_syncs(
    fake: FakeDiscord,
    clubs: tuple[Club, Club],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = BotRunner(fake, tmp_path / "coach.db", overrides=sharded("1"))
    with caplog.at_level(logging.INFO, logger="bot.core.bot"):
        await runner.start()
        await runner.stop()
    skipped = [r.getMessage() for r in caplog.records if "not syncing" in r.getMessage()]
    assert skipped == ["not syncing commands: the process running shard 0 does (this one runs 1)"]
    assert fake.command_syncs == []

    # `coach sync` forces a sync, whatever shards the settings name.
    settings = settings_for(fake, tmp_path / "coach.db", **sharded("1"))
    assert await _sync(settings, settings.token) == 0
    assert len(fake.command_syncs) == 1


async def test_coach_run_as_the_process_for_shard_1(
    fake: FakeDiscord, clubs: tuple[Club, Club], tmp_path: Path
) -> None:
    log_path = tmp_path / "coach.log"
    proc = await start_coach_run(
        fake,
        tmp_path,
        log_path,
        DATABASE_PATH=str(tmp_path / "coach.db"),
        SHARD_COUNT="2",
        SHARD_IDS="1",
    )
    try:
        await fake.wait_until(
            lambda: proc.returncode is not None or "ready as" in log_path.read_text(),
            30,
            "coach run to be ready",
        )
        assert proc.returncode is None, log_path.read_text()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 15)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    output = log_path.read_text()
    assert code == 0, output
    assert "in 1 servers on shards 1 of 2" in output
    assert "not syncing commands: the process running shard 0 does" in output
    assert [p["shard"] for p in fake.gateway.identify_payloads] == [[1, 2]]
    assert fake.command_syncs == []
    assert "Traceback" not in output
