"""How the planner's data is shown: option labels, the profile as templates see it, note packing
and the sessions' reasons. Shared by the handlers and `coach plan`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from bot.core.limits import FIELD_VALUE
from bot.features.faq import Entry, KnowledgeBase
from bot.features.planner.planner import WeekPlan
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units

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
    }
)
_BULLET = "• "


def label_of(option: str, value: object) -> str:
    return dict(LABELS[option]).get(str(value), str(value))


def profile_view(profile: Profile) -> dict[str, Any]:
    """The profile as templates show it: each option's value and human label."""
    return {
        "level": label_of("level", profile.level),
        "goal": label_of("goal", profile.goal),
        "hills": label_of("hills", profile.hills),
        "days": profile.days,
        "lifts": profile.lifts,
        "age": label_of("age", profile.age) if profile.age is not None else None,
        "returning": profile.returning,
        "units": profile.units.value,
    }


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
        sessions.append({"session": session.to_dict(), "entries": entries})
    return sessions, list(distinct.values())
