"""Profile parsing and validation: bad options are named so the reply can point at them."""

from __future__ import annotations

import pytest

from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, ProfileError, Units


def test_from_values_parses_strings_case_insensitively() -> None:
    profile = Profile.from_values(
        level="Trained", goal="BOTH", hills=" stairs ", days="6", lifts="yes", age="60+",
        returning="no", units="mi",
    )  # fmt: skip
    assert profile == Profile(
        Level.TRAINED, Goal.BOTH, Hills.STAIRS, 6, lifts=True, age=AgeBand.AGE_60_PLUS,
        returning=False, units=Units.MI,
    )  # fmt: skip


def test_optional_options_default_when_missing_or_blank() -> None:
    profile = Profile.from_values(level="new", goal="muscle", hills="flat", days=3, age="")
    assert (profile.lifts, profile.age, profile.returning, profile.units) == (
        False, None, False, Units.KM,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"level": "elite"}, "level"),
        ({"goal": "speed"}, "goal"),
        ({"hills": "mountain"}, "hills"),
        ({"days": "1"}, "days"),
        ({"days": "8"}, "days"),
        ({"days": "three"}, "days"),
        ({"lifts": "maybe"}, "lifts"),
        ({"age": "30"}, "age"),
        ({"returning": "sometimes"}, "returning"),
        ({"units": "furlongs"}, "units"),
        ({"colour": "red"}, "colour"),
        ({"days": None}, "days"),
    ],
)
def test_bad_or_missing_option_is_named(values: dict[str, str | None], field: str) -> None:
    base: dict[str, str | None] = {"level": "new", "goal": "muscle", "hills": "flat", "days": "3"}
    with pytest.raises(ProfileError) as info:
        Profile.from_values(**{**base, **values})
    assert info.value.field == field
    assert field in str(info.value)


def test_error_lists_the_allowed_values() -> None:
    with pytest.raises(ProfileError) as info:
        Profile.from_values(level="new", goal="muscle", hills="hilly", days="3")
    assert all(v in info.value.message for v in ("steep", "gentle", "stairs", "treadmill", "flat"))


@pytest.mark.parametrize("days", [1, 8, 0, True])
def test_constructor_rejects_days_outside_two_to_seven(days: int) -> None:
    with pytest.raises(ValueError, match="days"):
        Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, days)


def test_constructor_coerces_plain_strings_and_rejects_unknown_values() -> None:
    assert Profile("new", "muscle", "flat", 3).level is Level.NEW  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hills"):
        Profile(Level.NEW, Goal.MUSCLE, "cliff", 3)  # type: ignore[arg-type]


def test_profile_is_immutable() -> None:
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
    with pytest.raises(AttributeError):
        profile.days = 4  # type: ignore[misc]
