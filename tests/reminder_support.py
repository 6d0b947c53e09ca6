"""Shared helpers for the reminder tests: real Services on SQLite, an in-memory sender."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.clock import FakeClock
from bot.reminders.dispatcher import ReminderDispatcher
from bot.reminders.pacing import Pacer
from bot.reminders.ports import SendFailure
from bot.replies import Reply
from bot.services import Services, open_services
from bot.settings import load_settings

GUILD = 1000


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


async def services(tmp_path: Path, clock: FakeClock, **overrides: object) -> Services:
    settings = load_settings(_env_file=None, database_path=tmp_path / "c.db", **overrides)
    return await open_services(settings, clock=clock)


async def no_sleep(_: float) -> None:
    return None


def dispatcher(svc: Services, sender: MemorySender, grace_hours: float = 6.0) -> ReminderDispatcher:
    return ReminderDispatcher(
        reminders=svc.reminders,
        guild_settings=svc.guild_settings,
        renderer=svc.renderer,
        knowledge=svc.knowledge,
        clock=svc.clock,
        sender=sender,
        grace=timedelta(hours=grace_hours),
        pacer=Pacer(rate=10_000),
        retry_delays=(0.0, 0.0, 0.0),
        sleep=no_sleep,
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
