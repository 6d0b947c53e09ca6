"""The hill/sprint planner: a profile and a week number in, a deterministic week plan out.

Pure and fast: no clock, no randomness, no I/O. The weekly layouts (which weekday gets a hard
session, a strength session, an easy or long run) are searched once at import into an immutable
table, so `plan_week` itself is a handful of lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType

from bot.features.planner.content import PlannerText, bundled_content
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile
from bot.features.planner.sessions import (
    DAYS,
    EASY_MINUTES,
    HARD_KINDS,
    HARD_ROTATION,
    INTERVALS,
    LONG_MINUTES,
    REP_CAP,
    TRAINED_FLAT_ROTATION,
    WHY,
    WHY_ENDURANCE_STRENGTH,
    WHY_LIFTER,
    WHY_NEW_HARD,
    WHY_TRAINED_HARD,
    Context,
    Day,
    Minutes,
    SessionKind,
    goal_note,
    hills_note,
    interval_details,
    run_details,
    strength_details,
    title,
)

__all__ = ["Day", "Session", "SessionKind", "WeekPlan", "hard_cap", "is_recovery_week", "plan_week"]

RECOVERY_EVERY = 4
EASING_IN_WEEKS = 2  # a returning member's hard-free weeks


@dataclass(frozen=True, slots=True)
class Session:
    day: Day
    kind: SessionKind
    title: str
    details: str
    hard: bool
    reps: int | None
    work_seconds: int | None
    why: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "day": self.day.value,
            "kind": self.kind.value,
            "title": self.title,
            "details": self.details,
            "hard": self.hard,
            "reps": self.reps,
            "work_seconds": self.work_seconds,
            "why": list(self.why),
        }


@dataclass(frozen=True, slots=True)
class WeekPlan:
    week: int
    recovery_week: bool
    sessions: tuple[Session, ...]  # Mon..Sun, at most one a day
    notes: tuple[str, ...]
    safety: str
    hard_cap: int  # most hard sessions this profile may have this week

    def to_dict(self) -> dict[str, object]:
        return {
            "week": self.week,
            "recovery_week": self.recovery_week,
            "sessions": [s.to_dict() for s in self.sessions],
            "notes": list(self.notes),
            "safety": self.safety,
        }


# --- weekly layouts ------------------------------------------------------------------------------
# A layout is one role per weekday: H hard, S strength, E easy, L long run, "-" rest.
Layout = tuple[str, ...]

# Most strength sessions that fit with h hard sessions: hard days are never adjacent (Sunday to
# Monday counts) and strength never falls the day before a hard day, so of the 7 - h other days,
# h are ruled out for strength.
_MAX_STRENGTH = MappingProxyType({0: 7, 1: 5, 2: 3, 3: 1})
_HARD_DAY_PREFERENCE = (6, 0, 3, 1, 4, 2, 5)  # by weekday: Tue Thu Sat first, Mon last
_ALL = 0b1111111


def _before(mask: int) -> int:
    """The days before those in `mask`."""
    return ((mask >> 1) | ((mask & 1) << 6)) & _ALL


def _pairs(mask: int) -> int:
    """How many days in `mask` are followed by another day in `mask`."""
    return (mask & _before(mask)).bit_count()


def _spread(hard: int) -> int:
    """How unevenly the hard days are spaced round the week (0 = as even as possible)."""
    days = [d for d in range(7) if hard >> d & 1]
    if len(days) < 2:
        return 0
    gaps = [(days[(i + 1) % len(days)] - d) % 7 for i, d in enumerate(days)]
    return max(gaps) - min(gaps)


def _subsets(mask: int, size: int) -> list[int]:
    days = [1 << d for d in range(7) if mask >> d & 1]
    return [sum(c) for c in combinations(days, size)]


_SAT, _SUN = 1 << 5, 1 << 6


def _search_layout(n: int, h: int, s: int, long: bool) -> Layout | None:
    """The best layout by these criteria, in order (ties go to the smallest bit masks):
    no strength next to a hard day and no back-to-back lifting; no long run the day before a
    hard day; hard days evenly spread; rest days spread out; a weekend long run; hard days on
    Tue/Thu/Sat rather than Mon.
    """
    runs_needed = n - h - s
    best: tuple[tuple[int, ...], int, int, int, int] | None = None
    for hard in _subsets(_ALL, h):
        if _pairs(hard):
            continue
        spread = _spread(hard)
        preference = sum(_HARD_DAY_PREFERENCE[d] for d in range(7) if hard >> d & 1)
        # Strength never the day before a hard day.
        for strength in _subsets(_ALL & ~hard & ~_before(hard), s):
            heavy_pairs = _pairs(hard | strength)
            if best is not None and (heavy_pairs, 0, spread) > best[0][:3]:
                continue  # cannot beat the best so far
            for runs in _subsets(_ALL & ~hard & ~strength, runs_needed):
                spread_out = _pairs(hard | strength | runs)
                for long_day in _subsets(runs, 1) if long else [0]:
                    weekend = 0 if long_day & _SUN or not long else 1 if long_day & _SAT else 2
                    score = (
                        heavy_pairs,
                        (long_day & _before(hard)).bit_count(),
                        spread,
                        spread_out,
                        weekend,
                        preference,
                    )
                    candidate = (score, hard, strength, runs, long_day)
                    if best is None or candidate < best:
                        best = candidate
    if best is None:
        return None
    _, hard, strength, runs, long_day = best
    return tuple(
        "H" if hard >> d & 1
        else "S" if strength >> d & 1
        else "L" if long_day >> d & 1
        else "E" if runs >> d & 1
        else "-"
        for d in range(7)
    )  # fmt: skip


def _all_layouts() -> Mapping[tuple[int, int, int, bool], Layout]:
    """Every (session days, hard, strength, long run?) the planner can ask for."""
    table: dict[tuple[int, int, int, bool], Layout] = {}
    for n in range(2, 8):
        for h in range(4):
            for s in range(4):
                for long in (False, True):
                    # Long runs come with endurance goals, which never ask for 3 strength days.
                    if h + s + long > n or s > _MAX_STRENGTH[h] or (long and s > 2):
                        continue
                    layout = _search_layout(n, h, s, long)
                    if layout is not None:
                        table[(n, h, s, long)] = layout
    return MappingProxyType(table)


LAYOUTS: Mapping[tuple[int, int, int, bool], Layout] = _all_layouts()
_ROLE_KIND: Mapping[str, SessionKind] = MappingProxyType(
    {"S": SessionKind.STRENGTH, "E": SessionKind.EASY_RUN, "L": SessionKind.LONG_RUN}
)


# --- what goes into a week -----------------------------------------------------------------------
def is_recovery_week(week: int) -> bool:
    return week % RECOVERY_EVERY == 0


def _easing_in(profile: Profile, week: int) -> bool:
    return profile.returning and week <= EASING_IN_WEEKS


def hard_cap(profile: Profile, week: int) -> int:
    """Most hard sessions `profile` may do in `week` (before the recovery-week cut)."""
    if _easing_in(profile, week):
        return 0
    cap = {Level.NEW: 1 if week <= 2 else 2, Level.REGULAR: 2, Level.TRAINED: 3}[profile.level]
    if profile.age is AgeBand.AGE_60_PLUS:
        cap = min(cap, 2)
    if profile.returning and week <= EASING_IN_WEEKS + 2:
        cap = min(cap, 1)  # back from a break: one hard session a week for two more weeks
    return cap


def _session_days(profile: Profile, week: int) -> int:
    """Training days actually planned: rest days are part of the plan for some members."""
    n = profile.days
    if profile.level is Level.NEW:
        n = min(n, 5)
    if profile.age is AgeBand.AGE_60_PLUS:
        n = min(n, 6)
    if _easing_in(profile, week):
        n = min(n, 4)
    return n


def _strength_days(profile: Profile, n: int) -> int:
    if profile.goal is Goal.MUSCLE:
        return 1 if n == 2 else 2 if n <= 5 else 3
    if profile.goal is Goal.BOTH:
        return 0 if n == 2 and not profile.lifts else 1 if n <= 4 else 2
    return (1 if n <= 4 else 2) if profile.lifts else 0


@dataclass(frozen=True, slots=True)
class _Shape:
    """A week's session counts, before they are laid out on weekdays."""

    n: int
    hard: tuple[SessionKind, ...]
    strength: int
    long: bool
    strides: bool
    # A recovery week keeps the build layout with its last hard day turned into a rest day.
    drop_last_hard: bool


