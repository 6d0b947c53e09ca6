"""A member's training profile: the planner's only input besides the week number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Level(StrEnum):
    NEW = "new"  # new to running or untrained
    REGULAR = "regular"  # runs regularly
    TRAINED = "trained"  # good endurance base


class Goal(StrEnum):
    MUSCLE = "muscle"  # build leg muscle and power
    ENDURANCE = "endurance"  # a stronger, more durable runner
    BOTH = "both"


class Hills(StrEnum):
    STEEP = "steep"  # a steep hill nearby
    GENTLE = "gentle"
    STAIRS = "stairs"  # stairs or stadium steps
    TREADMILL = "treadmill"
    FLAT = "flat"  # none of these


class AgeBand(StrEnum):
    UNDER_40 = "under-40"
    AGE_40_59 = "40-59"
    AGE_60_PLUS = "60+"


class Units(StrEnum):
    KM = "km"
    MI = "mi"


class Day(StrEnum):
    MON = "Mon"
    TUE = "Tue"
    WED = "Wed"
    THU = "Thu"
    FRI = "Fri"
    SAT = "Sat"
    SUN = "Sun"


DAYS: tuple[Day, ...] = tuple(Day)


class BreakLength(StrEnum):
    """How long a returning member was off: it decides how far back their plan restarts."""

    WEEKS = "2w"  # about two weeks
    MONTH = "1m"  # about a month
    MONTHS = "3m"  # two to three months
    HALF_YEAR = "6m"  # four to six months
    LONGER = "1y"  # longer than six months


MIN_DAYS = 2
MAX_DAYS = 7

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off", ""})


class ProfileError(ValueError):
    """A profile option that cannot be parsed; `field` names the option for the reply."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _enum_field(name: str, value: object, enum: type[E]) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}") from None


