"""`coach run` when Discord can't be reached at login: one clear line, exit 2, no traceback."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.support.cli import run_coach, settings_free_env

TOKEN = "MTIzNDU2Nzg5.GhJkLm.secret-part-of-the-token-xxxxxxxxxxxx"


def closed_port() -> int:
    """A local port nothing listens on, so the login request is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_discord_is_one_line_exit_2(tmp_path: Path) -> None:
    api_base = f"http://127.0.0.1:{closed_port()}/api/v10"
    env = settings_free_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=api_base,
        DISCORD_GATEWAY_URL="ws://127.0.0.1:1/",
        DATABASE_PATH=str(tmp_path / "coach.db"),
    )
    result = run_coach("run", cwd=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"cannot reach Discord at {api_base}" in result.stderr
    assert "secret-part" not in result.stderr + result.stdout
