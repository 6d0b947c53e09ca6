"""Reminders across processes: heartbeats, which shards a process delivers, failover, claims
taken over exactly once, and one send pace shared by every process. On both stores, in one test
process: two dispatchers with their own process ids and shards over one database."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.shards import Sharding, shard_of
from bot.features.reminders import RemindersContext
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.features.reminders.pacing import SharedPacer
from bot.features.reminders.post import occurrence_nonce
from bot.features.reminders.processes import (
    HEARTBEAT,
    STALE_AFTER,
    Live,
    ProcessRegistry,
    covered_shards,
    gone_here,
)
from bot.features.reminders.repository import NewReminder, Reminder, State
from bot.features.reminders.schedule import Weekday
from tests.support.reminders import MemorySender, dispatcher, utc


@pytest.fixture
def backend(both_backends: str) -> str:
    return both_backends


MONDAY_NOON = utc("2026-03-16T12:00:00Z")
DUE = utc("2026-03-16T12:30:00Z")
GUILD_ON = {0: 2 << 22, 1: 3 << 22}  # a server on shard 0 and one on shard 1 (of 2)


def test_servers_are_on_the_shards_the_test_assumes() -> None:
    assert {shard: shard_of(g, 2) for shard, g in GUILD_ON.items()} == {0: 0, 1: 1}


def test_covered_shards_own_and_orphaned() -> None:
    own0, own1 = Sharding(2, (0,)), Sharding(2, (1,))
    both = [Live("a", frozenset({0}), 2), Live("b", frozenset({1}), 2)]
    assert covered_shards("a", own0, both) == {0}
    assert covered_shards("b", own1, both) == {1}
    # b gone: a (the smallest live id) delivers shard 1 too; a gone: b takes shard 0.
    assert covered_shards("a", own0, both[:1]) == {0, 1}
    assert covered_shards("b", own1, both[1:]) == {0, 1}
    # Three processes, one gone: only the smallest live id takes the orphan.
    three = Sharding(3, (2,))
    alive = [Live("a", frozenset({0}), 3), Live("c", frozenset({2}), 3)]
    assert covered_shards("c", three, alive) == {2}
    assert covered_shards("a", Sharding(3, (0,)), alive) == {0, 1}
    assert covered_shards("solo", Sharding(1, (0,)), []) == {0}


def test_a_killed_process_of_this_machine_is_gone_at_once() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    host = socket.gethostname()[:40]
    assert gone_here(f"{host}:{proc.pid}:abc123")
    assert not gone_here(f"{host}:{os.getpid()}:abc123")  # alive
    assert not gone_here(f"another-machine:{proc.pid}:abc123")  # can't tell: wait for stale


async def test_heartbeats_go_stale_and_a_clean_stop_signs_off(make_app) -> None:
    clock = FakeClock(MONDAY_NOON)
    app: App = await make_app(clock)
    registry = ProcessRegistry(app.services.db)
    await registry.beat("a", Sharding(2, (0,)), clock.now())
    await registry.beat("b", Sharding(2, (1,)), clock.now())
    assert {p.id for p in await registry.alive(clock.now())} == {"a", "b"}
    clock.advance(STALE_AFTER - timedelta(seconds=1))
    await registry.beat("a", Sharding(2, (0,)), clock.now())
    clock.advance(timedelta(seconds=2))  # b's last beat is now older than STALE_AFTER
    (alive,) = await registry.alive(clock.now())
    assert alive == Live("a", frozenset({0}), 2)
    await registry.leave("a")
    assert await registry.alive(clock.now()) == []


def _dispatcher(
    svc: RemindersContext, sender: MemorySender, pid: str, shard: int
) -> ReminderDispatcher:
    """A process of two: its own id and shard, beating in the shared registry."""
    registry = ProcessRegistry(svc.services.db)
    return dispatcher(
        svc, sender, registry=registry, sharding=Sharding(2, (shard,)), process_id=pid
    )


async def _reminder(svc: RemindersContext, shard: int, channel: int) -> Reminder:
    new = NewReminder(GUILD_ON[shard], channel, Weekday.MON, "12:30", "UTC", "Hills", None, None, 1)
    saved = await svc.reminders.add(new, svc.clock.now())
    assert saved is not None
    return saved


async def test_each_process_posts_its_shards_and_takes_over_a_silent_ones(make_app) -> None:
    clock = FakeClock(MONDAY_NOON)
    svc = (await make_app(clock)).reminders
    sender = MemorySender()  # one Discord: a repeated nonce returns the first message
    a = _dispatcher(svc, sender, "a", 0)
    b = _dispatcher(svc, sender, "b", 1)
    mine = [await _reminder(svc, 0, 10), await _reminder(svc, 0, 11)]
    theirs = [await _reminder(svc, 1, 20), await _reminder(svc, 1, 21)]
    await a.run_pass()
    await b.run_pass()

    clock.set(DUE)
    assert b.registry is not None
    await b.registry.beat("b", b.sharding, clock.now())  # b is alive (and busy elsewhere)
    await a.run_pass()  # so a posts only shard 0's servers
    assert sorted(p.channel_id for p in sender.posts) == [10, 11]
    # b claimed one of its posts and died before sending it (SIGKILL between claim and send).
    nonce = occurrence_nonce(theirs[0].id, DUE)
    assert await svc.reminders.claim(theirs[0].id, DUE, nonce, clock.now(), by="b")

    clock.advance(HEARTBEAT)
    await a.run_pass()
    assert sorted(p.channel_id for p in sender.posts) == [10, 11]  # b not stale yet
    clock.advance(STALE_AFTER)
    await a.run_pass()  # b silent for longer than STALE_AFTER: a delivers shard 1 too
    assert a.covered == {0, 1}
    assert sorted(p.channel_id for p in sender.posts) == [10, 11, 20, 21]
    for r in [*mine, *theirs]:
        (occ,) = await svc.reminders.occurrences(r.id)
        assert occ.state is State.SENT, (r.id, occ)
    (taken,) = await svc.reminders.occurrences(theirs[0].id)
    assert taken.claimed_by == "a" and taken.nonce == nonce  # resent under b's nonce

    await b.run_pass()  # b comes back: its shard is its own again, nothing is sent twice
    await a.run_pass()
    assert a.covered == {0} and b.covered == {1}
    assert len(sender.posts) == 4


async def test_a_claim_is_taken_over_by_one_process_only(make_app) -> None:
    clock = FakeClock(DUE)
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc, 1, 20)
    assert await svc.reminders.claim(r.id, DUE, "n", clock.now(), by="gone")
    (occ,) = await svc.reminders.unrecorded_claims()
    won = await asyncio.gather(*(svc.reminders.take_over(occ, p) for p in ("a", "c", "d")))
    assert sorted(won) == [False, False, True]


async def test_the_send_pace_is_shared_by_every_process(make_app) -> None:
    app: App = await make_app(FakeClock(DUE))
    db = app.services.db
    first, second = SharedPacer(db, rate=10), SharedPacer(db, rate=10)
    slots = []
    for i in range(8):
        await (first if i % 2 else second)._reserve()
        slots.append(float((await db.fetchone("SELECT next_at FROM send_pacing"))[0]))
    # Each reservation, whichever process makes it, takes the slot 0.1 s after the last one.
    steps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert steps == pytest.approx([0.1] * 7, abs=1e-6)


class GatedSender(MemorySender):
    """Holds every post to channel `gate_channel` until `release` is set: a long fan-out."""

    def __init__(self, gate_channel: int) -> None:
        super().__init__()
        self.gate_channel = gate_channel
        self.release = asyncio.Event()

    async def send(self, channel_id: int, reply: Any, nonce: str | None) -> int:
        if channel_id == self.gate_channel:
            await self.release.wait()
        return await super().send(channel_id, reply, nonce)


async def test_a_busy_process_keeps_beating_and_takes_over_at_once(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.features.reminders.dispatcher.HEARTBEAT", timedelta(milliseconds=20))
    clock = FakeClock(DUE)
    svc = (await make_app(clock)).reminders
    sender = GatedSender(gate_channel=10)
    a = _dispatcher(svc, sender, "a", 0)
    registry = ProcessRegistry(svc.services.db)
    await registry.beat("b", Sharding(2, (1,)), clock.now())
    clock.set(DUE - timedelta(minutes=1))
    await _reminder(svc, 0, 10)  # a's own post: its send hangs (a long fan-out)
    theirs = await _reminder(svc, 1, 20)  # b's post
    clock.set(DUE)
    a.start()
    try:
        await asyncio.sleep(0.1)
        assert sender.posts == []  # a's main pass is stuck in its own fan-out
        clock.advance(STALE_AFTER + timedelta(seconds=1))  # b has gone quiet meanwhile
        for _ in range(250):  # up to 5 s on a busy machine
            if any(p.channel_id == 20 for p in sender.posts):
                break
            await asyncio.sleep(0.02)
        # a still beats (not taken for gone) and delivered b's post beside its stuck pass.
        assert "a" in {p.id for p in await registry.alive(clock.now())}
        assert [p.nonce for p in sender.posts] == [occurrence_nonce(theirs.id, DUE)]
        sender.release.set()
        await a.poke()
        assert sorted(p.channel_id for p in sender.posts) == [10, 20]  # each once
    finally:
        sender.release.set()
        await a.stop()


async def test_rows_of_processes_gone_for_an_hour_are_dropped(make_app) -> None:
    clock = FakeClock(MONDAY_NOON)
    app: App = await make_app(clock)
    registry = ProcessRegistry(app.services.db)
    await registry.beat("old", Sharding(1, (0,)), clock.now())
    clock.advance(timedelta(minutes=59))
    await registry.beat("recent", Sharding(1, (0,)), clock.now())
    assert await registry.forget_stale(clock.now()) == 0
    clock.advance(timedelta(minutes=2))
    assert await registry.forget_stale(clock.now()) == 1  # "old", not "recent"
    rows = await app.services.db.fetchall("SELECT id FROM processes")
    assert [r[0] for r in rows] == ["recent"]
