"""Installation facts kept between runs, such as the last synced command-tree hash."""

from __future__ import annotations

from bot.core.clock import Clock, SystemClock
from bot.core.db import Database
from bot.core.isotime import to_iso


class MetaRepository:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    async def get(self, key: str) -> str | None:
        row = await self._db.fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO"
            " UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, value, to_iso(self._clock.now())),
        )
