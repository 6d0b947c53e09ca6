"""Members' training profiles: one row per Discord user, and forgetting a member entirely."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.features.planner.profile import Profile
from bot.core.db import Database

_COLUMNS = (
    "user_id, level, goal, hills, days, lifts, age, is_returning, units, started_on, created_at,"
    " updated_at"
)

# Everything stored about one member, removed together by `delete` (/profile delete). A feature
# that adds a per-member table must add its DELETE here, keyed by the Discord user id. Club data
# a member created (a reminder) stays the club's, but loses the link to who created it (0).
FORGET_MEMBER_SQL: tuple[str, ...] = (
    "DELETE FROM profiles WHERE user_id = ?",
    "UPDATE reminders SET created_by = 0 WHERE created_by = ?",
)


@dataclass(frozen=True, slots=True)
class StoredProfile:
    user_id: int
    profile: Profile
    started_on: date  # the Monday the member's week 1 begins
    created_at: datetime
    updated_at: datetime


def _iso(instant: datetime) -> str:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


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
            created_at=_instant(row["created_at"]),
            updated_at=_instant(row["updated_at"]),
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
                _iso(now),
                _iso(now),
                int(restart),
            ),
        )
        stored = await self.get(user_id)
        assert stored is not None  # just written on this connection
        return stored

    async def delete(self, user_id: int) -> bool:
        """Remove everything stored about the member (see FORGET_MEMBER_SQL); True if there was
        anything to remove (the profile, or a link to them on club data)."""
        removed = 0
        async with self._db.transaction():
            for sql in FORGET_MEMBER_SQL:
                removed += await self._db.execute(sql, (user_id,))
        return removed > 0
