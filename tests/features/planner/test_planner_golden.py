"""Golden plans for six personas, rendered one line per session for easy review.

Run with UPDATE_GOLDEN=1 to rewrite tests/features/planner/golden/*.txt after an intended
change, then read the diff for coaching sense before committing it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.features.planner.planner import WeekPlan, plan_week
from bot.features.planner.profile import Profile

GOLDEN = Path(__file__).parent / "golden"
WEEKS = range(1, 9)  # two blocks: build, build, build, recovery
START = date(2027, 3, 1)  # the Monday of week 1

PERSONAS: dict[str, Profile] = {
    "new_flat_muscle": Profile.from_values(level="new", goal="muscle", hills="flat", days="3"),
    "regular_steep_both": Profile.from_values(
        level="regular", goal="both", hills="steep", days="5", units="mi"
    ),
    "trained_marathoner_lifts": Profile.from_values(
        level="trained", goal="endurance", hills="gentle", days="6", lifts="yes", age="40-59"
    ),
    # The three: back after three months off; new at 60+ with stairs; own days and a
    # race three weeks out (Saturday of week 3, not one of their days).
    "trained_back_after_3_months": Profile.from_values(
        level="trained", goal="both", hills="steep", days="5", **{"break": "3m"}
    ),
    "new_60plus_stairs": Profile.from_values(
        level="new", goal="both", hills="stairs", days="3", age="60+"
    ),
    "mon_wed_fri_race_in_3_weeks": Profile.from_values(
        level="regular",
        goal="endurance",
        hills="gentle",
        weekdays="mon wed fri",
        race_date="2027-03-20",
    ),
}


def render(plan: WeekPlan, previous: WeekPlan | None) -> str:
    """One line per session; notes only where they differ from the week before."""
    head = f"Week {plan.week}" + (" (recovery week)" if plan.recovery_week else "")
    lines = [head]
    for s in plan.sessions:
        volume = f"{s.reps} x {s.work_seconds} s" if s.reps else "-"
        flag = "HARD" if s.hard else "easy"
        lines.append(
            f"  {s.day} {s.date} {flag} {s.kind:<15} {s.minutes:>3} min {volume:<9} {s.title}: "
            f"{s.details} [why: {', '.join(s.why)}]"
        )
        lines.append(f"      reason: {s.reason}")
    seen = set(previous.notes) if previous else set()
    lines += [f"  note: {note}" for note in plan.notes if note not in seen]
    return "\n".join(lines)


def render_persona(profile: Profile) -> str:
    plans = [plan_week(profile, week, start=START) for week in WEEKS]
    previous = [None, *plans[:-1]]
    return "\n\n".join(render(p, b) for p, b in zip(plans, previous, strict=True)) + "\n"


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_persona_plan_matches_golden(name: str) -> None:
    path = GOLDEN / f"{name}.txt"
    text = render_persona(PERSONAS[name])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}; run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")
