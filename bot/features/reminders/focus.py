"""The week's training focus for reminder posts: a rotating theme and a matching tip."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: this module stays pure (no Discord, no database)
    from bot.features.faq import Entry, KnowledgeBase

THEMES: tuple[str, ...] = ("hills", "sprints", "strength")

THEME_TITLES: Mapping[str, str] = MappingProxyType(
    {"hills": "Hills", "sprints": "Sprints", "strength": "Strength"}
)

# The knowledge topic whose entries make the tip for each theme: the tip is about what the week's
# focus says ("Sprints" never comes with a study of older men's steady running).
THEME_TOPICS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "hills": frozenset({"hills"}),
        "sprints": frozenset({"sprints"}),
        "strength": frozenset({"strength"}),
    }
)
# Entries filed under another topic that are still about the theme.
THEME_EXTRAS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"strength": frozenset({"endurance-runner-strength-work"})}
)
# Who-is entries introduce an expert: not a training tip.
_NOT_TIPS = re.compile(r"expert-")


def fits(entry: Entry, theme: str) -> bool:
    """Whether `entry` is a tip about `theme`."""
    if _NOT_TIPS.match(entry.id):
        return False
    return entry.topic in THEME_TOPICS[theme] or entry.id in THEME_EXTRAS.get(theme, ())


@dataclass(frozen=True, slots=True)
class Focus:
    theme: str
    theme_title: str
    tip: Entry
    iso_year: int
    iso_week: int


def week_index(local_date: date) -> int:
    """Weeks since the proleptic epoch, constant within an ISO week (Monday to Sunday).

    Counting weeks continuously (rather than using the ISO week number mod 3) keeps the rotation
    unbroken across year ends, where week 52 or 53 is followed by week 1.
    """
    monday = date.fromisocalendar(*local_date.isocalendar()[:2], 1)
    return monday.toordinal() // 7


def weekly_focus(local_date: date, kb: KnowledgeBase) -> Focus:
    """The focus for the ISO week containing `local_date` (the club's local date).

    The theme cycles hills -> sprints -> strength; each time a theme comes round, the next of its
    entries (sorted by id) is the tip, so a club sees every fitting tip before any repeats.
    """
    entries = sorted(kb, key=lambda e: e.id)
    if not entries:
        raise ValueError("the knowledge base has no entries to draw a tip from")
    index = week_index(local_date)
    theme = THEMES[index % len(THEMES)]
    # No fitting entry (a knowledge base without the topic): any tip, rather than no post.
    fitting = [e for e in entries if fits(e, theme)] or entries
    tip = fitting[(index // len(THEMES)) % len(fitting)]
    iso = local_date.isocalendar()
    return Focus(
        theme=theme,
        theme_title=THEME_TITLES[theme],
        tip=tip,
        iso_year=iso.year,
        iso_week=iso.week,
    )
