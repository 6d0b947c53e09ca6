"""`coach plan`: the JSON contract, the text output, and one-line errors with exit status 2."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from bot.cli.main import build_parser, main
from bot.core.clock import FakeClock
from bot.core.settings import load_settings
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import (
    DAYS,
    AgeBand,
    BreakLength,
    Day,
    Goal,
    Hills,
    Level,
    Profile,
    Units,
)
from tests.support.cli import isolate_settings, run_coach, settings_free_env

BASE = ["plan", "--level", "new", "--goal", "muscle", "--hills", "flat"]
START = date(2026, 5, 4)  # a Monday
HILL_OR_SPRINT = {
    "hill_sprints",
    "hill_repeats",
    "stair_sprints",
    "treadmill_hills",
    "flat_sprints",
}
NOT_RUNS = {"strength", "plyometrics"}
ISO_DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
DAY = {"enum": [d.value for d in DAYS]}

# The contract from issue 4, extended by issue 11: no key missing, none extra.
SESSION = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "day",
        "kind",
        "title",
        "details",
        "hard",
        "reps",
        "work_seconds",
        "why",
        "minutes",
        "date",
        "reason",
    ],
    "properties": {
        "day": DAY,
        "kind": {
            "enum": [
                *sorted(HILL_OR_SPRINT),
                "strides",
                "plyometrics",
                "easy_run",
                "long_run",
                "strength",
                "race",
            ]
        },
        "title": {"type": "string", "minLength": 1},
        "details": {"type": "string", "minLength": 1},
        "hard": {"type": "boolean"},
        "reps": {"type": ["integer", "null"], "minimum": 1},
        "work_seconds": {"type": ["integer", "null"], "minimum": 1},
        "why": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "minutes": {"type": "integer", "minimum": 1},
        # `coach plan` always has a calendar (--start or this week's Monday), so always a date.
        "date": ISO_DATE,
        "reason": {"type": "string", "minLength": 1},
    },
}
PLAN = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "week",
        "recovery_week",
        "sessions",
        "notes",
        "safety",
        "weekdays",
        "race_date",
        "start",
    ],
    "properties": {
        "week": {"type": "integer", "minimum": 1},
        "recovery_week": {"type": "boolean"},
        "sessions": {"type": "array", "items": SESSION, "minItems": 1, "maxItems": 7},
        "notes": {"type": "array", "items": {"type": "string"}},
        "safety": {"type": "string", "minLength": 1},
        "weekdays": {
            "type": ["array", "null"],
            "items": DAY,
            "minItems": 2,
            "maxItems": 7,
            "uniqueItems": True,
        },
        "race_date": {**ISO_DATE, "type": ["string", "null"]},
        "start": ISO_DATE,
    },
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    isolate_settings(monkeypatch, tmp_path)
    return tmp_path


def validate(plan: dict) -> None:  # type: ignore[type-arg]
    jsonschema.validate(plan, PLAN, format_checker=jsonschema.FormatChecker())
    assert date.fromisoformat(plan["start"]).weekday() == 0


def run_json(capsys: pytest.CaptureFixture, *argv: str) -> dict:  # type: ignore[type-arg]
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one JSON object on one line
    plan = json.loads(out)
    validate(plan)
    return plan


def run_at(capsys: pytest.CaptureFixture, now: datetime, *argv: str) -> dict:  # type: ignore[type-arg]
    """`coach plan ... --json` with the clock at `now` (the handler takes an injected clock)."""
    args = build_parser().parse_args([*argv, "--json"])
    assert args.handler(args, load_settings(), FakeClock(now)) == 0
    plan = json.loads(capsys.readouterr().out)
    validate(plan)
    return plan


def longest_run(plan: dict) -> int:  # type: ignore[type-arg]
    return max(s["minutes"] for s in plan["sessions"] if s["kind"] not in NOT_RUNS)


def test_acceptance_new_runner_no_hill_muscle(capsys: pytest.CaptureFixture) -> None:
    plan = run_json(capsys, *BASE, "--days", "3", "--start", START.isoformat())
    kinds = [s["kind"] for s in plan["sessions"]]
    assert "strength" in kinds
    assert not HILL_OR_SPRINT & set(kinds)
    assert plan["week"] == 1 and plan["recovery_week"] is False
    assert len(plan["sessions"]) <= 3
    assert plan["weekdays"] is None and plan["race_date"] is None
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
    assert plan == plan_week(profile, 1, start=START).to_dict()


def test_acceptance_returning_longest_run_grows_at_most_ten_minutes(
    capsys: pytest.CaptureFixture,
) -> None:
    # Issue 11's command, exactly (no --start: the dates don't matter here, the minutes do).
    argv = ["plan", "--level", "trained", "--goal", "muscle", "--hills", "steep", "--days", "5"]
    week_3 = run_json(capsys, *argv, "--returning", "--week", "3")
    week_2 = run_json(capsys, *argv, "--returning", "--week", "2")
    assert longest_run(week_3) <= longest_run(week_2) + 10


def test_every_flag_reaches_the_planner(capsys: pytest.CaptureFixture) -> None:
    argv = ["plan", "--level", "trained", "--goal", "both", "--hills", "steep", "--days", "6"]
    plan = run_json(
        capsys,
        *argv,
        *("--lifts", "--week", "8", "--age", "60+", "--returning", "--units", "mi"),
        *("--start", START.isoformat()),
    )
    profile = Profile(
        Level.TRAINED, Goal.BOTH, Hills.STEEP, 6, True, AgeBand.AGE_60_PLUS, True, Units.MI
    )
    assert plan == plan_week(profile, 8, start=START).to_dict()
    assert plan["recovery_week"] is True
    assert any(" mi)" in s["details"] for s in plan["sessions"])


def test_every_new_flag_reaches_the_planner(capsys: pytest.CaptureFixture) -> None:
    plan = run_json(
        capsys,
        *("plan", "--level", "regular", "--goal", "endurance", "--hills", "gentle"),
        *("--weekdays", "mon,tue,wed,thu,fri,sat", "--race-date", "2026-08-30"),
        *("--break", "6m", "--start", START.isoformat(), "--week", "5"),
    )
    profile = Profile(
        Level.REGULAR,
        Goal.ENDURANCE,
        Hills.GENTLE,
        6,
        weekdays=(Day.MON, Day.TUE, Day.WED, Day.THU, Day.FRI, Day.SAT),
        race_date=date(2026, 8, 30),
        break_length=BreakLength.HALF_YEAR,
    )
    assert profile.returning  # --break implies --returning
    assert plan == plan_week(profile, 5, start=START).to_dict()
    assert plan["weekdays"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert plan["race_date"] == "2026-08-30" and plan["start"] == "2026-05-04"


@pytest.mark.parametrize("length", [b.value for b in BreakLength])
def test_break_implies_returning(capsys: pytest.CaptureFixture, length: str) -> None:
    argv = [*BASE, "--days", "4", "--start", START.isoformat(), "--week", "2"]
    alone = run_json(capsys, *argv, "--break", length)
    both = run_json(capsys, *argv, "--break", length, "--returning")
    assert alone == both
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 4, break_length=BreakLength(length))
    assert alone == plan_week(profile, 2, start=START).to_dict()


@pytest.mark.parametrize("week", [1, 4, 8, 16])
@pytest.mark.parametrize("days", ["tue,thu,sat,sun", "Tuesday THU sat,sun"])
def test_weekdays_set_the_sessions_days_and_count(
    capsys: pytest.CaptureFixture, week: int, days: str
) -> None:
    argv = ["plan", "--level", "regular", "--goal", "both", "--hills", "steep"]
    plan = run_json(capsys, *argv, "--weekdays", days, "--week", str(week), "--start", "2026-05-04")
    assert plan["weekdays"] == ["Tue", "Thu", "Sat", "Sun"]
    assert {s["day"] for s in plan["sessions"]} <= {"Tue", "Thu", "Sat", "Sun"}
    assert len(plan["sessions"]) <= 4
    profile = Profile(
        Level.REGULAR, Goal.BOTH, Hills.STEEP, 4, weekdays=(Day.TUE, Day.THU, Day.SAT, Day.SUN)
    )
    assert profile.days == 4  # their count is `days`
    assert plan == plan_week(profile, week, start=START).to_dict()
    # --days agreeing with --weekdays is the same plan.
    assert (
        run_json(
            capsys,
            *argv,
            "--weekdays",
            days,
            "--days",
            "4",
            "--week",
            str(week),
            "--start",
            "2026-05-04",
        )
        == plan
    )


@pytest.mark.parametrize("week", [1, 3, 12])
@pytest.mark.parametrize("start", ["2026-05-04", "2027-01-04"])
def test_start_makes_dates_reproducible(
    capsys: pytest.CaptureFixture, week: int, start: str
) -> None:
    argv = [*BASE, "--days", "5", "--week", str(week), "--start", start]
    first = run_json(capsys, *argv)
    assert run_json(capsys, *argv) == first
    assert first["start"] == start
    monday = date.fromisoformat(start) + timedelta(weeks=week - 1)
    for session in first["sessions"]:
        expected = monday + timedelta(days=DAYS.index(Day(session["day"])))
        assert session["date"] == expected.isoformat()


@pytest.mark.parametrize(
    ("now", "timezone", "monday"),
    [
        (datetime(2026, 5, 6, 12, 0, tzinfo=UTC), "UTC", "2026-05-04"),  # a Wednesday
        (datetime(2026, 5, 4, 0, 0, tzinfo=UTC), "UTC", "2026-05-04"),  # the Monday itself
        (datetime(2026, 5, 10, 23, 30, tzinfo=UTC), "UTC", "2026-05-04"),  # Sunday night
        # Sunday night in UTC is already Monday in Auckland: the club's calendar decides.
        (datetime(2026, 5, 10, 23, 30, tzinfo=UTC), "Pacific/Auckland", "2026-05-11"),
    ],
)
def test_default_start_is_this_weeks_monday_by_the_clock(
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
    timezone: str,
    monday: str,
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", timezone)
    plan = run_at(capsys, now, *BASE, "--days", "3", "--week", "2")
    assert plan["start"] == monday
    profile = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
    assert plan == plan_week(profile, 2, start=date.fromisoformat(monday)).to_dict()


def test_race_date_puts_a_race_session_on_that_date(capsys: pytest.CaptureFixture) -> None:
    race = "2026-06-14"  # the Sunday of week 6 from START
    argv = ["plan", "--level", "regular", "--goal", "endurance", "--hills", "gentle", "--days", "4"]
    argv += ["--race-date", race, "--start", START.isoformat()]
    plan = run_json(capsys, *argv, "--week", "6")
    races = [s for s in plan["sessions"] if s["kind"] == "race"]
    assert [(s["date"], s["day"]) for s in races] == [(race, "Sun")]
    assert plan["race_date"] == race
    before = run_json(capsys, *argv, "--week", "5")
    assert before["race_date"] == race  # echoed every week
    assert all(s["kind"] != "race" for s in before["sessions"])


def test_text_output_lists_sessions_notes_and_safety(capsys: pytest.CaptureFixture) -> None:
    assert main([*BASE, "--days", "3", "--week", "2", "--start", "2026-05-04"]) == 0
    out = capsys.readouterr().out
    plan = plan_week(Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3), 2, start=START)
    assert out.startswith("Week 2 · New to running or untrained")
    flat = " ".join(out.split())  # wrapping aside
    for session in plan.sessions:
        assert session.date is not None
        day = f"{session.day.value} {session.date.isoformat()}"
        assert f"{day}  {session.title} · {session.minutes} min" in out
        assert f"Why: {' '.join(session.reason.split())}" in flat
    assert "[hard]" in out and "Safety" in out and "Notes" in out
    assert "Warm up before every session." in out
    assert "Week 1 starts Monday 2026-05-04" in out


def test_text_header_shows_weekdays_race_date_and_break(capsys: pytest.CaptureFixture) -> None:
    argv = [*BASE, "--weekdays", "tue,thu,sat,sun", "--race-date", "2026-06-14", "--break", "3m"]
    assert main([*argv, "--start", "2026-05-04"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "4 days (Tue, Thu, Sat, Sun)" in header
    assert "returning after 3m off" in header
    assert header.endswith("· race 2026-06-14")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([*BASE, "--days", "9"], "coach plan: --days must be from 2 to 7, not 9"),
        ([*BASE, "--days", "two"], "coach plan: --days must be a whole number from 2 to 7"),
        (
            ["plan", "--level", "elite", "--goal", "muscle", "--hills", "flat", "--days", "3"],
            "coach plan: --level must be one of new, regular, trained, not 'elite'",
        ),
        ([*BASE, "--days", "3", "--age", "30"], "coach plan: --age must be one of under-40"),
        ([*BASE, "--days", "3", "--units", "yards"], "coach plan: --units must be one of km, mi"),
        ([*BASE, "--days", "3", "--week", "0"], "coach plan: --week must be a whole number"),
        ([*BASE, "--days", "3", "--week", "53"], "from 1 to 52, not '53'"),
        # Issue 11's options.
        (BASE, "coach plan: --days is required (or give --weekdays, e.g. --weekdays tue,thu,sat)"),
        ([*BASE, "--weekdays", "tue,funday"], "coach plan: --weekdays must be days like mon tue"),
        ([*BASE, "--weekdays", "tue,thu,tue"], "coach plan: --weekdays names Tue twice"),
        ([*BASE, "--weekdays", "sat"], "coach plan: --weekdays must name 2 to 7 different days"),
        ([*BASE, "--weekdays", "tue,thu", "--days", "3"], "coach plan: --days must match the 2"),
        ([*BASE, "--weekdays", "tue,thu", "--days", "9"], "coach plan: --days must be from 2 to"),
        (
            [*BASE, "--days", "3", "--race-date", "14/06/2026"],
            "coach plan: --race-date must be a date written YYYY-MM-DD",
        ),
        (
            [*BASE, "--days", "3", "--race-date", "2026-02-30"],
            "coach plan: --race-date must be a date written YYYY-MM-DD",
        ),
        (
            [*BASE, "--days", "3", "--start", "2026-5-4"],
            "coach plan: --start must be a date written YYYY-MM-DD (the Monday of week 1), "
            "not '2026-5-4'",
        ),
        (
            [*BASE, "--days", "3", "--start", "2026-W19-1"],
            "coach plan: --start must be a date written YYYY-MM-DD",
        ),
        (
            [*BASE, "--days", "3", "--start", "2026-05-06"],
            "coach plan: --start must be a Monday (the first day of week 1), not Wednesday "
            "2026-05-06; that week's Monday is 2026-05-04",
        ),
        (
            [*BASE, "--days", "3", "--break", "5d"],
            "coach plan: --break must be one of 2w, 1m, 3m, 6m, 1y, not '5d'",
        ),
    ],
)
def test_bad_values_are_one_clear_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("coach plan: --") and message in captured.err
    assert captured.err.count("\n") == 1


def test_missing_option_is_argparse_exit_2(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--goal", "muscle", "--hills", "flat", "--days", "3"])
    assert exited.value.code == 2
    assert "--level" in capsys.readouterr().err


def test_installed_script_exits_2_without_traceback(tmp_path: Path) -> None:
    done = run_coach(*BASE, "--days", "9", cwd=tmp_path, env=settings_free_env(), script=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == "coach plan: --days must be from 2 to 7, not 9"
    assert "Traceback" not in done.stderr
