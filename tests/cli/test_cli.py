"""The `coach` command: check, invite, and `python -m bot` being the same program.

Most cases call `bot.cli.main.main(argv)` in-process (fast); the entry points themselves run once as
subprocesses to prove the installed script and `python -m bot` behave alike.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.cli.main import main
from bot.core.settings import PROJECT_ROOT
from tests.support.cli import isolate_settings, run_coach, settings_free_env


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No inherited configuration, no `.env` in the working directory, a throwaway database."""
    isolate_settings(monkeypatch, tmp_path, DATABASE_PATH=str(tmp_path / "data" / "coach.db"))
    return tmp_path


def bot_token(app_id: int) -> str:
    """Shaped like a real bot token: base64(user id) . timestamp . hmac."""
    head = base64.b64encode(str(app_id).encode()).decode().rstrip("=")
    return f"{head}.GhJkLm.{'x' * 38}"


# -- check -----------------------------------------------------------------------------------


def test_check_passes_on_the_repository(clean_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert "knowledge entries" in out and "templates compile" in out


def test_check_reports_a_planner_content_problem_with_file_and_line(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from bot.features.planner import content

    broken = clean_env / "content.yaml"
    text = content._bundled().read_text(encoding="utf-8")
    lines = text.splitlines()
    # The first line that fills in {reps}: swap it for a placeholder the text may not use.
    index = next(i for i, line in enumerate(lines) if "{reps}" in line)
    lines[index] = lines[index].replace("{reps}", "{sets_of_doom}", 1)
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(content, "_bundled", lambda: broken)
    key_line = max(i for i in range(index + 1) if re.match(r"\s*\w+:", lines[i])) + 1
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert f"content.yaml:{key_line}:" in err and "{sets_of_doom} is not allowed" in err


def test_check_reports_every_problem_at_once(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    knowledge = shutil.copytree(PROJECT_ROOT / "knowledge", clean_env / "knowledge")
    templates = shutil.copytree(PROJECT_ROOT / "templates", clean_env / "templates")
    calves = knowledge / "calves.md"
    lines = calves.read_text().splitlines()
    topic_line = next(i for i, line in enumerate(lines, 1) if line.startswith("topic:"))
    lines[topic_line - 1] = "topic: not-a-topic"
    calves.write_text("\n".join(lines) + "\n")
    about = templates / "about" / "about.j2"
    about.write_text(about.read_text() + "{% if %}\n")
    broken_template_line = len(about.read_text().splitlines())
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("TEMPLATES_DIR", str(templates))
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus_Mons")

    assert main(["check"]) != 0
    captured = capsys.readouterr()
    assert "OK" not in captured.out
    err = captured.err
    assert "3 problem(s) found" in err
    # Config: the variable and what is wrong.
    assert "DEFAULT_TIMEZONE: 'Mars/Olympus_Mons' is not an IANA timezone name" in err
    # Knowledge: the file, line and field (from the copy, not the repository's own files).
    assert f"knowledge/calves.md:{topic_line}: topic: unknown topic 'not-a-topic'" in err
    # Template: the file and line.
    assert f"{about}:{broken_template_line}:" in err
    assert "Traceback" not in err


def test_a_default_timezone_without_daylight_saving_is_a_set_up_mistake(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Like a reminder's, the default timezone must be a place: EST posts an hour off all
    summer. `check` lists it; any other command stops with one line and exit 2."""
    monkeypatch.setenv("DEFAULT_TIMEZONE", "EST")
    assert main(["check"]) != 0
    err = capsys.readouterr().err
    assert "DEFAULT_TIMEZONE: EST has no daylight saving" in err and "America/New_York" in err
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("DEFAULT_TIMEZONE: EST has no daylight saving")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "America/New_York")
    assert main(["check"]) == 0


# -- invite ----------------------------------------------------------------------------------


def invite_query(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "discord.com", "/oauth2/authorize")
    return parse_qs(parts.query)


def test_invite_with_application_id(clean_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["invite", "--application-id", "123"]) == 0
    url = capsys.readouterr().out.strip()
    assert "scope=bot+applications.commands" in url
    query = invite_query(url)
    assert query["client_id"] == ["123"]
    assert query["scope"] == ["bot applications.commands"]
    # View Channels (1024) + Send Messages (2048) + Embed Links (16384), nothing else.
    assert query["permissions"] == ["19456"]


def test_invite_reads_the_application_id_from_the_token(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    token = bot_token(987654321098765432)
    monkeypatch.setenv("DISCORD_TOKEN", token)
    assert main(["invite"]) == 0
    captured = capsys.readouterr()
    query = invite_query(captured.out.strip())
    assert query["client_id"] == ["987654321098765432"]
    assert query["permissions"] == ["19456"]
    assert token not in captured.out + captured.err


def test_invite_with_an_unreadable_token_asks_for_the_id(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-bot-token")
    assert main(["invite"]) == 2
    err = capsys.readouterr().err
    assert "--application-id" in err
    assert "not-a-bot-token" not in err


def test_invite_without_token_or_id_names_the_variable(
    clean_env: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["invite"]) == 2
    err = capsys.readouterr().err.strip()
    assert "DISCORD_TOKEN" in err and ".env.example" in err and "--application-id" in err
    assert len(err.splitlines()) == 1


# -- entry points ----------------------------------------------------------------------------


def test_python_dash_m_bot_is_the_coach_command(tmp_path: Path) -> None:
    env = settings_free_env(DATABASE_PATH=str(tmp_path / "coach.db"))
    coach = run_coach("--help", cwd=tmp_path, env=env, script=True)
    module = run_coach("--help", cwd=tmp_path, env=env)
    assert coach.returncode == module.returncode == 0
    assert coach.stdout == module.stdout
    for command in ("run", "console", "check", "sync", "invite"):
        assert command in coach.stdout


def test_env_file_readable_by_others_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.cli.serve import warn_if_env_file_exposed

    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=x\n")
    env.chmod(0o644)
    with caplog.at_level("WARNING", logger="bot"):
        assert warn_if_env_file_exposed(env) is True
    assert "chmod 600" in caplog.text and "DISCORD_TOKEN=x" not in caplog.text
    env.chmod(0o600)
    assert warn_if_env_file_exposed(env) is False
    assert warn_if_env_file_exposed(tmp_path / "missing.env") is False


def test_env_file_readable_only_by_the_bots_own_group_is_not_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The operations guide's service set-up: only the bot's user (and root) can read .env.
    import os

    from bot.cli import serve

    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=x\n")
    env.chmod(0o640)
    monkeypatch.setattr(serve, "group_members", lambda gid: {os.getuid()})
    with caplog.at_level("WARNING", logger="bot"):
        assert serve.warn_if_env_file_exposed(env) is False
    assert caplog.text == ""

    # ...but a group with anyone else in it can read the token.
    monkeypatch.setattr(serve, "group_members", lambda gid: {os.getuid(), 4242})
    with caplog.at_level("WARNING", logger="bot"):
        assert serve.warn_if_env_file_exposed(env) is True
    assert "members of group" in caplog.text and "chmod 600" in caplog.text
    env.chmod(0o604)  # readable by every user, whatever the group
    monkeypatch.setattr(serve, "group_members", lambda gid: {os.getuid()})
    assert serve.warn_if_env_file_exposed(env) is True


def test_the_env_file_advice_is_the_same_everywhere() -> None:
    # One arrangement (mode 600, owned by the user that runs the bot), written the same in every
    # place an organiser reads it, and the one the bot's warning suggests.
    for name in ("README.md", "docs/operations.md", "docs/security.md"):
        text = (PROJECT_ROOT / name).read_text(encoding="utf-8")
        assert "chmod 600" in text or "mode 600" in text, name
        assert "640" not in text, name
    unit = (PROJECT_ROOT / "deploy/runclub-coach.service").read_text(encoding="utf-8")
    assert "owned by runclub, mode 600" in unit
