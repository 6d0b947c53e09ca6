"""Per-server settings: the default timezone for new reminders and the admin channel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.db import Database


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    timezone: str | None = None
    admin_channel_id: int | None = None


class GuildSettingsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self._db.fetchone(
            "SELECT guild_id, timezone, admin_channel_id FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(row["guild_id"], row["timezone"], row["admin_channel_id"])

    async def set_timezone(self, guild_id: int, timezone: str) -> None:
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, timezone) VALUES (?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET timezone = excluded.timezone,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (guild_id, timezone),
        )

    async def set_admin_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, admin_channel_id) VALUES (?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET admin_channel_id = excluded.admin_channel_id,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (guild_id, channel_id),
        )
