"""The hill/sprint planner: a profile and a week number in, a deterministic week plan out.

Pure: no clock, no randomness, no I/O. A week is built in four steps: its shape (how many
sessions of each kind this member may have this week), its layout on the member's days
(`layouts.py`: the load rules), the race (the 6 days before it easy and shorter, the race on its
date, 7 days after it without hard work), and its minutes (`ramp.py`: measured against the last
build week). The ramp makes each week depend on the ones before, so the figures of earlier
weeks are carried forward in a memoised `State`, computed once per profile and race.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.features.planner import ramp
from bot.features.planner.content import PlannerText, bundled_content
from bot.features.planner.layouts import Request, fit_layout, pairs
from bot.features.planner.profile import (
    DAYS,
    AgeBand,
    BreakLength,
    Day,
    Goal,
    Hills,
    Level,
    Profile,
)
from bot.features.planner.ramp import Slot, State
from bot.features.planner.reasons import Week, reason
from bot.features.planner.sessions import (
    EASY_MINUTES,
    HARD_KINDS,
    HARD_ROTATION,
    INTERVALS,
    LONG_MINUTES,
    RACE_COOL_DOWN_MINUTES,
    REP_CAP,
    STRENGTH_MINUTES,
    STRENGTH_MINUTES_LIGHT,
    TRAINED_FLAT_ROTATION,
    WHY,
    WHY_ENDURANCE_STRENGTH,
    WHY_LIFTER,
    WHY_NEW_HARD,
    WHY_TRAINED_HARD,
    Context,
    SessionKind,
    goal_note,
    hills_note,
    interval_details,
    interval_minutes,
    race_details,
    run_details,
    strength_details,
    title,
    warm_up_minutes,
)

__all__ = ["Day", "Session", "SessionKind", "WeekPlan", "hard_cap", "is_recovery_week", "plan_week"]

K = SessionKind
RECOVERY_EVERY = 4
# A returning member's easy (hard-free) weeks, then weeks with one hard session, and how far
# back their first week's running starts, by how long they were off. Not said: about a month.
EASING_WEEKS = {BreakLength.WEEKS: 1, BreakLength.MONTH: 2, BreakLength.MONTHS: 2,
                BreakLength.HALF_YEAR: 3, BreakLength.LONGER: 4}  # fmt: skip
ONE_HARD_WEEKS = 2
RESTART = {BreakLength.WEEKS: 0.8, BreakLength.MONTH: 0.7, BreakLength.MONTHS: 0.55,
           BreakLength.HALF_YEAR: 0.45, BreakLength.LONGER: 0.35}  # fmt: skip
TAPER_DAYS = 6  # before the race: no hard session, less running
AFTER_RACE_DAYS = 7  # after it: no hard session
TAPER = 0.6  # runs in the taper, against their programme length
# The ramp carried forward settles long before this week (every table reaches its cap), so a
# later week is measured against the state here.
HORIZON = 40
# When the member's days can't hold the whole week: what each goal keeps first.
KEEP_FIRST = {Goal.MUSCLE: ("strength", "hard", "long"), Goal.BOTH: ("hard", "strength", "long"),
              Goal.ENDURANCE: ("hard", "long", "strength")}  # fmt: skip
# New runners aged 60+ build up to the fastest work: none of it in weeks 1-4.
GENTLE_START_WEEKS = 4
_NOT_YET = frozenset({K.PLYOMETRICS, K.FLAT_SPRINTS})


@dataclass(frozen=True, slots=True)
class Session:
    day: Day
    kind: SessionKind
    title: str
    details: str
    hard: bool
    reps: int | None
    work_seconds: int | None
    why: tuple[str, ...]  # knowledge entry ids: the evidence
    minutes: int  # planned duration, warm-up and cool-down included
    date: date | None  # None when the plan has no calendar (no start date given)
    reason: str  # why this session, for this member, on this day

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
            "minutes": self.minutes,
            "date": None if self.date is None else self.date.isoformat(),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class WeekPlan:
    week: int
    recovery_week: bool
    sessions: tuple[Session, ...]  # Mon..Sun, at most one a day
    notes: tuple[str, ...]
    safety: str
    hard_cap: int  # most hard sessions this profile may have this week
    weekdays: tuple[Day, ...] | None  # the member's own days, echoed
    race_date: date | None  # the member's race, echoed (also when outside this week)
    start: date | None  # the Monday of week 1

    def to_dict(self) -> dict[str, object]:
        return {
            "week": self.week,
            "recovery_week": self.recovery_week,
            "sessions": [s.to_dict() for s in self.sessions],
            "notes": list(self.notes),
            "safety": self.safety,
            "weekdays": None if self.weekdays is None else [d.value for d in self.weekdays],
            "race_date": None if self.race_date is None else self.race_date.isoformat(),
            "start": None if self.start is None else self.start.isoformat(),
        }


# --- a week's shape ------------------------------------------------------------------------------
def is_recovery_week(week: int) -> bool:
    return week % RECOVERY_EVERY == 0


def easing_weeks(profile: Profile) -> int:
    """A returning member's hard-free weeks at the start of their plan."""
    if not profile.returning:
        return 0
    return EASING_WEEKS[profile.break_length or BreakLength.MONTH]


