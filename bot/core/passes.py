"""The wake-up line of a background task that works in passes (reminder posts, data retention).

The task sleeps between passes; `wake` ends the sleep early, and `poke` also waits until a whole
pass that began after the call is done (tests steer the clock, then poke). The task itself calls
`begin` at the start of each pass, `end` with what `begin` returned, and `sleep` in between.
"""

from __future__ import annotations

import asyncio
import contextlib


class PassSignal:
    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._waiters: list[asyncio.Future[None]] = []

    def wake(self) -> None:
        self._wake.set()

    async def poke(self) -> None:
        """Wake the task and wait for a full pass that started after this call."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._wake.set()
        await waiter

    def begin(self) -> list[asyncio.Future[None]]:
        """A pass starts: the callers it will answer (those who poked before now)."""
        self._wake.clear()
        waiters, self._waiters = self._waiters, []
        return waiters

    def end(self, waiters: list[asyncio.Future[None]]) -> None:
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def sleep(self, seconds: float) -> None:
        """Until the next pass is due, or someone wakes the task."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(seconds, 0.0))

    def abandon(self) -> None:
        """The task stopped: nobody waits for a pass that will never come."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.cancel()
        self._waiters = []
