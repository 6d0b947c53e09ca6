"""The planner issue's rules, restated independently of the planner's own tables.

Each `check_*` takes a profile, its plans for weeks 1..N (in order) and the Monday of week 1,
and raises AssertionError naming the week and day when a rule is broken. The property tests run
them over every profile; `test_rules_catch_violations` shows each one failing on a plan that
breaks its rule, so none of them can pass vacuously.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.features.planner.planner import Session, WeekPlan, plan_week
from bot.features.planner.profile import AgeBand, BreakLength, Goal, Level, Profile

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HARD_KINDS = frozenset(
    {"hill_sprints", "hill_repeats", "stair_sprints", "treadmill_hills", "flat_sprints",
     "plyometrics"}
)  # fmt: skip
NOT_RUNNING = frozenset({"strength", "plyometrics", "race"})
EASY_RUNS = frozenset({"easy_run", "strides", "long_run"})
TAPER_DAYS, AFTER_RACE_DAYS = 6, 7
# A returning member's hard-free weeks, by how long they were off (not said: about a month).
EASING_WEEKS = {None: 2, BreakLength.WEEKS: 1, BreakLength.MONTH: 2, BreakLength.MONTHS: 2,
                BreakLength.HALF_YEAR: 3, BreakLength.LONGER: 4}  # fmt: skip


@dataclass(frozen=True)
class Day:
    """One calendar day of a plan: its session, if any."""

    week: int
    index: int  # 0 = Monday
    session: Session | None

    @property
    def hard(self) -> bool:
        """Hard work: a hard session, or the race itself."""
        return self.session is not None and (self.session.hard or self.session.kind == "race")

    def kind(self) -> str:
        return "-" if self.session is None else str(self.session.kind)

    def where(self) -> str:
        return f"week {self.week} {DAY_NAMES[self.index]}"


def calendar(plans: Sequence[WeekPlan]) -> list[Day]:
    """Every day of the plans in order, so Sunday is followed by the next week's Monday."""
    days = []
    for plan in plans:
        by_day = {DAY_NAMES.index(s.day): s for s in plan.sessions}
        days += [Day(plan.week, d, by_day.get(d)) for d in range(7)]
    return days


def running_minutes(plan: WeekPlan) -> tuple[int, int]:
    """(running minutes, longest run): every session but strength, plyometrics and the race."""
    runs = [s.minutes for s in plan.sessions if s.kind not in NOT_RUNNING]
    return sum(runs), max(runs, default=0)


