"""Remember recent public answers so the same entry isn't posted twice in a channel within a
minute (the second asker gets it privately instead): anti-spam without refusing anyone."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.clock import Clock

DEFAULT_WINDOW = timedelta(seconds=60)
_PRUNE_EVERY = 512


class RepeatCooldown:
    def __init__(self, clock: Clock, window: timedelta = DEFAULT_WINDOW) -> None:
        self._clock = clock
        self._window = window
        self._last: dict[tuple[int, str], datetime] = {}

    def recently_posted(self, channel_id: int | None, key: str) -> bool:
        if channel_id is None:
            return False
        last = self._last.get((channel_id, key))
        return last is not None and self._clock.now() - last < self._window

    def record(self, channel_id: int | None, key: str) -> None:
        if channel_id is None:
            return
        now = self._clock.now()
        self._last[(channel_id, key)] = now
        if len(self._last) % _PRUNE_EVERY == 0:  # keep memory bounded over a long season
            self._last = {k: t for k, t in self._last.items() if now - t < self._window}
