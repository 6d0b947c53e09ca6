"""Reminders and their occurrences (one row per scheduled post: the exactly-once ledger)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.core.db import Database, Row
from bot.core.isotime import from_iso, to_iso
from bot.features.reminders.schedule import Weekday, WeeklySchedule, parse_time

MAX_PER_GUILD = 25


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class State(StrEnum):
    CLAIMED = "claimed"  # about to be sent (or sent, and the bot died before recording it)
    SENT = "sent"
    LATE = "late"  # sent after its time, on start-up within the grace window
    MISSED = "missed"  # the bot was down past the grace window: recorded, never posted
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    guild_id: int
    channel_id: int
    weekday: Weekday
    time: str  # "HH:MM", local to `tz`
    tz: str
    message: str | None
    role_id: int | None
    ends_on: date | None
    status: Status
    pause_reason: str | None
    notice_pending: bool
    anchor_utc: datetime
    created_by: int
    created_at: datetime
    updated_at: datetime

    @property
    def schedule(self) -> WeeklySchedule:
        return WeeklySchedule(self.weekday, parse_time(self.time), self.tz, self.ends_on)


@dataclass(frozen=True, slots=True)
class Occurrence:
    id: int
    reminder_id: int
    scheduled_utc: datetime
    state: State
    nonce: str | None
    message_id: int | None
    error: str | None
    claimed_at: datetime
    finished_at: datetime | None
    claimed_by: str | None = None  # the process holding the claim (None: from before 0007)


@dataclass(frozen=True, slots=True)
class History:
    """What /reminder list shows of a reminder's past: its newest post and the missed ones."""

    last: Occurrence
    missed: int


@dataclass(frozen=True, slots=True)
class NewReminder:
    guild_id: int
    channel_id: int
    weekday: Weekday
    time: str
    tz: str
    message: str | None
    role_id: int | None
    ends_on: date | None
    created_by: int


