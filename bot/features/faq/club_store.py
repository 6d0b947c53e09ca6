"""Each server's live club entries: a ClubIndex per server, rebuilt as soon as they change.

The database holds a revision counter per server that every change moves (see migration 0005),
so asking for a server's index costs one small query, at most once per REVISION_SECONDS per
server (every /faq and every autocomplete keystroke asks): a change made through this store is
live at once, and one made elsewhere (`coach kb import` from the shell while the bot runs,
another bot process on the same database) within REVISION_SECONDS, without a restart or
`/kb reload`. A rebuild embeds only phrasings it has not seen (reusing the
old index's vectors) and runs off the event loop. Writes made here rebuild before they return, so
the organiser who saved pays for it, not the next member to ask.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from bot.core.clock import Clock
from bot.features.faq.club import ClubEntry, ClubIndex, EntryText
from bot.features.faq.club_repository import ClubRepository, Imported
from bot.features.faq.store import KnowledgeStore

log = logging.getLogger(__name__)

REVISION_SECONDS = 1.0  # how late a change made by another process may be seen here


class ClubStore:
    def __init__(
        self,
        repository: ClubRepository,
        knowledge: KnowledgeStore,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.repository = repository
        self._knowledge = knowledge
        self._clock = clock
        self.monotonic = monotonic  # seconds, for REVISION_SECONDS (tests move their own)
        self._indexes: dict[int, tuple[int, ClubIndex]] = {}  # guild -> (revision, index)
        self._checked: dict[int, float] = {}  # guild -> when its revision was last read
        self._locks: dict[int, asyncio.Lock] = {}

    async def index(self, guild_id: int | None, *, fresh: bool = False) -> ClubIndex | None:
        """The server's entries ready to match (None in a DM); `fresh`: check the revision
        now, whenever it was last checked (after a change made here)."""
        if guild_id is None:
            return None
        cached = self._indexes.get(guild_id)
        checked = self._checked.get(guild_id)
        now = self.monotonic()
        if (
            not fresh
            and cached is not None
            and checked is not None
            and now - checked < REVISION_SECONDS
        ):
            return cached[1]
        revision = await self.repository.revision(guild_id)
        cached = self._indexes.get(guild_id)
        if cached is not None and cached[0] == revision:
            self._checked[guild_id] = now
            return cached[1]
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            # Read the counter before the entries: a change in between only costs a rebuild.
            revision = await self.repository.revision(guild_id)
            cached = self._indexes.get(guild_id)
            if cached is not None and cached[0] == revision:
                self._checked[guild_id] = now
                return cached[1]
            entries = await self.repository.list_guild(guild_id)
            index = await self._build(entries, cached[1] if cached else None)
            self._indexes[guild_id] = (revision, index)
            self._checked[guild_id] = now
            if cached is not None:
                log.info("club entries of guild %s rebuilt: %d entries", guild_id, len(index))
            return index

    async def _build(self, entries: Sequence[ClubEntry], reuse: ClubIndex | None) -> ClubIndex:
        stop_words = self._knowledge.matcher.stop_words
        encoder = self._knowledge.encoder
        if not entries or encoder is None:
            return ClubIndex.build(entries, None, stop_words)
        return await asyncio.to_thread(ClubIndex.build, entries, encoder, stop_words, reuse)

    async def warm(self) -> None:
        """Build every server's index now (at start-up, in the background), so no member's
        first question waits for it."""
        try:
            for guild_id in await self.repository.guilds():
                await self.index(guild_id)
        except Exception:  # the first question builds it instead; nothing is lost
            log.exception("could not prepare the servers' club entries in advance")

    # -- changes (each live before it returns) ----------------------------------------------

    async def add(self, guild_id: int, entry: EntryText) -> ClubEntry:
        saved = await self.repository.add(guild_id, entry, self._clock.now())
        await self.index(guild_id, fresh=True)
        return saved

    async def update(self, guild_id: int, entry_id: int, entry: EntryText) -> ClubEntry | None:
        saved = await self.repository.update(guild_id, entry_id, entry, self._clock.now())
        await self.index(guild_id, fresh=True)
        return saved

    async def remove(self, guild_id: int, entry_id: int) -> bool:
        removed = await self.repository.remove(guild_id, entry_id)
        await self.index(guild_id, fresh=True)
        return removed

    async def import_entries(self, guild_id: int, entries: Sequence[EntryText]) -> Imported:
        done = await self.repository.import_entries(guild_id, entries, self._clock.now())
        await self.index(guild_id, fresh=True)
        return done
