"""Injected time: the bot asks a Clock, never `datetime.now()`, so tests can steer time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def _as_utc(instant: datetime) -> datetime:
    # A naive datetime is ambiguous (local? UTC?), so refuse it rather than guess.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {instant!r}")
    return instant.astimezone(UTC)


class FakeClock:
    """A clock that only moves when told to; shared by the tests and the offline console."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` (never backwards: use `set` to simulate a clock jump)."""
        if delta < timedelta(0):
            raise ValueError(f"cannot advance by a negative duration: {delta}")
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to `instant` (any direction), e.g. to simulate downtime or an NTP correction."""
        self._now = _as_utc(instant)
        return self._now
