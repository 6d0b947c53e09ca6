"""Forgetting a member: every feature's data about them goes, in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.features.faq.insights_repository import InsightsRepository
from bot.features.planner.profile import Goal, Hills, Level, Profile
from bot.features.reminders.repository import NewReminder
from bot.features.reminders.schedule import Weekday


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


T0 = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
SAM, ALEX = 7, 8
MEMBER_COLUMNS = ("user_id", "created_by")


@pytest.fixture
async def app(make_app) -> App:
    return await make_app(FakeClock(T0))


async def _seed(app: App, user_id: int) -> None:
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
    await app.planner.profiles.save(user_id, profile, now=T0, started_on=date(2026, 5, 4))
    new = NewReminder(1, 2, Weekday.TUE, "18:30", "UTC", None, None, None, user_id)
    await app.reminders.reminders.add(new, T0)
    insights = InsightsRepository(app.services.db)
    answer_id = await insights.record_answer(1, "hill-sprints", "do hills build muscle", T0)
    await insights.vote(answer_id, user_id, False, T0)


async def _rows_about(app: App, user_id: int) -> dict[str, int]:
    """Per table holding a member column, how many rows name `user_id`."""
    db = app.services.db
    found: dict[str, int] = {}
    for table in await db.tables():
        columns = set(await db.columns(table))
        for column in columns.intersection(MEMBER_COLUMNS):
            hits = await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (user_id,))
            found[f"{table}.{column}"] = int(hits[0])
    return found


async def test_every_table_that_names_a_member_is_forgotten(app: App) -> None:
    """A new table with a member column must be seeded here and forgotten by its feature."""
    await _seed(app, SAM)
    await _seed(app, ALEX)
    before = await _rows_about(app, SAM)
    assert before and all(before.values()), f"seed every member table in this test: {before}"
    assert await app.services.members.forget(SAM) == len(before)
    assert not any((await _rows_about(app, SAM)).values())
    assert all((await _rows_about(app, ALEX)).values()), "another member's data was touched"
    # Club data the member created stays the club's, unlinked.
    assert len(await app.reminders.reminders.list_guild(1)) == 2


async def test_each_storing_feature_registers_and_forgetting_is_all_or_nothing(app: App) -> None:
    assert set(app.services.members.features) == {"planner", "reminders", "faq"}
    await _seed(app, SAM)

    async def broken(user_id: int) -> int:
        raise RuntimeError("disk on fire")

    app.services.members.register("broken", broken)
    with pytest.raises(RuntimeError):
        await app.services.members.forget(SAM)
    assert all((await _rows_about(app, SAM)).values()), "a failed forget left half the data"
    with pytest.raises(ValueError):
        app.services.members.register("planner", broken)
