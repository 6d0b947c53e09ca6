"""Shared helpers for the reminder tests: an in-memory sender, a dispatcher over a test app's
reminders context, a clock that runs, and end-to-end helpers."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.bot import CoachBot
from bot.core.db import Database
from bot.core.replies import Reply
from bot.core.settings import PROJECT_ROOT
from bot.features.reminders import RemindersContext
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.features.reminders.pacing import Pacer
from bot.features.reminders.ports import SendFailure
from bot.features.reminders.repository import NewReminder, Reminder, ReminderRepository
from bot.features.reminders.schedule import Weekday

GUILD = 1000
MESSAGE_POST = r"^/channels/\d+/messages$"  # fake.fail_next / delay_next pattern for channel posts


@dataclass
class Post:
    channel_id: int
    reply: Reply
    nonce: str | None
    message_id: int


@dataclass
class MemorySender:
    """Records posts; like Discord, a repeated nonce returns the first message, not a new one."""

    posts: list[Post] = field(default_factory=list)
    failures: list[SendFailure] = field(default_factory=list)
    attempts: int = 0
    _by_nonce: dict[str, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    async def send(self, channel_id: int, reply: Reply, nonce: str | None) -> int:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        if nonce is not None and nonce in self._by_nonce:
            return self._by_nonce[nonce]
        message_id = next(self._ids)
        self.posts.append(Post(channel_id, reply, nonce, message_id))
        if nonce is not None:
            self._by_nonce[nonce] = message_id
        return message_id

    def in_channel(self, channel_id: int) -> list[Post]:
        return [p for p in self.posts if p.channel_id == channel_id]


async def no_sleep(_: float) -> None:
    return None


def dispatcher(
    svc: RemindersContext, sender: MemorySender, grace_hours: float = 6.0, **options: Any
) -> ReminderDispatcher:
    """A dispatcher over the test app's reminders that never waits; `options` add or replace
    ReminderDispatcher's arguments (e.g. a registry, sharding and process id)."""
    arguments: dict[str, Any] = {
        "reminders": svc.reminders,
        "guild_settings": svc.guild_settings,
        "renderer": svc.renderer,
        "knowledge": svc.knowledge,
        "clock": svc.clock,
        "sender": sender,
        "grace": timedelta(hours=grace_hours),
        "pacer": Pacer(rate=10_000),
        "retry_delays": (0.0, 0.0, 0.0),
        "sleep": no_sleep,
    }
    return ReminderDispatcher(**{**arguments, **options})


def reminders_context(bot: CoachBot) -> RemindersContext:
    """The reminders feature's context inside a running bot (its cog holds it)."""
    cog = bot.get_cog("RemindersCog")
    assert cog is not None, "the reminders feature is not installed"
    return cog.context  # type: ignore[attr-defined,no-any-return]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- end to end helpers (the real bot against the fake Discord) -----------------------------------


class RunningClock:
    """Real seconds passing from an instant the test picks; `set` jumps.

    Unlike FakeClock, the dispatcher's own timer fires by itself: a post due in a second is sent
    a second later without the test poking the dispatcher.
    """

    def __init__(self, start: datetime) -> None:
        self._base = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._base + timedelta(seconds=time.monotonic() - self._t0)

    def set(self, instant: datetime) -> datetime:
        self._base, self._t0 = instant, time.monotonic()
        return instant


async def running_dispatcher(bot: CoachBot) -> ReminderDispatcher:
    dispatcher = reminders_context(bot).dispatcher
    for _ in range(500):  # started as the cog loads, which may finish just after READY is seen
        if dispatcher.running:
            return dispatcher
        await asyncio.sleep(0.01)
    raise AssertionError("the reminder dispatcher never started")


async def seed_reminders(
    db_path: Path,
    guild_id: int,
    channel_ids: Sequence[int],
    due: datetime,
    *,
    created_by: int,
    message: str = "Fan-out",
) -> list[Reminder]:
    """One weekly UTC reminder per channel, all due at `due`, written before the bot starts."""
    db = await Database.open(db_path)
    try:
        repo = ReminderRepository(db)
        return [
            await repo.add(
                NewReminder(
                    guild_id,
                    channel_id,
                    Weekday(due.weekday()),
                    due.strftime("%H:%M"),
                    "UTC",
                    message,
                    None,
                    None,
                    created_by,
                ),
                due - timedelta(hours=1),
            )
            for channel_id in channel_ids
        ]
    finally:
        await db.close()


async def seed_many(
    db: Database, servers: Sequence[tuple[Any, Sequence[Any]]], due: datetime, per_server: int
) -> list[int]:
    """`per_server` weekly UTC reminders in each fake server (its channels in turn), all due at
    `due`, added in one transaction; their ids."""
    repo, ids = ReminderRepository(db), []
    async with db.transaction():
        for guild, channels in servers:
            for i in range(per_server):
                new = NewReminder(
                    guild.id,
                    channels[i % len(channels)].id,
                    Weekday(due.weekday()),
                    due.strftime("%H:%M"),
                    "UTC",
                    f"Hill reps {i}",
                    None,
                    None,
                    guild.owner_id,
                )
                reminder = await repo.add(new, due - timedelta(hours=1))
                assert reminder is not None
                ids.append(reminder.id)
    return ids


def busiest_second(times: list[float]) -> int:
    """The most requests in any one-second window (sliding), across every process."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def spawn_bot(
    fake: Any, db_path: Path | str, workdir: Path, log: Path, **settings: str
) -> subprocess.Popen[bytes]:
    """`python -m bot run` against the fake Discord, logging to `log` (appended). `db_path`: a
    SQLite file or a postgresql:// URL; `settings`: more environment, e.g. SHARD_IDS="1"."""
    store = "DATABASE_URL" if str(db_path).startswith("postgresql://") else "DATABASE_PATH"
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        store: str(db_path),
        "LOG_LEVEL": "INFO",
        **settings,
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
        )


def kill_bot(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def stop_bot(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM (a clean shutdown), SIGKILL if it hangs; the exit code."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
        return -9


@dataclass(frozen=True)
class LedgerRow:
    reminder_id: int
    state: str
    nonce: str | None
    message_id: int | None


def ledger(db_path: Path) -> list[LedgerRow]:
    """The occurrence ledger read with plain sqlite3 (safe while a bot process has it open)."""
    with contextlib.closing(sqlite3.connect(db_path, timeout=5)) as conn:
        try:
            rows = conn.execute(
                "SELECT reminder_id, state, nonce, message_id FROM reminder_occurrences"
                " ORDER BY reminder_id"
            ).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []
    return [LedgerRow(*row) for row in rows]
