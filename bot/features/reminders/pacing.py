"""Client-side pacing under Discord's global limit, so a busy minute never becomes a 429 storm."""

from __future__ import annotations

import asyncio

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