def cautious(profile: Profile) -> bool:
    """New runners and members aged 60+ get a full day between hard work and heavy work."""
    return profile.level is Level.NEW or profile.age is AgeBand.AGE_60_PLUS


def hard_cap(profile: Profile, week: int) -> int:
    """Most hard sessions `profile` may do in `week` (before the recovery-week cut)."""
    easing = easing_weeks(profile)
    if week <= easing:
        return 0
    cap = {Level.NEW: 1 if week <= 2 else 2, Level.REGULAR: 2, Level.TRAINED: 3}[profile.level]
    if profile.age is AgeBand.AGE_60_PLUS:
        cap = min(cap, 2)
    if profile.returning and week <= easing + ONE_HARD_WEEKS:
        cap = min(cap, 1)  # back from a break: one hard session a week for two more weeks
    return min(cap, len(_rotation(profile, week)))


def _rotation(profile: Profile, week: int) -> tuple[SessionKind, ...]:
    """The hard session for the 1st, 2nd and 3rd hard slot of a week."""
    rotation = HARD_ROTATION[profile.hills]
    if profile.hills is Hills.FLAT and profile.level is Level.TRAINED:
        rotation = TRAINED_FLAT_ROTATION
    older_beginner = profile.level is Level.NEW and profile.age is AgeBand.AGE_60_PLUS
    if older_beginner and week <= GENTLE_START_WEEKS:
        # No jumping and no all-out sprinting yet: controlled hill repeats instead.
        swapped = (K.HILL_REPEATS if k is K.HILL_SPRINTS else k for k in rotation)
        rotation = tuple(k for k in swapped if k not in _NOT_YET)
    return rotation


def _session_days(profile: Profile, week: int) -> int:
    """Training days actually planned: rest days are part of the plan for some members."""
    n = profile.days
    if profile.level is Level.NEW:
        n = min(n, 5)
    if profile.age is AgeBand.AGE_60_PLUS:
        n = min(n, 6)
    if week <= easing_weeks(profile):
        n = min(n, 4)
    return n


def _strength_days(profile: Profile, n: int, week: int) -> int:
    if profile.goal is Goal.MUSCLE:
        # A new runner at 3 days keeps one hard session and one easy run beside the strength.
        return 1 if n == 2 or (n == 3 and profile.level is Level.NEW) else 2 if n <= 5 else 3
    if profile.goal is Goal.BOTH:
        if n == 2:  # two days: strength one week, a run the next (lifters keep theirs)
            return 1 if profile.lifts or week % 2 == 1 else 0
        return 1 if n <= 4 else 2
    if profile.lifts:
        return 1 if n <= 4 else 2
    return 1 if n >= 4 else 0  # at 3 days the hills are the strength work (see _request)


