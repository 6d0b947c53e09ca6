"""The planner's session catalogue: kinds, volumes by level, titles, details and reasons.

Everything a member reads about a session is written here, from the two source articles and
ordinary coaching practice; `planner.py` only decides which session goes on which day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units


class Day(StrEnum):
    MON = "Mon"
    TUE = "Tue"
    WED = "Wed"
    THU = "Thu"
    FRI = "Fri"
    SAT = "Sat"
    SUN = "Sun"


DAYS: tuple[Day, ...] = tuple(Day)


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

TITLES: Mapping[SessionKind, str] = MappingProxyType(
    {
        K.HILL_SPRINTS: "Hill sprints",
        K.HILL_REPEATS: "Hill repeats",
        K.STAIR_SPRINTS: "Stair sprints",
        K.TREADMILL_HILLS: "Treadmill hills",
        K.FLAT_SPRINTS: "Flat sprints",
        K.STRIDES: "Easy run + strides",
        K.PLYOMETRICS: "Strides + jumping drills",
        K.EASY_RUN: "Easy run",
        K.LONG_RUN: "Long easy run",
        K.STRENGTH: "Strength training",
    }
)

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
    }
)
# Extra reasons that depend on who the member is.
WHY_TRAINED_HARD = "trained-runners-need-intensity"
WHY_NEW_HARD = "beginners-gain-muscle"
WHY_LIFTER = ("running-for-lifters", "concurrent-training-review")
WHY_ENDURANCE_STRENGTH = "endurance-runner-strength-work"


@dataclass(frozen=True, slots=True)
class Context:
    """What the details of one session depend on besides its kind."""

    profile: Profile
    recovery_week: bool
    easing_in: bool  # a returning member's first two weeks


def warm_up(profile: Profile) -> str:
    minutes = {None: 10, AgeBand.UNDER_40: 10, AgeBand.AGE_40_59: 12, AgeBand.AGE_60_PLUS: 15}
    return (
        f"Warm-up: {minutes[profile.age]} min easy jog, then leg swings, skips and 2 relaxed "
        "build-ups."
    )


COOL_DOWN = "Cool-down: 5-10 min easy jog or walk on the flat."


def distance(minutes: int, profile: Profile) -> str:
    """A rough distance for an easy run of `minutes`, in the member's units, to the half unit."""
    km = minutes / _PACE_PER_KM[profile.level]
    value = km if profile.units is Units.KM else km / _KM_PER_MI
    rounded = max(0.5, round(value * 2) / 2)
    return f"about {rounded:g} {profile.units.value}"


def _stretch(profile: Profile) -> str:
    return "60-100 m" if profile.units is Units.KM else "65-110 yd"


def _grade(profile: Profile) -> str:
    if profile.hills is Hills.STEEP:
        return "a steep hill (roughly 8-15% grade: steep enough to slow you right down)"
    return "the steepest stretch of your hill (a gentle 4-6% grade is fine; steeper is better)"


_INCLINE: Mapping[Level, int] = MappingProxyType({Level.NEW: 5, Level.REGULAR: 6, Level.TRAINED: 8})
_NO_DOWNHILL = "Never sprint downhill: the descent is a different load on calves and shins."


def interval_details(kind: SessionKind, reps: int, work: int, ctx: Context) -> str:
    """Reps x seconds, effort, recovery, warm-up and cool-down for a hard or strides session."""
    p = ctx.profile
    new = p.level is Level.NEW
    main = {
        K.HILL_SPRINTS: (
            f"{reps} x {work} s uphill sprints on {_grade(p)}, a stretch of {_stretch(p)}. "
            + (
                "Effort: strong and fast but smooth (8/10); form first. "
                if new
                else "Effort: run up it as fast as you can (9-10/10), tall, driving the arms. "
            )
            + "Recovery: walk back down to the start (about 1-2 min) and go again once your "
            "breathing settles. " + _NO_DOWNHILL
        ),
        K.HILL_REPEATS: (
            f"{reps} x {work} s uphill repeats on {_grade(p)}. Effort: hard but controlled "
            "(7-8/10), even from first rep to last. Recovery: walk back down to the start "
            "(about 1-2 min). " + _NO_DOWNHILL
        ),
        K.STAIR_SPRINTS: (
            f"{reps} x {work} s running up stairs or stadium steps, one step at a time, quick and "
            "light, a hand near the rail. Effort: fast (8-9/10) but never sloppy. Recovery: "
            "walk back down carefully (about 1-2 min); never run down."
        ),
        K.TREADMILL_HILLS: (
            f"{reps} x {work} s uphill running at {_INCLINE[p.level]}% incline, at a speed you "
            "could hold only a little longer than the rep (8/10). "
            "Recovery: drop to a walk at 1% incline for 60-90 s. Straddle the belt to start and "
            "stop if you need to."
        ),
        K.FLAT_SPRINTS: (
            f"{reps} x {work} s sprints on flat, even ground (track or grass), building to about "
            "90-95% of top speed over the first few metres. Recovery: walk back, about 2 min. "
            "Stop the session if your hamstrings tighten."
        ),
        K.PLYOMETRICS: (
            "First 4 x 20 s relaxed strides on flat ground (smooth, about 85% of top speed, walk "
            f"back). Then {reps} sets x {work} s of jumping drills, in turn: bounding, "
            + ("two-footed hops" if new or p.age is AgeBand.AGE_60_PLUS else "hops")
            + ", squat jumps. Effort: springy and explosive, landing softly; rest 60-90 s "
            "between sets. Use grass or a track, not concrete."
            + (" Keep the jumps low." if p.age is AgeBand.AGE_60_PLUS else "")
        ),
        K.STRIDES: (
            f"{reps} x {work} s strides on flat ground: smooth accelerations to about 85% of "
            "top speed, not a sprint (6/10 effort overall). Recovery: walk back, about 1 min."
        ),
    }[kind]
    if kind is K.STRIDES:
        return main  # appended to an easy run by `run_details`
    return f"{warm_up(p)} Main: {main} {COOL_DOWN}"


def run_details(kind: SessionKind, minutes: int, ctx: Context) -> str:
    """An easy or long run: duration, rough distance, effort."""
    pace = "run-walk is fine" if ctx.profile.level is Level.NEW else "walk breaks are fine"
    text = (
        f"{minutes} min ({distance(minutes, ctx.profile)}) at an easy, conversational pace "
        f"(3-4/10: you could chat in full sentences); {pace}."
    )
    if kind is K.LONG_RUN:
        text += " Take water if it's over an hour. Finish feeling you could have gone on."
    return text


def strength_details(ctx: Context) -> str:
    p = ctx.profile
    if ctx.easing_in:
        load = (
            "Easing back in: light loads, stop 4-5 reps short of failure, skip anything that hurts."
        )
    elif p.lifts:
        load = (
            "Keep your usual lifting session; put your heavy leg work here, never the day "
            "before a hard run."
        )
    elif p.level is Level.NEW:
        load = "Learn the moves with bodyweight or light weights, then add load as form settles."
    else:
        load = "Pick a weight you can lift with good form for the rep range."
    sets = "2 sets (recovery week)" if ctx.recovery_week else "3 sets"
    return (
        f"{load} 40-50 min: squats, Romanian deadlifts, split squats or step-ups, calf raises, "
        f"plus a push and a pull; {sets} of 6-12 reps, the last reps hard (1-3 reps in reserve). "
        "Add a little weight or a rep each week: progressive overload is what builds muscle. "
        "Warm up with 5 min easy cardio and light sets."
    )


GOAL_NOTES: Mapping[Goal, str] = MappingProxyType(
    {
        Goal.MUSCLE: (
            "Strength training is the most effective way to build muscle (Dr. Pat Davidson calls "
            "lifting with progressive overload 'the highway'); the hill and sprint work adds "
            "power, and easy running (when you have the days) builds the recovery capacity that "
            "lets you lift more."
        ),
        Goal.BOTH: (
            "Strength sessions build the muscle, hills and sprints turn it into running power, and "
            "easy running keeps you durable; cardio does not cancel out strength gains."
        ),
        Goal.ENDURANCE: (
            "Hills, stairs and sprints are your strength work: Dr. Pat Davidson counts them as an "
            "endurance runner's strength training, building muscle where it helps you run."
        ),
    }
)
LONG_RUN_NOTE = (
    "Long easy running builds your engine, but on its own it is not a muscle builder; the short, "
    "hard uphill and sprint sessions do that job."
)
NUTRITION_NOTES: tuple[str, ...] = (
    "Eat enough: muscle needs adequate calories and protein at every meal, especially after "
    "strength and hill days; under-eating is a common reason runners don't gain.",
    "Sleep 7-9 hours and take your rest days: muscles grow during recovery, not the workout.",
)
LIFTER_NOTE = (
    "Keep lifting: runs are placed around your strength days, and no strength day falls the day "
    "before a hard session, so your legs are fresh for sprints."
)
HILLS_NOTES: Mapping[Hills, str] = MappingProxyType(
    {
        Hills.STEEP: (
            "Run up, walk down: sprint uphill only. Downhill running works calves and shins in a "
            "different way and is never the sprint."
        ),
        Hills.GENTLE: (
            "Run up, walk down: on a gentle hill use the steepest stretch you have, and never "
            "sprint the descent."
        ),
        Hills.STAIRS: "Stairs or stadium steps stand in for a hill: run up, walk down.",
        Hills.TREADMILL: (
            "No outdoor hill: the treadmill incline does the climbing, and you walk on the flat "
            "between reps."
        ),
        Hills.FLAT: (
            "No hill nearby: flat strides plus bounding, hops and squat jumps stand in for hill "
            "sprints."
        ),
    }
)
NEW_RUNNER_NOTE = (
    "New runners often gain some leg muscle early on. No all-out sprints on the flat yet: flat "
    "sprinting injures people not used to top speed, while hills make you work hard at a slower "
    "speed."
)
TRAINED_NOTE = (
    "With a good endurance base, easy mileage alone won't add muscle; the short, high-intensity "
    "sessions are what count (a 2017 study used three such days a week)."
)
OLDER_NOTE = (
    "At 60+, hard sessions are capped at two a week with a longer warm-up; men in their 60s and "
    "70s still grew their quads by about 9% over six months of running."
)
EASING_IN_NOTE = (
    "Weeks 1-2 ease you back in: easy running and relaxed strides only, no hard sessions. If "
    "anything niggles, back off."
)
RECOVERY_WEEK_NOTE = (
    "Recovery week: fewer reps and shorter runs on purpose; your body adapts while it recovers. "
    "Next week builds again."
)
PROGRESSION_NOTE = (
    "Each build week adds about a rep per session up to a cap; every 4th week is lighter."
)
SAFETY = (
    "Warm up before every session. Stop if you feel sharp or worsening pain, chest pain, "
    "dizziness or unusual breathlessness. For an injury or pain that doesn't settle, see a doctor "
    "or physiotherapist before training on."
)
