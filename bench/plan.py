"""Plan every profile for weeks 1-16 and print count, latency (median, p99) and RSS.

Every plan has a calendar (start=START). On top of the full product of profiles, a fixed-seed
sample of profiles is planned again with their own weekdays (as many as their `days`), a race
date within weeks 1-16, or both, and a break length when they are returning.

Run from the repository root: `.venv/bin/python -m bench.plan` (prints figures; never asserts).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import resource
import statistics
import time
from datetime import date, timedelta

from bot.features.planner import layouts
from bot.features.planner.content import bundled_content
from bot.features.planner.planner import plan_week
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

WEEKS = range(1, 17)
START = date(2026, 5, 4)  # a fixed Monday: the same dates (and race weeks) every run
SEED = 11
SAMPLE = 2000  # profiles re-planned with sampled weekdays / race date / break, every week


def all_profiles() -> list[Profile]:
    return [
        Profile(level, goal, hills, days, lifts, age, returning, units)
        for level, goal, hills, days, lifts, age, returning, units in itertools.product(
            Level, Goal, Hills, range(2, 8), (False, True), (None, *AgeBand), (False, True), Units
        )
    ]


def sampled_profiles(profiles: list[Profile], rng: random.Random) -> list[Profile]:
    """SAMPLE of `profiles`, each given weekdays, a race date or both (a third each), and a
    break length if returning."""
    sampled = []
    for profile in rng.sample(profiles, SAMPLE):
        variant = rng.randrange(3)  # 0: weekdays, 1: race date, 2: both
        weekdays = None
        race_date = None
        if variant != 1:
            weekdays = tuple(sorted(rng.sample(DAYS, profile.days), key=DAYS.index))
        if variant != 0:
            race_date = START + timedelta(days=rng.randrange(len(WEEKS) * 7))
        brk = rng.choice(tuple(BreakLength)) if profile.returning else None
        sampled.append(
            dataclasses.replace(profile, weekdays=weekdays, race_date=race_date, break_length=brk)
        )
    return sampled


def _p99(ordered: list[float]) -> float:
    return ordered[int(len(ordered) * 0.99) - 1]


def _ms(work: object) -> float:
    t = time.perf_counter()
    work()  # type: ignore[operator]
    return (time.perf_counter() - t) * 1000


def main() -> None:
    # What start-up pays once, timed directly (the planner package's import runs with the rest of
    # the bot's, so timing an import here would measure whatever was imported before it).
    content_ms = _ms(bundled_content.__wrapped__)
    started = time.perf_counter()
    profiles = all_profiles()
    extra = sampled_profiles(profiles, random.Random(SEED))
    latencies: list[float] = []
    sampled: list[float] = []  # the sampled plans' latencies alone (they are in `latencies` too)
    sessions = 0
    weekday_plans = race_plans = race_weeks = break_plans = 0
    for profile in itertools.chain(profiles, extra):
        for week in WEEKS:
            t = time.perf_counter_ns()
            plan = plan_week(profile, week, start=START)
            latencies.append((time.perf_counter_ns() - t) / 1000)
            if profile.weekdays is not None or profile.race_date is not None:
                sampled.append(latencies[-1])
            sessions += len(plan.sessions)
            weekday_plans += profile.weekdays is not None
            race_plans += profile.race_date is not None
            break_plans += profile.break_length is not None
            race_weeks += any(s.kind == "race" for s in plan.sessions)
    latencies.sort()
    sampled.sort()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"profiles:          {len(profiles)} (+ {len(extra)} sampled, seed {SEED})")
    print(f"plans:             {len(latencies)} ({sessions} sessions), start {START}")
    print(f"sampled weekdays:  {weekday_plans} plans")
    print(f"sampled race date: {race_plans} plans ({race_weeks} with the race session)")
    print(f"sampled break:     {break_plans} plans")
    print(f"latency median:    {statistics.median(latencies):.1f} us")
    print(f"latency p99:       {_p99(latencies):.1f} us")
    print(f"latency max:       {latencies[-1]:.1f} us")
    print(
        f"sampled latency:   median {statistics.median(sampled):.1f} us, p99 {_p99(sampled):.1f} us"
    )
    searched = layouts.search.cache_info().currsize
    print(f"layouts searched:  {searched} (memoised: the first plan of a shape pays the search)")
    print(f"content file:      {content_ms:.1f} ms (read once, on the first plan)")
    print(f"peak RSS:          {rss_mb:.1f} MiB")
    print(f"wall time:         {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
