"""Weekly reminder schedules: a weekday, a local wall-clock time and an IANA zone (pure maths).

Posts keep the same *local* time across DST. A time skipped by a spring-forward gap posts at the
first valid instant after it (the end of the gap); a time repeated by a fall-back fold posts once,
at its first occurrence (fold=0). No clock lives here: callers pass aware instants in, and get
aware UTC instants out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.features.reminders.timezones import (
    UTC_ALIASES,
    TimezoneIndex,
    iana_zone_names,
    not_a_place,
)

_WEEK = timedelta(days=7)
_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_GAP = timedelta(days=2)  # tzdata's largest skip is one day (Samoa, Dec 2011)


class ScheduleError(ValueError):
    """Bad admin input; `field` names the option so the reply can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Weekday(IntEnum):
    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def short(self) -> str:
        return _LABELS[self][:3]

    @classmethod
    def parse(cls, text: str) -> Weekday:
        """ "tue", "Tue", "Tuesday", "tues" (any prefix of 3+ letters), case-insensitive."""
        word = text.strip().lower()
        if len(word) >= 3:
            for day in cls:
                if _LABELS[day].lower().startswith(word) or word in _EXTRA_NAMES.get(day, ()):
                    return day
        raise ScheduleError("weekday", f"{text!r} is not a day of the week (e.g. 'Tuesday')")


_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EXTRA_NAMES = {Weekday.WED: ("weds",)}


def parse_time(text: str) -> time:
    """Strict 24-hour "HH:MM" (or "H:MM"), 00:00-23:59."""
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        raise ScheduleError("time", f"{text!r} is not a 24-hour time like 18:30")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ScheduleError("time", f"{text!r} is out of range (00:00 to 23:59)")
    return time(hour, minute)


def parse_date(text: str, field: str = "ends_on") -> date:
    """An ISO date "YYYY-MM-DD"."""
    if _DATE_RE.fullmatch(text.strip()) is None:
        raise ScheduleError(field, f"{text!r} is not a date like 2026-09-30")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(field, f"{text!r} is not a real date") from None


def parse_timezone(name: str, index: TimezoneIndex | None = None) -> ZoneInfo:
    """A case-insensitive exact IANA name ("europe/london" -> Europe/London) of a place or UTC.

    Abbreviations, fixed offsets and old aliases (EST, Etc/GMT+5, PST8PDT) are refused with the
    place they most likely mean: they don't follow a club's clock changes. Pass a long-lived
    `index` to skip re-reading the zone list (a few ms) on each call.
    """
    if index is not None:
        canonical = index.canonical(name)
    else:
        wanted = name.strip().lower()
        canonical = next((z for z in iana_zone_names() if z.lower() == wanted), None)
    if canonical is None:
        raise ScheduleError("timezone", f"{name!r} is not an IANA timezone like Europe/London")
    problem = not_a_place(canonical)
    if problem is not None:
        raise ScheduleError("timezone", problem)
    return ZoneInfo("UTC" if canonical in UTC_ALIASES else canonical)


def _require_aware(instant: datetime, what: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {instant!r}")
    return instant.astimezone(UTC)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def resolve_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `zone`, with the gap/fold rules above."""
    wall = datetime.combine(day, at)
    if _exists(wall, zone):
        # fold=0 picks the first of two readings in a fall-back fold.
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    # In a gap, fold=1 reads the wall time with the post-transition offset, landing before the
    # transition, and fold=0 lands after it. Binary-search the whole seconds in between for the
    # transition itself: the first instant whose wall time is past `wall`.
    lo = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    hi = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if not lo < hi <= lo + _MAX_GAP:  # pragma: no cover - defensive; tzdata never does this
        raise ValueError(f"cannot resolve {wall} in {zone.key}")
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) // 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(zone).replace(tzinfo=None) > wall:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    """Post every `weekday` at local `at` in zone `tz`, up to and including local `ends_on`."""

    weekday: Weekday
    at: time
    tz: str
    ends_on: date | None = None
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekday", Weekday(self.weekday))
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ScheduleError("time", "must be a naive wall-clock time in whole minutes")
        if self.tz in ("localtime", "Factory", "posixrules"):
            raise ScheduleError("timezone", f"{self.tz!r} is not an IANA timezone")
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ScheduleError("timezone", f"{self.tz!r} is not an IANA timezone") from None
        object.__setattr__(self, "_zone", zone)

    @classmethod
    def parse(
        cls,
        weekday: str,
        at: str,
        tz: str,
        ends_on: str | None = None,
        index: TimezoneIndex | None = None,
    ) -> WeeklySchedule:
        """Build from admin-typed strings; raises ScheduleError naming the first bad field."""
        return cls(
            weekday=Weekday.parse(weekday),
            at=parse_time(at),
            tz=parse_timezone(tz, index).key,
            ends_on=parse_date(ends_on) if ends_on else None,
        )

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def local(self, instant: datetime) -> datetime:
        """`instant` on the club's wall clock."""
        return _require_aware(instant, "instant").astimezone(self._zone)

    def post_on(self, day: date) -> datetime:
        """The UTC instant of the post whose nominal local date is `day` (any weekday)."""
        return resolve_local(day, self.at, self._zone)

    def next_after(self, instant: datetime) -> datetime | None:
        """The first post strictly after `instant` (UTC), or None once past `ends_on`."""
        instant = _require_aware(instant, "instant")
        local_day = instant.astimezone(self._zone).date()
        try:
            # The latest scheduled date on or before today; earlier ones posted days ago (a gap
            # shifts a post by hours, at most a day), so they can't be after `instant`.
            day = local_day - timedelta(days=(local_day.weekday() - self.weekday) % 7)
            while True:
                if self.ends_on is not None and day > self.ends_on:
                    return None
                post = self.post_on(day)
                if post > instant:
                    return post
                day += _WEEK
        except OverflowError:  # the far end of the calendar (year 9999): nothing comes after
            return None

    def occurrences(self, after: datetime, count: int) -> list[datetime]:
        """Up to `count` posts strictly after `after`, in order (fewer if `ends_on` comes first)."""
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        posts: list[datetime] = []
        cursor: datetime | None = _require_aware(after, "after")
        while len(posts) < count and cursor is not None:
            cursor = self.next_after(cursor)
            if cursor is not None:
                posts.append(cursor)
        return posts

    def between(self, start: datetime, end: datetime) -> list[datetime]:
        """Posts in (start, end]: the ones missed while the bot was down from start to end."""
        end = _require_aware(end, "end")
        posts: list[datetime] = []
        cursor = self.next_after(start)
        while cursor is not None and cursor <= end:
            posts.append(cursor)
            cursor = self.next_after(cursor)
        return posts
