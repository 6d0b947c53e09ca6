"""Weekly schedule maths: local times held across DST, gaps, folds, edges and catch-up."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.features.reminders.schedule import (
    ScheduleError,
    Weekday,
    WeeklySchedule,
    parse_date,
    parse_time,
    parse_timezone,
)
from bot.features.reminders.timezones import TimezoneIndex, iana_zone_names


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sched(day: Weekday, hh: int, mm: int, tz: str, ends_on: date | None = None) -> WeeklySchedule:
    return WeeklySchedule(day, time(hh, mm), tz, ends_on)


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("tue", Weekday.TUE),
        ("Tue", Weekday.TUE),
        ("Tuesday", Weekday.TUE),
        ("  TUESDAY ", Weekday.TUE),
        ("tues", Weekday.TUE),
        ("weds", Weekday.WED),
        ("thurs", Weekday.THU),
        ("sun", Weekday.SUN),
        ("mon", Weekday.MON),
    ],
)
def test_weekday_parse_accepts_names_and_abbreviations(text: str, day: Weekday) -> None:
    assert Weekday.parse(text) is day


@pytest.mark.parametrize("text", ["", "t", "tu", "s", "tuesdays", "funday", "2", "mo"])
def test_weekday_parse_rejects_ambiguous_or_unknown(text: str) -> None:
    with pytest.raises(ScheduleError) as err:
        Weekday.parse(text)
    assert err.value.field == "weekday"


def test_weekday_labels_and_values() -> None:
    assert [d.short for d in Weekday] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert Weekday.SUN.label == "Sunday"
    assert Weekday.MON == 0 and Weekday.SUN == 6
    assert date(2028, 2, 29).weekday() == Weekday.TUE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", time(18, 30)),
        ("7:05", time(7, 5)),
        ("07:05", time(7, 5)),
        ("0:00", time(0, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 06:15 ", time(6, 15)),
    ],
)
def test_parse_time_accepts_24h(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "24:00",
        "23:60",
        "6pm",
        "6:30pm",
        "18.30",
        "1830",
        "18:3",
        "18:300",
        "",
        "-1:00",
        "١٨:٣٠",
        "18:30\n1",
        "18:30:00",
        "123:00",
    ],
)
def test_parse_time_rejects_anything_else_naming_the_field(text: str) -> None:
    with pytest.raises(ScheduleError) as err:
        parse_time(text)
    assert err.value.field == "time"
    assert str(err.value).startswith("time: ")


def test_parse_timezone_is_case_insensitive_exact() -> None:
    assert parse_timezone("europe/london").key == "Europe/London"
    assert parse_timezone("  AMERICA/NEW_YORK ").key == "America/New_York"
    assert parse_timezone("utc").key == "UTC"
    index = TimezoneIndex()
    assert parse_timezone("australia/lord_howe", index).key == "Australia/Lord_Howe"


@pytest.mark.parametrize(
    "name", ["London", "Europe/Londn", "", "localtime", "Factory", "../etc/passwd", "Europe"]
)
def test_parse_timezone_rejects_non_iana_names(name: str) -> None:
    for index in (None, TimezoneIndex()):
        with pytest.raises(ScheduleError) as err:
            parse_timezone(name, index)
        assert err.value.field == "timezone"


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("EST", "America/New_York"),
        ("mst", "America/Denver"),
        ("HST", "Pacific/Honolulu"),
        ("PST8PDT", "America/Los_Angeles"),
        ("Etc/GMT+5", "America/New_York"),
        ("gmt", "Europe/London"),
    ],
)
def test_parse_timezone_refuses_zones_that_are_not_places(name: str, place: str) -> None:
    for index in (None, TimezoneIndex()):
        with pytest.raises(ScheduleError, match=f"did you mean {place}") as err:
            parse_timezone(name, index)
        assert err.value.field == "timezone"


def test_parse_timezone_saves_utc_spellings_as_utc() -> None:
    assert parse_timezone("Etc/UTC").key == "UTC"
    assert parse_timezone("zulu", TimezoneIndex()).key == "UTC"


def test_a_schedule_saved_in_a_zone_without_dst_still_runs() -> None:
    # Reminders saved before zones were checked keep their (fixed) zone: no crash, same times.
    saved = WeeklySchedule(Weekday.FRI, time(6, 0), "EST")
    assert saved.next_after(utc(2026, 7, 1)) == utc(2026, 7, 3, 11, 0)


def test_parse_date_names_its_field() -> None:
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    for bad in ["2027-02-29", "29/02/2028", "2028-2-29", "soon"]:
        with pytest.raises(ScheduleError) as err:
            parse_date(bad)
        assert err.value.field == "ends_on"


def test_schedule_parse_from_admin_strings() -> None:
    s = WeeklySchedule.parse("Tuesday", "7:05", "europe/london", "2026-12-01")
    assert s == WeeklySchedule(Weekday.TUE, time(7, 5), "Europe/London", date(2026, 12, 1))
    fields = []
    for args in [
        ("Tuesdy", "7:05", "Europe/London"),
        ("Tue", "7pm", "Europe/London"),
        ("Tue", "19:00", "Narnia/Cair_Paravel"),
        ("Tue", "19:00", "Europe/London", "next week"),
    ]:
        with pytest.raises(ScheduleError) as err:
            WeeklySchedule.parse(*args)
        fields.append(err.value.field)
    assert fields == ["weekday", "time", "timezone", "ends_on"]


def test_schedule_validates_its_fields() -> None:
    with pytest.raises(ScheduleError) as err:
        WeeklySchedule(Weekday.MON, time(9, 0), "Not/AZone")
    assert err.value.field == "timezone"
    with pytest.raises(ScheduleError):
        WeeklySchedule(Weekday.MON, time(9, 0), "localtime")
    with pytest.raises(ScheduleError) as err:
        WeeklySchedule(Weekday.MON, time(9, 0, 30), "UTC")
    assert err.value.field == "time"
    assert WeeklySchedule(2, time(9, 0), "UTC").weekday is Weekday.WED  # type: ignore[arg-type]


def test_naive_instants_are_refused() -> None:
    s = sched(Weekday.MON, 9, 0, "UTC")
    with pytest.raises(ValueError, match="timezone-aware"):
        s.next_after(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        s.between(utc(2026, 1, 1), datetime(2026, 2, 1))


# --- plain weeks -------------------------------------------------------------------------------


def test_next_after_is_strictly_after() -> None:
    s = sched(Weekday.TUE, 18, 30, "UTC")
    assert s.next_after(utc(2026, 11, 23, 12)) == utc(2026, 11, 24, 18, 30)
    assert s.next_after(utc(2026, 11, 24, 18, 29, 59)) == utc(2026, 11, 24, 18, 30)
    # At the very instant of a post, the next one is a week later (never the same post twice).
    assert s.next_after(utc(2026, 11, 24, 18, 30)) == utc(2026, 12, 1, 18, 30)
    assert s.next_after(utc(2026, 11, 24, 19)) == utc(2026, 12, 1, 18, 30)


def test_results_are_utc_and_input_zone_does_not_matter() -> None:
    s = sched(Weekday.WED, 6, 0, "Europe/Berlin")
    here = datetime(2026, 11, 24, 12, tzinfo=ZoneInfo("Asia/Tokyo"))
    post = s.next_after(here)
    assert post == utc(2026, 11, 25, 5, 0)
    assert post is not None and post.tzinfo is UTC
    assert s.local(post) == datetime(2026, 11, 25, 6, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_midnight_and_last_minute_of_the_day() -> None:
    midnight = sched(Weekday.MON, 0, 0, "Europe/London")
    assert midnight.next_after(utc(2026, 11, 22, 23, 59)) == utc(2026, 11, 23, 0, 0)
    late = sched(Weekday.SUN, 23, 59, "Europe/London")
    assert late.next_after(utc(2026, 11, 22, 23, 58)) == utc(2026, 11, 22, 23, 59)
    # Summer time: 23:59 BST Sunday is 22:59 UTC the same day.
    assert late.next_after(utc(2026, 7, 1)) == utc(2026, 7, 5, 22, 59)


def test_odd_offsets_kolkata_and_kathmandu() -> None:
    assert sched(Weekday.MON, 6, 0, "Asia/Kolkata").next_after(utc(2026, 11, 22)) == utc(
        2026, 11, 23, 0, 30
    )
    assert sched(Weekday.MON, 6, 0, "Asia/Kathmandu").next_after(utc(2026, 11, 22)) == utc(
        2026, 11, 23, 0, 15
    )


def test_local_date_differs_from_utc_date_in_the_far_east() -> None:
    # Monday 05:00 in Auckland (NZDT, +13) is Sunday 16:00 UTC.
    s = sched(Weekday.MON, 5, 0, "Pacific/Auckland")
    assert s.next_after(utc(2026, 11, 22, 15)) == utc(2026, 11, 22, 16, 0)
    # Kiritimati (+14) Saturday 07:00 is still Friday 17:00 UTC.
    k = sched(Weekday.SAT, 7, 0, "Pacific/Kiritimati")
    assert k.next_after(utc(2026, 11, 27)) == utc(2026, 11, 27, 17, 0)


def test_year_end_rolls_into_next_year() -> None:
    thu = sched(Weekday.THU, 18, 0, "Europe/London")  # 31 Dec 2026 is a Thursday
    assert thu.next_after(utc(2026, 12, 30)) == utc(2026, 12, 31, 18, 0)
    assert thu.next_after(utc(2026, 12, 31, 18, 0)) == utc(2027, 1, 7, 18, 0)
    fri = sched(Weekday.FRI, 9, 0, "America/New_York")
    assert fri.next_after(utc(2026, 12, 31, 20)) == utc(2027, 1, 1, 14, 0)
    # New Year's Eve in Sydney arrives while UTC is still on the 31st morning.
    syd = sched(Weekday.FRI, 0, 0, "Australia/Sydney")
    assert syd.next_after(utc(2026, 12, 31)) == utc(2026, 12, 31, 13, 0)


def test_leap_day() -> None:
    tue = sched(Weekday.TUE, 7, 0, "Europe/London")
    assert tue.next_after(utc(2028, 2, 27)) == utc(2028, 2, 29, 7, 0)
    assert tue.next_after(utc(2028, 2, 29, 7, 0)) == utc(2028, 3, 7, 7, 0)
    # No leap day in 2027: Tuesday 23 Feb is followed by Tuesday 2 March.
    assert tue.next_after(utc(2027, 2, 23, 8)) == utc(2027, 3, 2, 7, 0)
    ends = sched(Weekday.TUE, 7, 0, "Europe/London", ends_on=date(2028, 2, 29))
    assert ends.occurrences(utc(2028, 2, 20), 5) == [utc(2028, 2, 22, 7), utc(2028, 2, 29, 7)]


# --- DST ---------------------------------------------------------------------------------------


def test_london_keeps_local_time_across_dst() -> None:
    s = sched(Weekday.TUE, 18, 30, "Europe/London")
    posts = s.occurrences(utc(2026, 3, 20), 2)
    assert posts == [utc(2026, 3, 24, 18, 30), utc(2026, 3, 31, 17, 30)]  # GMT, then BST
    posts = s.occurrences(utc(2026, 10, 20), 2)
    assert posts == [utc(2026, 10, 20, 17, 30), utc(2026, 10, 27, 18, 30)]
    assert all(s.local(p).time() == time(18, 30) for p in posts)


def test_london_spring_gap_posts_at_first_valid_minute() -> None:
    # Sunday 29 March 2026 01:30 never happens in London: clocks go 01:00 GMT -> 02:00 BST.
    s = sched(Weekday.SUN, 1, 30, "Europe/London")
    posts = s.occurrences(utc(2026, 3, 21), 3)
    assert posts == [utc(2026, 3, 22, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 4, 5, 0, 30)]
    gap_post = s.local(posts[1])
    assert (gap_post.hour, gap_post.minute, gap_post.utcoffset()) == (2, 0, timedelta(hours=1))


def test_london_fall_fold_posts_once_at_the_first() -> None:
    # Sunday 25 October 2026 01:30 happens twice: 00:30 UTC (BST) and 01:30 UTC (GMT).
    s = sched(Weekday.SUN, 1, 30, "Europe/London")
    assert s.next_after(utc(2026, 10, 24)) == utc(2026, 10, 25, 0, 30)
    assert s.next_after(utc(2026, 10, 25, 0, 30)) == utc(2026, 11, 1, 1, 30)
    assert s.between(utc(2026, 10, 24), utc(2026, 10, 26)) == [utc(2026, 10, 25, 0, 30)]


def test_new_york_gap_and_fold() -> None:
    s = sched(Weekday.SUN, 2, 30, "America/New_York")  # 8 March 2026: 02:00 -> 03:00
    assert s.occurrences(utc(2026, 3, 1), 3) == [
        utc(2026, 3, 1, 7, 30),
        utc(2026, 3, 8, 7, 0),  # 03:00 EDT
        utc(2026, 3, 15, 6, 30),
    ]
    fold = sched(Weekday.SUN, 1, 30, "America/New_York")  # 1 Nov 2026: 01:xx twice
    assert fold.between(utc(2026, 10, 31), utc(2026, 11, 2)) == [utc(2026, 11, 1, 5, 30)]


def test_sydney_southern_hemisphere() -> None:
    # DST ends Sunday 5 April 2026 (03:00 AEDT -> 02:00 AEST): 02:30 happens twice.
    s = sched(Weekday.SUN, 2, 30, "Australia/Sydney")
    assert s.between(utc(2026, 4, 3), utc(2026, 4, 6)) == [utc(2026, 4, 4, 15, 30)]
    # DST starts Sunday 4 October 2026 (02:00 -> 03:00 AEDT): 02:30 posts at 03:00.
    gap = s.next_after(utc(2026, 10, 2))
    assert gap == utc(2026, 10, 3, 16, 0)
    assert s.local(gap).time() == time(3, 0)
    # Ordinary evening run keeps 18:00 local on both sides (UTC moves by an hour).
    run = sched(Weekday.WED, 18, 0, "Australia/Sydney")
    assert run.occurrences(utc(2026, 9, 28), 2) == [utc(2026, 9, 30, 8), utc(2026, 10, 7, 7)]


def test_auckland_southern_hemisphere() -> None:
    # DST starts Sunday 27 September 2026 (02:00 -> 03:00 NZDT).
    s = sched(Weekday.SUN, 2, 30, "Pacific/Auckland")
    assert s.next_after(utc(2026, 9, 25)) == utc(2026, 9, 26, 14, 0)
    # DST ends Sunday 5 April 2026 (03:00 NZDT -> 02:00 NZST): 02:30 posts once, at +13.
    assert s.between(utc(2026, 4, 3), utc(2026, 4, 6)) == [utc(2026, 4, 4, 13, 30)]


def test_lord_howe_half_hour_dst() -> None:
    # Lord Howe shifts by 30 minutes: 4 Oct 2026 02:00 -> 02:30 (+10:30 -> +11).
    s = sched(Weekday.SUN, 2, 15, "Australia/Lord_Howe")
    post = s.next_after(utc(2026, 10, 2))
    assert post == utc(2026, 10, 3, 15, 30)
    assert s.local(post).time() == time(2, 30)


def test_samoa_skipped_a_whole_day() -> None:
    # Friday 30 December 2011 never existed in Samoa; the post goes at the next valid minute.
    s = sched(Weekday.FRI, 12, 0, "Pacific/Apia")
    post = s.next_after(utc(2011, 12, 25))
    assert post is not None
    assert s.local(post) == datetime(2011, 12, 31, 0, 0, tzinfo=ZoneInfo("Pacific/Apia"))


# --- ends_on and catch-up ----------------------------------------------------------------------


def test_ends_on_is_inclusive_in_local_dates() -> None:
    s = sched(Weekday.TUE, 18, 30, "Europe/London", ends_on=date(2026, 12, 1))
    assert s.next_after(utc(2026, 11, 30)) == utc(2026, 12, 1, 18, 30)
    assert s.next_after(utc(2026, 12, 1, 18, 30)) is None
    assert s.next_after(utc(2027, 6, 1)) is None
    ended_monday = sched(Weekday.TUE, 18, 30, "Europe/London", ends_on=date(2026, 11, 30))
    assert ended_monday.next_after(utc(2026, 11, 25)) is None


def test_ends_on_uses_the_local_date_not_utc() -> None:
    # Tuesday 05:00 in Auckland is Monday 16:00 UTC: ends_on Tuesday still includes it.
    s = sched(Weekday.TUE, 5, 0, "Pacific/Auckland", ends_on=date(2026, 12, 1))
    assert s.next_after(utc(2026, 11, 28)) == utc(2026, 11, 30, 16, 0)
    assert s.next_after(utc(2026, 11, 30, 16, 0)) is None
    # And a Monday-evening Los Angeles post is Tuesday in UTC, but ends_on Monday includes it.
    la = sched(Weekday.MON, 20, 0, "America/Los_Angeles", ends_on=date(2026, 11, 30))
    assert la.next_after(utc(2026, 11, 28)) == utc(2026, 12, 1, 4, 0)


def test_occurrences_count_and_end() -> None:
    s = sched(Weekday.SAT, 8, 0, "Europe/Dublin", ends_on=date(2026, 12, 19))
    posts = s.occurrences(utc(2026, 11, 23), 10)
    assert [s.local(p).date() for p in posts] == [
        date(2026, 11, 28),
        date(2026, 12, 5),
        date(2026, 12, 12),
        date(2026, 12, 19),
    ]
    assert s.occurrences(utc(2026, 11, 23), 0) == []
    assert s.occurrences(utc(2026, 11, 23), 2) == posts[:2]
    with pytest.raises(ValueError):
        s.occurrences(utc(2026, 11, 23), -1)


def test_between_lists_posts_missed_during_downtime() -> None:
    s = sched(Weekday.MON, 7, 0, "Europe/London")
    # Down from Sunday 1 Nov to Wednesday 18 Nov: missed the 2nd, 9th and 16th.
    missed = s.between(utc(2026, 11, 1), utc(2026, 11, 18))
    assert missed == [utc(2026, 11, 2, 7), utc(2026, 11, 9, 7), utc(2026, 11, 16, 7)]
    # (start, end]: a post exactly at `start` was already handled; one exactly at `end` is due.
    assert s.between(utc(2026, 11, 2, 7), utc(2026, 11, 9, 7)) == [utc(2026, 11, 9, 7)]
    assert s.between(utc(2026, 11, 3), utc(2026, 11, 3)) == []
    assert s.between(utc(2026, 11, 10), utc(2026, 11, 3)) == []


def test_between_stops_at_ends_on() -> None:
    s = sched(Weekday.MON, 7, 0, "Europe/London", ends_on=date(2026, 11, 9))
    assert s.between(utc(2026, 10, 1), utc(2027, 1, 1)) == [
        utc(2026, 10, 5, 6),
        utc(2026, 10, 12, 6),
        utc(2026, 10, 19, 6),
        utc(2026, 10, 26, 7),
        utc(2026, 11, 2, 7),
        utc(2026, 11, 9, 7),
    ]


def test_far_end_of_the_calendar_returns_none() -> None:
    s = sched(Weekday.FRI, 12, 0, "UTC")
    assert s.next_after(datetime(9999, 12, 31, 13, tzinfo=UTC)) is None


# --- properties over many zones ----------------------------------------------------------------

ZONES = sorted(iana_zone_names())


def _nominal_date(local: datetime, weekday: Weekday) -> date:
    # A gap can push a post into the next local day, so the nominal date is today or yesterday.
    for day in (local.date(), local.date() - timedelta(days=1)):
        if day.weekday() == weekday:
            return day
    raise AssertionError(f"{local} is not on or just after a {weekday.label}")


def _check_next_after(s: WeeklySchedule, instant: datetime) -> None:
    zone = s.zone
    post = s.next_after(instant)
    assert post is not None and post.tzinfo is UTC
    assert post > instant
    local = post.astimezone(zone)
    day = _nominal_date(local, s.weekday)
    wall = datetime.combine(day, s.at)
    if local.replace(tzinfo=None) == wall:
        assert local.fold == 0  # first of a repeated time, never the second
    else:
        # The wall time was skipped: the post is exactly the transition that skipped it.
        before = (post - timedelta(seconds=1)).astimezone(zone)
        assert before.utcoffset() != local.utcoffset()
        assert before.replace(tzinfo=None) < wall < local.replace(tzinfo=None)
    # Nothing was skipped: the same weekday a week earlier posted at or before `instant`.
    assert s.post_on(day - timedelta(days=7)) <= instant

    posts = s.occurrences(instant, 4)
    assert posts[0] == post
    gaps = [b - a for a, b in pairwise(posts)]
    assert all(timedelta(days=6) <= g <= timedelta(days=8) for g in gaps)
    assert len(set(posts)) == len(posts)
    assert s.between(instant, posts[-1]) == posts


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tz=st.sampled_from(ZONES),
    weekday=st.sampled_from(list(Weekday)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    instant=st.datetimes(
        min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)
def test_next_after_properties(tz: str, weekday: Weekday, at: time, instant: datetime) -> None:
    _check_next_after(WeeklySchedule(weekday, at, tz), instant)


DST_ZONES = (
    "Europe/London",
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Asia/Tehran",
    "Asia/Beirut",
    "Africa/Casablanca",
    "Pacific/Apia",
)


def _transitions(tz: str, first: date, last: date) -> list[datetime]:
    """Every UTC instant in [first, last] where the zone's offset changes (to the second)."""
    zone = ZoneInfo(tz)
    found: list[datetime] = []
    lo = datetime.combine(first, time(12), tzinfo=UTC)
    while lo.date() < last:
        hi = lo + timedelta(days=1)
        if lo.astimezone(zone).utcoffset() != hi.astimezone(zone).utcoffset():
            a, b = lo, hi
            while b - a > timedelta(seconds=1):
                mid = (a + (b - a) // 2).replace(microsecond=0)
                if mid.astimezone(zone).utcoffset() == a.astimezone(zone).utcoffset():
                    a = mid
                else:
                    b = mid
            found.append(b)
        lo = hi
    return found


TRANSITIONS = [
    (tz, t)
    for tz in DST_ZONES
    for t in _transitions(tz, date(2011, 12, 1), date(2012, 1, 10))
    + _transitions(tz, date(2025, 1, 1), date(2027, 12, 31))
]


def test_transition_table_covers_gaps_and_folds() -> None:
    zones_seen = {tz for tz, _ in TRANSITIONS}
    assert {"Europe/London", "Pacific/Apia", "Australia/Lord_Howe"} <= zones_seen
    assert len(TRANSITIONS) > 40


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    transition=st.sampled_from(TRANSITIONS),
    minutes=st.integers(min_value=-100, max_value=100),
    lead=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9)),
)
def test_next_after_properties_around_dst_transitions(
    transition: tuple[str, datetime], minutes: int, lead: timedelta
) -> None:
    # Schedule a wall time just before, inside, or just after the gap/fold, then ask from
    # shortly before the transition: these are the cases random sampling almost never hits.
    tz, instant = transition
    wall_before = (instant - timedelta(seconds=1)).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    wall = (wall_before + timedelta(seconds=1, minutes=minutes)).replace(second=0)
    s = WeeklySchedule(Weekday(wall.weekday()), wall.time(), tz)
    _check_next_after(s, instant - lead)
