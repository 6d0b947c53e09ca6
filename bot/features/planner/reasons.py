"""Each session's "why": what it does for this member, and why it sits on this day at this size.

Two sentences from content.yaml's `reasons`: the first by kind (and goal), the second from the
first circumstance that applies (the race, a break, a recovery week, the ramp, the spacing,
the member's level or age). Pure: the planner passes in everything it knows about the week.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.planner.content import PlannerText
from bot.features.planner.profile import DAYS, AgeBand, Level, Profile
from bot.features.planner.ramp import Slot, State
from bot.features.planner.sessions import HARD_KINDS, SessionKind

K = SessionKind
_HEAVY = frozenset("HSR")  # roles: hard, strength, race


@dataclass(frozen=True, slots=True)
class Week:
    """What a reason may depend on beyond the session itself."""

    profile: Profile
    week: int
    recovery: bool
    easing_weeks: int  # the member's easy weeks after a break (0: none)
    one_hard_weeks: int  # ... then weeks with one hard session
    roles: tuple[str, ...]  # by weekday: H hard, S strength, L long, E easy, R race, - rest
    state: State  # the ramp before this week
    race_label: str  # "Sun 14 Mar", or "" without a race
    hard_dropped: bool  # the member's days could not hold every hard session apart


def reason(slot: Slot, race_day: int | None, week: Week, text: PlannerText) -> str:
    return f"{_what(slot.kind, week.profile, text)} {_when(slot, race_day, week, text)}".strip()


def _what(kind: SessionKind, profile: Profile, text: PlannerText) -> str:
    r = text.reasons
    what = getattr(r.what, kind)  # one field per kind, named by its value
    if kind in HARD_KINDS:
        return str(what.format(purpose=getattr(r.purpose, profile.goal)))
    if kind is K.STRENGTH:
        return str(what.format(purpose=getattr(r.strength_purpose, profile.goal)))
    return str(what)


def _when(slot: Slot, race_day: int | None, week: Week, text: PlannerText) -> str:
    w = text.reasons.when
    p = week.profile
    kind = slot.kind
    if kind is K.RACE:
        return ""
    if race_day == -1:
        return w.eve.format(race_date=week.race_label)
    if race_day is not None and race_day < 0:
        return w.taper.format(days=-race_day, race_date=week.race_label)
    if race_day is not None:
        return w.after_race.format(days=race_day)
    if week.week <= week.easing_weeks:
        return w.easing_in.format(week=week.week, weeks=week.easing_weeks)
    hard = kind in HARD_KINDS
    if week.recovery:
        return w.recovery
    if hard and p.returning and week.week <= week.easing_weeks + week.one_hard_weeks:
        return w.back_from_break
    if kind is K.LONG_RUN:
        last = week.state.long_run
        if last is None:
            return w.long_first.format(minutes=slot.minutes)
        if slot.minutes > last:
            return w.long_grows.format(minutes=slot.minutes, change=slot.minutes - last)
        return w.long_holds.format(minutes=slot.minutes)
    if hard:
        gap, before = _since_heavy(week.roles, slot.day)
        before_text = getattr(text.reasons.before, before)
        if week.week == 1 and gap > slot.day:  # nothing heavy before it: the plan starts here
            return w.hard_first.format(before=before_text)
        return w.hard_spaced.format(gap=gap, before=before_text)
    if kind is K.STRENGTH:
        cautious = p.level is Level.NEW or p.age is AgeBand.AGE_60_PLUS
        return w.strength_spaced_cautious if cautious else w.strength_spaced
    neighbour = _hard_neighbour(week, slot.day)
    if neighbour is not None:
        return w.kept_easy.format(day=neighbour)
    if p.level is Level.NEW:
        return w.new_runner
    if p.age is AgeBand.AGE_60_PLUS:
        return w.older
    return w.easy_between


def _since_heavy(roles: tuple[str, ...], day: int) -> tuple[int, str]:
    """Days since the last hard, strength or race day (a week repeats), and what the day
    before holds: rest, easy, long or strength."""
    gap = next((g for g in range(1, 8) if roles[(day - g) % 7] in _HEAVY), 7)
    before = {"-": "rest", "E": "easy", "L": "long", "S": "strength"}.get(roles[(day - 1) % 7])
    return gap, before or "rest"


def _hard_neighbour(week: Week, day: int) -> str | None:
    """The hard day right next to this easy day, when the member's days forced it to be easy."""
    if not week.hard_dropped or week.profile.weekdays is None:
        return None
    for other in ((day - 1) % 7, (day + 1) % 7):
        if week.roles[other] == "H":
            return DAYS[other].value
    return None
