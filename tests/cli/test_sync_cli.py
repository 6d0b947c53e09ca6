"""`coach sync` forces a command sync even when the definitions are unchanged (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.serve import _sync
from tests.support.fakediscord.server import FakeDiscord
from tests.support.harness import BotRunner, Club, settings_for


async def test_coach_sync_forces_a_sync_then_normal_starts_skip_it(
    fake_discord: FakeDiscord, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Club.create(fake_discord)
    db = tmp_path / "coach.db"
    runner = BotRunner(fake_discord, db)
    await runner.start()  # first start: syncs and records the hash
    await runner.stop()
    assert len(fake_discord.command_syncs) == 1

    settings = settings_for(fake_discord, db)
    assert await _sync(settings, settings.token) == 0
    assert len(fake_discord.command_syncs) == 2  # forced, though nothing changed
    assert fake_discord.command_syncs[1][1] == fake_discord.command_syncs[0][1]
    assert "Synced" in capsys.readouterr().out

    bot = await runner.start()  # and the forced sync left the hash current
    try:
        assert bot.synced is False
        assert len(fake_discord.command_syncs) == 2
    finally:
        await runner.stop()
