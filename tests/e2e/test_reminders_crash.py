"""A bot process SIGKILLed between claiming a post and recording it, then restarted, leaves
exactly one message in the channel (the resend carries the same nonce with enforce_nonce)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.harness import Club
from tests.support.reminders import (
    MESSAGE_POST,
    kill_bot,
    ledger,
    seed_reminders,
    spawn_bot,
    stop_bot,
)


async def _until(predicate, what: str, log: Path, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; bot log:\n{log.read_text()}")
        await asyncio.sleep(0.05)


def _states(db: Path) -> list[str]:
    return [row.state for row in ledger(db)]


async def test_sigkill_between_claim_and_record_then_restart(fake_discord, tmp_path: Path) -> None:
    club = Club.create(fake_discord)
    db_path = tmp_path / "coach.db"
    log = tmp_path / "bot.log"
    # A post that fell due in the last minute (the real clock drives the subprocess): due now.
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0)
    if now - due < timedelta(seconds=2):
        due -= timedelta(minutes=1)
    await seed_reminders(
        db_path,
        club.guild.id,
        [club.training.id],
        due,
        created_by=club.admin.id,
        message="Crash test",
    )

    # Discord creates the message, but the bot never hears back: killed while waiting.
    fake_discord.delay_next("POST", MESSAGE_POST, 3)
    first = spawn_bot(fake_discord, db_path, tmp_path, log)
    try:
        await _until(lambda: len(fake_discord.messages(club.training)) == 1, "the first send", log)
        assert _states(db_path) == ["claimed"]
    finally:
        kill_bot(first)

    second = spawn_bot(fake_discord, db_path, tmp_path, log)
    try:
        await _until(lambda: _states(db_path) == ["sent"], "the resend to be recorded", log)
        (message,) = fake_discord.messages(club.training)
        assert message["content"].startswith("Crash test")
        assert message["nonce"] == f"r1t{int(due.timestamp())}"
        (row,) = ledger(db_path)
        assert str(row.message_id) == message["id"]
    finally:
        code = stop_bot(second)
    assert code == 0, log.read_text()
