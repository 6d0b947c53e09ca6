"""Config: defaults, validation messages naming the variable, the token kept secret."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core import settings as settings_module
from bot.core.settings import PROJECT_ROOT, ConfigError, load_settings
from tests.support.cli import run_coach, without_discord_env

ROOT = PROJECT_ROOT
SECRET = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GxYzAb.super-secret-token-value"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(
            (
                "DISCORD_",
                "DATABASE_",
                "DEV_GUILD",
                "DEFAULT_TIMEZONE",
                "LOG_LEVEL",
                "UNANSWERED_",
                "SHARD_",
            )
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_and_no_side_effects(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.database_path == Path("data/coach.db")
    # The folder is made when the database is opened (a problem there is one line, exit 2),
    # not by reading the settings: `coach check` reports it instead of crashing.
    assert not (tmp_path / "data").exists()
    assert settings.default_timezone == "UTC"
    assert settings.dev_guild_id is None
    assert settings.discord_api_base is None
    assert settings.unanswered_retention_days == 90


def test_reads_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_TIMEZONE=Europe/London\nDEV_GUILD_ID=42\n")
    settings = load_settings()
    assert settings.default_timezone == "Europe/London"
    assert settings.dev_guild_id == 42


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE: 'Mars/Olympus' is not an IANA"),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID:"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL: 'chatty' is not one of"),
        ("DISCORD_API_BASE", "127.0.0.1:8080", "DISCORD_API_BASE: '127.0.0.1:8080' must be"),
        ("DISCORD_GATEWAY_URL", "http://x/", "DISCORD_GATEWAY_URL:"),
        ("UNANSWERED_RETENTION_DAYS", "0", "UNANSWERED_RETENTION_DAYS: Input should be greater"),
        ("UNANSWERED_RETENTION_DAYS", "forever", "UNANSWERED_RETENTION_DAYS: Input should be a"),
        ("UNANSWERED_RETENTION_DAYS", "3651", "UNANSWERED_RETENTION_DAYS: Input should be less"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(expected)


def test_missing_token_only_matters_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    with pytest.raises(ConfigError) as info:
        _ = settings.token
    assert "DISCORD_TOKEN" in str(info.value) and ".env.example" in str(info.value)


def test_token_never_in_repr_or_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    settings = load_settings()
    assert settings.token == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_run_without_token_is_one_clear_line(tmp_path: Path) -> None:
    result = run_coach("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN" in lines[0] and ".env.example" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_config_exit_2_without_traceback_or_token(tmp_path: Path) -> None:
    env = without_discord_env(DISCORD_TOKEN=SECRET, DEFAULT_TIMEZONE="Nowhere/Land")
    result = run_coach("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "DEFAULT_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_an_unreadable_env_file_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Running as root the file can't be made unreadable, so the read itself is made to fail
    the way it does for a bot user without read access."""

    def refuse(self: object, **values: object) -> None:
        raise PermissionError(13, "Permission denied", ".env")

    monkeypatch.setattr(settings_module.Settings, "__init__", refuse)
    with pytest.raises(ConfigError) as caught:
        settings_module.load_settings()
    assert str(caught.value).count("\n") == 0
    assert str(caught.value).startswith("cannot read .env: Permission denied")


def test_unsharded_by_default_and_blank_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().sharding is None
    monkeypatch.setenv("SHARD_COUNT", "")
    monkeypatch.setenv("SHARD_IDS", " ")
    assert load_settings().sharding is None


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("2", "0,1", (2, (0, 1))),
        ("4", " 1, 3 ", (4, (1, 3))),
        ("2", "1", (2, (1,))),
        ("3", None, (3, (0, 1, 2))),  # SHARD_COUNT alone: this process runs every shard
        ("1", "0", (1, (0,))),
    ],
)
def test_shard_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, count: str, ids: str | None, expected: tuple[int, object]
) -> None:
    monkeypatch.setenv("SHARD_COUNT", count)
    if ids is not None:
        monkeypatch.setenv("SHARD_IDS", ids)
    sharding = load_settings().sharding
    assert sharding == expected
    assert sharding is not None and sharding.syncs_commands == (0 in expected[1])


def test_shard_settings_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SHARD_COUNT=2\nSHARD_IDS=0, 1\n")
    assert load_settings().sharding == (2, (0, 1))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SHARD_IDS": "0,1"}, "SHARD_IDS: set SHARD_COUNT too"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "SHARD_IDS: shard 2 is not one of 0 to 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "-1"}, "SHARD_IDS: shard -1 is not one of 0 to 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1"}, "SHARD_IDS: shard 1 is listed twice"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0;1"}, "SHARD_IDS: '0;1' must be shard numbers"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,,1"}, "SHARD_IDS: '0,,1' must be shard numbers"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT: Input should be greater than or equal to 1"),
        ({"SHARD_COUNT": "two", "SHARD_IDS": "0"}, "SHARD_COUNT: Input should be a valid"),
    ],
)
def test_bad_shard_settings_are_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert len(info.value.problems) == 1, info.value.problems  # SHARD_IDS isn't blamed twice
    assert info.value.problems[0].startswith(expected), info.value.problems


def test_coach_run_with_shard_ids_but_no_count_is_one_line(tmp_path: Path) -> None:
    env = without_discord_env(DISCORD_TOKEN=SECRET, SHARD_IDS="1")
    env.pop("SHARD_COUNT", None)
    result = run_coach("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("SHARD_IDS: set SHARD_COUNT too"), lines
