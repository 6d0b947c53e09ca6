"""Which bot processes are alive, and so which servers' posts this process delivers.

Each process beats every HEARTBEAT (its row in `processes`: the shards it serves). Reminders
belong to their server's shard; a process delivers its own shards' posts, and the live process
with the smallest id also delivers the shards nobody alive serves (a process that was killed,
or never started): failover within STALE_AFTER of the last beat. Exactly once still comes from
the claim ledger, so two processes briefly covering the same shard post nothing twice.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.db import Database
from bot.core.isotime import from_iso, to_iso
from bot.core.shards import Sharding, shard_of

HEARTBEAT = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=15)  # three missed beats: the process is gone


def new_process_id() -> str:
    """Unique per start: host, pid and a random tag (a restarted process is a new one)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class Live:
    """A process that beat recently: the shards it serves, of how many."""

    id: str
    shards: frozenset[int]
    count: int


def gone_here(process_id: str) -> bool:
    """A process of this machine (by its id) that no longer runs: it was killed, so its claims
    need not wait for its heartbeat to go stale."""
    parts = process_id.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname()[:40] or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (another user's): alive
    return False


def covered_shards(me: str, own: Sharding, alive: Iterable[Live]) -> frozenset[int]:
    """The shards whose posts this process delivers: its own, and (if it is the live process
    with the smallest id) every shard that no other live process serves."""
    others = [p for p in alive if p.id != me]
    served = set().union(*(p.shards for p in others if p.count == own.count))
    covered = set(own.ids)
    if all(me < p.id for p in others):
        covered |= set(range(own.count)) - served
    return frozenset(covered)


def in_shards(guild_id: int, count: int, shards: frozenset[int]) -> bool:
    return shard_of(guild_id, count) in shards


class ProcessRegistry:
    """The `processes` table: heartbeats in, the live processes out."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def beat(self, process_id: str, own: Sharding, now: datetime) -> None:
        stamp = to_iso(now)
        await self._db.execute(
            "INSERT INTO processes (id, shards, shard_count, started_at, seen_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
            (process_id, ",".join(map(str, own.ids)), own.count, stamp, stamp),
        )

    async def alive(self, now: datetime) -> list[Live]:
        """Processes seen within STALE_AFTER, less those of this machine that no longer run."""
        cutoff = to_iso(now - STALE_AFTER)
        rows = await self._db.fetchall(
            "SELECT id, shards, shard_count, seen_at FROM processes WHERE seen_at >= ?",
            (cutoff,),
        )
        return [
            Live(
                str(r["id"]),
                frozenset(int(s) for s in str(r["shards"]).split(",") if s),
                int(r["shard_count"]),
            )
            for r in rows
            if from_iso(r["seen_at"]) >= now - STALE_AFTER and not gone_here(str(r["id"]))
        ]

    async def forget_stale(self, now: datetime) -> int:
        """Rows of processes gone for an hour: kept a while for operators, then dropped."""
        return await self._db.execute(
            "DELETE FROM processes WHERE seen_at < ?", (to_iso(now - timedelta(hours=1)),)
        )

    async def leave(self, process_id: str) -> None:
        """A clean stop: the others take this process's shards over at once."""
        await self._db.execute("DELETE FROM processes WHERE id = ?", (process_id,))
