"""The planner's session catalogue: kinds, volumes by level, reasons, and each session's text.

The wording itself lives in content.yaml (loaded by `content.py`); here the tuning numbers
(reps, seconds, minutes, paces, caps) and which text fits which member are chosen and filled
in. `planner.py` only decides which session goes on which day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.features.planner.content import PlannerText
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units


class SessionKind(StrEnum):
    HILL_SPRINTS = "hill_sprints"
    HILL_REPEATS = "hill_repeats"
    STAIR_SPRINTS = "stair_sprints"
    TREADMILL_HILLS = "treadmill_hills"
    FLAT_SPRINTS = "flat_sprints"
    STRIDES = "strides"
    PLYOMETRICS = "plyometrics"
    EASY_RUN = "easy_run"
    LONG_RUN = "long_run"
    STRENGTH = "strength"
    RACE = "race"  # the member's race (race_date), on its own date


K = SessionKind

# High-intensity running or jumping: the sessions counted against the weekly hard cap.
HARD_KINDS: frozenset[SessionKind] = frozenset(
    {K.HILL_SPRINTS, K.HILL_REPEATS, K.STAIR_SPRINTS, K.TREADMILL_HILLS, K.FLAT_SPRINTS,
     K.PLYOMETRICS}
)  # fmt: skip

# The hard session for the 1st, 2nd and 3rd hard slot of a week, by hill access. Flat sprints
# only for trained runners: flat sprinting injures people not used to top speed (Nelson).
HARD_ROTATION: Mapping[Hills, tuple[SessionKind, ...]] = MappingProxyType(
    {
        Hills.STEEP: (K.HILL_SPRINTS, K.HILL_REPEATS, K.PLYOMETRICS),
        Hills.GENTLE: (K.HILL_REPEATS, K.HILL_SPRINTS, K.PLYOMETRICS),
        Hills.STAIRS: (K.STAIR_SPRINTS, K.PLYOMETRICS, K.STAIR_SPRINTS),
        Hills.TREADMILL: (K.TREADMILL_HILLS, K.PLYOMETRICS, K.TREADMILL_HILLS),
        Hills.FLAT: (K.PLYOMETRICS, K.PLYOMETRICS, K.PLYOMETRICS),
    }
)
TRAINED_FLAT_ROTATION: tuple[SessionKind, ...] = (K.PLYOMETRICS, K.FLAT_SPRINTS, K.PLYOMETRICS)

# Most reps any interval session reaches, by level.
REP_CAP: Mapping[Level, int] = MappingProxyType(
    {Level.NEW: 8, Level.REGULAR: 10, Level.TRAINED: 12}
)


@dataclass(frozen=True, slots=True)
class Volume:
    """First-week reps and seconds of work per rep; reps then climb to REP_CAP[level]."""

    start: int
    work_seconds: int
    cap: int | None = None  # below the level's cap for this kind


_V = Volume
# New runners start small: about 4 x 8-10 s hill sprints or the equivalent.
INTERVALS: Mapping[SessionKind, Mapping[Level, Volume]] = MappingProxyType(
    {
        K.HILL_SPRINTS: {Level.NEW: _V(4, 8), Level.REGULAR: _V(6, 10), Level.TRAINED: _V(8, 10)},
        K.HILL_REPEATS: {Level.NEW: _V(4, 15), Level.REGULAR: _V(5, 30), Level.TRAINED: _V(6, 45)},
        K.STAIR_SPRINTS: {Level.NEW: _V(4, 10), Level.REGULAR: _V(6, 12), Level.TRAINED: _V(8, 15)},
        K.TREADMILL_HILLS: {
            Level.NEW: _V(4, 20),
            Level.REGULAR: _V(5, 30),
            Level.TRAINED: _V(6, 45),
        },
        K.FLAT_SPRINTS: {Level.REGULAR: _V(4, 10), Level.TRAINED: _V(6, 10)},
        K.PLYOMETRICS: {Level.NEW: _V(4, 8), Level.REGULAR: _V(6, 10), Level.TRAINED: _V(8, 10)},
        # Strides are a touch of speed, not a workout: a handful is plenty.
        K.STRIDES: {
            Level.NEW: _V(4, 15, 6),
            Level.REGULAR: _V(4, 20, 8),
            Level.TRAINED: _V(6, 20, 8),
        },
    }
)


@dataclass(frozen=True, slots=True)
class Minutes:
    start: int
    cap: int
    step: int


# Easy and long run durations grow by `step` per build week up to `cap`.
EASY_MINUTES: Mapping[Level, Minutes] = MappingProxyType(
    {Level.NEW: Minutes(20, 35, 3), Level.REGULAR: Minutes(30, 45, 5),
     Level.TRAINED: Minutes(40, 60, 5)}
)  # fmt: skip
LONG_MINUTES: Mapping[Level, Minutes] = MappingProxyType(
    {Level.NEW: Minutes(35, 60, 5), Level.REGULAR: Minutes(50, 80, 5),
     Level.TRAINED: Minutes(70, 110, 10)}
)  # fmt: skip
# Conservative easy paces (minutes per km) for the rough distances we quote.
_PACE_PER_KM: Mapping[Level, float] = MappingProxyType(
    {Level.NEW: 7.5, Level.REGULAR: 6.0, Level.TRAINED: 5.0}
)
_KM_PER_MI = 1.609344

# Knowledge entry ids (knowledge/<id>.md) that justify each kind of session.
WHY: Mapping[SessionKind, tuple[str, ...]] = MappingProxyType(
    {
        K.HILL_SPRINTS: ("hill-sprints", "hills-vs-flat-sprints", "hill-sprints-sled-push"),
        K.HILL_REPEATS: ("hill-running-muscle", "downhill-running", "high-intensity-intervals"),
        K.STAIR_SPRINTS: ("endurance-runner-strength-work", "sprinting-vs-easy-running"),
        K.TREADMILL_HILLS: ("hill-running-muscle", "high-intensity-intervals"),
        K.FLAT_SPRINTS: ("sprinting-vs-easy-running", "sprinting-hypertrophy"),
        K.STRIDES: ("sprinting-vs-easy-running", "consistency"),
        K.PLYOMETRICS: ("plyometrics", "endurance-runner-strength-work"),
        K.EASY_RUN: ("capillarization", "aerobic-capacity-lifting"),
        K.LONG_RUN: ("long-distance-running", "lean-marathoners"),
        K.STRENGTH: ("running-vs-lifting", "strength-training-for-runners", "progressive-overload"),
        K.RACE: ("recovery", "consistency"),
    }
)
# Extra reasons that depend on who the member is.
WHY_TRAINED_HARD = "trained-runners-need-intensity"
WHY_NEW_HARD = "beginners-gain-muscle"
WHY_LIFTER = ("running-for-lifters", "concurrent-training-review")
WHY_ENDURANCE_STRENGTH = "endurance-runner-strength-work"


# Warm-up minutes by age band: older runners warm up for longer.
_WARM_UP_MINUTES: Mapping[AgeBand | None, int] = MappingProxyType(
    {None: 10, AgeBand.UNDER_40: 10, AgeBand.AGE_40_59: 12, AgeBand.AGE_60_PLUS: 15}
)
# Treadmill incline (%) by level.
_INCLINE: Mapping[Level, int] = MappingProxyType({Level.NEW: 5, Level.REGULAR: 6, Level.TRAINED: 8})


# Walking or jogging back between reps, in seconds, by kind (sets the session's minutes).
_REP_RECOVERY_SECONDS: Mapping[SessionKind, int] = MappingProxyType(
    {K.HILL_SPRINTS: 90, K.HILL_REPEATS: 90, K.STAIR_SPRINTS: 90, K.TREADMILL_HILLS: 75,
     K.FLAT_SPRINTS: 120, K.PLYOMETRICS: 75, K.STRIDES: 60}
)  # fmt: skip
_COOL_DOWN_MINUTES = 8  # "5-10 min easy jog or walk"
_PLYO_STRIDES_SECONDS = 4 * (20 + 40)  # the 4 x 20 s strides that open a plyometrics session
STRENGTH_MINUTES = 50  # 5 min warm-up, 40-50 min of lifting
STRENGTH_MINUTES_LIGHT = 40  # recovery weeks and race weeks: 2 sets
RACE_COOL_DOWN_MINUTES = 10


def ceil5(minutes: float) -> int:
    return -int(-minutes // 5) * 5


def warm_up_minutes(profile: Profile) -> int:
    return _WARM_UP_MINUTES[profile.age]


def interval_minutes(kind: SessionKind, reps: int, work: int, profile: Profile) -> int:
    """A hard session's planned duration: warm-up, reps with their recoveries, cool-down; for
    strides, only the strides themselves (they follow an easy run)."""
    seconds = reps * (work + _REP_RECOVERY_SECONDS[kind])
    if kind is K.STRIDES:
        return -int(-seconds // 60)
    if kind is K.PLYOMETRICS:
        seconds += _PLYO_STRIDES_SECONDS
    return ceil5(warm_up_minutes(profile) + seconds / 60 + _COOL_DOWN_MINUTES)


@dataclass(frozen=True, slots=True)
class Context:
    """What the text of one session depends on besides its kind."""

    profile: Profile
    recovery_week: bool
    easing_in: bool  # a returning member's easy weeks
    text: PlannerText  # the wording, from content.yaml
    light: bool = False  # strength close to a race: nothing heavy


def title(kind: SessionKind, ctx: Context) -> str:
    if kind is K.STRENGTH and ctx.profile.lifts:
        return ctx.text.titles.lifting
    title: str = getattr(ctx.text.titles, kind)  # one field per kind, named by its value
    return title


def warm_up(ctx: Context) -> str:
    return ctx.text.intervals.warm_up.format(minutes=_WARM_UP_MINUTES[ctx.profile.age])


def distance(minutes: int, ctx: Context) -> str:
    """A rough distance for an easy run of `minutes`, in the member's units, to the half unit."""
    p = ctx.profile
    km = minutes / _PACE_PER_KM[p.level]
    value = km if p.units is Units.KM else km / _KM_PER_MI
    rounded = max(0.5, round(value * 2) / 2)
    units = ctx.text.runs.distance
    return (units.km if p.units is Units.KM else units.mi).format(distance=rounded)


