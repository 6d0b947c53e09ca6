"""Client-side pacing under Discord's global limit, so a busy minute never becomes a 429 storm."""

from __future__ import annotations

import asyncio
from collections import deque

# Discord allows 50 requests/s per bot; stay a little under it for jitter and other traffic.
DEFAULT_RATE = 48
WINDOW_SECONDS = 1.0


class Pacer:
    """At most `rate` starts in any sliding window of `window` seconds (event-loop time)."""

    def __init__(self, rate: int = DEFAULT_RATE, window: float = WINDOW_SECONDS) -> None:
        if rate < 1:
            raise ValueError("rate must be at least 1")
        self.rate = rate
        self.window = window
        self._starts: deque[float] = deque()

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._starts and now - self._starts[0] >= self.window:
                self._starts.popleft()
            if len(self._starts) < self.rate:
                self._starts.append(now)
                return
            await asyncio.sleep(self.window - (now - self._starts[0]))
