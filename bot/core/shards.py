"""Which gateway shard a server is on, and which shards this process serves.

Pure: no Discord, no database. A big bot splits its servers over `SHARD_COUNT` gateway
connections (shards), possibly across processes (`SHARD_IDS`); Discord puts each server on one
shard by a fixed formula, so any process can tell whether a server is its own.
"""

from __future__ import annotations

from typing import NamedTuple


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that carries a server's events: Discord's `(guild_id >> 22) % shard_count`."""
    if shard_count < 1:
        raise ValueError(f"shard_count must be at least 1, not {shard_count}")
    return (guild_id >> 22) % shard_count


class Sharding(NamedTuple):
    """This process's part of a sharded bot: `count` shards in all, of which it runs `ids`."""

    count: int
    ids: tuple[int, ...]

    def serves(self, guild_id: int) -> bool:
        """Whether a server's events (and so its background work) belong to this process."""
        return shard_of(guild_id, self.count) in self.ids

    @property
    def syncs_commands(self) -> bool:
        """Commands are global, so one process syncs them at start-up: the one with shard 0."""
        return 0 in self.ids
