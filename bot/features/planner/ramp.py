"""How much running a week may hold: the ramp from one build week to the next (pure arithmetic).

From one build week to the next the longest run grows by at most 10 minutes and the week's
running minutes (every session but strength and plyometrics; a race is not training) by at most
10 % or 10 minutes, whichever is larger: inside the 15 % / 15 minute limit, with room for the
5-minute rounding. Recovery weeks and the weeks around a race hold at most 80 % of the last
build week and no longer a longest run; the next build week is measured against that last
build week. A returning member's first week is scaled to the length of their break.

`allocate` fits a week's sessions to those caps: it shortens easy and long runs in proportion,
then leaves out easy runs, then hard sessions, never the last runs a new runner must keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.features.planner.sessions import SessionKind

K = SessionKind
# Sessions whose minutes are not running: strength, jumping drills, and the race itself.
NOT_RUNNING = frozenset({K.STRENGTH, K.PLYOMETRICS, K.RACE})
ADJUSTABLE = frozenset({K.EASY_RUN, K.LONG_RUN, K.STRIDES})
GROWTH = 0.10
GROWTH_MINUTES = 10
LONGEST_GROWTH = 10
LIGHT_WEEK = 0.8  # recovery weeks and race weeks, against the last build week


def floor5(minutes: float) -> int:
    return int(minutes // 5) * 5


@dataclass(slots=True)
class Slot:
    """One session while its week is being fitted: `run` is the easy-running part that may be
    shortened; `fixed` the rest (a hard session, strides after a run, strength, the race)."""

    day: int
    kind: SessionKind
    run: int = 0
    fixed: int = 0
    reps: int | None = None
    work: int | None = None
    light: bool = False  # strength near a race
    shortened: bool = False  # the ramp or the race cut this run below its programme length

    @property
    def minutes(self) -> int:
        return self.run + self.fixed

    @property
    def running(self) -> bool:
        return self.kind not in NOT_RUNNING


@dataclass(frozen=True, slots=True)
class Caps:
    total: int | None  # running minutes this week may hold (None: no limit)
    longest: int | None


@dataclass(frozen=True, slots=True)
class State:
    """The ramp before a week: the last build week's figures and how many builds came before."""

    total: int | None = None  # running minutes in the last build week (None: none yet)
    longest: int | None = None
    long_run: int | None = None  # its long run, for "N min longer than last time"
    builds: int = 0  # build weeks so far: easy and long runs lengthen with them
    hard_builds: int = 0  # build weeks with hard sessions: reps climb with them


def totals(slots: list[Slot]) -> tuple[int, int]:
    """(running minutes, longest run) of a week."""
    running = [s.minutes for s in slots if s.running]
    return sum(running), max(running, default=0)


def caps(state: State, build: bool) -> Caps:
    if state.total is None or state.longest is None:
        return Caps(None, None)
    if build:
        growth = max(int(state.total * GROWTH), GROWTH_MINUTES)
        return Caps(state.total + growth, state.longest + LONGEST_GROWTH)
    return Caps(floor5(state.total * LIGHT_WEEK), state.longest)


def restart_caps(slots: list[Slot], factor: float, min_run: int) -> Caps:
    """A returning member's first week: the programme's first week scaled to their break."""
    total, longest = totals(slots)
    return Caps(max(min_run, floor5(total * factor)), max(min_run + 5, floor5(longest * factor)))


def allocate(
    slots: list[Slot],
    cap: Caps,
    *,
    min_run: int,
    min_runs: int,
    fit_hard: Callable[[Slot, int], bool],
) -> list[Slot]:
    """The week's sessions within `cap`. `fit_hard(slot, minutes)` shortens a hard session to at
    most `minutes` (fewer reps) and says whether it could. Returns the sessions kept."""
    kept = list(slots)
    if cap.longest is not None:
        for s in kept:
            if s.kind is K.STRIDES and min_run + s.fixed > cap.longest:
                _without_strides(s)
            if s.kind in ADJUSTABLE and s.minutes > cap.longest:
                s.run = max(min_run, floor5(cap.longest - s.fixed))
                s.shortened = True
        for s in list(kept):
            hard = s.running and s.kind not in ADJUSTABLE
            if hard and s.minutes > cap.longest and not fit_hard(s, cap.longest):
                kept.remove(s)
    if cap.total is None:
        return kept
    while True:
        running = [s for s in kept if s.running]
        adjustable = [s for s in running if s.kind in ADJUSTABLE]
        budget = cap.total - sum(s.fixed for s in running)
        wanted = sum(s.run for s in adjustable)
        if wanted <= budget:
            return kept
        if adjustable and budget > 0:
            factor = budget / wanted
            runs = [max(min_run, floor5(s.run * factor)) for s in adjustable]
            if sum(runs) <= budget:
                for s, run in zip(adjustable, runs, strict=True):
                    s.shortened = s.shortened or run < s.run
                    s.run = run
                return kept
        # Still too much: leave out a plain easy run, then the strides, then a hard session.
        spare = len(adjustable) > min_runs
        easy = [s for s in adjustable if s.kind is K.EASY_RUN] if spare else []
        strides = [s for s in adjustable if s.kind is K.STRIDES]
        hard = [s for s in running if s.kind not in ADJUSTABLE]
        if not easy and strides:
            _without_strides(strides[-1])
            continue
        drop = (easy or hard or [None])[-1]
        if drop is None:
            # Only the runs a new runner keeps: short enough to fit (a light week's jog).
            for s in adjustable:
                s.run = max(5, min(s.run, floor5(budget / len(adjustable))))
                s.shortened = True
            return kept
        kept.remove(drop)


def _without_strides(slot: Slot) -> None:
    """The easy run without the strides after it."""
    slot.kind, slot.fixed, slot.reps, slot.work = K.EASY_RUN, 0, None, None