@dataclass(frozen=True, slots=True)
class Profile:
    level: Level
    goal: Goal
    hills: Hills
    days: int
    lifts: bool = False
    age: AgeBand | None = None
    returning: bool = False
    units: Units = Units.KM
    # The member's own training days (sorted, distinct); None: the planner picks the days.
    weekdays: tuple[Day, ...] | None = None
    race_date: date | None = None
    # How long a returning member was off (None: not said; a returning member then counts as
    # about a month off). Giving it implies `returning`.
    break_length: BreakLength | None = None

    def __post_init__(self) -> None:
        # Coerce plain strings so callers holding stored values need not build enums themselves.
        object.__setattr__(self, "level", _enum_field("level", self.level, Level))
        object.__setattr__(self, "goal", _enum_field("goal", self.goal, Goal))
        object.__setattr__(self, "hills", _enum_field("hills", self.hills, Hills))
        object.__setattr__(self, "units", _enum_field("units", self.units, Units))
        if self.age is not None:
            object.__setattr__(self, "age", _enum_field("age", self.age, AgeBand))
        # bool is an int subclass; True must not pass as "1 day".
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise ValueError(f"days must be a whole number, not {self.days!r}")
        if not MIN_DAYS <= self.days <= MAX_DAYS:
            raise ValueError(f"days must be between {MIN_DAYS} and {MAX_DAYS}, not {self.days}")
        for name in ("lifts", "returning"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")
        if self.weekdays is not None:
            days = tuple(sorted({_enum_field("weekdays", d, Day) for d in self.weekdays},
                                key=DAYS.index))  # fmt: skip
            object.__setattr__(self, "weekdays", days)
            if len(days) != self.days:
                raise ValueError(f"days must equal the {len(days)} weekdays given, not {self.days}")
        if self.race_date is not None and not isinstance(self.race_date, date):
            raise ValueError(f"race_date must be a date, not {self.race_date!r}")
        if self.break_length is not None:
            object.__setattr__(
                self, "break_length", _enum_field("break", self.break_length, BreakLength)
            )
            object.__setattr__(self, "returning", True)

    @property
    def weekday_mask(self) -> int:
        """The days the member may train on as a bit mask (bit 0 Monday); all days if not set."""
        if self.weekdays is None:
            return 0b1111111
        return sum(1 << DAYS.index(d) for d in self.weekdays)

    @classmethod
    def from_values(cls, **values: str | int | bool | None) -> Profile:
        """Parse option strings (slash-command or CLI values); `None` or "" means not given.

        Raises ProfileError naming the first bad, missing or unknown option.
        """
        known = {
            "level", "goal", "hills", "days", "lifts", "age", "returning", "units", "weekdays",
            "race_date", "break",
        }  # fmt: skip
        for name in values:
            if name not in known:
                raise ProfileError(
                    name, f"unknown option; expected one of {', '.join(sorted(known))}"
                )
        given = {k: v for k, v in values.items() if v is not None and v != ""}
        for name in ("level", "goal", "hills"):
            if name not in given:
                raise ProfileError(name, "is required")
        weekdays = parse_weekdays(given["weekdays"]) if "weekdays" in given else None
        if weekdays is None and "days" not in given:
            raise ProfileError("days", "is required (or give weekdays, e.g. tue thu sat)")
        days = len(weekdays) if weekdays is not None else _parse_days(given["days"])
        if weekdays is not None and "days" in given and _parse_days(given["days"]) != days:
            raise ProfileError(
                "days",
                f"must match the {days} weekdays you chose, not {str(given['days']).strip()}; "
                "leave days out and your weekdays set it",
            )
        brk = _parse_enum("break", given["break"], BreakLength) if "break" in given else None
        try:
            return cls(
                level=_parse_enum("level", given["level"], Level),
                goal=_parse_enum("goal", given["goal"], Goal),
                hills=_parse_enum("hills", given["hills"], Hills),
                days=days,
                lifts=_parse_bool("lifts", given.get("lifts", False)),
                age=_parse_enum("age", given["age"], AgeBand) if "age" in given else None,
                returning=brk is not None
                or _parse_bool("returning", given.get("returning", False)),
                units=_parse_enum("units", given.get("units", Units.KM), Units),
                weekdays=weekdays,
                race_date=parse_race_date(given["race_date"]) if "race_date" in given else None,
                break_length=brk,
            )
        except ProfileError:
            raise
        except ValueError as exc:  # pragma: no cover - every field is pre-parsed above
            raise ProfileError("profile", str(exc)) from exc


def _parse_enum(name: str, value: str | int | bool, enum: type[E]) -> E:
    text = str(value).strip().lower()
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ProfileError(name, f"must be one of {allowed}, not {str(value)!r}") from None


def _parse_days(value: str | int | bool) -> int:
    if isinstance(value, bool):
        raise ProfileError("days", f"must be a whole number from {MIN_DAYS} to {MAX_DAYS}")
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ProfileError(
            "days", f"must be a whole number from {MIN_DAYS} to {MAX_DAYS}, not {str(value)!r}"
        ) from None
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ProfileError("days", f"must be from {MIN_DAYS} to {MAX_DAYS}, not {days}")
    return days


def _parse_bool(name: str, value: str | int | bool) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ProfileError(name, f"must be yes or no, not {str(value)!r}")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_NAMES = {
    **{d.value.lower(): d for d in DAYS},
    "monday": Day.MON, "tuesday": Day.TUE, "tues": Day.TUE, "wednesday": Day.WED,
    "thursday": Day.THU, "thur": Day.THU, "thurs": Day.THU, "friday": Day.FRI,
    "saturday": Day.SAT, "sunday": Day.SUN,
}  # fmt: skip


def parse_weekdays(value: str | int | bool | tuple[Day, ...]) -> tuple[Day, ...]:
    """`tue thu sat sun`, `tue,thu` or full names, any case, in any order: the days, sorted.

    Raises ProfileError("weekdays", ...) for an unknown day, a repeated one, or fewer than
    MIN_DAYS days.
    """
    if isinstance(value, tuple):
        names = [str(d) for d in value]
    else:
        names = [n for n in str(value).replace(",", " ").lower().split() if n]
    days: list[Day] = []
    for name in names:
        day = _DAY_NAMES.get(name.lower())
        if day is None:
            raise ProfileError(
                "weekdays", f"must be days like mon tue wed thu fri sat sun, not {name!r}"
            )
        if day in days:
            raise ProfileError("weekdays", f"names {day.value} twice")
        days.append(day)
    if not MIN_DAYS <= len(days) <= MAX_DAYS:
        raise ProfileError(
            "weekdays", f"must name {MIN_DAYS} to {MAX_DAYS} different days, e.g. tue thu sat"
        )
    return tuple(sorted(days, key=DAYS.index))


def parse_race_date(value: str | int | bool | date) -> date:
    """A race date as YYYY-MM-DD; raises ProfileError("race_date", ...) otherwise."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ProfileError(
            "race_date", f"must be a date written YYYY-MM-DD (e.g. 2027-04-18), not {text!r}"
        ) from None


def weekdays_text(days: tuple[Day, ...] | None) -> str | None:
    """The stored and CLI form of a member's days: `tue,thu,sat`."""
    return None if days is None else ",".join(d.value.lower() for d in days)