def _stretch(ctx: Context) -> str:
    stretch = ctx.text.intervals.stretch
    return stretch.km if ctx.profile.units is Units.KM else stretch.mi


def _grade(ctx: Context) -> str:
    grade = ctx.text.intervals.grade
    return grade.steep if ctx.profile.hills is Hills.STEEP else grade.gentle


def interval_details(kind: SessionKind, reps: int, work: int, ctx: Context) -> str:
    """Reps x seconds, effort, recovery, warm-up and cool-down for a hard or strides session."""
    p = ctx.profile
    t = ctx.text.intervals
    new = p.level is Level.NEW
    older = p.age is AgeBand.AGE_60_PLUS
    if kind is K.STRIDES:
        return t.strides.format(reps=reps, work=work)  # appended to an easy run by the planner
    if kind is K.HILL_SPRINTS:
        effort = t.hill_sprints_effort.new if new else t.hill_sprints_effort.other
        main = t.hill_sprints.format(
            reps=reps,
            work=work,
            grade=_grade(ctx),
            stretch=_stretch(ctx),
            effort=effort,
            no_downhill=t.no_downhill,
        )
    elif kind is K.HILL_REPEATS:
        main = t.hill_repeats.format(
            reps=reps, work=work, grade=_grade(ctx), no_downhill=t.no_downhill
        )
    elif kind is K.STAIR_SPRINTS:
        main = t.stair_sprints.format(reps=reps, work=work)
    elif kind is K.TREADMILL_HILLS:
        main = t.treadmill_hills.format(reps=reps, work=work, incline=_INCLINE[p.level])
    elif kind is K.FLAT_SPRINTS:
        main = t.flat_sprints.format(reps=reps, work=work)
    elif kind is K.PLYOMETRICS:
        hops = t.hops.two_footed if new or older else t.hops.other
        main = t.plyometrics.format(reps=reps, work=work, hops=hops)
        if older:
            main += " " + t.plyometrics_older
    else:
        raise ValueError(f"{kind} is not an interval session")
    return t.session.format(warm_up=warm_up(ctx), main=main, cool_down=t.cool_down)


