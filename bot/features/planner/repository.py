"""Members' training profiles: one row per Discord user, and forgetting a member's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.db import Database
from bot.core.isotime import from_iso, to_iso
from bot.features.planner.profile import Profile

_COLUMNS = (
    "user_id, level, goal, hills, days, lifts, age, is_returning, units, started_on, created_at,"
    " updated_at"
)


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
        if row is None:
            return None
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
            ),
            started_on=date.fromisoformat(row["started_on"]),
            created_at=from_iso(row["created_at"]),
            updated_at=from_iso(row["updated_at"]),
        )

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
        await self._db.execute(
            f"INSERT INTO profiles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET level = excluded.level, goal = excluded.goal,"
            " hills = excluded.hills, days = excluded.days, lifts = excluded.lifts,"
            " age = excluded.age, is_returning = excluded.is_returning, units = excluded.units,"
            " started_on = CASE WHEN ? THEN excluded.started_on ELSE profiles.started_on END,"
            " updated_at = excluded.updated_at",
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
                started_on.isoformat(),
                to_iso(now),
                to_iso(now),
                int(restart),
            ),
        )
        stored = await self.get(user_id)
        assert stored is not None  # just written on this connection
        return stored

    async def forget_member(self, user_id: int) -> int:
        """Remove the member's profile (registered with the core's MemberData: /profile
        delete runs it with every other feature's, in one transaction)."""
        return await self._db.execute("DELETE FROM profiles WHERE user_id = ?", (user_id,))
