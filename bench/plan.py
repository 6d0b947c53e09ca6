"""Plan every profile for weeks 1-16 and print count, latency (median, p99) and RSS.

Run from the repository root: `.venv/bin/python -m bench.plan` (prints figures; never asserts).
"""

from __future__ import annotations

import itertools
import resource
import statistics
import time

from bot.features.planner import planner
from bot.features.planner.content import bundled_content
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units

WEEKS = range(1, 17)


def all_profiles() -> list[Profile]:
    return [
        Profile(level, goal, hills, days, lifts, age, returning, units)
        for level, goal, hills, days, lifts, age, returning, units in itertools.product(
            Level, Goal, Hills, range(2, 8), (False, True), (None, *AgeBand), (False, True), Units
        )
    ]


def _ms(work: object) -> float:
    t = time.perf_counter()
    work()  # type: ignore[operator]
    return (time.perf_counter() - t) * 1000


def main() -> None:
    # What start-up pays once, timed directly (the planner package's import runs with the rest of
    # the bot's, so timing an import here would measure whatever was imported before it).
    layouts_ms = _ms(planner._all_layouts)
    content_ms = _ms(bundled_content.__wrapped__)
    started = time.perf_counter()
    profiles = all_profiles()
    latencies: list[float] = []
    sessions = 0
    for profile in profiles:
        for week in WEEKS:
            t = time.perf_counter_ns()
            plan = plan_week(profile, week)
            latencies.append((time.perf_counter_ns() - t) / 1000)
            sessions += len(plan.sessions)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"profiles:          {len(profiles)}")
    print(f"plans:             {len(latencies)} ({sessions} sessions)")
    print(f"latency median:    {statistics.median(latencies):.1f} us")
    print(f"latency p99:       {p99:.1f} us")
    print(f"latency max:       {latencies[-1]:.1f} us")
    print(f"layout table:      {layouts_ms:.1f} ms (built once at import)")
    print(f"content file:      {content_ms:.1f} ms (read once, on the first plan)")
    print(f"peak RSS:          {rss_mb:.1f} MiB")
    print(f"wall time:         {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
