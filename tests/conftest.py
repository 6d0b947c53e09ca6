"""Shared fixtures: the fake Discord (tests/fakediscord) and a real bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from harness import BotRunner, Club

pytest_plugins = ["fakediscord.pytest_plugin"]


@pytest.fixture
async def club(fake_discord, tmp_path: Path) -> AsyncIterator[Club]:
    """A server with channels, an admin and a member, and the real bot connected to it."""
    club = Club.create(fake_discord)
    runner = BotRunner(fake_discord, tmp_path / "coach.db")
    await runner.start()
    club.runner = runner
    try:
        yield club
    finally:
        await runner.stop()
