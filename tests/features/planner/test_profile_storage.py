"""ProfileRepository on a real SQLite file: typed round trip, updates keep week 1, delete, and
the issue-11 columns (own days, race date, break length) with their upgrade from 0003."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.core.db import Database, bundled_migrations
from bot.features.planner.profile import (
    AgeBand,
    BreakLength,
    Day,
    Goal,
    Hills,
    Level,
    Profile,
    Units,
)
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


# --- issue 11: own training days, race date, break length (migration 0004) ----------------------
FULL = Profile(
    Level.REGULAR,
    Goal.ENDURANCE,
    Hills.GENTLE,
    3,
    weekdays=(Day.TUE, Day.THU, Day.SUN),
    race_date=date(2026, 9, 27),
    break_length=BreakLength.MONTHS,
)


async def test_weekdays_race_and_break_round_trip(db: Database) -> None:
    repo = ProfileRepository(db)
    stored = await repo.save(7, FULL, now=T0, started_on=date(2026, 5, 4))
    assert stored.profile == FULL
    assert stored.profile.weekdays == (Day.TUE, Day.THU, Day.SUN)
    assert stored.profile.race_date == date(2026, 9, 27)
    assert stored.profile.break_length is BreakLength.MONTHS and stored.profile.returning
    row = await db.fetchone("SELECT weekdays, race_date, break_length FROM profiles")
    assert tuple(row) == ("tue,thu,sun", "2026-09-27", "3m")  # the documented stored forms


async def test_an_update_replaces_and_clears_them(db: Database) -> None:
    repo = ProfileRepository(db)
    await repo.save(7, FULL, now=T0, started_on=date(2026, 5, 4))
    plain = Profile(Level.REGULAR, Goal.ENDURANCE, Hills.GENTLE, 3)
    stored = await repo.save(7, plain, now=T1, started_on=date(2026, 6, 1))
    assert stored.profile == plain
    assert (stored.profile.weekdays, stored.profile.race_date, stored.profile.break_length) == (
        None,
        None,
        None,
    )
    assert not stored.profile.returning


async def test_forget_member_removes_the_new_fields_too(db: Database) -> None:
    repo = ProfileRepository(db)
    await repo.save(7, FULL, now=T0, started_on=date(2026, 5, 4))
    assert await repo.forget_member(7) == 1
    assert await db.fetchall("SELECT * FROM profiles") == []


async def test_profiles_from_before_0004_load_unchanged(tmp_path: Path) -> None:
    """An installation upgraded in place: rows written under 0003 gain empty new columns."""
    path = tmp_path / "old.db"
    before = [m for m in bundled_migrations() if m.version < 4]
    old = await Database.open(path, before)
    try:
        await old.execute(
            "INSERT INTO profiles (user_id, level, goal, hills, days, lifts, age, is_returning,"
            " units, started_on, created_at, updated_at) VALUES (7, 'regular', 'both', 'steep',"
            " 4, 1, '60+', 1, 'mi', '2026-05-04', '2026-05-06T09:30:00Z',"
            " '2026-05-06T09:30:00Z')"
        )
    finally:
        await old.close()
    upgraded = await Database.open(path)
    try:
        assert 4 in await upgraded.applied_migrations()
        stored = await ProfileRepository(upgraded).get(7)
        assert stored is not None
        assert stored.profile == Profile(
            Level.REGULAR, Goal.BOTH, Hills.STEEP, 4, True, AgeBand.AGE_60_PLUS, True, Units.MI
        )
        assert stored.started_on == date(2026, 5, 4)
    finally:
        await upgraded.close()


@pytest.mark.parametrize(
    ("days", "returning", "weekdays", "race_date", "break_length"),
    [
        (3, 0, "tue,thu", None, None),  # fewer weekdays than days
        (2, 0, "tue,xyz", None, None),  # not a day
        (2, 0, "Tue,Thu", None, None),  # not the stored form
        (3, 0, None, "2026-02-30", None),  # no such day
        (3, 0, None, "2026-9-27", None),  # not YYYY-MM-DD
        (3, 0, None, "2026-09-27T00:00", None),
        (3, 0, None, None, "5m"),  # not a BreakLength
        (3, 0, None, None, "3m"),  # a break on a member who is not returning
    ],
)
async def test_the_schema_refuses_bad_new_values(
    db: Database,
    days: int,
    returning: int,
    weekdays: str | None,
    race_date: str | None,
    break_length: str | None,
) -> None:
    with pytest.raises(Exception, match="CHECK"):
        await db.execute(
            "INSERT INTO profiles (user_id, level, goal, hills, days, is_returning, weekdays,"
            " race_date, break_length, started_on, created_at, updated_at)"
            " VALUES (1, 'new', 'muscle', 'flat', ?, ?, ?, ?, ?, '2026-05-04', 'x', 'x')",
            (days, returning, weekdays, race_date, break_length),
        )
    assert await db.fetchall("SELECT * FROM profiles") == []
