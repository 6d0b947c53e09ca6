"""Shared fixtures: the fake Discord (tests/support/fakediscord), a real bot running against it,
and the real app (every feature, real SQLite or PostgreSQL) for handler tests.

`backend` says which database a test's app and bot use: SQLite unless a folder or module asks
for both (`backend = both_backends`, as tests/e2e and the storage tests do); the PostgreSQL
variant runs on a throwaway server (tests/support/postgres.py) and is skipped, with the reason,
when there is none."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, open_app
from bot.console import build_console_bot
from bot.core.clock import Clock
from bot.core.router import Router
from bot.core.settings import load_settings
from bot.features.faq import Encoder, open_encoder
from tests.support import postgres as pg
from tests.support.harness import Club, running_club

pytest_plugins = ["tests.support.fakediscord.pytest_plugin"]

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against a real PostgreSQL server")


def pytest_report_header(config: pytest.Config) -> str:
    return pg.status()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL not available" in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"PostgreSQL: {len(skipped)} PostgreSQL variants SKIPPED: no server (install "
            f"PostgreSQL or set {pg.ENV})",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg.Server | None]:
    """The server for the PostgreSQL variants: COACH_TEST_DATABASE_URL's, else our own."""
    url = os.environ.get(pg.ENV)
    if url:
        yield pg.Server(url)
        return
    if pg.find_bindir() is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    try:
        server = pg.start(folder)
    except Exception as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL is installed but did not start: {exc}")
    try:
        yield server
    finally:
        pg.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def both_backends(request: pytest.FixtureRequest) -> str:
    """Use as `backend = both_backends` (a module or conftest) to run tests on both stores."""
    return str(request.param)


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
async def database(
    backend: str, tmp_path: Path, postgres_server: pg.Server | None
) -> AsyncIterator[dict[str, Any]]:
    """The settings that point the app at this test's own empty database on `backend`."""
    if backend == "sqlite":
        yield {"database_path": tmp_path / "c.db"}
        return
    if postgres_server is None:
        pytest.skip(f"PostgreSQL not available (install it or set {pg.ENV})")
    name = pg.new_database_name()
    url = await pg.create_database(postgres_server, name)
    try:
        yield {"database_url": url}
    finally:
        await pg.drop_database(postgres_server, name)


@pytest.fixture
def coach_db(database: dict[str, Any], tmp_path: Path) -> Path | str:
    """This test's database for a BotRunner: a SQLite file, or a PostgreSQL URL."""
    return str(database.get("database_url") or tmp_path / "coach.db")


@pytest.fixture
async def club(fake_discord, coach_db: Path | str) -> AsyncIterator[Club]:
    """A server with channels, an admin and a member, and the real bot connected to it."""
    async with running_club(fake_discord, coach_db) as club:
        yield club


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The FAQ's embedding model, loaded once for the session (it never changes while running);
    the bots in tests/e2e load their own, as `coach run` does."""
    return open_encoder(load_settings(_env_file=None).embedding_dir)


@pytest.fixture
async def make_app(
    database: dict[str, Any], encoder: Encoder
) -> AsyncIterator[Callable[..., Awaitable[App]]]:
    """Open the real app on this test's database (same one on every call: a restart);
    whatever is still open is closed at teardown."""
    opened: list[App] = []

    async def make(clock: Clock, **overrides: Any) -> App:
        settings = load_settings(_env_file=None, **{**database, **overrides})
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
