"""ProfileRepository on a real SQLite file: typed round trip, updates keep week 1, delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.core.db import Database
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units
from bot.features.planner.repository import ProfileRepository

T0 = datetime(2026, 5, 6, 9, 30, tzinfo=UTC)
T1 = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "c.db")
    try:
        yield database
    finally:
        await database.close()


async def test_round_trip_is_typed(db: Database) -> None:
    repo = ProfileRepository(db)
    assert await repo.get(7) is None
    profile = Profile(
        Level.REGULAR, Goal.BOTH, Hills.STEEP, 4, True, AgeBand.AGE_60_PLUS, True, Units.MI
    )
    stored = await repo.save(7, profile, now=T0, started_on=date(2026, 5, 4))
    assert stored.profile == profile
    assert stored.profile.age is AgeBand.AGE_60_PLUS and stored.profile.units is Units.MI
    assert stored.started_on == date(2026, 5, 4)
    assert stored.created_at == stored.updated_at == T0
    assert await repo.get(7) == stored
    assert await repo.get(8) is None


async def test_update_keeps_started_on_and_created_at(db: Database) -> None:
    repo = ProfileRepository(db)
    await repo.save(
        7, Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3), now=T0, started_on=date(2026, 5, 4)
    )
    changed = Profile(Level.REGULAR, Goal.ENDURANCE, Hills.GENTLE, 5)
    stored = await repo.save(7, changed, now=T1, started_on=date(2026, 6, 1))
    assert stored.profile == changed
    assert stored.started_on == date(2026, 5, 4)
    assert stored.created_at == T0 and stored.updated_at == T1


async def test_restart_moves_week_one(db: Database) -> None:
    repo = ProfileRepository(db)
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
    await repo.save(7, profile, now=T0, started_on=date(2026, 5, 4))
    stored = await repo.save(7, profile, now=T1, started_on=date(2026, 6, 1), restart=True)
    assert stored.started_on == date(2026, 6, 1) and stored.created_at == T0


async def test_forget_member_removes_the_row_and_only_that_member(db: Database) -> None:
    repo = ProfileRepository(db)
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
    await repo.save(7, profile, now=T0, started_on=date(2026, 5, 4))
    await repo.save(8, profile, now=T0, started_on=date(2026, 5, 4))
    assert await repo.forget_member(7) == 1
    assert await repo.get(7) is None
    assert await db.fetchall("SELECT * FROM profiles WHERE user_id = 7") == []
    assert await repo.get(8) is not None
    assert await repo.forget_member(7) == 0


async def test_bad_values_are_refused_by_the_schema(db: Database) -> None:
    with pytest.raises(Exception, match="CHECK"):
        await db.execute(
            "INSERT INTO profiles (user_id, level, goal, hills, days, started_on, created_at,"
            " updated_at) VALUES (1, 'new', 'muscle', 'flat', 9, '2026-05-04', 'x', 'x')"
        )