def _shape(profile: Profile, week: int) -> _Shape:
    n = _session_days(profile, week)
    s = _strength_days(profile, n)
    room = n - s
    if profile.goal is not Goal.MUSCLE and room >= 2:
        room -= 1  # keep an easy or long run for endurance
    h = max(0, min(hard_cap(profile, week), (n + 1) // 2, room))
    while s > _MAX_STRENGTH[h]:
        h -= 1  # hard days crowd out the days strength may go on
    rotation = HARD_ROTATION[profile.hills]
    if profile.hills is Hills.FLAT and profile.level is Level.TRAINED:
        rotation = TRAINED_FLAT_ROTATION
    runs = n - h - s
    long = runs >= 1 and profile.goal is not Goal.MUSCLE and not _easing_in(profile, week)
    return _Shape(
        n=n,
        hard=rotation[:h],
        strength=s,
        long=long,
        strides=runs - long >= 1 and runs >= 2,
        drop_last_hard=is_recovery_week(week) and h >= 2,
    )


def _hard_kinds(shape: _Shape) -> tuple[SessionKind, ...]:
    return shape.hard[:-1] if shape.drop_last_hard else shape.hard


def _kinds(shape: _Shape) -> set[SessionKind]:
    kinds = set(_hard_kinds(shape))
    if shape.strides:
        kinds.add(SessionKind.STRIDES)
    return kinds


def _builds(first: int, week: int) -> int:
    """Build (non-recovery) weeks from `first` up to but not including `week`."""
    return sum(1 for w in range(first, week) if not is_recovery_week(w))


def _reps(profile: Profile, kind: SessionKind, week: int) -> int:
    """Reps grow by one each build week from the kind's first week, up to the level's cap.

    A recovery week sits two reps below the next build week, so it is always lighter than the
    week before and the week after is at most two reps more.
    """
    first = next(w for w in range(1, week + 1) if kind in _kinds(_shape(profile, w)))
    volume = INTERVALS[kind][profile.level]
    cap = min(REP_CAP[profile.level], volume.cap or REP_CAP[profile.level])
    full = min(cap, volume.start + _builds(first, week))
    return max(1, full - 2) if is_recovery_week(week) else full


def _minutes(table: Minutes, week: int, recovery: bool, easing_in: bool) -> int:
    minutes = min(table.cap, table.start + table.step * _builds(1, week))
    if recovery:
        minutes = round(minutes * 0.8 / 5) * 5
    if easing_in:
        minutes = round(minutes * 0.7 / 5) * 5
    return max(15, minutes)


# --- the plan ------------------------------------------------------------------------------------
def plan_week(profile: Profile, week: int, content: PlannerText | None = None) -> WeekPlan:
    """The plan for `profile` in training week `week` (1-based); same inputs, same plan.

    `content` is the wording to use; None means the content.yaml shipped with the planner.
    """
    if isinstance(week, bool) or not isinstance(week, int) or week < 1:
        raise ValueError(f"week must be a whole number from 1, not {week!r}")
    recovery = is_recovery_week(week)
    easing_in = _easing_in(profile, week)
    shape = _shape(profile, week)
    layout = LAYOUTS[(shape.n, len(shape.hard), shape.strength, shape.long)]
    if shape.drop_last_hard:
        last = max(d for d, role in enumerate(layout) if role == "H")
        layout = (*layout[:last], "-", *layout[last + 1 :])
    text = bundled_content() if content is None else content
    ctx = Context(profile=profile, recovery_week=recovery, easing_in=easing_in, text=text)
    hard_kinds = iter(_hard_kinds(shape))
    strides_day = (
        next((d for d, r in enumerate(layout) if r == "E"), None) if shape.strides else None
    )
    sessions: list[Session] = []
    for index, role in enumerate(layout):
        if role == "-":
            continue
        if role == "H":
            kind = next(hard_kinds)
        elif index == strides_day:
            kind = SessionKind.STRIDES
        else:
            kind = _ROLE_KIND[role]
        sessions.append(_session(DAYS[index], kind, profile, week, ctx))
    return WeekPlan(
        week=week,
        recovery_week=recovery,
        sessions=tuple(sessions),
        notes=_notes(profile, week, shape, layout, sessions, text),
        safety=text.safety,
        hard_cap=hard_cap(profile, week),
    )


def _session(day: Day, kind: SessionKind, profile: Profile, week: int, ctx: Context) -> Session:
    reps = work = None
    if kind in INTERVALS:
        reps = _reps(profile, kind, week)
        work = INTERVALS[kind][profile.level].work_seconds
    if kind is SessionKind.STRENGTH:
        details = strength_details(ctx)
    elif kind in (SessionKind.EASY_RUN, SessionKind.LONG_RUN, SessionKind.STRIDES):
        table = LONG_MINUTES if kind is SessionKind.LONG_RUN else EASY_MINUTES
        minutes = _minutes(table[profile.level], week, ctx.recovery_week, ctx.easing_in)
        run_kind = SessionKind.LONG_RUN if kind is SessionKind.LONG_RUN else SessionKind.EASY_RUN
        details = run_details(run_kind, minutes, ctx)
        if kind is SessionKind.STRIDES:
            assert reps is not None and work is not None
            strides = interval_details(kind, reps, work, ctx)
            details = ctx.text.runs.with_strides.format(run=details, strides=strides)
    else:
        assert reps is not None and work is not None
        details = interval_details(kind, reps, work, ctx)
    return Session(
        day=day,
        kind=kind,
        title=title(kind, ctx),
        details=details,
        hard=kind in HARD_KINDS,
        reps=reps,
        work_seconds=work,
        why=_why(kind, profile),
    )


def _why(kind: SessionKind, profile: Profile) -> tuple[str, ...]:
    ids = list(WHY[kind])
    if kind in HARD_KINDS:
        if profile.level is Level.NEW:
            ids.append(WHY_NEW_HARD)
        elif profile.level is Level.TRAINED:
            ids += [WHY_TRAINED_HARD, "study-2017-intervals"]
        if profile.goal is Goal.ENDURANCE:
            ids.append(WHY_ENDURANCE_STRENGTH)
    if kind is SessionKind.STRENGTH and profile.lifts:
        ids += WHY_LIFTER
    if kind is SessionKind.EASY_RUN and profile.age is AgeBand.AGE_60_PLUS:
        ids.append("study-older-men")
    return tuple(dict.fromkeys(ids))  # de-duplicated, order kept


def _notes(
    profile: Profile,
    week: int,
    shape: _Shape,
    layout: Layout,
    sessions: list[Session],
    text: PlannerText,
) -> tuple[str, ...]:
    kinds = {s.kind for s in sessions}
    n = text.notes
    notes = [goal_note(profile.goal, text)]
    if SessionKind.LONG_RUN in kinds:
        notes.append(n.long_run)
    if profile.goal is not Goal.ENDURANCE:
        notes += [n.eat, n.sleep]
    if profile.lifts:
        notes.append(n.lifter)
    if shape.hard:
        notes.append(hills_note(profile.hills, text))
    if profile.level is Level.NEW:
        notes.append(n.new_runner)
    elif profile.level is Level.TRAINED:
        notes.append(n.trained)
    if profile.age is AgeBand.AGE_60_PLUS:
        notes.append(n.older)
    if _easing_in(profile, week):
        notes.append(n.easing_in)
    notes.append(n.recovery_week if is_recovery_week(week) else n.progression)
    rest = [DAYS[d].value for d, role in enumerate(layout) if role == "-"]
    if rest:
        note = n.rest_days.format(rest_days=", ".join(rest))
        if len(sessions) < profile.days:
            note += " " + n.rest_days_room.format(days=profile.days, sessions=len(sessions))
        notes.append(note)
    return tuple(notes)
