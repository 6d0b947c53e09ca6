"""Shared fixtures: the fake Discord (tests/support/fakediscord), a real bot running against it,
and the real app (every feature, real SQLite) for handler tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, open_app
from bot.console import build_console_bot
from bot.core.clock import Clock
from bot.core.router import Router
from bot.core.settings import load_settings
from bot.features.faq import Encoder, open_encoder
from tests.support.harness import Club, running_club

pytest_plugins = ["tests.support.fakediscord.pytest_plugin"]


@pytest.fixture
async def club(fake_discord, tmp_path: Path) -> AsyncIterator[Club]:
    """A server with channels, an admin and a member, and the real bot connected to it."""
    async with running_club(fake_discord, tmp_path / "coach.db") as club:
        yield club


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The FAQ's embedding model, loaded once for the session (it never changes while running);
    the bots in tests/e2e load their own, as `coach run` does."""
    return open_encoder(load_settings(_env_file=None).embedding_dir)


@pytest.fixture
async def make_app(
    tmp_path: Path, encoder: Encoder
) -> AsyncIterator[Callable[..., Awaitable[App]]]:
    """Open the real app on this test's SQLite file (same file on every call: a restart);
    whatever is still open is closed at teardown."""
    opened: list[App] = []

    async def make(clock: Clock, **overrides: Any) -> App:
        settings = load_settings(_env_file=None, database_path=tmp_path / "c.db", **overrides)
        app = await open_app(settings, clock=clock, encoder=encoder)
        opened.append(app)
        return app

    yield make
    for app in opened:
        await app.close()


@pytest.fixture
async def router(app: App) -> Router:
    """The router read from the real command tree (no connection), over the test's `app`."""
    return (await build_console_bot(app)).router
