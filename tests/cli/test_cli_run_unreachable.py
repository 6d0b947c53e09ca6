"""Set-up mistakes are one clear line and exit 2, never a traceback (systemd's
`RestartPreventExitStatus=2` then stops instead of restarting): Discord unreachable at login
(`coach run`, `coach sync`), a `DATABASE_PATH` whose folder can't be made."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.cli import run_coach, settings_free_env

TOKEN = "MTIzNDU2Nzg5.GhJkLm.secret-part-of-the-token-xxxxxxxxxxxx"


def closed_port() -> int:
    """A local port nothing listens on, so the login request is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("command", ["run", "sync"])
def test_unreachable_discord_is_one_line_exit_2(tmp_path: Path, command: str) -> None:
    api_base = f"http://127.0.0.1:{closed_port()}/api/v10"
    env = settings_free_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=api_base,
        DISCORD_GATEWAY_URL="ws://127.0.0.1:1/",
        DATABASE_PATH=str(tmp_path / "coach.db"),
    )
    result = run_coach(command, cwd=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"cannot reach Discord at {api_base}" in result.stderr
    # INFO log lines (migrations) may come first; the error itself is the one last line.
    assert result.stderr.strip().splitlines()[-1].startswith("cannot reach Discord"), result.stderr
    assert "secret-part" not in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["run", "sync"])
def test_a_database_folder_that_cannot_be_made_is_one_line_exit_2(
    tmp_path: Path, command: str
) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    env = settings_free_env(DISCORD_TOKEN=TOKEN, DATABASE_PATH=str(tmp_path / "data/coach.db"))
    result = run_coach(command, cwd=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"DATABASE_PATH {tmp_path}/data/coach.db: cannot create its folder {tmp_path}/data: "
        "a file is in the way"
    ]


def test_check_lists_a_database_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    env = settings_free_env(DATABASE_PATH=str(tmp_path / "data/coach.db"))
    result = run_coach("check", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr  # check's status: problems listed
    assert "Traceback" not in result.stderr
    assert f"DATABASE_PATH {tmp_path}/data/coach.db: cannot create its folder" in result.stderr