def race_weeks(profile: Profile, start: date) -> set[int]:
    """Weeks where one of the member's training days (any day, without chosen weekdays) falls
    from 6 days before the race to 7 after it, and the race's own week."""
    race = profile.race_date
    if race is None or race < start:
        return set()
    days = DAY_NAMES if profile.weekdays is None else {d.value for d in profile.weekdays}
    weeks = {(race - start).days // 7 + 1}
    for gap in range(-TAPER_DAYS, AFTER_RACE_DAYS + 1):
        day = race + timedelta(days=gap)
        if day >= start and DAY_NAMES[day.weekday()] in days:
            weeks.add((day - start).days // 7 + 1)
    return weeks


def cautious(profile: Profile) -> bool:
    return profile.level is Level.NEW or profile.age is AgeBand.AGE_60_PLUS


# --- rule 1: ramps -------------------------------------------------------------------------------
def check_ramp(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    """Build week to build week: the longest run +10 min at most, the week's running minutes
    +15 % or +15 min at most (whichever is larger). Recovery and race weeks are lighter than
    the last build week, and the week after them is measured against that build week."""
    around_race = race_weeks(profile, start)
    last: tuple[int, int, int] | None = None  # week, total, longest
    for plan in plans:
        total, longest = running_minutes(plan)
        for s in plan.sessions:
            assert s.minutes >= 1, f"week {plan.week} {s.day}: {s.minutes} minutes"
        if plan.recovery_week or plan.week in around_race:
            if last is not None:
                lighter = total < last[1] or total == 0
                assert lighter, f"week {plan.week}: {total} min, not under {last[1]}"
                assert longest <= last[2], f"week {plan.week}: longest {longest} > {last[2]}"
            continue
        if last is not None:
            week, before, longest_before = last
            assert longest - longest_before <= 10, (
                f"week {plan.week}: longest run {longest} min, week {week}'s {longest_before}"
            )
            assert total - before <= max(0.15 * before, 15), (
                f"week {plan.week}: {total} running min after week {week}'s {before}"
            )
        last = (plan.week, total, longest)


def check_restart_fits_the_break(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    """A returning member's first week: no hard session, and no more running and jumping than
    after a shorter break (the ramp rule then covers the climb back)."""
    if not profile.returning:
        return
    assert not any(s.hard for s in plans[0].sessions), "hard work in the first week back"
    order = list(BreakLength)
    if profile.break_length is not None and profile.break_length is not order[0]:
        shorter = order[order.index(profile.break_length) - 1]
        first = _load(plans[0])
        before = _load(plan_week(replace(profile, break_length=shorter), 1, start=start))
        assert first <= before, f"{profile.break_length}: {first} min > {shorter}: {before}"


def _load(plan: WeekPlan) -> int:
    """Minutes of running and jumping (everything but strength and the race)."""
    return sum(s.minutes for s in plan.sessions if s.kind not in {"strength", "race"})


# --- rule 2: the member's days -------------------------------------------------------------------
def check_days(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    """Sessions only on the chosen days (the race on its own date), at most `days` of them, one
    a day, in weekday order."""
    allowed = set(DAY_NAMES) if profile.weekdays is None else {d.value for d in profile.weekdays}
    for plan in plans:
        days = [DAY_NAMES.index(s.day) for s in plan.sessions]
        assert days == sorted(set(days)), f"week {plan.week}: days {days}"
        training = [s for s in plan.sessions if s.kind != "race"]
        assert len(training) <= profile.days, f"week {plan.week}: {len(training)} sessions"
        for s in training:
            assert s.day in allowed, f"week {plan.week}: {s.kind} on {s.day}"


# --- rule 4: load --------------------------------------------------------------------------------
def check_no_hard_days_in_a_row(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    days = calendar(plans)
    for today, tomorrow in itertools.pairwise(days):
        assert not (today.hard and tomorrow.hard), f"hard on {today.where()} and the day after"


def check_legs_rest_before_hard_work(
    profile: Profile, plans: Sequence[WeekPlan], start: date
) -> None:
    """No hard session the day after a long run over 60 minutes or a strength session; for
    new runners and members aged 60+, neither of those the day after a hard one either."""
    days = calendar(plans)
    for today, tomorrow in itertools.pairwise(days):
        if tomorrow.hard:
            assert not _heavy(today), f"{today.kind()} on {today.where()}, hard the day after"
        if cautious(profile) and today.hard:
            assert not _heavy(tomorrow), f"hard on {today.where()}, {tomorrow.kind()} after"


def _heavy(day: Day) -> bool:
    s = day.session
    return s is not None and (s.kind == "strength" or (s.kind == "long_run" and s.minutes > 60))


def check_gentle_start_for_new_runners_over_60(
    profile: Profile, plans: Sequence[WeekPlan], start: date
) -> None:
    if profile.level is not Level.NEW or profile.age is not AgeBand.AGE_60_PLUS:
        return
    for plan in plans[:4]:
        for s in plan.sessions:
            assert s.kind not in {"plyometrics", "flat_sprints", "hill_sprints"}, (
                f"week {plan.week}: {s.kind} for a new runner aged 60+"
            )
            assert "9-10/10" not in s.details, f"week {plan.week}: all-out {s.kind}"


def check_new_runners_keep_an_easy_run(
    profile: Profile, plans: Sequence[WeekPlan], start: date
) -> None:
    """Every week of a new runner keeps an easy run (in race week the race may be that run)."""
    if profile.level is not Level.NEW:
        return
    for plan in plans:
        kinds = {s.kind for s in plan.sessions}
        assert kinds & (EASY_RUNS | {"race"}), f"week {plan.week}: no easy run"


# --- rule 3: strength for every goal -------------------------------------------------------------
def check_strength_for_every_goal(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    """At 3+ days every week builds strength (lifting, or an endurance runner's hills, stairs
    and sprints); at 2 days `both` alternates. Weeks around a race may rest instead."""
    around_race = race_weeks(profile, start)
    for plan in plans:
        if plan.week in around_race:
            continue
        kinds = {s.kind for s in plan.sessions}
        hills = bool(kinds & HARD_KINDS) and profile.goal is Goal.ENDURANCE
        if profile.days >= 3:
            assert "strength" in kinds or hills, f"week {plan.week}: no strength work"
        elif profile.goal is Goal.BOTH and not profile.lifts:
            assert ("strength" in kinds) == (plan.week % 2 == 1), (
                f"week {plan.week}: 2-day `both` plans alternate strength weeks"
            )


# --- rule 5: the race ----------------------------------------------------------------------------
def check_race(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    race = profile.race_date
    races = [s for p in plans for s in p.sessions if s.kind == "race"]
    if race is None or race < start:
        assert not races, "a race without a (future) race date"
        if race is not None:
            for plan in plans:
                assert any("ignored" in n for n in plan.notes), f"week {plan.week}: no note"
        return
    in_range = race < start + timedelta(days=7 * len(plans))
    assert [s.date for s in races] == ([race] if in_range else []), f"race sessions {races}"
    for plan in plans:
        for s in plan.sessions:
            assert s.date is not None
            gap = (s.date - race).days
            if -TAPER_DAYS <= gap <= AFTER_RACE_DAYS and gap != 0:
                assert not s.hard, f"{s.kind} on {s.date}, {gap} days from the race"


# --- rule 6 and 7: reasons and dates -------------------------------------------------------------
def check_reasons(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    """One or two sentences for each session, about this member's circumstances: the race, the
    break, the recovery week, the ramp, the day."""
    easing = EASING_WEEKS[profile.break_length] if profile.returning else 0
    race = profile.race_date if profile.race_date and profile.race_date >= start else None
    for plan in plans:
        for s in plan.sessions:
            sentences = [x for x in s.reason.replace("!", ".").split(". ") if x.strip()]
            assert 1 <= len(sentences) <= 2, f"week {plan.week} {s.day}: {s.reason!r}"
            assert s.why, f"week {plan.week} {s.day}: no evidence"
            if s.kind == "race":
                continue
            gap = None if race is None or s.date is None else (s.date - race).days
            if gap is not None and gap != 0 and -TAPER_DAYS <= gap <= AFTER_RACE_DAYS:
                assert "race" in s.reason, f"week {plan.week} {s.day}: {s.reason!r}"
            elif plan.week <= easing:
                assert "break" in s.reason, f"week {plan.week} {s.day}: {s.reason!r}"
            elif plan.recovery_week:
                assert "recovery week" in s.reason, f"week {plan.week} {s.day}: {s.reason!r}"
            elif s.kind == "long_run":
                assert f"{s.minutes} min" in s.reason, f"week {plan.week}: {s.reason!r}"


def check_dates(profile: Profile, plans: Sequence[WeekPlan], start: date) -> None:
    for plan in plans:
        assert plan.start == start
        for s in plan.sessions:
            expected = start + timedelta(days=7 * (plan.week - 1) + DAY_NAMES.index(s.day))
            assert s.date == expected, f"week {plan.week} {s.day}: {s.date} != {expected}"


Check = Callable[[Profile, Sequence[WeekPlan], date], None]
RULES: dict[str, Check] = {
    "ramp": check_ramp,
    "restart": check_restart_fits_the_break,
    "days": check_days,
    "no_hard_in_a_row": check_no_hard_days_in_a_row,
    "legs_rest": check_legs_rest_before_hard_work,
    "gentle_start": check_gentle_start_for_new_runners_over_60,
    "easy_run": check_new_runners_keep_an_easy_run,
    "strength": check_strength_for_every_goal,
    "race": check_race,
    "reasons": check_reasons,
    "dates": check_dates,
}
