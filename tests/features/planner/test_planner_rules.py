"""Each rule check in `rules.py` fails on a plan that breaks its rule.

The property tests pass only if the checks can fail: here every check is shown a real plan
with one thing broken (a longer run, a hard day moved, a session taken away) and must reject it.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from bot.features.planner.planner import Session, WeekPlan, plan_week
from bot.features.planner.profile import AgeBand, BreakLength, Day, Goal, Hills, Level, Profile
from tests.features.planner import rules
from tests.support.strategies import START


def weeks(profile: Profile, last: int = 8) -> list[WeekPlan]:
    return [plan_week(profile, week, start=START) for week in range(1, last + 1)]


def session(kind: str, day: str, week: int = 1, minutes: int = 30, reason: str = "x.") -> Session:
    """A session of `kind` on `day` of `week`, dated from START."""
    hard = kind in rules.HARD_KINDS
    return Session(
        day=Day(day),
        kind=kind,  # type: ignore[arg-type]
        title=kind,
        details=f"{minutes} min",
        hard=hard,
        reps=6 if hard else None,
        work_seconds=10 if hard else None,
        why=("recovery",),
        minutes=minutes,
        date=START + timedelta(days=7 * (week - 1) + rules.DAY_NAMES.index(day)),
        reason=reason,
    )


def with_sessions(plans: list[WeekPlan], week: int, *sessions: Session) -> list[WeekPlan]:
    changed = dataclasses.replace(plans[week - 1], sessions=tuple(sessions))
    return [*plans[: week - 1], changed, *plans[week:]]


def changed(plans: list[WeekPlan], week: int, kind: str, **changes: object) -> list[WeekPlan]:
    """Plans with the first `kind` session of `week` changed."""
    plan = plans[week - 1]
    index = next(i for i, s in enumerate(plan.sessions) if s.kind == kind)
    sessions = list(plan.sessions)
    sessions[index] = dataclasses.replace(sessions[index], **changes)  # type: ignore[arg-type]
    return with_sessions(plans, week, *sessions)


TRAINED = Profile(Level.TRAINED, Goal.ENDURANCE, Hills.STEEP, 6)
NEW = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)


def rejects(check: rules.Check, profile: Profile, plans: list[WeekPlan]) -> None:
    with pytest.raises(AssertionError):
        check(profile, plans, START)


def test_the_unbroken_plans_pass_so_each_failure_below_is_the_change() -> None:
    for profile in (TRAINED, NEW):
        for check in rules.RULES.values():
            check(profile, weeks(profile), START)


def test_ramp_rejects_a_long_run_that_jumps_and_a_recovery_week_that_is_not_lighter() -> None:
    plans = weeks(TRAINED)
    long_run = next(s for s in plans[1].sessions if s.kind == "long_run")
    rejects(rules.check_ramp, TRAINED, changed(plans, 2, "long_run", minutes=long_run.minutes + 15))
    easy = next(s for s in plans[3].sessions if s.kind == "easy_run")
    rejects(rules.check_ramp, TRAINED, changed(plans, 4, "easy_run", minutes=easy.minutes + 90))
    # +15 % of the week's running, spread over runs that stay under the longest-run limit.
    total, _ = rules.running_minutes(plans[1])
    heavier = changed(
        plans,
        2,
        "easy_run",
        minutes=next(s.minutes for s in plans[1].sessions if s.kind == "easy_run")
        + int(total * 0.2),
    )
    rejects(rules.check_ramp, TRAINED, heavier)


def test_restart_rejects_hard_work_in_the_first_week_back() -> None:
    returning = dataclasses.replace(TRAINED, returning=True, break_length=BreakLength.MONTHS)
    rejects(rules.check_restart_fits_the_break, returning, weeks(TRAINED))


def test_days_rejects_a_session_off_the_chosen_days() -> None:
    own = dataclasses.replace(TRAINED, weekdays=(Day.TUE, Day.THU, Day.SAT), days=3)
    rejects(rules.check_days, own, weeks(TRAINED))


def test_load_rules_reject_each_kind_of_back_to_back_load() -> None:
    plans = weeks(TRAINED)
    two_hard = with_sessions(
        plans, 2, session("hill_sprints", "Tue", 2), session("hill_repeats", "Wed", 2)
    )
    rejects(rules.check_no_hard_days_in_a_row, TRAINED, two_hard)
    across_weeks = with_sessions(
        with_sessions(plans, 2, session("hill_sprints", "Sun", 2)),
        3,
        session("plyometrics", "Mon", 3),
    )
    rejects(rules.check_no_hard_days_in_a_row, TRAINED, across_weeks)
    strength_first = with_sessions(
        plans, 2, session("strength", "Mon", 2), session("hill_sprints", "Tue", 2)
    )
    rejects(rules.check_legs_rest_before_hard_work, TRAINED, strength_first)
    long_first = with_sessions(
        plans, 2, session("long_run", "Mon", 2, minutes=70), session("hill_sprints", "Tue", 2)
    )
    rejects(rules.check_legs_rest_before_hard_work, TRAINED, long_first)
    # A 60-minute long run may come before hard work; a longer one may not (above).
    rules.check_legs_rest_before_hard_work(
        TRAINED,
        with_sessions(
            plans, 2, session("long_run", "Mon", 2, minutes=60), session("hill_sprints", "Tue", 2)
        ),
        START,
    )
    # For new runners and 60+, nothing heavy the day after hard work either.
    plans = weeks(NEW)
    strength_after = with_sessions(
        plans, 2, session("plyometrics", "Tue", 2), session("strength", "Wed", 2)
    )
    rejects(rules.check_legs_rest_before_hard_work, NEW, strength_after)
    rules.check_legs_rest_before_hard_work(TRAINED, strength_after, START)


def test_gentle_start_rejects_jumps_and_all_out_sprints_for_new_runners_over_60() -> None:
    older = dataclasses.replace(NEW, age=AgeBand.AGE_60_PLUS)
    plans = weeks(older)
    rejects(rules.check_gentle_start_for_new_runners_over_60, older,
            with_sessions(plans, 3, session("plyometrics", "Tue", 3)))  # fmt: skip
    rejects(rules.check_gentle_start_for_new_runners_over_60, older,
            with_sessions(plans, 1, session("hill_sprints", "Tue")))  # fmt: skip
    rules.check_gentle_start_for_new_runners_over_60(
        older, with_sessions(plans, 5, session("plyometrics", "Tue", 5)), START
    )


def test_easy_run_rule_rejects_a_new_runners_week_without_one() -> None:
    plans = weeks(NEW)
    no_run = with_sessions(
        plans, 3, session("strength", "Mon", 3), session("plyometrics", "Wed", 3)
    )
    rejects(rules.check_new_runners_keep_an_easy_run, NEW, no_run)


def test_strength_rule_rejects_weeks_without_strength_work() -> None:
    plans = weeks(NEW)
    week = with_sessions(plans, 2, session("easy_run", "Mon", 2), session("plyometrics", "Wed", 2))
    rejects(rules.check_strength_for_every_goal, NEW, week)
    endurance = Profile(Level.REGULAR, Goal.ENDURANCE, Hills.STEEP, 4)
    plans = weeks(endurance)
    week = with_sessions(plans, 2, session("easy_run", "Mon", 2), session("long_run", "Sun", 2))
    rejects(rules.check_strength_for_every_goal, endurance, week)
    two_days = Profile(Level.REGULAR, Goal.BOTH, Hills.STEEP, 2)
    plans = weeks(two_days)
    week = with_sessions(plans, 2, session("strength", "Tue", 2), session("easy_run", "Sat", 2))
    rejects(rules.check_strength_for_every_goal, two_days, week)


def test_race_rule_rejects_a_missing_race_and_hard_work_around_it() -> None:
    race = START + timedelta(days=20)  # Sunday of week 3
    racer = dataclasses.replace(TRAINED, race_date=race)
    rejects(rules.check_race, racer, weeks(TRAINED))
    plans = weeks(racer)
    rules.check_race(racer, plans, START)
    week3 = [s for s in plans[2].sessions if s.day != "Fri"] + [session("hill_sprints", "Fri", 3)]
    week3.sort(key=lambda s: rules.DAY_NAMES.index(s.day))
    rejects(rules.check_race, racer, with_sessions(plans, 3, *week3))
    past = dataclasses.replace(TRAINED, race_date=START - timedelta(days=3))
    rejects(rules.check_race, past, weeks(TRAINED))  # no "ignored" note


def test_reasons_rule_rejects_long_and_generic_reasons() -> None:
    plans = weeks(TRAINED)
    long_reason = "One. Two. Three."
    rejects(rules.check_reasons, TRAINED, changed(plans, 2, "easy_run", reason=long_reason))
    rejects(rules.check_reasons, TRAINED, changed(plans, 4, "easy_run", reason="Easy running."))
    racer = dataclasses.replace(TRAINED, race_date=START + timedelta(days=20))
    plans = weeks(racer)
    rejects(rules.check_reasons, racer, changed(plans, 3, "easy_run", reason="Easy running."))


def test_dates_rule_rejects_a_session_on_the_wrong_date() -> None:
    plans = weeks(TRAINED)
    moved = changed(plans, 2, "easy_run", date=date(2026, 5, 12) + timedelta(days=30))
    rejects(rules.check_dates, TRAINED, moved)
