"""Club entries in the database: each server's own, never another's (every query names it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.db import ConstraintError, Database, Row
from bot.core.isotime import to_iso
from bot.features.faq.club import ENTRIES_MAX, ClubEntry, EntryText


class ClubConflict(Exception):
    """Another entry of the server already asks this question."""

    def __init__(self, existing_id: int) -> None:
        super().__init__(existing_id)
        self.existing_id = existing_id


class ClubFull(Exception):
    """The server would have more than its limit of entries."""

    def __init__(self, limit: int, count: int) -> None:
        super().__init__(limit)
        self.limit = limit
        self.count = count


@dataclass(frozen=True, slots=True)
class Imported:
    added: int
    updated: int
    unchanged: int
    total: int  # the server's entries afterwards


def _entry(row: Row) -> ClubEntry:
    return ClubEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        question=row["question"],
        aliases=tuple(json.loads(row["aliases"])),
        answer=row["answer"],
    )


class ClubRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def list_guild(self, guild_id: int) -> list[ClubEntry]:
        rows = await self._db.fetchall(
            "SELECT * FROM club_entries WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [_entry(r) for r in rows]

    async def get(self, guild_id: int, entry_id: int) -> ClubEntry | None:
        row = await self._db.fetchone(
            "SELECT * FROM club_entries WHERE id = ? AND guild_id = ?", (entry_id, guild_id)
        )
        return None if row is None else _entry(row)

    async def count(self, guild_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM club_entries WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def revision(self, guild_id: int) -> int:
        """Moves with every change to the server's entries (0: never had any)."""
        row = await self._db.fetchone(
            "SELECT revision FROM club_revisions WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def guilds(self) -> list[int]:
        """The servers that have entries."""
        rows = await self._db.fetchall("SELECT DISTINCT guild_id FROM club_entries")
        return [int(r[0]) for r in rows]

    async def _existing(self, guild_id: int, key: str) -> int:
        row = await self._db.fetchone(
            "SELECT id FROM club_entries WHERE guild_id = ? AND question_key = ?", (guild_id, key)
        )
        return int(row[0]) if row else 0

    async def add(
        self, guild_id: int, entry: EntryText, now: datetime, *, limit: int = ENTRIES_MAX
    ) -> ClubEntry:
        """Save a new entry; ClubFull past `limit` (checked in the same statement, so two
        organisers adding at once can't both squeeze past it), ClubConflict for a question the
        server already has."""
        stamp = to_iso(now)
        try:
            row = await self._db.fetchone(
                "INSERT INTO club_entries (guild_id, question, question_key, aliases, answer,"
                " created_at, updated_at) SELECT CAST(? AS BIGINT), CAST(? AS TEXT),"
                " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),"
                " CAST(? AS TEXT)"
                " WHERE (SELECT COUNT(*) FROM club_entries WHERE guild_id = ?) < ? RETURNING *",
                (
                    guild_id,
                    entry.question,
                    entry.key,
                    json.dumps(list(entry.aliases), ensure_ascii=False),
                    entry.answer,
                    stamp,
                    stamp,
                    guild_id,
                    limit,
                ),
            )
        except ConstraintError:
            raise ClubConflict(await self._existing(guild_id, entry.key)) from None
        if row is None:
            raise ClubFull(limit, await self.count(guild_id))
        return _entry(row)

    async def update(
        self, guild_id: int, entry_id: int, entry: EntryText, now: datetime
    ) -> ClubEntry | None:
        """Replace an entry's question, phrasings and answer (None: no such entry in the
        server); ClubConflict when the new question is another entry's."""
        try:
            row = await self._db.fetchone(
                "UPDATE club_entries SET question = ?, question_key = ?, aliases = ?, answer = ?,"
                " updated_at = ? WHERE id = ? AND guild_id = ? RETURNING *",
                (
                    entry.question,
                    entry.key,
                    json.dumps(list(entry.aliases), ensure_ascii=False),
                    entry.answer,
                    to_iso(now),
                    entry_id,
                    guild_id,
                ),
            )
        except ConstraintError:
            raise ClubConflict(await self._existing(guild_id, entry.key)) from None
        return None if row is None else _entry(row)

    async def remove(self, guild_id: int, entry_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM club_entries WHERE id = ? AND guild_id = ?", (entry_id, guild_id)
        )
        return changed > 0

    async def import_entries(
        self,
        guild_id: int,
        entries: Sequence[EntryText],
        now: datetime,
        *,
        limit: int = ENTRIES_MAX,
    ) -> Imported:
        """Add the entries whose question is new to the server and update the others (matched
        by question), all or nothing: ClubFull, and nothing changes, if the server would end up
        with more than `limit`."""
        stamp = to_iso(now)
        added = updated = unchanged = 0
        async with self._db.transaction():
            rows = await self._db.fetchall(
                "SELECT * FROM club_entries WHERE guild_id = ?", (guild_id,)
            )
            existing = {r["question_key"]: _entry(r).text for r in rows}
            new = sum(1 for e in entries if e.key not in existing)
            if len(existing) + new > limit:
                raise ClubFull(limit, len(existing) + new)
            for entry in entries:
                aliases = json.dumps(list(entry.aliases), ensure_ascii=False)
                if existing.get(entry.key) == entry:
                    unchanged += 1
                elif entry.key in existing:
                    await self._db.execute(
                        "UPDATE club_entries SET question = ?, aliases = ?, answer = ?,"
                        " updated_at = ? WHERE guild_id = ? AND question_key = ?",
                        (entry.question, aliases, entry.answer, stamp, guild_id, entry.key),
                    )
                    updated += 1
                else:
                    await self._db.execute(
                        "INSERT INTO club_entries (guild_id, question, question_key, aliases,"
                        " answer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (guild_id, entry.question, entry.key, aliases, entry.answer, stamp, stamp),
                    )
                    added += 1
        return Imported(added, updated, unchanged, len(existing) + new)
