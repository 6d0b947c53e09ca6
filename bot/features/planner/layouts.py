"""Which weekday gets which kind of session: the weekly layout search (pure, cached).

A layout is one role per weekday: "H" hard, "S" strength, "L" long run, "E" easy run, "-" rest.
Roles go only on the member's allowed days (a bit mask, bit 0 = Monday). Layouts repeat week
after week, so Sunday is followed by Monday. The load rules are hard constraints:

- hard days are never back to back;
- no hard day the day after a strength session or a long run (the legs need that day);
- for `cautious` members (new runners, aged 60+) no strength session or long run the day after
  a hard one either.

Among the layouts that keep them, the best spreads the hard days as evenly as the days allow,
then keeps strength off the day after hard work where it can, spreads sessions out, puts the
long run at the weekend and prefers Tue/Thu/Sat for hard days. When a request cannot be met on
the chosen days (days back to back), `fit_layout` gives up the least valued session first and
says what it gave up.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

Layout = tuple[str, ...]

ALL_DAYS = 0b1111111
_SAT, _SUN = 1 << 5, 1 << 6
_HARD_DAY_PREFERENCE = (6, 0, 3, 1, 4, 2, 5)  # by weekday: Tue Thu Sat first, Mon last


def before(mask: int) -> int:
    """The days before those in `mask` (Sunday is the day before Monday)."""
    return ((mask >> 1) | ((mask & 1) << 6)) & ALL_DAYS


def after(mask: int) -> int:
    """The days after those in `mask`."""
    return ((mask << 1) | (mask >> 6)) & ALL_DAYS


def pairs(mask: int) -> int:
    """How many days in `mask` are followed by another day in `mask`."""
    return (mask & before(mask)).bit_count()


def _spread(hard: int) -> int:
    """How unevenly the hard days are spaced round the week (0 = as even as possible)."""
    days = [d for d in range(7) if hard >> d & 1]
    if len(days) < 2:
        return 0
    gaps = [(days[(i + 1) % len(days)] - d) % 7 for i, d in enumerate(days)]
    return max(gaps) - min(gaps)


def _subsets(mask: int, size: int) -> Iterator[int]:
    days = [1 << d for d in range(7) if mask >> d & 1]
    return (sum(c) for c in combinations(days, size))


@functools.lru_cache(maxsize=8192)
def search(
    mask: int, n: int, h: int, s: int, long: bool, cautious: bool, last_sunday: str = "-"
) -> Layout | None:
    """The best layout of `n` sessions on the days in `mask` with `h` hard, `s` strength and a
    long run if `long`, keeping every load rule, also with last week's Sunday (`last_sunday`,
    a role); None when the days cannot hold it.

    Memoised: the arguments are a small closed set and the result never changes.
    """
    if n > mask.bit_count() or h + s + long > n:
        return None
    monday = 1
    no_hard_monday = last_sunday in ("H", "S", "L")
    no_heavy_monday = cautious and last_sunday == "H"
    best: tuple[tuple[int, ...], int, int, int, int] | None = None
    for hard in _subsets(mask, h):
        if pairs(hard) or (no_hard_monday and hard & monday):
            continue
        spread = _spread(hard)
        preference = sum(_HARD_DAY_PREFERENCE[d] for d in range(7) if hard >> d & 1)
        # Strength never the day before a hard day; for cautious members never the day after.
        banned = before(hard) | (after(hard) if cautious else 0)
        banned |= monday if no_heavy_monday else 0
        long_banned = banned
        for strength in _subsets(mask & ~hard & ~banned, s):
            heavy_pairs = pairs(hard | strength)
            if best is not None and (spread, heavy_pairs) > best[0][:2]:
                continue  # cannot beat the best so far
            for runs in _subsets(mask & ~hard & ~strength, n - h - s):
                spread_out = pairs(hard | strength | runs)
                for long_day in _subsets(runs & ~long_banned, 1) if long else iter((0,)):
                    weekend = 0 if long_day & _SUN or not long else 1 if long_day & _SAT else 2
                    score = (spread, heavy_pairs, spread_out, weekend, preference)
                    candidate = (score, hard, strength, runs, long_day)
                    if best is None or candidate < best:
                        best = candidate
    if best is None:
        return None
    _, hard, strength, runs, long_day = best
    return tuple(
        "H" if hard >> d & 1
        else "S" if strength >> d & 1
        else "L" if long_day >> d & 1
        else "E" if runs >> d & 1
        else "-"
        for d in range(7)
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Request:
    """What a week asks for before it meets the member's days."""

    mask: int  # the days sessions may go on
    n: int  # sessions
    hard: int
    strength: int
    long: bool
    cautious: bool  # new runner or aged 60+
    min_strength: int  # strength sessions the week must keep
    strength_if_no_hard: int  # ... and if it has no hard session (hills count as strength work)
    last_sunday: str  # last week's Sunday role: the load rules hold across the join
    min_runs: int  # easy or long runs the week must keep (new runners keep one)
    # What to give up first when the days can't hold it all, as the order of "hard",
    # "strength" and "long": the last named goes first.
    keep: tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Fitted:
    layout: Layout
    hard_dropped: int  # hard sessions the chosen days could not hold apart
    strength_dropped: int
    long_dropped: bool


@functools.lru_cache(maxsize=8192)
def fit_layout(request: Request) -> Fitted:
    """The layout closest to `request` that the days allow, giving up sessions in the order of
    `request.keep` (least valued first); a session given up becomes an easy run. Always
    succeeds: easy runs alone fit any days."""
    r = request
    options = []
    most = max(r.strength, r.min_strength, r.strength_if_no_hard)
    for h in range(r.hard, -1, -1):
        for s in range(most, -1, -1):
            for long in (True, False) if r.long else (False,):
                runs = r.n - h - s
                needed = max(r.min_strength, r.strength_if_no_hard if h == 0 else 0)
                if runs < r.min_runs or s < needed:
                    continue
                lost = {"hard": r.hard - h, "strength": max(0, r.strength - s),
                        "long": r.long and not long}  # fmt: skip
                extra = max(0, s - r.strength)  # strength standing in for lost hard work
                options.append(((*(lost[name] for name in r.keep), extra), h, s, long))
    options.sort()
    for _, h, s, long in options:
        layout = search(r.mask, r.n, h, s, long, r.cautious, r.last_sunday)
        if layout is not None:
            return Fitted(layout, r.hard - h, max(0, r.strength - s), r.long and not long)
    # Unreachable for n <= days in mask (all easy runs always fit); keep a safe answer anyway.
    fallback = search(r.mask, r.n, 0, 0, False, r.cautious, r.last_sunday)
    assert fallback is not None
    return Fitted(fallback, r.hard, r.strength, r.long)
