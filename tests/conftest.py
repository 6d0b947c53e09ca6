"""Shared fixtures: the fake Discord (tests/fakediscord) and a real bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from harness import BotRunner, Club

from bot.core.clock import Clock
from bot.core.services import Services, open_services
from bot.core.settings import load_settings

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


@pytest.fixture
async def make_services(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Services]]]:
    """Open real Services on this test's SQLite file (same file on every call: a restart);
    whatever is still open is closed at teardown."""
    opened: list[Services] = []

    async def make(clock: Clock, **overrides: Any) -> Services:
        settings = load_settings(_env_file=None, database_path=tmp_path / "c.db", **overrides)
        services = await open_services(settings, clock=clock)
        opened.append(services)
        return services

    yield make
    for services in opened:
        await services.close()
