"""Slash commands show once in a server (issue 13): switching from a development server
(`DEV_GUILD_ID`) to global commands removes the server-only copies, and `coach sync
--clear-guild ID` removes them on demand."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.cli.serve import _sync
from bot.core.commandline import CliError
from tests.support.fakediscord.server import FakeDiscord
from tests.support.harness import BotRunner, Club, settings_for


def shown_in(fake: FakeDiscord, guild_id: int) -> Counter[str]:
    """How many times each command appears in a server: its own copies plus the global ones."""
    return Counter(c["name"] for c in [*fake.commands[guild_id], *fake.commands["global"]])


async def test_a_global_sync_removes_the_copies_synced_to_the_dev_server(
    coach_db: Path | str, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    club = Club.create(fake_discord)
    db = coach_db
    dev = BotRunner(fake_discord, db, overrides={"dev_guild_id": club.guild.id})
    await dev.start()  # README step 2: DEV_GUILD_ID while setting up
    await dev.stop()
    assert fake_discord.commands[club.guild.id]
    assert not fake_discord.commands["global"]

    prod = BotRunner(fake_discord, db)  # the operations guide: DEV_GUILD_ID empty
    await prod.start()
    await prod.stop()
    shown = shown_in(fake_discord, club.guild.id)
    assert "faq" in shown
    assert set(shown.values()) == {1}, shown
    assert fake_discord.commands[club.guild.id] == []
    assert fake_discord.command_syncs[-2:] == [
        (club.guild.id, []),
        ("global", fake_discord.command_syncs[-1][1]),
    ]

    # Done once: a later start neither clears nor syncs again.
    syncs = len(fake_discord.command_syncs)
    bot = await prod.start()
    try:
        assert bot.synced is False
        assert len(fake_discord.command_syncs) == syncs
    finally:
        await prod.stop()


async def test_coach_sync_clear_guild_removes_a_servers_copies_on_demand(
    coach_db: Path | str,
    fake_discord: FakeDiscord,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    club = Club.create(fake_discord)
    # Copies left by another installation (no record in this database), beside global commands.
    other = BotRunner(fake_discord, tmp_path / "old.db", overrides={"dev_guild_id": club.guild.id})
    await other.start()
    await other.stop()
    prod = BotRunner(fake_discord, coach_db)
    await prod.start()
    await prod.stop()
    assert max(shown_in(fake_discord, club.guild.id).values()) == 2

    settings = settings_for(fake_discord, coach_db)
    assert await _sync(settings, settings.token, clear_guild=club.guild.id) == 0
    assert f"Removed the commands synced to server {club.guild.id}" in capsys.readouterr().out
    assert set(shown_in(fake_discord, club.guild.id).values()) == {1}
    assert fake_discord.commands["global"]  # the global commands stay


async def test_a_dev_server_the_bot_is_not_in_is_one_line(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    Club.create(fake_discord)
    settings = settings_for(fake_discord, tmp_path / "coach.db", dev_guild_id=123456789)
    with pytest.raises(CliError, match="DEV_GUILD_ID 123456789"):
        await _sync(settings, settings.token)
