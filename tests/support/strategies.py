"""hypothesis strategies shared by the planner's property tests."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import strategies as st

from bot.features.planner.profile import (
    DAYS,
    AgeBand,
    BreakLength,
    Goal,
    Hills,
    Level,
    Profile,
    Units,
)

# Every profile a member can set: every option, every value, age band optional.
profiles = st.builds(
    Profile,
    level=st.sampled_from(Level),
    goal=st.sampled_from(Goal),
    hills=st.sampled_from(Hills),
    days=st.integers(2, 7),
    lifts=st.booleans(),
    age=st.sampled_from([None, *AgeBand]),
    returning=st.booleans(),
    units=st.sampled_from(Units),
)

# The Monday of week 1 in the property tests: races fall before it, inside weeks 1-16, or after.
START = date(2026, 5, 4)


@st.composite
def members(draw: st.DrawFn) -> Profile:
    """A profile with everything a member can choose: their own weekdays, a race date (past,
    within the 16 weeks, or later) and, when returning, how long they were off."""
    base = draw(profiles)
    weekdays = None
    if draw(st.booleans()):
        chosen = draw(st.sets(st.sampled_from(DAYS), min_size=2, max_size=7))
        weekdays = tuple(sorted(chosen, key=DAYS.index))
    race = draw(st.none() | st.integers(-20, 16 * 7 + 10).map(lambda d: START + timedelta(d)))
    brk = draw(st.none() | st.sampled_from(BreakLength)) if base.returning else None
    return dataclasses.replace(
        base,
        days=len(weekdays) if weekdays else base.days,
        weekdays=weekdays,
        race_date=race,
        break_length=brk,
    )
