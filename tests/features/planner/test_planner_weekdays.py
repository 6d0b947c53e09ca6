"""The member's own days: hard sessions spaced as far apart as those days allow, and a crowded
set of days turning a hard session into an easy run, with the reason said."""

from __future__ import annotations

import itertools

from bot.features.planner.planner import plan_week
from bot.features.planner.profile import DAYS, Goal, Hills, Level, Profile
from tests.support.strategies import START


def min_gap(days: list[int]) -> int:
    """The fewest days from one hard day to the next, round the week (Sunday to Monday too)."""
    ordered = sorted(days)
    return min((ordered[(i + 1) % len(ordered)] - d) % 7 for i, d in enumerate(ordered))


def test_hard_days_are_as_far_apart_as_the_chosen_days_allow() -> None:
    """Over every set of 3-7 days: where only hard sessions and easy runs compete for the days
    (no strength, no long run), no other choice of the member's days spaces them further (a
    Monday after last week's hard, strength or long Sunday is not a choice)."""
    checked = 0
    for level, goal, days in itertools.product(Level, Goal, range(3, 8)):
        for chosen in itertools.combinations(range(7), days):
            profile = Profile(
                level, goal, Hills.STEEP, days, weekdays=tuple(DAYS[d] for d in chosen)
            )
            for week in (3, 6):
                plan = plan_week(profile, week, start=START)
                kinds = {s.kind for s in plan.sessions}
                hard = [DAYS.index(s.day) for s in plan.sessions if s.hard]
                if len(hard) < 2 or kinds & {"strength", "long_run"}:
                    continue
                # Last week's Sunday counts: no hard Monday after a hard, strength or long day.
                sunday = [
                    s
                    for s in plan_week(profile, week - 1, start=START).sessions
                    if s.day == "Sun" and (s.hard or s.kind in ("strength", "long_run"))
                ]
                allowed = [d for d in chosen if not (sunday and d == 0)]
                best = max(min_gap(list(c)) for c in itertools.combinations(allowed, len(hard)))
                assert min_gap(hard) == best, (profile, week, [s.day for s in plan.sessions])
                checked += 1
    assert checked > 100  # the condition above leaves plenty of plans to check


def test_days_back_to_back_turn_a_hard_session_easy_and_say_why() -> None:
    # Four days in a row for a trained lifter-to-be: two strength sessions, and hard work
    # never the day after strength or next to another hard day, leave room for one hard day.
    profile = Profile.from_values(
        level="trained", goal="muscle", hills="steep", weekdays="mon tue wed thu"
    )
    plan = plan_week(profile, 2, start=START)
    assert sum(s.hard for s in plan.sessions) == 1 < plan.hard_cap
    assert any("back to back" in note and "Mon, Tue, Wed, Thu" in note for note in plan.notes)
    easy = [s for s in plan.sessions if s.kind == "easy_run"]
    assert easy and any("hard days are never back to back" in s.reason for s in easy)
    # The same member with the days spread out keeps both hard sessions and no such note.
    spread = Profile.from_values(
        level="trained", goal="muscle", hills="steep", weekdays="mon wed fri sun"
    )
    plan = plan_week(spread, 2, start=START)
    assert sum(s.hard for s in plan.sessions) == 2
    assert not any("back to back" in note for note in plan.notes)
