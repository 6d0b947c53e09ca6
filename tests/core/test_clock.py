"""The injected clocks: the real one is aware UTC, the fake one moves only when told."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.clock import Clock, FakeClock, SystemClock


def test_system_clock_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.tzinfo is UTC
    assert before <= now <= after


def test_fake_clock_stands_still_until_moved() -> None:
    start = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    clock = FakeClock(start)
    assert clock.now() == start
    assert clock.now() == start
    assert clock.advance(timedelta(minutes=2)) == datetime(2026, 3, 29, 1, 1, tzinfo=UTC)
    assert clock.now() == datetime(2026, 3, 29, 1, 1, tzinfo=UTC)


def test_fake_clock_set_can_jump_either_way_and_normalises_to_utc() -> None:
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.set(datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    clock.set(datetime(2025, 1, 1, tzinfo=UTC))
    assert clock.now().year == 2025


def test_fake_clock_rejects_naive_times_and_going_backwards_by_advance() -> None:
    with pytest.raises(ValueError, match="naive"):
        FakeClock(datetime(2026, 1, 1))
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="negative"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)


def test_both_clocks_satisfy_the_protocol() -> None:
    clocks: list[Clock] = [SystemClock(), FakeClock(datetime(2026, 1, 1, tzinfo=UTC))]
    assert all(c.now().utcoffset() == timedelta(0) for c in clocks)
