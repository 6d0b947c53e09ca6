"""Client-side pacing under Discord's global limit, so a busy minute never becomes a 429 storm."""

from __future__ import annotations

import asyncio
import time

from bot.core.db import Database

# Discord allows 50 requests/s per bot; stay a little under it for jitter and other traffic.
DEFAULT_RATE = 48.0


class Pacer:
    """Starts spaced evenly at `rate` per second (event-loop time).

    Even spacing rather than bursts of `rate` per second: Discord's window starts wherever its
    first request lands, so a burst straddling that edge would overflow it.
    """

    def __init__(self, rate: float = DEFAULT_RATE) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self._interval  # reserve before sleeping: concurrent callers queue
        if slot > now:
            await asyncio.sleep(slot - now)


# A reservation further ahead than this means a clock jumped (the slot was taken against
# another clock): start again from now rather than stall every post.
MAX_AHEAD_SECONDS = 60.0


class SharedPacer:
    """Like Pacer, but the slots are reserved in the database (`send_pacing`), so every process
    of the bot together stays under Discord's per-token global limit: one UPDATE per send,
    taking the next free slot and returning how long to wait for it.

    PostgreSQL's clock decides the slots, so processes on several machines agree whatever their
    own clocks say; with SQLite (one machine) the machine's clock does.
    """

    def __init__(self, db: Database, rate: float = DEFAULT_RATE) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._interval = 1.0 / rate
        self._db = db

    async def wait(self) -> None:
        delay = await self._reserve()
        if delay > MAX_AHEAD_SECONDS:
            await self._db.execute(
                "UPDATE send_pacing SET next_at = ? WHERE name = 'global'",
                (time.time() + self._interval,),
            )
            delay = 0.0
        if delay > 0:
            await asyncio.sleep(delay)

    async def _reserve(self) -> float:
        if self._db.dialect == "postgresql":
            row = await self._db.fetchone(
                "WITH now AS (SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t)"
                " UPDATE send_pacing SET next_at = GREATEST(send_pacing.next_at, now.t)"
                " + CAST(? AS DOUBLE PRECISION) FROM now WHERE send_pacing.name = 'global'"
                " RETURNING send_pacing.next_at - CAST(? AS DOUBLE PRECISION) - now.t",
                (self._interval, self._interval),
            )
        else:
            now = time.time()
            row = await self._db.fetchone(
                "UPDATE send_pacing SET next_at = MAX(next_at, ?) + ? WHERE name = 'global'"
                " RETURNING next_at - ? - ?",
                (now, self._interval, self._interval, now),
            )
        return float(row[0]) if row is not None else 0.0
