"""Per-server settings kept in memory: own writes seen at once, other processes' within the TTL,
updated_at from the injected clock (no SQL clock function: the same SQL runs on PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.db import Database, Row
from bot.features.reminders.guild_settings import CACHE_SECONDS, GuildSettingsRepository
from tests.support.reminders import GUILD, utc

T0 = utc("2026-03-16T12:00:00Z")


class Ticker:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingDb:
    """The real database, counting reads; `hold` makes each read wait after it has read."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.reads = 0
        self.hold: asyncio.Event | None = None
        self.read_done = asyncio.Event()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self.reads += 1
        row = await self.db.fetchone(sql, params)
        self.read_done.set()
        if self.hold is not None:
            await self.hold.wait()
        return row

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self.db.execute(sql, params)


@pytest.fixture
async def app(make_app) -> App:  # type: ignore[no-untyped-def]
    return await make_app(FakeClock(T0))


def repo(app: App, ticker: Ticker, clock: FakeClock | None = None) -> GuildSettingsRepository:
    db = CountingDb(app.services.db)
    return GuildSettingsRepository(db, clock or FakeClock(T0), monotonic=ticker)  # type: ignore[arg-type]


def reads(repository: GuildSettingsRepository) -> int:
    return repository._db.reads  # type: ignore[attr-defined,no-any-return]


async def test_repeated_reads_use_memory_not_the_database(app: App) -> None:
    settings = repo(app, Ticker())
    await settings.set_timezone(GUILD, "Europe/London")
    for _ in range(3):
        assert (await settings.get(GUILD)).timezone == "Europe/London"
    assert reads(settings) == 1
    assert (await settings.get(GUILD + 1)).timezone is None  # another server: its own read
    assert reads(settings) == 2


async def test_own_writes_are_seen_at_once(app: App) -> None:
    settings = repo(app, Ticker())
    assert (await settings.get(GUILD)).timezone is None  # cached: no settings yet
    await settings.set_timezone(GUILD, "Pacific/Auckland")
    assert (await settings.get(GUILD)).timezone == "Pacific/Auckland"
    await settings.set_admin_channel(GUILD, 88)
    saved = await settings.get(GUILD)
    assert (saved.timezone, saved.admin_channel_id) == ("Pacific/Auckland", 88)
    await settings.set_admin_channel(GUILD, None)
    assert (await settings.get(GUILD)).admin_channel_id is None


async def test_another_process_change_is_seen_within_the_ttl(app: App) -> None:
    ticker = Ticker()
    here, elsewhere = repo(app, ticker), repo(app, ticker)  # two processes, one database
    assert (await here.get(GUILD)).timezone is None
    await elsewhere.set_timezone(GUILD, "Asia/Tokyo")
    ticker.now += CACHE_SECONDS - 1
    assert (await here.get(GUILD)).timezone is None  # still the remembered value
    ticker.now += 1
    assert (await here.get(GUILD)).timezone == "Asia/Tokyo"


async def test_a_read_overlapping_a_write_does_not_remember_the_old_value(app: App) -> None:
    settings = repo(app, Ticker())
    db: CountingDb = settings._db  # type: ignore[assignment]
    gate = db.hold = asyncio.Event()
    reading = asyncio.create_task(settings.get(GUILD))
    await db.read_done.wait()  # it has read "no timezone" and not returned yet
    db.hold = None
    await settings.set_timezone(GUILD, "America/Denver")
    gate.set()
    assert (await reading).timezone is None  # it raced the write: fine, once
    assert (await settings.get(GUILD)).timezone == "America/Denver"


async def test_updated_at_comes_from_the_injected_clock(app: App) -> None:
    clock = FakeClock(T0)
    settings = repo(app, Ticker(), clock)
    db = app.services.db
    sql = "SELECT updated_at FROM guild_settings WHERE guild_id = ?"
    await settings.set_timezone(GUILD, "Europe/Paris")
    row = await db.fetchone(sql, (GUILD,))
    assert row is not None and row["updated_at"] == "2026-03-16T12:00:00Z"
    clock.advance(timedelta(days=1, seconds=5))
    await settings.set_admin_channel(GUILD, 7)
    row = await db.fetchone(sql, (GUILD,))
    assert row is not None and row["updated_at"] == "2026-03-17T12:00:05Z"
