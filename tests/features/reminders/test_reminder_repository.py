"""The reminders repository's history for /reminder list: one query, whatever the count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import FakeClock
from bot.features.reminders.repository import NewReminder, State
from bot.features.reminders.schedule import Weekday
from tests.support.reminders import GUILD, utc


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


T0 = utc("2026-03-16T12:00:00Z")


async def test_history_gives_the_newest_post_and_missed_count_per_reminder(make_app) -> None:  # type: ignore[no-untyped-def]
    repo = (await make_app(FakeClock(T0))).reminders.reminders
    first, second, quiet = [
        await repo.add(NewReminder(GUILD, 77, Weekday.TUE, "18:30", "UTC", None, None, None, 1), T0)
        for _ in range(3)
    ]
    assert first and second and quiet
    week = timedelta(days=7)
    for n in range(3):  # first: two missed weeks, then a sent one (the newest)
        due = T0 + n * week
        if n < 2:
            assert await repo.record_missed(first.id, due, T0)
        else:
            assert await repo.claim(first.id, due, f"n{n}", T0)
            await repo.record(first.id, due, State.SENT, T0, message_id=900)
    assert await repo.claim(second.id, T0, "s", T0)  # claimed, never recorded
    ids = [first.id, second.id, quiet.id]

    history = await repo.history(ids)
    assert set(history) == {first.id, second.id}  # `quiet` has no post yet
    newest = history[first.id].last
    assert newest.scheduled_utc == T0 + 2 * week and newest.state is State.SENT
    assert history[first.id].missed == 2
    assert history[second.id].last.state is State.CLAIMED and history[second.id].missed == 0
    assert await repo.history([]) == {}
