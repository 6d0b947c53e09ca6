"""The weekly training focus: themes rotate by ISO week; the tip fits the theme and rotates."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from bot.features.faq.knowledge import Entry, KnowledgeBase, Source, Topic
from bot.features.reminders.focus import THEME_TOPICS, THEMES, week_index, weekly_focus


def entry(entry_id: str, topic: str) -> Entry:
    return Entry(
        id=entry_id,
        title=entry_id.replace("-", " ").title(),
        aliases=(),
        topic=topic,
        related=(),
        sources=(Source(article="magazine", quote="..."),),
        body="Body.",
    )


def kb(*entries: Entry) -> KnowledgeBase:
    topics = tuple(Topic(t, t.title()) for t in sorted({e.topic for e in entries}))
    return KnowledgeBase(entries={e.id: e for e in entries}, topics=topics, articles={})


FULL = kb(
    entry("hill-sprints", "hills"),
    entry("trail-legs", "trail"),
    entry("hill-form", "hills"),
    entry("strides", "sprints"),
    entry("sprint-study", "studies"),
    entry("squats", "strength"),
    entry("protein", "nutrition"),
    entry("sleep", "recovery"),
    entry("basics", "basics"),
)

MONDAY = date(2026, 11, 23)  # ISO 2026-W48


def test_same_focus_all_week_monday_to_sunday() -> None:
    week = {weekly_focus(MONDAY + timedelta(days=i), FULL) for i in range(7)}
    assert len(week) == 1
    focus = week.pop()
    assert (focus.iso_year, focus.iso_week) == (2026, 48)
    assert weekly_focus(MONDAY - timedelta(days=1), FULL) != focus


def test_themes_rotate_every_week_without_breaking_at_year_end() -> None:
    # 2026 has 53 ISO weeks and 2027 has 52: a "week number mod 3" rotation would repeat a
    # theme at one of these boundaries.
    start = date(2020, 1, 6)
    themes = [weekly_focus(start + timedelta(weeks=i), FULL).theme for i in range(52 * 10)]
    assert all(a != b for a, b in pairwise(themes))
    assert all(themes[i] == themes[i + 3] for i in range(len(themes) - 3))
    assert set(themes) == set(THEMES)


def test_iso_week_belongs_to_its_iso_year() -> None:
    # Sunday 3 January 2027 is in ISO week 2026-W53; Monday 4 January starts 2027-W01.
    sunday = weekly_focus(date(2027, 1, 3), FULL)
    assert (sunday.iso_year, sunday.iso_week) == (2026, 53)
    assert sunday == weekly_focus(date(2026, 12, 28), FULL)
    monday = weekly_focus(date(2027, 1, 4), FULL)
    assert (monday.iso_year, monday.iso_week) == (2027, 1)
    assert week_index(date(2027, 1, 4)) == week_index(date(2027, 1, 3)) + 1


def test_tip_topic_fits_the_theme_and_titles_are_set() -> None:
    for i in range(30):
        focus = weekly_focus(MONDAY + timedelta(weeks=i), FULL)
        assert focus.tip.topic in THEME_TOPICS[focus.theme]
        assert focus.theme_title == focus.theme.title()


def test_each_theme_cycles_through_all_fitting_tips_before_repeating() -> None:
    weeks = [weekly_focus(MONDAY + timedelta(weeks=i), FULL) for i in range(60)]
    tips = [f.tip.id for f in weeks if f.theme == "hills"]
    assert set(tips[:2]) == {"hill-form", "hill-sprints"}
    assert tips[2:4] == tips[:2]


def test_deterministic_regardless_of_entry_order() -> None:
    shuffled = kb(*reversed(list(FULL)))
    for i in range(20):
        day = MONDAY + timedelta(weeks=i)
        assert weekly_focus(day, shuffled) == weekly_focus(day, FULL)


def test_falls_back_to_any_entry_when_no_topic_fits() -> None:
    only_basics = kb(entry("basics", "basics"), entry("habits", "training"))
    for i in range(6):
        focus = weekly_focus(MONDAY + timedelta(weeks=i), only_basics)
        assert focus.tip.id in {"basics", "habits"}
    tips = {weekly_focus(MONDAY + timedelta(weeks=i), only_basics).tip.id for i in range(12)}
    assert tips == {"basics", "habits"}


def test_empty_knowledge_base_is_an_error() -> None:
    with pytest.raises(ValueError, match="no entries"):
        weekly_focus(MONDAY, kb())


def test_the_real_tips_are_about_the_week_s_focus() -> None:
    """Issue 13: "This week's focus: Sprints" came with the study of older men's steady running,
    and Strength weeks with who-is entries and marathoners' leanness. Every tip the real
    knowledge base gives in a year of weeks is filed under its theme's own topic."""
    from bot.core.settings import PROJECT_ROOT
    from bot.features.faq.loader import load_knowledge

    real = load_knowledge(PROJECT_ROOT / "knowledge")
    seen: dict[str, set[str]] = {theme: set() for theme in THEMES}
    for i in range(60):
        focus = weekly_focus(MONDAY + timedelta(weeks=i), real)
        seen[focus.theme].add(focus.tip.id)
        assert not focus.tip.id.startswith("expert-"), focus.tip.title
        assert focus.tip.topic == focus.theme or focus.tip.id == "endurance-runner-strength-work"
    assert "study-older-men" not in set().union(*seen.values())
    assert all(len(tips) >= 3 for tips in seen.values()), seen
