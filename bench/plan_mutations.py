"""Break one planner rule at a time and print which rule checks reject the plans.

The property tests (tests/features/planner) pass only if their checks can fail; this shows them
failing on the planner itself, one mutation at a time, over the profiles each rule concerns.
Run from the repository root: `.venv/bin/python -m bench.plan_mutations` (a few minutes; prints,
never asserts). Every mutation should be caught by the check named beside it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from bot.features.planner import layouts, planner, ramp
from bot.features.planner.profile import DAYS, AgeBand, Goal, Hills, Level, Profile
from tests.features.planner import rules
from tests.support.strategies import START

_request = planner._request
_strength_days = planner._strength_days


def _clear() -> None:
    for memo in (planner._week, planner._raw, planner._why, layouts.search, layouts.fit_layout):
        memo.cache_clear()


@contextmanager
def patched(*changes: tuple[object, str, object]) -> Iterator[None]:
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in changes]
    for obj, name, value in changes:
        setattr(obj, name, value)
    _clear()
    try:
        yield
    finally:
        for obj, name, value in saved:
            setattr(obj, name, value)
        _clear()


def profiles() -> Iterator[Profile]:
    """Every level, goal, hill access and day count, 60+ or not, returning or not, with and
    without a race in week 5."""
    for level, goal, hills, days, age, returning in itertools.product(
        Level, Goal, Hills, range(2, 8), (None, AgeBand.AGE_60_PLUS), (False, True)
    ):
        base = Profile(level, goal, hills, days, age=age, returning=returning)
        yield base
        yield dataclasses.replace(base, race_date=START + timedelta(days=30))


def own_days() -> Iterator[Profile]:
    """Every set of own weekdays, for every level and goal."""
    for level, goal, days in itertools.product(Level, Goal, range(2, 8)):
        for chosen in itertools.combinations(DAYS, days):
            yield Profile(level, goal, Hills.STEEP, days, weekdays=chosen)


def caught(members: Callable[[], Iterator[Profile]]) -> dict[str, int]:
    failed: dict[str, int] = {}
    for profile in members():
        plans = [planner.plan_week(profile, week, start=START) for week in range(1, 17)]
        for name, check in rules.RULES.items():
            try:
                check(profile, plans, START)
            except AssertionError:
                failed[name] = failed.get(name, 0) + 1
    return failed


def _crowded(profile: Profile, week: int) -> layouts.Request:
    request = _request(profile, week)
    if profile.level is Level.NEW:
        return dataclasses.replace(request, min_runs=0, strength=request.n - request.hard)
    return request


def _no_lifting_for_endurance(profile: Profile, n: int, week: int) -> int:
    return 0 if profile.goal is Goal.ENDURANCE else _strength_days(profile, n, week)


def _no_strength_if_no_hard(profile: Profile, week: int) -> layouts.Request:
    return dataclasses.replace(_request(profile, week), strength_if_no_hard=0)


MUTATIONS = [
    ("longest run may grow 30 min a week", "ramp", profiles, [(ramp, "LONGEST_GROWTH", 30)]),
    ("weekly running may grow 40 %", "ramp", profiles, [(ramp, "GROWTH", 0.4)]),
    ("recovery weeks as heavy as build weeks", "ramp", profiles, [(ramp, "LIGHT_WEEK", 1.0)]),
    ("no caution for new runners and 60+", "legs_rest", profiles,
     [(planner, "cautious", lambda p: False)]),
    ("jumps and sprints for new runners 60+ from week 1", "gentle_start", profiles,
     [(planner, "GENTLE_START_WEEKS", 0)]),
    ("a 2-day taper", "race", profiles, [(planner, "TAPER_DAYS", 2)]),
    ("endurance runners without strength work when the hills go", "strength", profiles,
     [(planner, "_strength_days", _no_lifting_for_endurance),
      (planner, "_request", _no_strength_if_no_hard),
      (planner, "_strength_instead", lambda p, w, kept, planned, layout: kept)]),
    ("new runners' runs crowded out by strength", "easy_run", profiles,
     [(planner, "_request", _crowded)]),
    ("the member's days ignored", "days", own_days,
     [(planner, "_request", lambda p, w: dataclasses.replace(_request(p, w), mask=0b1111111))]),
]  # fmt: skip


def main() -> None:
    print(f"unbroken planner: {caught(profiles) or 'every check passes'}")
    for label, expected, members, changes in MUTATIONS:
        with patched(*changes):
            failed = caught(members)
        verdict = "caught" if expected in failed else "NOT CAUGHT"
        print(f"{label}: {verdict} by {expected!r}; all failing checks: {failed}")


if __name__ == "__main__":
    main()
