"""What the dispatcher needs from a transport, and what handlers may ask of the dispatcher.

Kept free of discord.py so the dispatcher is tested with an in-memory sender and the handlers
run in the offline console, where nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.caller import ChannelRef
from bot.core.replies import Reply
from bot.features.reminders.repository import Reminder

# Discord's answers that no retry will fix: the channel is gone or we may not post there.
PERMANENT_STATUSES = frozenset({401, 403, 404})
PERMANENT_CODES = frozenset({10003, 50001, 50013})


class SendFailure(Exception):
    """A send that did not produce a message. `permanent`: pause the reminder, don't retry."""

    def __init__(self, reason: str, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.status in PERMANENT_STATUSES or self.code in PERMANENT_CODES

    @property
    def transient(self) -> bool:
        """Worth retrying: server errors, rate limits, network trouble (no status)."""
        return self.status is None or self.status == 429 or self.status >= 500


class Sender(Protocol):
    async def send(self, channel_id: int, reply: Reply, nonce: str | None) -> int:
        """Post `reply`; returns the message id or raises SendFailure.

        With a nonce, Discord returns the earlier message instead of posting a duplicate
        (enforce_nonce), which makes a resend after a crash safe.
        """
        ...


class ReminderControl(Protocol):
    def wake(self) -> None:
        """Reminders changed: recompute the next due post."""
        ...

    async def post_test(self, reminder: Reminder) -> int:
        """Post the reminder now (outside its schedule); the message id, or SendFailure."""
        ...


@dataclass(frozen=True, slots=True)
class ChannelCheck:
    """A saved channel as the bot sees it now: gone, or there with the bot's permissions."""

    exists: bool
    ref: ChannelRef | None = None


class ChannelLookup(Protocol):
    def check(self, guild_id: int, channel_id: int) -> ChannelCheck | None:
        """What the bot knows of a channel; None when it can't tell (not connected)."""
        ...


class ChannelDirectory:
    """The handlers' view of saved channels; the cog attaches Discord's when it loads (in the
    console and tests without a bot nothing is attached, and every answer is "can't tell")."""

    def __init__(self) -> None:
        self._lookup: ChannelLookup | None = None

    def attach(self, lookup: ChannelLookup | None) -> None:
        self._lookup = lookup

    def check(self, guild_id: int, channel_id: int) -> ChannelCheck | None:
        return None if self._lookup is None else self._lookup.check(guild_id, channel_id)