def run_details(kind: SessionKind, minutes: int, ctx: Context) -> str:
    """An easy or long run: duration, rough distance, effort."""
    runs = ctx.text.runs
    breaks = runs.walk_breaks.new if ctx.profile.level is Level.NEW else runs.walk_breaks.other
    return (runs.long if kind is K.LONG_RUN else runs.easy).format(
        minutes=minutes, distance=distance(minutes, ctx), walk_breaks=breaks
    )


def strength_details(ctx: Context) -> str:
    p = ctx.profile
    s = ctx.text.strength
    if ctx.easing_in:
        load = s.load.easing_in
    elif p.lifts:
        load = s.load.lifts
    elif p.level is Level.NEW:
        load = s.load.new
    else:
        load = s.load.other
    sets = s.sets.recovery if ctx.recovery_week or ctx.light else s.sets.build
    effort = (
        s.effort.easing_in if ctx.easing_in else s.effort.light if ctx.light else s.effort.build
    )
    hold = ctx.easing_in or ctx.light or ctx.recovery_week
    progress = s.progress.hold if hold else s.progress.build
    return s.session.format(load=load, sets=sets, effort=effort, progress=progress)


def race_details(ctx: Context) -> str:
    return ctx.text.runs.race.format(warm_up=warm_up(ctx))


def goal_note(goal: Goal, text: PlannerText) -> str:
    note: str = getattr(text.notes.goal, goal)  # one field per goal, named by its value
    return note


def hills_note(hills: Hills, text: PlannerText) -> str:
    note: str = getattr(text.notes.hills, hills)  # one field per hill access, named by its value
    return note
