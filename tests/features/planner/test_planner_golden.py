"""Golden plans for three personas, rendered one line per session for easy review.

Run with UPDATE_GOLDEN=1 to rewrite tests/features/planner/golden/*.txt after an intended
change, then read the diff for coaching sense before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.features.planner.planner import WeekPlan, plan_week
from bot.features.planner.profile import Profile

GOLDEN = Path(__file__).parent / "golden"
WEEKS = range(1, 9)  # two blocks: build, build, build, recovery

PERSONAS: dict[str, Profile] = {
    "new_flat_muscle": Profile.from_values(level="new", goal="muscle", hills="flat", days="3"),
    "regular_steep_both": Profile.from_values(
        level="regular", goal="both", hills="steep", days="5", units="mi"
    ),
    "trained_marathoner_lifts": Profile.from_values(
        level="trained", goal="endurance", hills="gentle", days="6", lifts="yes", age="40-59"
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
            f"  {s.day} {flag} {s.kind:<15} {volume:<9} {s.title}: {s.details} "
            f"[why: {', '.join(s.why)}]"
        )
    seen = set(previous.notes) if previous else set()
    lines += [f"  note: {note}" for note in plan.notes if note not in seen]
    return "\n".join(lines)


def render_persona(profile: Profile) -> str:
    plans = [plan_week(profile, week) for week in WEEKS]
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
