"""Per-server settings: the default timezone for new reminders and the admin channel.

Read on every /plan and /profile (the server's timezone decides when a member's week turns
over), so they are kept in memory per server: a change made through this repository is seen
at once by this process, and a change made by another process sharing the database (a second
bot process, the shell) within CACHE_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.clock import Clock, SystemClock
from bot.core.db import Database
from bot.core.isotime import to_iso

CACHE_SECONDS = 30.0  # how stale another process's change may be seen here
CACHE_SERVERS = 10_000  # past this many servers cached, start over (each entry is tiny)


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    timezone: str | None = None
    admin_channel_id: int | None = None


class GuildSettingsRepository:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        *,
        cache_seconds: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock` stamps updated_at; `monotonic` (seconds) ages the cache."""
        self._db = db
        self._clock = clock or SystemClock()
        self._cache_seconds = cache_seconds
        self._monotonic = monotonic
        self._cache: dict[int, tuple[float, GuildSettings]] = {}  # guild -> (expires, settings)
        # Moved by every write: a read that overlapped a write does not cache what it read.
        self._writes = 0

    async def get(self, guild_id: int) -> GuildSettings:
        cached = self._cache.get(guild_id)
        if cached is not None and self._monotonic() < cached[0]:
            return cached[1]
        writes = self._writes
        row = await self._db.fetchone(
            "SELECT guild_id, timezone, admin_channel_id FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            settings = GuildSettings(guild_id)
        else:
            settings = GuildSettings(row["guild_id"], row["timezone"], row["admin_channel_id"])
        if writes == self._writes:
            if len(self._cache) >= CACHE_SERVERS:
                self._cache.clear()
            self._cache[guild_id] = (self._monotonic() + self._cache_seconds, settings)
        return settings

    async def set_timezone(self, guild_id: int, timezone: str) -> None:
        await self._write(
            guild_id,
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET timezone = excluded.timezone,"
            " updated_at = excluded.updated_at",
            (guild_id, timezone, to_iso(self._clock.now())),
        )

    async def set_admin_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._write(
            guild_id,
            "INSERT INTO guild_settings (guild_id, admin_channel_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET admin_channel_id = excluded.admin_channel_id,"
            " updated_at = excluded.updated_at",
            (guild_id, channel_id, to_iso(self._clock.now())),
        )

    async def _write(self, guild_id: int, sql: str, params: tuple[object, ...]) -> None:
        self._writes += 1
        try:
            await self._db.execute(sql, params)
        finally:
            # Also after the write: a read that started while it ran saw the old row.
            self._writes += 1
            self._cache.pop(guild_id, None)
