"""Members' training profiles: one row per Discord user, and forgetting a member's profile.

Everything in a Profile is stored: its own training days as `tue,thu,sat`, the race date as
YYYY-MM-DD, the break length as its value (migration 0004)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.db import Database, Row
from bot.core.isotime import from_iso, to_iso
from bot.features.planner.profile import Profile, parse_weekdays, weekdays_text

_COLUMNS = (
    "user_id, level, goal, hills, days, lifts, age, is_returning, units, weekdays, race_date,"
    " break_length, started_on, created_at, updated_at"
)
_PLACEHOLDERS = ", ".join("?" for _ in _COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class StoredProfile:
    user_id: int
    profile: Profile
    started_on: date  # the Monday the member's week 1 begins
    created_at: datetime
    updated_at: datetime


class ProfileRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> StoredProfile | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM profiles WHERE user_id = ?", (user_id,)
        )
        return None if row is None else _stored(row)

    async def save(
        self,
        user_id: int,
        profile: Profile,
        *,
        now: datetime,
        started_on: date,
        restart: bool = False,
    ) -> StoredProfile:
        """Create or replace the member's profile. `started_on` applies to a new profile (or
        with `restart`); an update keeps the member's week count and creation time."""
        row = await self._db.fetchone(
            f"INSERT INTO profiles ({_COLUMNS}) VALUES ({_PLACEHOLDERS})"
            " ON CONFLICT(user_id) DO UPDATE SET level = excluded.level, goal = excluded.goal,"
            " hills = excluded.hills, days = excluded.days, lifts = excluded.lifts,"
            " age = excluded.age, is_returning = excluded.is_returning, units = excluded.units,"
            " weekdays = excluded.weekdays, race_date = excluded.race_date,"
            " break_length = excluded.break_length,"
            " started_on = CASE WHEN ? = 1 THEN excluded.started_on ELSE profiles.started_on"
            " END, updated_at = excluded.updated_at"
            f" RETURNING {_COLUMNS}",
            (
                user_id,
                profile.level.value,
                profile.goal.value,
                profile.hills.value,
                profile.days,
                int(profile.lifts),
                profile.age.value if profile.age is not None else None,
                int(profile.returning),
                profile.units.value,
                weekdays_text(profile.weekdays),
                profile.race_date.isoformat() if profile.race_date is not None else None,
                profile.break_length.value if profile.break_length is not None else None,
                started_on.isoformat(),
                to_iso(now),
                to_iso(now),
                int(restart),
            ),
        )
        assert row is not None  # RETURNING: the row as saved, in the same trip
        return _stored(row)

    async def holds_member(self, user_id: int) -> bool:
        return await self.get(user_id) is not None

    async def forget_member(self, user_id: int) -> int:
        """Remove the member's profile (registered with the core's MemberData: /profile
        delete runs it with every other feature's, in one transaction)."""
        return await self._db.execute("DELETE FROM profiles WHERE user_id = ?", (user_id,))


def _stored(row: Row) -> StoredProfile:
    return StoredProfile(
        user_id=int(row["user_id"]),
        profile=Profile(
            level=row["level"],
            goal=row["goal"],
            hills=row["hills"],
            days=int(row["days"]),
            lifts=bool(row["lifts"]),
            age=row["age"],
            returning=bool(row["is_returning"]),
            units=row["units"],
            weekdays=parse_weekdays(row["weekdays"]) if row["weekdays"] else None,
            race_date=date.fromisoformat(row["race_date"]) if row["race_date"] else None,
            break_length=row["break_length"],
        ),
        started_on=date.fromisoformat(row["started_on"]),
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )
