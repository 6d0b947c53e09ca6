"""Property tests for the planner: one per rule of the planner issues, over every kind of profile.

Each rule is restated here (and in `rules.py`) independently of the planner's own tables, so a
planner change that breaks a rule fails a test rather than quietly moving the goalposts.
"""

from __future__ import annotations

import itertools
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.features.planner.planner import SessionKind, WeekPlan, plan_week
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units
from tests.features.planner import rules
from tests.support.strategies import START, members, profiles

K = SessionKind
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HARD = {
    K.HILL_SPRINTS, K.HILL_REPEATS, K.STAIR_SPRINTS, K.TREADMILL_HILLS, K.FLAT_SPRINTS,
    K.PLYOMETRICS,
}  # fmt: skip
HILL_KINDS = {K.HILL_SPRINTS, K.HILL_REPEATS}
INTERVAL_KINDS = HARD | {K.STRIDES}
LEVEL_REP_CAP = {Level.NEW: 8, Level.REGULAR: 10, Level.TRAINED: 12}

# The knowledge-base contract's required entry ids (more may be added, none removed).
CONTRACT_IDS = frozenset(
    [
        "can-running-build-muscle",
        "muscles-worked",
        "best-running-for-muscle",
        "beginners-gain-muscle",
        "trained-runners-need-intensity",
        "calves",
        "quads",
        "functional-strength",
        "running-makes-you-weaker",
        "how-muscles-grow",
        "progressive-overload",
        "time-under-tension",
        "impact-forces",
        "aerobic-capacity-lifting",
        "capillarization",
        "study-2017-intervals",
        "study-older-men",
        "concurrent-training-review",
        "hill-running-muscle",
        "hill-sprints",
        "hill-sprints-sled-push",
        "hills-vs-flat-sprints",
        "downhill-running",
        "trail-running-muscle",
        "trail-runners-muscle-size",
        "sprinting-vs-easy-running",
        "sprinting-hypertrophy",
        "high-intensity-intervals",
        "plyometrics",
        "long-distance-running",
        "lean-marathoners",
        "endurance-runner-strength-work",
        "preserving-muscle",
        "strength-endurance-tradeoff",
        "nutrition-for-muscle",
        "protein",
        "running-vs-lifting",
        "strength-training-for-runners",
        "running-for-lifters",
        "recovery",
        "neglecting-recovery",
        "consistency",
        "common-mistakes",
    ]
)

weeks = st.integers(1, 16)
EXAMPLES = settings(max_examples=200, deadline=None)


def day_index(plan: WeekPlan, kinds: set[SessionKind] | None = None) -> set[int]:
    return {DAY_NAMES.index(s.day) for s in plan.sessions if kinds is None or s.kind in kinds}


def hard_days(plan: WeekPlan) -> set[int]:
    return {DAY_NAMES.index(s.day) for s in plan.sessions if s.hard}


def volume(plan: WeekPlan) -> int:
    """Seconds of hard work (strides after an easy run are not hard work)."""
    return sum(
        s.reps * s.work_seconds for s in plan.sessions if s.hard and s.reps and s.work_seconds
    )


def rule_cap(profile: Profile, week: int) -> int:
    """The issues' hard-session cap, restated: none in a returning member's easy weeks, then one
    for two weeks."""
    easing = rules.EASING_WEEKS[profile.break_length] if profile.returning else 0
    if week <= easing:
        return 0
    cap = {Level.NEW: 1 if week <= 2 else 2, Level.REGULAR: 2, Level.TRAINED: 3}[profile.level]
    if profile.returning and week <= easing + 2:
        cap = 1
    return min(cap, 2) if profile.age is AgeBand.AGE_60_PLUS else cap


def weeks_of(profile: Profile, last: int = 16) -> list[WeekPlan]:
    return [plan_week(profile, week, start=START) for week in range(1, last + 1)]


# --- issue 11: every rule over every profile ----------------------------------------------------
def every_profile() -> list[Profile]:
    """Every profile of the options that shape a week (units change only the wording). Own
    weekdays, races and break lengths multiply these past what a test run can afford: the
    hypothesis test below samples them, and bench/plan.py plans them all."""
    return [
        Profile(level, goal, hills, days, lifts, age, returning)
        for level, goal, hills, days, lifts, age, returning in itertools.product(
            Level, Goal, Hills, range(2, 8), (False, True), (None, *AgeBand), (False, True)
        )
    ]


def test_every_profile_keeps_every_rule_in_weeks_1_to_16() -> None:
    for profile in every_profile():
        plans = weeks_of(profile)
        for name, check in rules.RULES.items():
            try:
                check(profile, plans, START)
            except AssertionError as exc:
                raise AssertionError(f"{name}: {profile}: {exc}") from None


@settings(max_examples=400, deadline=None)
@given(members())
def test_members_own_days_races_and_breaks_keep_every_rule(profile: Profile) -> None:
    plans = weeks_of(profile)
    for name, check in rules.RULES.items():
        try:
            check(profile, plans, START)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


@EXAMPLES
@given(profiles, weeks)
def test_hard_flag_matches_the_kind(profile: Profile, week: int) -> None:
    for session in plan_week(profile, week).sessions:
        assert session.hard == (session.kind in HARD)


@EXAMPLES
@given(profiles, weeks)
def test_never_hard_sessions_on_consecutive_days_including_sunday_to_monday(
    profile: Profile, week: int
) -> None:
    hard = hard_days(plan_week(profile, week))
    assert not any((d + 1) % 7 in hard for d in hard)


@EXAMPLES
@given(profiles, weeks)
def test_sessions_on_at_most_days_days_one_a_day_in_weekday_order(
    profile: Profile, week: int
) -> None:
    plan = plan_week(profile, week)
    days = [DAY_NAMES.index(s.day) for s in plan.sessions]
    assert days == sorted(set(days))
    assert 1 <= len(days) <= profile.days


@EXAMPLES
@given(profiles, weeks)
def test_hard_sessions_within_the_cap_for_level_age_and_returning(
    profile: Profile, week: int
) -> None:
    plan = plan_week(profile, week)
    count = sum(s.hard for s in plan.sessions)
    assert count <= plan.hard_cap <= rule_cap(profile, week)
    if profile.returning and week <= 2:
        running = {s.kind for s in plan.sessions} - {K.STRENGTH}
        assert running <= {K.EASY_RUN, K.STRIDES}


@EXAMPLES
@given(profiles, weeks)
def test_new_runners_never_sprint_on_the_flat_and_start_small(profile: Profile, week: int) -> None:
    new = Profile(**{**_fields(profile), "level": Level.NEW})
    plan = plan_week(new, week)
    assert K.FLAT_SPRINTS not in {s.kind for s in plan.sessions}
    for session in plan_week(new, 1).sessions:
        if session.hard:
            assert session.reps is not None and session.work_seconds is not None
            assert session.reps <= 4
            assert session.reps * session.work_seconds <= 80


@EXAMPLES
@given(profiles, weeks)
def test_hill_and_stair_sprints_go_up_and_walk_down_never_sprinting_downhill(
    profile: Profile, week: int
) -> None:
    for session in plan_week(profile, week).sessions:
        text = session.details.lower()
        if session.kind in HILL_KINDS:
            assert "uphill" in text and "walk back down" in text
        if session.kind is K.STAIR_SPRINTS:
            assert "running up" in text and "walk back down" in text
        # The only mention of downhill running is the warning against sprinting it.
        assert "downhill" not in text.replace("never sprint downhill", "")


@EXAMPLES
@given(profiles, weeks)
def test_hill_access_picks_the_hard_session_or_its_substitute(profile: Profile, week: int) -> None:
    plan = plan_week(profile, week)
    kinds = {s.kind for s in plan.sessions}
    has_hard = any(s.hard for s in plan.sessions)
    other_terrain = {
        Hills.STEEP: {K.STAIR_SPRINTS, K.TREADMILL_HILLS},
        Hills.GENTLE: {K.STAIR_SPRINTS, K.TREADMILL_HILLS},
        Hills.STAIRS: HILL_KINDS | {K.TREADMILL_HILLS},
        Hills.TREADMILL: HILL_KINDS | {K.STAIR_SPRINTS},
        Hills.FLAT: HILL_KINDS | {K.STAIR_SPRINTS, K.TREADMILL_HILLS},
    }[profile.hills]
    assert not kinds & other_terrain
    # The ramp may leave no room for a week's hard running (plyometrics are not running).
    if not has_hard or (kinds & HARD <= {K.PLYOMETRICS} and profile.hills is not Hills.FLAT):
        return
    if profile.hills is Hills.FLAT:
        plyo = [s for s in plan.sessions if s.kind is K.PLYOMETRICS]
        assert plyo
        for session in plyo:
            text = session.details.lower()
            assert all(w in text for w in ("strides", "bounding", "hops", "squat jumps"))
    gentle_start = profile.level is Level.NEW and profile.age is AgeBand.AGE_60_PLUS and week <= 4
    expected = {
        Hills.STEEP: K.HILL_REPEATS if gentle_start else K.HILL_SPRINTS,
        Hills.GENTLE: K.HILL_REPEATS,
        Hills.STAIRS: K.STAIR_SPRINTS,
        Hills.TREADMILL: K.TREADMILL_HILLS,
        Hills.FLAT: K.PLYOMETRICS,
    }[profile.hills]
    assert expected in kinds


@EXAMPLES
@given(profiles)
def test_interval_reps_grow_at_most_two_a_week_up_to_the_level_cap(profile: Profile) -> None:
    previous: dict[SessionKind, int] = {}
    for week in range(1, 17):
        current = {
            s.kind: s.reps for s in plan_week(profile, week).sessions if s.kind in INTERVAL_KINDS
        }
        for kind, reps in current.items():
            assert reps is not None and 1 <= reps <= LEVEL_REP_CAP[profile.level]
            if kind in previous:
                assert reps - previous[kind] <= 2, (kind, week)
        previous = current


@EXAMPLES
@given(profiles)
def test_every_fourth_week_is_a_lighter_recovery_week(profile: Profile) -> None:
    plans = [plan_week(profile, week) for week in range(1, 17)]
    for plan, before in zip(plans[1:], plans, strict=False):
        assert plan.recovery_week == (plan.week % 4 == 0)
        if plan.recovery_week:
            assert volume(plan) < volume(before) or volume(before) == 0
            assert any("recovery week" in n.lower() for n in plan.notes)


@EXAMPLES
@given(profiles, weeks)
def test_goal_muscle_gets_strength_sessions_and_nutrition_and_sleep_notes(
    profile: Profile, week: int
) -> None:
    muscle = Profile(**{**_fields(profile), "goal": Goal.MUSCLE})
    plan = plan_week(muscle, week)
    strength = [s for s in plan.sessions if s.kind is K.STRENGTH]
    # "When days allow": three or more days leave room for two strength days and a run; a new
    # runner at 3 days keeps one hard session and an easy run beside one strength session.
    two = muscle.days >= 4 or (muscle.days == 3 and muscle.level is not Level.NEW)
    assert len(strength) >= (2 if two else 1)
    notes = " ".join(plan.notes).lower()
    assert "protein" in notes and "calories" in notes and "sleep" in notes
    assert "strength training is the most effective" in notes


@EXAMPLES
@given(profiles, weeks)
def test_lifters_keep_lifting_and_never_lift_the_day_before_a_hard_session(
    profile: Profile, week: int
) -> None:
    plan = plan_week(profile, week)
    strength = day_index(plan, {K.STRENGTH})
    if profile.lifts:
        assert strength
    hard = hard_days(plan)
    assert not any((d + 1) % 7 in hard for d in strength)


