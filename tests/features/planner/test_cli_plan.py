"""`coach plan`: the JSON contract, the text output, and one-line errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bot.cli.main import main
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, Units
from tests.support.cli import isolate_settings, run_coach, settings_free_env

BASE = ["plan", "--level", "new", "--goal", "muscle", "--hills", "flat"]
HILL_OR_SPRINT = {
    "hill_sprints",
    "hill_repeats",
    "stair_sprints",
    "treadmill_hills",
    "flat_sprints",
}

# The contract from issue 4, exactly: no key missing, none extra.
SESSION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["day", "kind", "title", "details", "hard", "reps", "work_seconds", "why"],
    "properties": {
        "day": {"enum": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]},
        "kind": {
            "enum": [
                *sorted(HILL_OR_SPRINT),
                "strides",
                "plyometrics",
                "easy_run",
                "long_run",
                "strength",
            ]
        },
        "title": {"type": "string", "minLength": 1},
        "details": {"type": "string", "minLength": 1},
        "hard": {"type": "boolean"},
        "reps": {"type": ["integer", "null"], "minimum": 1},
        "work_seconds": {"type": ["integer", "null"], "minimum": 1},
        "why": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
}
PLAN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["week", "recovery_week", "sessions", "notes", "safety"],
    "properties": {
        "week": {"type": "integer", "minimum": 1},
        "recovery_week": {"type": "boolean"},
        "sessions": {"type": "array", "items": SESSION, "minItems": 1, "maxItems": 7},
        "notes": {"type": "array", "items": {"type": "string"}},
        "safety": {"type": "string", "minLength": 1},
    },
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    isolate_settings(monkeypatch, tmp_path)
    return tmp_path


def run_json(capsys: pytest.CaptureFixture, *argv: str) -> dict:  # type: ignore[type-arg]
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one JSON object on one line
    return json.loads(out)


def test_acceptance_new_runner_no_hill_muscle(capsys: pytest.CaptureFixture) -> None:
    plan = run_json(capsys, *BASE, "--days", "3")
    jsonschema.validate(plan, PLAN)
    kinds = [s["kind"] for s in plan["sessions"]]
    assert "strength" in kinds
    assert not HILL_OR_SPRINT & set(kinds)
    assert plan["week"] == 1 and plan["recovery_week"] is False
    assert len(plan["sessions"]) <= 3
    assert plan == plan_week(Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3), 1).to_dict()


def test_every_flag_reaches_the_planner(capsys: pytest.CaptureFixture) -> None:
    argv = ["plan", "--level", "trained", "--goal", "both", "--hills", "steep", "--days", "6"]
    plan = run_json(
        capsys, *argv, "--lifts", "--week", "8", "--age", "60+", "--returning", "--units", "mi"
    )
    jsonschema.validate(plan, PLAN)
    profile = Profile(
        Level.TRAINED, Goal.BOTH, Hills.STEEP, 6, True, AgeBand.AGE_60_PLUS, True, Units.MI
    )
    assert plan == plan_week(profile, 8).to_dict()
    assert plan["recovery_week"] is True
    assert any(" mi)" in s["details"] for s in plan["sessions"])


def test_text_output_lists_sessions_notes_and_safety(capsys: pytest.CaptureFixture) -> None:
    assert main([*BASE, "--days", "3", "--week", "2"]) == 0
    out = capsys.readouterr().out
    plan = plan_week(Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3), 2)
    assert out.startswith("Week 2 · New to running or untrained")
    for session in plan.sessions:
        assert f"{session.day.value}  {session.title}" in out
    assert "[hard]" in out and "Safety" in out and "Notes" in out
    assert "Warm up before every session." in out


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
    ],
)
def test_bad_values_are_one_clear_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
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
