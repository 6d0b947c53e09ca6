"""hypothesis strategies shared by the planner's property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units

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