def _request(profile: Profile, week: int) -> Request:
    """What week `week` asks of the layout. Weeks meet at Sunday/Monday and a week may be laid
    out differently from the one before (a break's easy weeks end, more hard sessions are
    allowed), so last week's Sunday is part of the request."""
    n = _session_days(profile, week)
    s = _strength_days(profile, n, week)
    new = profile.level is Level.NEW
    keep_run = 1 if new or profile.goal is not Goal.MUSCLE else 0
    room = max(0, n - s - keep_run)
    h = min(hard_cap(profile, week), (n + 1) // 2, room)
    runs = n - h - s
    return Request(
        mask=profile.weekday_mask,
        n=n,
        hard=h,
        strength=s,
        long=runs >= 1 and profile.goal is not Goal.MUSCLE and week > easing_weeks(profile),
        cautious=cautious(profile),
        last_sunday=_raw(profile, week - 1)[6] if week > 1 else "-",
        # Every goal builds strength at 3+ days: lifting, or for endurance the hills themselves.
        # Lifters keep their lifting at any number of days: the plan goes around it.
        min_strength=1 if profile.lifts or (n >= 3 and profile.goal is not Goal.ENDURANCE) else 0,
        strength_if_no_hard=1 if n >= 3 else 0,
        min_runs=1 if new else 0,
        keep=KEEP_FIRST[Goal.MUSCLE if profile.lifts else profile.goal],
    )


# --- the race ------------------------------------------------------------------------------------
def _race_offset(profile: Profile, start: date | None) -> int | None:
    """Days from the Monday of week 1 to the race; None without a (future) race."""
    if start is None or profile.race_date is None or profile.race_date < start:
        return None
    return (profile.race_date - start).days


def _race_day(week: int, day: int, offset: int | None) -> int | None:
    """Days from the race to this day (negative before it); None far from any race."""
    if offset is None:
        return None
    k = (week - 1) * 7 + day - offset
    return k if -TAPER_DAYS <= k <= AFTER_RACE_DAYS else None


# --- building a week -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Built:
    slots: tuple[Slot, ...]
    layout: tuple[str, ...]  # roles before the race and the ramp changed them
    hard_dropped: int  # hard sessions the member's days could not hold apart
    before: State  # the ramp this week was measured against
    after: State  # ... and after it


def _min_run(profile: Profile) -> int:
    return 15 if profile.level is Level.NEW else 20


def _run_minutes(profile: Profile, kind: SessionKind, builds: int) -> int:
    table = (LONG_MINUTES if kind is K.LONG_RUN else EASY_MINUTES)[profile.level]
    return min(table.cap, table.start + table.step * builds)


def _reps(profile: Profile, kind: SessionKind, hard_builds: int, recovery: bool) -> int:
    """Reps grow by one each build week with hard work, up to the level's cap; a recovery week
    sits two below, so the week after it is at most two more."""
    volume = INTERVALS[kind][profile.level]
    cap = min(REP_CAP[profile.level], volume.cap or REP_CAP[profile.level])
    full = min(cap, volume.start + hard_builds)
    return max(1, full - 2) if recovery else full


def _hard_slot(profile: Profile, day: int, kind: SessionKind, reps: int) -> Slot:
    work = INTERVALS[kind][profile.level].work_seconds
    minutes = interval_minutes(kind, reps, work, profile)
    return Slot(day=day, kind=kind, fixed=minutes, reps=reps, work=work)


def _fit_hard(profile: Profile) -> Callable[[Slot, int], bool]:
    def fit(slot: Slot, longest: int) -> bool:
        assert slot.reps is not None and slot.work is not None
        while slot.reps > 1 and slot.fixed > longest:
            slot.reps -= 1
            slot.fixed = interval_minutes(slot.kind, slot.reps, slot.work, profile)
        return slot.fixed <= longest

    return fit


def _build(profile: Profile, week: int, offset: int | None, state: State) -> _Built:
    recovery = is_recovery_week(week)
    easing = week <= easing_weeks(profile)
    request = _request(profile, week if week <= HORIZON else _twin(week))
    fitted = fit_layout(request)
    layout = list(_roles_this_week(fitted.layout, week))
    rotation = iter(_rotation(profile, week))
    runs = [d for d, role in enumerate(layout) if role in "EL"]
    strides_day = next((d for d in runs if layout[d] == "E"), None) if len(runs) >= 2 else None
    near_race = False
    slots: list[Slot] = []
    for day, role in enumerate(layout):
        k = _race_day(week, day, offset)
        # A race week: one of the member's training days (or the race) falls near the race.
        near_race = near_race or (k is not None and (profile.weekday_mask >> day & 1 or k == 0))
        if k == 0:
            slots.append(Slot(day=day, kind=K.RACE, fixed=_race_minutes(profile)))
            continue
        if role == "-" or k == 1 or (k == -1 and role == "S"):
            continue  # the day after a race is a rest day, the day before holds an easy run
        if (k is not None and role in "HL") or (k in (-2, 2) and role == "S"):
            role = "E"  # no hard work around a race, and no strength right next to it
        if role == "H":
            kind = next(rotation)
            slots.append(_hard_slot(profile, day, kind, _reps(profile, kind, state.hard_builds,
                                                                recovery)))  # fmt: skip
        elif role == "S":
            minutes = STRENGTH_MINUTES_LIGHT if recovery or k is not None else STRENGTH_MINUTES
            slots.append(Slot(day=day, kind=K.STRENGTH, fixed=minutes, light=k is not None))
        else:
            kind = K.LONG_RUN if role == "L" else K.STRIDES if day == strides_day else K.EASY_RUN
            run = _run_minutes(profile, kind, state.builds)
            if recovery:  # lighter than the last build week's run
                run = ramp.floor5(_run_minutes(profile, kind, state.builds - 1) * ramp.LIGHT_WEEK)
            if k is not None:
                kind = K.EASY_RUN if k == -1 else kind
                run = _min_run(profile) if k == -1 else ramp.floor5(run * TAPER)
            slot = Slot(day=day, kind=kind, run=max(_min_run(profile), run))
            if kind is K.STRIDES:
                reps = _reps(profile, K.STRIDES, state.builds, recovery)
                slot.reps, slot.work = reps, INTERVALS[K.STRIDES][profile.level].work_seconds
                slot.fixed = interval_minutes(K.STRIDES, reps, slot.work, profile)
            slot.shortened = k is not None
            slots.append(slot)
    runs = {K.EASY_RUN, K.LONG_RUN, K.STRIDES, K.RACE}
    if profile.level is Level.NEW and near_race and not any(s.kind in runs for s in slots):
        # Rest days after a race can leave a new runner's week without a run: keep one.
        last = max((s for s in slots if s.kind is K.STRENGTH), key=lambda s: s.day, default=None)
        if last is not None:
            last.kind, last.fixed, last.run, last.light = K.EASY_RUN, 0, _min_run(profile), False
    build = not recovery and not near_race
    if easing and week == 1 and profile.returning:
        factor = RESTART[profile.break_length or BreakLength.MONTH]
        cap = ramp.restart_caps(slots, factor, _min_run(profile))
    else:
        cap = ramp.caps(state, build)
    kept = ramp.allocate(
        slots,
        cap,
        min_run=_min_run(profile),
        min_runs=1 if profile.level is Level.NEW else 0,
        fit_hard=_fit_hard(profile),
    )
    kept = _plain_long_runs(profile, kept)
    if request.strength_if_no_hard and not near_race and not _builds_strength(profile, kept):
        kept = _strength_instead(profile, week, kept, slots, layout)
    after = state
    if build:
        total, longest = ramp.totals(kept)
        long_run = next((s.minutes for s in kept if s.kind is K.LONG_RUN), state.long_run)
        after = State(
            total=total,
            longest=longest,
            long_run=long_run,
            builds=state.builds + 1,
            hard_builds=state.hard_builds + any(s.kind in HARD_KINDS for s in kept),
        )
    return _Built(tuple(kept), tuple(fitted.layout), fitted.hard_dropped, state, after)


def _plain_long_runs(profile: Profile, kept: list[Slot]) -> list[Slot]:
    """A long run the ramp cut well below the programme's first long run is an easy run."""
    short = LONG_MINUTES[profile.level].start - 10
    for slot in kept:
        if slot.kind is K.LONG_RUN and slot.minutes < short:
            slot.kind = K.EASY_RUN
    return kept


def _builds_strength(profile: Profile, kept: list[Slot]) -> bool:
    """Lifting, or for an endurance runner the hills, stairs and sprints themselves."""
    endurance = profile.goal is Goal.ENDURANCE
    return any(s.kind is K.STRENGTH or (endurance and s.kind in HARD_KINDS) for s in kept)


def _strength_instead(
    profile: Profile, week: int, kept: list[Slot], planned: list[Slot], layout: list[str]
) -> list[Slot]:
    """When the ramp left no room for an endurance runner's hard session, a strength session
    (not running, so outside the ramp) keeps the week's strength work, on a free day that keeps
    the load rules: preferably the dropped session's own day."""
    used = {s.day for s in kept}
    hard = {s.day for s in kept if s.kind in HARD_KINDS}
    dropped = [s.day for s in planned if s not in kept]
    mask = profile.weekday_mask
    next_monday_hard = _raw(profile, week + 1)[0] == "H"
    prev_sunday_hard = week > 1 and _raw(profile, week - 1)[6] == "H"
    for day in [*dropped, *range(7)]:
        if day in used or not mask >> day & 1 or (day + 1) % 7 in hard:
            continue
        if (day == 6 and next_monday_hard) or (
            cautious(profile) and ((day - 1) % 7 in hard or (day == 0 and prev_sunday_hard))
        ):
            continue
        minutes = STRENGTH_MINUTES_LIGHT if is_recovery_week(week) else STRENGTH_MINUTES
        return sorted([*kept, Slot(day=day, kind=K.STRENGTH, fixed=minutes)], key=lambda s: s.day)
    return kept


def _twin(week: int) -> int:
    """A week past HORIZON is laid out as the week with the same place in the 4-week cycle."""
    return HORIZON - RECOVERY_EVERY + week % RECOVERY_EVERY


def _roles_this_week(layout: tuple[str, ...], week: int) -> tuple[str, ...]:
    """A recovery week keeps the build layout with its last hard day turned into a rest day."""
    if not is_recovery_week(week) or layout.count("H") < 2:
        return layout
    last = max(d for d, role in enumerate(layout) if role == "H")
    return (*layout[:last], "-", *layout[last + 1 :])


@functools.lru_cache(maxsize=8192)
def _raw(profile: Profile, week: int) -> tuple[str, ...]:
    """Week `week`'s roles before the race and the ramp change them (memoised: each week's
    layout depends on the Sunday before it). Past HORIZON the weeks repeat every four, so a
    later week is laid out as its twin in the weeks before."""
    week = week if week <= HORIZON else _twin(week)
    return _roles_this_week(fit_layout(_request(profile, week)).layout, week)


def _race_minutes(profile: Profile) -> int:
    return warm_up_minutes(profile) + RACE_COOL_DOWN_MINUTES


@functools.lru_cache(maxsize=8192)
def _week(profile: Profile, offset: int | None, week: int) -> _Built:
    """Week `week` built on the ramp of the weeks before it (memoised: paging through a plan
    builds each week once). The ramp has settled by HORIZON, so later weeks start from it."""
    state = State() if week == 1 else _week(profile, offset, min(week - 1, HORIZON)).after
    return _build(profile, week, offset, state)


# --- the plan ------------------------------------------------------------------------------------
def plan_week(
    profile: Profile,
    week: int,
    content: PlannerText | None = None,
    *,
    start: date | None = None,
) -> WeekPlan:
    """The plan for `profile` in training week `week` (1-based); same inputs, same plan.

    `content` is the wording to use (None: the content.yaml shipped with the planner); `start`
    is the Monday of week 1, which dates the sessions and places a race.
    """
    if isinstance(week, bool) or not isinstance(week, int) or week < 1:
        raise ValueError(f"week must be a whole number from 1, not {week!r}")
    if start is not None and start.weekday() != 0:
        raise ValueError(f"start must be a Monday, not {start.isoformat()}")
    text = bundled_content() if content is None else content
    offset = _race_offset(profile, start)
    built = _week(profile, offset, week)
    state = built.before
    recovery = is_recovery_week(week)
    easing = week <= easing_weeks(profile)
    monday = None if start is None else start + timedelta(days=7 * (week - 1))
    context = Week(
        profile=profile,
        week=week,
        recovery=recovery,
        easing_weeks=easing_weeks(profile),
        one_hard_weeks=ONE_HARD_WEEKS,
        roles=_roles(built.slots),
        state=state,
        race_label=_race_label(profile),
        hard_dropped=built.hard_dropped > 0,
    )
    plain = Context(profile, recovery, easing, text)
    light = Context(profile, recovery, easing, text, light=True)
    sessions = []
    for slot in built.slots:
        ctx = light if slot.light else plain
        sessions.append(
            Session(
                day=DAYS[slot.day],
                kind=slot.kind,
                title=title(slot.kind, ctx),
                details=_details(slot, ctx),
                hard=slot.kind in HARD_KINDS,
                reps=slot.reps,
                work_seconds=slot.work,
                why=_why(slot.kind, profile.level, profile.goal, profile.lifts, profile.age),
                minutes=slot.minutes,
                date=None if monday is None else monday + timedelta(days=slot.day),
                reason=reason(slot, _race_day(week, slot.day, offset), context, text),
            )
        )
    return WeekPlan(
        week=week,
        recovery_week=recovery,
        sessions=tuple(sessions),
        notes=_notes(profile, week, built, sessions, text, start, offset),
        safety=text.safety,
        hard_cap=hard_cap(profile, week),
        weekdays=profile.weekdays,
        race_date=profile.race_date,
        start=start,
    )


def _roles(slots: tuple[Slot, ...]) -> tuple[str, ...]:
    roles = ["-"] * 7
    for s in slots:
        roles[s.day] = (
            "H" if s.kind in HARD_KINDS
            else "R" if s.kind is K.RACE
            else "S" if s.kind is K.STRENGTH
            else "L" if s.kind is K.LONG_RUN
            else "E"
        )  # fmt: skip
    return tuple(roles)


def _race_label(profile: Profile) -> str:
    race = profile.race_date
    return "" if race is None else f"{DAYS[race.weekday()].value} {race.day} {race:%b}"


def _details(slot: Slot, ctx: Context) -> str:
    if slot.kind is K.STRENGTH:
        return strength_details(ctx)
    if slot.kind is K.RACE:
        return race_details(ctx)
    if slot.kind in (K.EASY_RUN, K.LONG_RUN, K.STRIDES):
        run_kind = K.LONG_RUN if slot.kind is K.LONG_RUN else K.EASY_RUN
        details = run_details(run_kind, slot.run, ctx)
        if slot.kind is K.STRIDES:
            assert slot.reps is not None and slot.work is not None
            strides = interval_details(K.STRIDES, slot.reps, slot.work, ctx)
            details = ctx.text.runs.with_strides.format(run=details, strides=strides)
        return details
    assert slot.reps is not None and slot.work is not None
    return interval_details(slot.kind, slot.reps, slot.work, ctx)


@functools.lru_cache(maxsize=1024)
def _why(
    kind: SessionKind, level: Level, goal: Goal, lifts: bool, age: AgeBand | None
) -> tuple[str, ...]:
    """The knowledge entries behind a session for this kind of member (a small, closed set)."""
    ids = list(WHY[kind])
    if kind in HARD_KINDS:
        if level is Level.NEW:
            ids.append(WHY_NEW_HARD)
        elif level is Level.TRAINED:
            ids += [WHY_TRAINED_HARD, "study-2017-intervals"]
        if goal is Goal.ENDURANCE:
            ids.append(WHY_ENDURANCE_STRENGTH)
    if kind is K.STRENGTH and lifts:
        ids += WHY_LIFTER
    if kind is K.EASY_RUN and age is AgeBand.AGE_60_PLUS:
        ids.append("study-older-men")
    return tuple(dict.fromkeys(ids))  # de-duplicated, order kept


def _notes(
    profile: Profile,
    week: int,
    built: _Built,
    sessions: list[Session],
    text: PlannerText,
    start: date | None,
    offset: int | None,
) -> tuple[str, ...]:
    kinds = {s.kind for s in sessions}
    n = text.notes
    notes = [goal_note(profile.goal, text)]
    race = _race_label(profile)
    if profile.race_date is not None and start is not None and offset is None:
        notes.append(n.race_past.format(race_date=race))
    elif offset is not None:
        first, last = (week - 1) * 7 - offset, (week - 1) * 7 + 6 - offset
        if first <= 0 <= last:
            notes.append(n.race_week.format(race_date=race))
        elif 0 < first <= AFTER_RACE_DAYS:
            notes.append(n.race_after.format(race_date=race))
        elif -TAPER_DAYS - 14 <= last < 0:
            notes.append(n.race_ahead.format(race_date=race))
    if built.hard_dropped and profile.weekdays is not None:
        close = [DAYS[d].value for d in range(7) if profile.weekday_mask >> d & 1
                 and (profile.weekday_mask >> ((d + 1) % 7) & 1 or
                      profile.weekday_mask >> ((d - 1) % 7) & 1)]  # fmt: skip
        if pairs(profile.weekday_mask):
            notes.append(n.days_too_close.format(days=", ".join(close), count=built.hard_dropped))
    if K.LONG_RUN in kinds:
        notes.append(n.long_run)
    if profile.goal is not Goal.ENDURANCE:
        notes += [n.eat, n.sleep]
    if profile.lifts:
        notes.append(n.lifter)
    if any(s.hard for s in sessions):
        notes.append(hills_note(profile.hills, text))
    if profile.level is Level.NEW:
        notes.append(n.new_runner)
    elif profile.level is Level.TRAINED:
        notes.append(n.trained)
    if profile.age is AgeBand.AGE_60_PLUS:
        notes.append(n.older)
    easing = easing_weeks(profile)
    if week <= easing:
        notes.append(n.easing_in.format(weeks="Week 1" if easing == 1 else f"Weeks 1-{easing}"))
    notes.append(n.recovery_week if is_recovery_week(week) else n.progression)
    used = {s.day for s in sessions}
    rest = [d.value for d in DAYS if d not in used]
    if rest:
        note = n.rest_days.format(rest_days=", ".join(rest))
        if len(sessions) < profile.days:
            note += " " + n.rest_days_room.format(days=profile.days, sessions=len(sessions))
        notes.append(note)
    return tuple(notes)