@EXAMPLES
@given(profiles, weeks)
def test_endurance_plans_say_hills_are_strength_work_and_long_runs_are_not_muscle_builders(
    profile: Profile, week: int
) -> None:
    plan = plan_week(profile, week)
    notes = " ".join(plan.notes).lower()
    if any(s.kind is K.LONG_RUN for s in plan.sessions):
        assert "not a muscle builder" in notes
    if profile.goal is Goal.ENDURANCE:
        assert "hills, stairs and sprints are your strength work" in notes


@EXAMPLES
@given(profiles, weeks)
def test_every_plan_carries_a_safety_note(profile: Profile, week: int) -> None:
    safety = plan_week(profile, week).safety.lower()
    assert "warm up" in safety and "stop" in safety and "pain" in safety
    assert "physiotherapist" in safety or "doctor" in safety


@EXAMPLES
@given(profiles, weeks)
def test_every_session_is_justified_by_contract_knowledge_ids(profile: Profile, week: int) -> None:
    for session in plan_week(profile, week).sessions:
        assert session.why
        assert set(session.why) <= CONTRACT_IDS
        assert len(set(session.why)) == len(session.why)


@EXAMPLES
@given(profiles, weeks)
def test_same_profile_and_week_give_the_same_plan(profile: Profile, week: int) -> None:
    twin = Profile.from_values(**{k: str(v) for k, v in _fields(profile).items() if v is not None})
    first = plan_week(profile, week)
    assert first == plan_week(twin, week) == plan_week(profile, week)
    assert json.dumps(first.to_dict()) == json.dumps(plan_week(twin, week).to_dict())


@EXAMPLES
@given(profiles, weeks)
def test_to_dict_matches_the_cli_json_contract(profile: Profile, week: int) -> None:
    data = json.loads(json.dumps(plan_week(profile, week).to_dict()))
    assert set(data) == {
        "week", "recovery_week", "sessions", "notes", "safety", "weekdays", "race_date", "start"
    }  # fmt: skip
    assert data["week"] == week and isinstance(data["recovery_week"], bool)
    assert isinstance(data["notes"], list) and isinstance(data["safety"], str)
    for session in data["sessions"]:
        assert set(session) == {
            "day", "kind", "title", "details", "hard", "reps", "work_seconds", "why", "minutes",
            "date", "reason",
        }  # fmt: skip
        assert session["day"] in DAY_NAMES
        assert session["kind"] in {k.value for k in K}
        assert isinstance(session["why"], list) and session["title"] and session["details"]
        interval = session["kind"] in {k.value for k in INTERVAL_KINDS}
        assert (session["reps"] is not None) == interval
        assert (session["work_seconds"] is not None) == interval


@EXAMPLES
@given(profiles, weeks)
def test_distances_follow_the_members_units(profile: Profile, week: int) -> None:
    other = re.compile(r"\d (mi|yd)\b" if profile.units is Units.KM else r"\d (km|m)\b")
    for session in plan_week(profile, week).sessions:
        assert not other.search(session.details)
        if session.kind in (K.EASY_RUN, K.LONG_RUN, K.STRIDES):
            assert f" {profile.units.value})" in session.details


def test_acceptance_new_runner_no_hill_goal_muscle_three_days() -> None:
    profile = Profile.from_values(level="new", goal="muscle", hills="flat", days="3")
    for week in range(1, 17):
        plan = plan_week(profile, week)
        kinds = [s.kind for s in plan.sessions]
        assert K.STRENGTH in kinds
        assert not set(kinds) & (HILL_KINDS | {K.FLAT_SPRINTS})
        assert len(plan.sessions) <= 3


def test_week_must_be_one_or_more() -> None:
    profile = Profile(Level.REGULAR, Goal.BOTH, Hills.STEEP, 4)
    for bad in (0, -1):
        try:
            plan_week(profile, bad)
        except ValueError as exc:
            assert "week" in str(exc)
        else:
            raise AssertionError(f"week {bad} was accepted")


def _fields(profile: Profile) -> dict[str, object]:
    return {
        name: getattr(profile, name)
        for name in ("level", "goal", "hills", "days", "lifts", "age", "returning", "units")
    }
