"""A member's training profile: the planner's only input besides the week number."""

from __future__ import annotations

from dataclasses import dataclass
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

    @classmethod
    def from_values(cls, **values: str | int | bool | None) -> Profile:
        """Parse option strings (slash-command or CLI values); `None` or "" means not given.

        Raises ProfileError naming the first bad, missing or unknown option.
        """
        known = {"level", "goal", "hills", "days", "lifts", "age", "returning", "units"}
        for name in values:
            if name not in known:
                raise ProfileError(
                    name, f"unknown option; expected one of {', '.join(sorted(known))}"
                )
        given = {k: v for k, v in values.items() if v is not None and v != ""}
        for name in ("level", "goal", "hills", "days"):
            if name not in given:
                raise ProfileError(name, "is required")
        try:
            return cls(
                level=_parse_enum("level", given["level"], Level),
                goal=_parse_enum("goal", given["goal"], Goal),
                hills=_parse_enum("hills", given["hills"], Hills),
                days=_parse_days(given["days"]),
                lifts=_parse_bool("lifts", given.get("lifts", False)),
                age=_parse_enum("age", given["age"], AgeBand) if "age" in given else None,
                returning=_parse_bool("returning", given.get("returning", False)),
                units=_parse_enum("units", given.get("units", Units.KM), Units),
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
