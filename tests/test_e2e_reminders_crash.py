"""A bot process SIGKILLed between claiming a post and recording it, then restarted, leaves
exactly one message in the channel (the resend carries the same nonce with enforce_nonce)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import Club

from bot.domain.schedule import Weekday
from bot.settings import PROJECT_ROOT
from bot.storage.db import Database
from bot.storage.reminders import NewReminder, ReminderRepository

MESSAGE_POST = r"^/channels/\d+/messages$"


def _spawn(fake, db: Path, workdir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DATABASE_PATH": str(db),
        "LOG_LEVEL": "INFO",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=out, stderr=out
        )


def _states(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
        try:
            rows = conn.execute("SELECT state FROM reminder_occurrences").fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []
    return [r[0] for r in rows]


async def _until(predicate, what: str, log: Path, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; bot log:\n{log.read_text()}")
        await asyncio.sleep(0.05)


async def test_sigkill_between_claim_and_record_then_restart(fake_discord, tmp_path: Path) -> None:
    club = Club.create(fake_discord)
    db_path = tmp_path / "coach.db"
    log = tmp_path / "bot.log"
    # A post that fell due in the last minute (the real clock drives the subprocess): due now.
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0)
    if now - due < timedelta(seconds=2):
        due -= timedelta(minutes=1)
    db = await Database.open(db_path)
    repo = ReminderRepository(db)
    await repo.add(
        NewReminder(
            club.guild.id,
            club.training.id,
            Weekday(due.weekday()),
            due.strftime("%H:%M"),
            "UTC",
            "Crash test",
            None,
            None,
            club.admin.id,
        ),
        due - timedelta(hours=1),
    )
    await db.close()

    # Discord creates the message, but the bot never hears back: killed while waiting.
    fake_discord.delay_next("POST", MESSAGE_POST, 3)
    first = _spawn(fake_discord, db_path, tmp_path, log)
    try:
        await _until(lambda: len(fake_discord.messages(club.training)) == 1, "the first send", log)
        assert _states(db_path) == ["claimed"]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)

    second = _spawn(fake_discord, db_path, tmp_path, log)
    try:
        await _until(lambda: _states(db_path) == ["sent"], "the resend to be recorded", log)
        (message,) = fake_discord.messages(club.training)
        assert message["content"].startswith("Crash test")
        assert message["nonce"] == f"r1t{int(due.timestamp())}"
        with contextlib.closing(sqlite3.connect(db_path)) as conn:
            (recorded,) = conn.execute("SELECT message_id FROM reminder_occurrences").fetchone()
        assert str(recorded) == message["id"]
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(15)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait(5)
    assert second.returncode == 0, log.read_text()
