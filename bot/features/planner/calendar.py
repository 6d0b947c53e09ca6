"""A member's training calendar: when week 1 begins and which week it is now (pure)."""

from __future__ import annotations

from datetime import date, timedelta

# /plan's week option and navigation range (a member past week 52 keeps their real week).
LAST_WEEK = 52


def week_one_start(today: date) -> date:
    """The Monday a new member's week 1 begins: this week's, or next week's when they sign up
    Friday to Sunday, so week 1 is a whole week rather than a weekend."""
    monday = today - timedelta(days=today.weekday())
    return monday if today.weekday() <= 3 else monday + timedelta(days=7)


def current_week(started_on: date, today: date) -> int:
    """The member's training week today (1 until week 1 begins)."""
    return max(1, (today - started_on).days // 7 + 1)


def last_week(current: int) -> int:
    """How far forward a member may look: the option's range, or their real week if later."""
    return max(LAST_WEEK, current)
