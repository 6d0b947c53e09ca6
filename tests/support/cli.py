"""Run `coach` as a subprocess, and keep a test's settings from leaking in from the developer's.

Tests that start `python -m bot ...` (or the installed `coach` script) build the child's
environment from `os.environ` minus the variables that configure the bot; in-process CLI tests
strip the same variables with `monkeypatch` and work in `tmp_path` so no stray `.env` is read.
One place for both keeps the variable list in step with `Settings`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.core.settings import PROJECT_ROOT, Settings

SETTINGS_VARS: frozenset[str] = frozenset(name.upper() for name in Settings.model_fields)
COACH_SCRIPT = Path(sys.executable).parent / "coach"
TIMEOUT = 60


def settings_free_env(**settings: str) -> dict[str, str]:
    """`os.environ` without any variable that configures the bot, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    env.update(settings)
    return env


def without_discord_env(**settings: str) -> dict[str, str]:
    """`os.environ` without `DISCORD_*` variables (no token, no fake Discord), plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env.update(settings)
    return env


def run_coach(
    *args: str,
    cwd: Path = PROJECT_ROOT,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    script: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot *args` (or the installed `coach` script) to completion, output captured.

    `env` defaults to `without_discord_env()`; without `stdin` the child reads from /dev/null.
    """
    command = [str(COACH_SCRIPT)] if script else [sys.executable, "-m", "bot"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=without_discord_env() if env is None else env,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def isolate_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **settings: str) -> None:
    """No inherited configuration, no `.env` in the working directory; then `settings` set."""
    for name in SETTINGS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


async def start_coach_run(
    fake: Any, cwd: Path, log: Path, **settings: str
) -> asyncio.subprocess.Process:
    """`python -m bot run` against the fake Discord, in an environment free of the developer's
    settings plus `settings` (e.g. DATABASE_PATH, SHARD_IDS); its output goes to `log`."""
    env = settings_free_env(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        PYTHONPATH=str(PROJECT_ROOT),
        **settings,
    )
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