def _reminder(row: Row) -> Reminder:
    return Reminder(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        weekday=Weekday(row["weekday"]),
        time=row["time"],
        tz=row["tz"],
        message=row["message"],
        role_id=row["role_id"],
        ends_on=date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
        status=Status(row["status"]),
        pause_reason=row["pause_reason"],
        notice_pending=bool(row["notice_pending"]),
        anchor_utc=from_iso(row["anchor_utc"]),
        created_by=row["created_by"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def _occurrence(row: Row) -> Occurrence:
    return Occurrence(
        id=row["id"],
        reminder_id=row["reminder_id"],
        scheduled_utc=from_iso(row["scheduled_utc"]),
        state=State(row["state"]),
        nonce=row["nonce"],
        message_id=row["message_id"],
        error=row["error"],
        claimed_at=from_iso(row["claimed_at"]),
        finished_at=from_iso(row["finished_at"]) if row["finished_at"] else None,
        claimed_by=row["claimed_by"],
    )


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- reminders -----------------------------------------------------------------------------

    async def add(
        self, new: NewReminder, now: datetime, *, limit: int | None = None
    ) -> Reminder | None:
        """Save a reminder, or None if the server already has `limit` (checked in the same
        statement, so two admins adding at once can't both squeeze past it)."""
        stamp = to_iso(now)
        row = await self._db.fetchone(
            "INSERT INTO reminders (guild_id, channel_id, weekday, time, tz, message, role_id,"
            " ends_on, anchor_utc, created_by, created_at, updated_at)"
            # typed: PostgreSQL can't infer a parameter's type in a SELECT list
            " SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT),"
            " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT),"
            " CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT)"
            " WHERE (SELECT COUNT(*) FROM reminders WHERE guild_id = ?) < ? RETURNING *",
            (
                new.guild_id,
                new.channel_id,
                int(new.weekday),
                new.time,
                new.tz,
                new.message,
                new.role_id,
                new.ends_on.isoformat() if new.ends_on else None,
                stamp,
                new.created_by,
                stamp,
                stamp,
                new.guild_id,
                limit if limit is not None else 2**62,
            ),
        )
        return None if row is None else _reminder(row)

    async def get(self, reminder_id: int, guild_id: int | None = None) -> Reminder | None:
        """One reminder; with `guild_id`, only if it belongs to that server."""
        sql = "SELECT * FROM reminders WHERE id = ?"
        params: list[Any] = [reminder_id]
        if guild_id is not None:
            sql += " AND guild_id = ?"
            params.append(guild_id)
        row = await self._db.fetchone(sql, params)
        return None if row is None else _reminder(row)

    async def list_guild(self, guild_id: int) -> list[Reminder]:
        rows = await self._db.fetchall(
            "SELECT * FROM reminders WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [_reminder(r) for r in rows]

    async def count_guild(self, guild_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM reminders WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def list_active(self) -> list[Reminder]:
        rows = await self._db.fetchall("SELECT * FROM reminders WHERE status = 'active'")
        return [_reminder(r) for r in rows]

    async def update(self, reminder_id: int, now: datetime, **fields: Any) -> Reminder:
        """Change schedule/content columns; re-anchors so the new schedule starts from now."""
        allowed = {"channel_id", "weekday", "time", "tz", "message", "role_id", "ends_on"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        values = {
            k: (v.isoformat() if isinstance(v, date) else int(v) if k == "weekday" else v)
            for k, v in fields.items()
        }
        values["anchor_utc"] = values["updated_at"] = to_iso(now)
        # An edited reminder whose season was over may run again.
        assignments = ", ".join(f"{k} = ?" for k in values)
        row = await self._db.fetchone(
            f"UPDATE reminders SET {assignments},"  # column names come from `allowed`
            " status = CASE status WHEN 'ended' THEN 'active' ELSE status END WHERE id = ?"
            " RETURNING *",
            [*values.values(), reminder_id],
        )
        assert row is not None
        return _reminder(row)

    async def pause(
        self, reminder_id: int, reason: str, now: datetime, *, notice_pending: bool = False
    ) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'paused', pause_reason = ?, notice_pending = ?,"
            " updated_at = ? WHERE id = ?",
            (reason, int(notice_pending), to_iso(now), reminder_id),
        )

    async def notice_delivered(self, reminder_id: int) -> None:
        await self._db.execute(
            "UPDATE reminders SET notice_pending = 0 WHERE id = ?", (reminder_id,)
        )

    async def pause_guild(self, guild_id: int, reason: str, now: datetime) -> int:
        return await self._db.execute(
            "UPDATE reminders SET status = 'paused', pause_reason = ?, updated_at = ?"
            " WHERE guild_id = ? AND status = 'active'",
            (reason, to_iso(now), guild_id),
        )

    async def resume(self, reminder_id: int, now: datetime) -> None:
        """Active again from now on: weeks spent paused are not replayed."""
        stamp = to_iso(now)
        await self._db.execute(
            "UPDATE reminders SET status = 'active', pause_reason = NULL, notice_pending = 0,"
            " anchor_utc = ?, updated_at = ? WHERE id = ?",
            (stamp, stamp, reminder_id),
        )

    async def end(self, reminder_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'ended', updated_at = ? WHERE id = ?",
            (to_iso(now), reminder_id),
        )

    async def remove(self, reminder_id: int) -> bool:
        return await self._db.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,)) > 0

    async def created_by(self, user_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM reminders WHERE created_by = ? LIMIT 1", (user_id,)
        )
        return row is not None

    async def unlink_creator(self, user_id: int) -> int:
        """Forget who created reminders (the member asked to be forgotten); they stay the club's."""
        return await self._db.execute(
            "UPDATE reminders SET created_by = 0 WHERE created_by = ?", (user_id,)
        )

    # -- occurrences ---------------------------------------------------------------------------

    async def claim(
        self,
        reminder_id: int,
        scheduled: datetime,
        nonce: str,
        now: datetime,
        by: str | None = None,
    ) -> bool:
        """Take the post for sending (`by`: this process); False if it was already claimed or
        recorded, by any process (one INSERT: the unique key decides)."""
        changed = await self._db.execute(
            "INSERT INTO reminder_occurrences (reminder_id, scheduled_utc, state, nonce,"
            " claimed_at, claimed_by) VALUES (?, ?, 'claimed', ?, ?, ?)"
            " ON CONFLICT (reminder_id, scheduled_utc) DO NOTHING",
            (reminder_id, to_iso(scheduled), nonce, to_iso(now), by),
        )
        return changed == 1

    async def take_over(self, occurrence: Occurrence, by: str) -> bool:
        """Move a claim left by a process that is gone to this one; False if another process
        took it (or it was recorded) first."""
        changed = await self._db.execute(
            "UPDATE reminder_occurrences SET claimed_by = ? WHERE id = ? AND state = 'claimed'"
            " AND COALESCE(claimed_by, '') = ?",
            (by, occurrence.id, occurrence.claimed_by or ""),
        )
        return changed == 1

    async def record(
        self,
        reminder_id: int,
        scheduled: datetime,
        state: State,
        now: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        """Finish a claimed occurrence: sent/late with the message id, or failed/missed."""
        await self._db.execute(
            "UPDATE reminder_occurrences SET state = ?, message_id = ?, error = ?, finished_at = ?"
            " WHERE reminder_id = ? AND scheduled_utc = ?",
            (str(state), message_id, error, to_iso(now), reminder_id, to_iso(scheduled)),
        )

    async def record_missed(
        self, reminder_id: int, scheduled: datetime, now: datetime, error: str | None = None
    ) -> bool:
        """Write down a post that will never be sent (unless one is already recorded)."""
        stamp = to_iso(now)
        changed = await self._db.execute(
            "INSERT INTO reminder_occurrences (reminder_id, scheduled_utc, state, error,"
            " claimed_at, finished_at) VALUES (?, ?, 'missed', ?, ?, ?)"
            " ON CONFLICT (reminder_id, scheduled_utc) DO NOTHING",
            (reminder_id, to_iso(scheduled), error, stamp, stamp),
        )
        return changed == 1

    async def latest_scheduled(self) -> dict[int, datetime]:
        """Per reminder, the newest occurrence in the ledger (whatever its state)."""
        rows = await self._db.fetchall(
            "SELECT reminder_id, MAX(scheduled_utc) AS last FROM reminder_occurrences"
            " GROUP BY reminder_id"
        )
        return {r["reminder_id"]: from_iso(r["last"]) for r in rows}

    async def unrecorded_claims(self) -> list[Occurrence]:
        rows = await self._db.fetchall(
            "SELECT * FROM reminder_occurrences WHERE state = 'claimed' ORDER BY scheduled_utc"
        )
        return [_occurrence(r) for r in rows]

    async def occurrences(self, reminder_id: int, limit: int = 10) -> list[Occurrence]:
        """Newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM reminder_occurrences WHERE reminder_id = ?"
            " ORDER BY scheduled_utc DESC LIMIT ?",
            (reminder_id, limit),
        )
        return [_occurrence(r) for r in rows]

    async def history(self, reminder_ids: Sequence[int]) -> dict[int, History]:
        """Each reminder's newest occurrence and how many posts it missed, in one query
        (a reminder with no occurrence yet is absent)."""
        if not reminder_ids:
            return {}
        marks = ", ".join("?" * len(reminder_ids))
        rows = await self._db.fetchall(
            "SELECT o.*, m.missed FROM reminder_occurrences o JOIN (SELECT reminder_id,"
            " MAX(scheduled_utc) AS last,"
            " SUM(CASE WHEN state = 'missed' THEN 1 ELSE 0 END) AS missed"
            f" FROM reminder_occurrences WHERE reminder_id IN ({marks}) GROUP BY reminder_id) m"
            " ON o.reminder_id = m.reminder_id AND o.scheduled_utc = m.last",
            list(reminder_ids),
        )
        return {r["reminder_id"]: History(_occurrence(r), int(r["missed"])) for r in rows}
