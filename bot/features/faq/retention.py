"""Deleting what /faq keeps for organisers once it is older than UNANSWERED_RETENTION_DAYS.

One small task while the bot serves: a pass at start (so a bot that was down catches up at once),
then one a day. Each pass deletes unanswered questions and answers (their votes with them) asked
before now minus the retention, by the injected clock; tests call `run_once` or `poke`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.passes import PassSignal
from bot.features.faq.insights_repository import InsightsRepository, Pruned

log = logging.getLogger(__name__)

INTERVAL = timedelta(days=1)
RETRY = timedelta(hours=1)  # after a failed pass (e.g. the database was locked)


class RetentionCleaner:
    def __init__(
        self,
        insights: InsightsRepository,
        clock: Clock,
        retention: timedelta,
        interval: timedelta = INTERVAL,
    ) -> None:
        if retention <= timedelta(0):
            raise ValueError(f"retention must be positive, got {retention}")
        self.insights = insights
        self.clock = clock
        self.retention = retention
        self.interval = interval
        self.passes = 0  # completed passes, for tests and logs
        self._signal = PassSignal()
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> Pruned:
        """Delete everything older than the retention, now."""
        pruned = await self.insights.delete_older_than(self.clock.now() - self.retention)
        if pruned.total:
            log.info(
                "retention: deleted %d unanswered questions, %d answers, %d votes",
                pruned.unanswered,
                pruned.answers,
                pruned.votes,
            )
        return pruned

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="faq-retention")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self._signal.abandon()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def poke(self) -> None:
        """Run a pass now and wait until it is done (tests steer the clock, then poke)."""
        if not self.running:
            raise RuntimeError("the retention cleaner is not running")
        await self._signal.poke()

    async def _run(self) -> None:
        while True:
            waiters = self._signal.begin()
            delay = self.interval
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                # A locked database or a bad row must not end the task: try again later.
                log.exception("retention pass failed; retrying in %s", RETRY)
                delay = min(RETRY, self.interval)
            self.passes += 1
            self._signal.end(waiters)
            await self._signal.sleep(delay.total_seconds())
