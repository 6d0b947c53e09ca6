"""How the planner's data is shown: option labels, the profile as templates see it, note packing
and the sessions' reasons. Shared by the handlers and `coach plan`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from bot.core.limits import FIELD_VALUE
from bot.features.faq import Entry, KnowledgeBase
from bot.features.planner.planner import Session, WeekPlan
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

# The choices members pick from, as (value, label). Values are the contract (CLI flags, storage);
# labels are what Discord shows, and /profile show repeats them.
LABELS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        "level": (
            (Level.NEW.value, "New to running or untrained"),
            (Level.REGULAR.value, "I run regularly"),
            (Level.TRAINED.value, "A good endurance base"),
        ),
        "goal": (
            (Goal.MUSCLE.value, "Build leg muscle and power"),
            (Goal.ENDURANCE.value, "A stronger, more durable runner"),
            (Goal.BOTH.value, "Both: muscle and endurance"),
        ),
        "hills": (
            (Hills.STEEP.value, "A steep hill nearby"),
            (Hills.GENTLE.value, "A gentle hill"),
            (Hills.STAIRS.value, "Stairs or stadium steps"),
            (Hills.TREADMILL.value, "A treadmill"),
            (Hills.FLAT.value, "None of these (flat ground only)"),
        ),
        "age": (
            (AgeBand.UNDER_40.value, "Under 40"),
            (AgeBand.AGE_40_59.value, "40-59"),
            (AgeBand.AGE_60_PLUS.value, "60+"),
        ),
        "units": (
            (Units.KM.value, "Kilometres (km)"),
            (Units.MI.value, "Miles (mi)"),
        ),
        "break": (
            (BreakLength.WEEKS.value, "About two weeks"),
            (BreakLength.MONTH.value, "About a month"),
            (BreakLength.MONTHS.value, "2-3 months"),
            (BreakLength.HALF_YEAR.value, "4-6 months"),
            (BreakLength.LONGER.value, "Longer than 6 months"),
        ),
    }
)
_BULLET = "• "
# English on every machine, whatever its locale (strftime's %a and %b are not).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def label_of(option: str, value: object) -> str:
    return dict(LABELS[option]).get(str(value), str(value))


def day_label(day: date, *, year: bool = False) -> str:
    """`Tue 12 May` (with `year`: `Tue 12 May 2026`)."""
    text = f"{DAYS[day.weekday()].value} {day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def profile_view(profile: Profile) -> dict[str, Any]:
    """The profile as templates show it: each option's value and human label."""
    race = profile.race_date
    return {
        "level": label_of("level", profile.level),
        "goal": label_of("goal", profile.goal),
        "hills": label_of("hills", profile.hills),
        "days": profile.days,
        "lifts": profile.lifts,
        "age": label_of("age", profile.age) if profile.age is not None else None,
        "returning": profile.returning,
        "units": profile.units.value,
        # The member's own days ("Tue, Thu, Sat"), None when the planner picks them.
        "weekdays": None if profile.weekdays is None else ", ".join(profile.weekdays),
        "race_date": None if race is None else race.isoformat(),
        "race_day": None if race is None else day_label(race, year=True),
        "break": None if profile.break_length is None else label_of("break", profile.break_length),
    }


def session_view(session: Session) -> dict[str, Any]:
    """A session as templates show it: `to_dict()` plus `when`, its weekday and, when the plan
    has a calendar, its date (`Tue 12 May`)."""
    view = session.to_dict()
    view["when"] = session.day.value if session.date is None else day_label(session.date)
    return view


def plan_view(plan: WeekPlan) -> dict[str, Any]:
    """The week as templates show it: `to_dict()` with each session's `when`, and `race_day`
    (`Sun 18 Apr 2027`) when the member has a race."""
    view = plan.to_dict()
    view["sessions"] = [session_view(s) for s in plan.sessions]
    view["race_day"] = None if plan.race_date is None else day_label(plan.race_date, year=True)
    return view


def note_groups(notes: list[str], limit: int = FIELD_VALUE) -> list[list[str]]:
    """Notes packed into as few embed fields as fit Discord's per-field limit, in order."""
    groups: list[list[str]] = []
    size = limit
    for note in notes:
        cost = len(_BULLET) + len(note) + 1
        if size + cost > limit:
            groups.append([])
            size = 0
        groups[-1].append(note)
        size += cost
    return groups


def why_view(kb: KnowledgeBase, plan: WeekPlan) -> tuple[list[dict[str, Any]], list[Entry]]:
    """Each session with its knowledge entries, and the distinct entries in order of appearance.
    An id missing from the KB (an entry removed by /kb reload) is left out, not shown broken."""
    sessions = []
    distinct: dict[str, Entry] = {}
    for session in plan.sessions:
        entries = [e for e in (kb.get(i) for i in session.why) if e is not None]
        for entry in entries:
            distinct.setdefault(entry.id, entry)
        sessions.append({"session": session_view(session), "entries": entries})
    return sessions, list(distinct.values())
