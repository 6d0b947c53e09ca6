"""Scale: interactions, a reminder fan-out and failover on SQLite x1, PostgreSQL x1 and x2.

Run from the repository root: `.venv/bin/python -m bench.scale [--quick]`.
Issue 14's acceptance figures, one row per configuration, all in one run: `sqlite x1` (one
`python -m bot run` on a SQLite file), `postgresql x1` (one process on PostgreSQL) and
`postgresql x2 (shards 0,1)` (SHARD_COUNT=2, SHARD_IDS=0 and =1, one database). Each gets a
fresh database (a SQLite file in a temporary folder; a new database on one throwaway
PostgreSQL server that this script starts and stops) and its own fake Discord in this process
(as many shards as processes, Discord's rate limits on: 50 requests/s global, 5 posts per 5 s
per channel; request validation off, as in bench.load: it is measured elsewhere).

1. Interactions, with bench.load's members (FAQ question / autocomplete / /plan, think 1-3 s),
   spread over four servers (on both shards with two processes): after a 3 s warm-up, a window
   at a fixed offered load (`--fixed-members`, 300 members ~ 150 interactions/s) for its
   p50/p99; then windows of x1.5 members until the p99 passes 100 ms or an answer is late or
   lost, as bench.load's `--knee` does: the knee is the most answered interactions/s that stayed
   under. Then one window at 2,400 members (~1,200/s offered, far more than the knee): the
   answered interactions/s at saturation.
2. Reminders: 25 per server (the product's limit) in 2 channels each (Discord allows a channel 5
   posts per 5 s), all due in the current minute, seeded in one transaction while the processes
   run. Printed: seconds from the commit to the last post beside the bound at 50 requests/s
   (5,000 / 50 = 100 s; the bot paces itself at 48/s, so ~104 s plus up to a 5 s pass is
   expected), whether each post went out exactly once (nonces), the 429s, the busiest second.
   The fan-out runs on the processes that just served the interaction windows, saturation
   included, as a busy bot would.
3. Failover (two processes only): a second batch, and shard 1's process is SIGKILLed a quarter
   of the way through; the delay from the kill to the survivor's first post in shard 1's
   servers, and again exactly once. On one machine the survivor sees at its next beat that the
   killed pid is gone (processes.gone_here) rather than waiting 15 s for it to go stale, but it
   beats only between passes, and a pass first sends every post it found due: the delay is the
   rest of its own shard's fan-out (printed) plus up to one 5 s beat.

Sizes: by default 5,000 reminders (1,000 in the failover batch), windows of 15 s (fixed) and
6 s (knee, saturation), about 11 minutes in all; `--quick` 1,000 (500), 6 s and 3 s windows and
x2 members per knee step, about 4 minutes.

The load driver (members, fake Discord) runs in this process and shares the machine's cores with
the bots and PostgreSQL: its CPU is printed, and the machine facts at the top. Prints, never
asserts. Every subprocess and the PostgreSQL server are stopped on the way out, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.load import (
    CLOCK_TICKS,
    KINDS,
    THINK_S,
    Driver,
    Result,
    _cpu_seconds,
    _create_profiles,
    _pct,
    _rate,
)
from bench.stacked import Stacked
from bench.startup import ROOT, rss_mb
from bot.core.db import open_database
from bot.core.settings import Settings, load_settings
from bot.features.reminders.post import occurrence_nonce
from tests.support import postgres as pg
from tests.support.fakediscord import FakeDiscord, RateLimitConfig
from tests.support.fakediscord.model import Channel, Guild, User
from tests.support.reminders import busiest_second, seed_many

SETTINGS_VARS = frozenset(name.upper() for name in Settings.model_fields)
LIMITS = RateLimitConfig(enabled=True, global_limit=50, global_window=1.0)
LOAD_GUILDS = 4  # the members' servers, taking the shards in turn
PER_SERVER = 25  # reminders: the product's limit per server
CHANNELS = 2  # per reminder server: 5 posts per 5 s each, so 400 channels are plenty for 50/s
BOUND_RATE = 50.0  # Discord's global limit: the bound is posts / 50 s
P99_MS = 100.0
CORES = len(os.sched_getaffinity(0))
START_TIMEOUT_S = 90.0
WARM_UP_S = 3.0

_children: list[subprocess.Popen[bytes]] = []  # every bot process, for the last-resort kill


@dataclass(frozen=True)
class Config:
    label: str
    backend: str  # "sqlite" | "postgresql"
    processes: int


CONFIGS = (
    Config("sqlite x1", "sqlite", 1),
    Config("postgresql x1", "postgresql", 1),
    Config("postgresql x2 (shards 0,1)", "postgresql", 2),
)


@dataclass(frozen=True)
class Plan:
    fixed_members: int
    fixed_window: float
    knee_window: float
    knee_factor: float
    knee_max: int
    reminders: int
    failover_reminders: int
    settle: float  # after the last post: a pass or two more, to see nothing is sent twice
    seed: int


@dataclass
class FanOut:
    total: int
    posted: int = 0
    seed_s: float = 0.0  # seeding, up to the commit
    last_s: float = float("nan")  # commit -> last post
    first_to_last_s: float = float("nan")
    missing: int = 0
    twice: int = 0
    extra: int = 0
    rejected: Counter[str] = field(default_factory=Counter)  # 429s during the fan-out
    busiest: int = 0
    failover_s: float = float("nan")  # the kill -> the survivor's first post in shard 1
    own_until_s: float = float("nan")  # the kill -> the survivor's last own post before that
    rss_mb: float = float("nan")  # the bot processes' resident memory before the fan-out, summed
    gc_objects: int = 0  # this process's objects before the fan-out (frozen during it)
    gc_pass_ms: float = float("nan")  # one full collection over them
    posts_at_kill: int = 0

    @property
    def once(self) -> str:
        if not (self.missing or self.twice or self.extra):
            return "yes"
        return f"{self.missing} lost, {self.twice} twice, {self.extra} extra"


@dataclass
class Row:
    config: Config
    fixed: Window | None = None
    steps: list[Window] = field(default_factory=list)
    knee: Window | None = None
    saturation: Window | None = None
    knee_why: str = ""
    fan_out: FanOut | None = None
    failover: FanOut | None = None
    error: str = ""


@dataclass
class Window(Result):
    busy: float = float("nan")  # the machine's busy CPU seconds over the window, all cores


def _machine_busy() -> float:
    """Busy CPU seconds so far, summed over every core (/proc/stat: all but idle and iowait)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS


def _post_channel(method: str, path: str) -> int | None:
    """The channel a message create (`POST /channels/<id>/messages`) posts to, else None."""
    parts = path.split("/")
    if method == "POST" and len(parts) == 4 and parts[1] == "channels" and parts[3] == "messages":
        return int(parts[2])
    return None


class Cluster(Stacked):
    """One configuration: a fake Discord, its servers, the bot processes on one database."""

    def __init__(self, config: Config, plan: Plan, db: str, folder: Path) -> None:
        self.config, self.plan, self.db, self.folder = config, plan, db, folder
        self.users: list[User] = []
        self.profiled = 0
        self.has_plan = False
        self.procs: list[subprocess.Popen[bytes]] = []

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        count = self.config.processes
        fake = FakeDiscord(validate=False, shards=count, rate_limits=LIMITS)
        self.fake = await stack.enter_async_context(fake)
        self.load_guilds: list[tuple[Guild, Channel]] = []
        for i in range(LOAD_GUILDS):
            guild = self.fake.add_guild(f"Load Harriers {i}", shard=i % count)
            self.load_guilds.append((guild, self.fake.add_channel(guild, "general")))
        self.batch = self._servers("Club", self.plan.reminders // PER_SERVER)
        self.relay = self._servers("Relay", self.plan.failover_reminders // PER_SERVER)
        stack.push_async_callback(self.stop)
        self.procs = [self.spawn(i) for i in range(count)]
        await self._ready()

    def _servers(self, name: str, n: int) -> list[tuple[Guild, list[Channel]]]:
        if self.config.processes < 2 and name == "Relay":
            return []  # the failover batch: two processes only
        servers = []
        for g in range(n):
            guild = self.fake.add_guild(f"{name} {g}", shard=g % self.config.processes)
            chans = [self.fake.add_channel(guild, f"training-{c}") for c in range(CHANNELS)]
            servers.append((guild, chans))
        return servers

    def spawn(self, index: int) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
        env.update(
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
            DISCORD_TOKEN=self.fake.token,
            DISCORD_API_BASE=self.fake.api_base,
            DISCORD_GATEWAY_URL=self.fake.gateway_url,
            LOG_LEVEL="WARNING",  # as bench.load: no per-interaction logging in the measurement
        )
        if self.db.startswith("postgresql://"):
            env["DATABASE_URL"] = self.db
        else:
            env["DATABASE_PATH"] = self.db
        if self.config.processes > 1:
            env.update(SHARD_COUNT=str(self.config.processes), SHARD_IDS=str(index))
        with (self.folder / f"bot{index}.log").open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.folder,  # no stray .env from the checkout
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        _children.append(proc)
        return proc

    def _log_tails(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}"
            for p in sorted(self.folder.glob("bot*.log"))
        )

    async def _ready(self) -> None:
        shards = range(self.config.processes)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (
            self.fake.command_syncs and all(self.fake.gateway.shard_connected(s) for s in shards)
        ):
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"a bot process exited at start-up\n{self._log_tails()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bots did not connect in time\n{self._log_tails()}")
            await asyncio.sleep(0.1)
        names = {c["name"] for c in self.fake.command_syncs[-1][1]}
        self.has_plan = {"plan", "profile"} <= names

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while any(p.poll() is None for p in self.procs) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # the fake keeps serving while they shut down
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def alive(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is None]

    # -- interactions ----------------------------------------------------------------------------

    async def ensure_members(self, members: int) -> None:
        while len(self.users) < members:
            guild, _ = self.load_guilds[len(self.users) % LOAD_GUILDS]
            self.users.append(self.fake.add_member(guild, f"runner{len(self.users)}"))
        if self.has_plan and self.profiled < members:
            new = list(range(self.profiled, members))
            chunks = [new[i::32] for i in range(32)]  # 32 at a time: quicker than one by one
            await asyncio.gather(*(self._profiles(chunk) for chunk in chunks if chunk))
            self.profiled = members

    async def _profiles(self, indexes: list[int]) -> None:
        for i in indexes:
            guild, channel = self.load_guilds[i % LOAD_GUILDS]
            await _create_profiles(self.fake, guild, channel, [self.users[i]])

    async def window(self, members: int, duration: float, seed: int) -> Window:
        """The first `members` members (each on its server) for `duration` s, measured as
        bench.load measures a window; CPU summed over the bot processes."""
        await self.ensure_members(members)
        drivers = [
            Driver(self.fake, guild, channel, seed * 100 + i, THINK_S)
            for i, (guild, channel) in enumerate(self.load_guilds)
        ]
        for driver in drivers:
            driver.has_plan = self.has_plan
        pids = self.alive()
        result = Window(self.config.label, members)
        await asyncio.sleep(1.0)  # the previous window's stragglers are done
        gc.collect()
        gc.freeze()
        gc.disable()  # no collector pauses in this process while measuring (see bench.load)
        try:
            cpu_before = sum(_cpu_seconds(pid) for pid in pids)
            own_before = time.process_time()
            busy_before = _machine_busy()
            started = time.perf_counter()
            deadline = started + duration
            await asyncio.gather(
                *(
                    drivers[i % LOAD_GUILDS].member(user, deadline)
                    for i, user in enumerate(self.users[:members])
                )
            )
            result.wall = time.perf_counter() - started
            result.cpu = sum(_cpu_seconds(pid) for pid in pids) - cpu_before
            result.own = time.process_time() - own_before
            result.busy = _machine_busy() - busy_before
        finally:
            gc.enable()
            gc.unfreeze()
            gc.collect()
        for driver in drivers:
            result.outcomes.update(driver.outcomes)
        result.latency = {
            kind: [v for driver in drivers for v in driver.latency[kind]] for kind in KINDS
        }
        return result

    # -- reminders -------------------------------------------------------------------------------

    def _settings(self) -> Settings:
        if self.db.startswith("postgresql://"):
            return load_settings(_env_file=None, database_url=self.db)
        return load_settings(_env_file=None, database_url=None, database_path=Path(self.db))

    async def seed(self, servers: list[tuple[Guild, list[Channel]]], due: datetime) -> list[int]:
        """25 weekly UTC reminders per server, all due at `due`, in one transaction."""
        db = await open_database(self._settings())
        try:
            return await seed_many(db, servers, due, PER_SERVER)
        finally:
            await db.close()

    async def claimed_by(self) -> dict[int, str]:
        """The ledger: reminder id -> the process that claimed (or took over) its post."""
        db = await open_database(self._settings(), migrations=())
        try:
            rows = await db.fetchall("SELECT reminder_id, claimed_by FROM reminder_occurrences")
        finally:
            await db.close()
        return {int(r[0]): str(r[1]) for r in rows}

    async def fan_out(self, servers: list[tuple[Guild, list[Channel]]], kill: bool) -> FanOut:
        """Seed the servers' reminders, due this minute, and watch them go out; with `kill`,
        SIGKILL shard 1's process a quarter of the way through."""
        fake = self.fake
        channels = {c.id for _, chans in servers for c in chans}
        shard_one = {c.id for g, chans in servers if fake.shard_of(g) == 1 for c in chans}
        out = FanOut(len(servers) * PER_SERVER)
        out.rss_mb = sum(rss_mb(pid) for pid in self.alive())
        # Everything alive so far (mostly the fake's records of the interaction windows) is
        # frozen, so the collector's passes during the fan-out skip it: a full pass over it
        # (printed) would stall this process's loop, the fake's, and bunch the requests queued
        # meanwhile into one of its one-second windows.
        began = time.perf_counter()
        gc.collect()
        out.gc_objects, out.gc_pass_ms = len(gc.get_objects()), 1000 * (time.perf_counter() - began)
        gc.freeze()
        try:
            return await self._fan_out(servers, kill, out, channels, shard_one)
        finally:
            gc.unfreeze()

    async def _fan_out(
        self,
        servers: list[tuple[Guild, list[Channel]]],
        kill: bool,
        out: FanOut,
        channels: set[int],
        shard_one: set[int],
    ) -> FanOut:
        fake = self.fake
        first_request, stats_before = len(fake.requests), Counter(fake.stats)

        seen: set[str] = set()
        scanned = first_request

        def posted() -> int:
            """Posts so far, by their nonces in the requests (cheap: fake.messages() scans every
            message the fake holds, tens of thousands after the interaction windows, so calling
            it per channel while polling would starve this process's loop, the fake's too).
            A request answered 429 counts early; the exact count is taken at the end."""
            nonlocal scanned
            requests = fake.requests
            for r in requests[scanned:]:
                if _post_channel(r.method, r.path) in channels:
                    seen.add(str((r.json or {}).get("nonce")))
            scanned = len(requests)
            return len(seen)

        due = datetime.now(UTC).replace(second=0, microsecond=0)
        began = time.monotonic()
        ids = await self.seed(servers, due)
        committed = time.monotonic()
        out.seed_s = committed - began
        killed_at, survivor = float("nan"), 0
        if kill:
            while posted() < out.total // 4 and time.monotonic() - committed < 120:
                await asyncio.sleep(0.05)
            victim, survivor = self.procs[1], self.procs[0].pid
            victim.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            while victim.poll() is None:  # reaped: its pid is gone at once
                await asyncio.sleep(0.01)
            out.posts_at_kill = posted()
        deadline = committed + out.total / 40 + 90  # well past the pace, then give up
        while posted() < out.total and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(self.plan.settle)

        creates = [
            r for r in fake.requests[first_request:] if _post_channel(r.method, r.path) in channels
        ]
        times = [r.at for r in creates]
        if times:
            out.last_s = max(times) - committed
            out.first_to_last_s = max(times) - min(times)
            out.busiest = busiest_second(times)
        out.rejected = Counter(
            {k: v - stats_before.get(k, 0) for k, v in fake.stats.items() if k.startswith("429")}
        )
        # Once, after the measurement: a few seconds over every message the fake holds.
        nonces = Counter(m.get("nonce") for c in channels for m in fake.messages(c))
        expected = {occurrence_nonce(rid, due) for rid in ids}
        out.posted = sum(nonces.values())
        out.missing = len(expected - set(nonces))
        out.twice = sum(n - 1 for n in nonces.values() if n > 1)
        out.extra = sum(n for nonce, n in nonces.items() if nonce not in expected)
        if kill:
            owner = await self.claimed_by()
            by_survivor = [
                r.at
                for r in creates
                if _post_channel(r.method, r.path) in shard_one
                and r.at > killed_at
                and f":{survivor}:" in owner.get(_reminder_id(r.json), "")
            ]
            if by_survivor:
                out.failover_s = min(by_survivor) - killed_at
                own = [
                    r.at
                    for r in creates
                    if _post_channel(r.method, r.path) not in shard_one
                    and killed_at < r.at < min(by_survivor)
                ]
                out.own_until_s = max(own) - killed_at if own else 0.0
        return out


def _reminder_id(body: Any) -> int:
    nonce = str((body or {}).get("nonce", ""))  # r<id>t<timestamp>
    try:
        return int(nonce[1:].split("t", 1)[0])
    except ValueError:
        return -1


# -- the run ---------------------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return 1000 * (statistics.median(values) if q == 0.5 else _pct(values, q))


def _passes(r: Result) -> bool:
    return not (r.outcomes["late"] or r.outcomes["lost"]) and _ms(r.all_latency(), 0.99) <= P99_MS


def _step_line(label: str, r: Window) -> None:
    bad = r.outcomes["late"] + r.outcomes["lost"]
    print(
        f"    {r.members:>5} members: {_rate(r):6.1f} answered/s, p50 "
        f"{_ms(r.all_latency(), 0.5):6.1f} ms, p99 {_ms(r.all_latency(), 0.99):7.1f} ms, "
        f"late/lost {bad}, bots' CPU {100 * r.cpu / r.wall:.0f}%, "
        f"driver CPU {100 * r.own / r.wall:.0f}% of one core; machine "
        f"{100 * r.busy / r.wall:.0f}% of {100 * CORES}% busy",
        flush=True,
    )


async def interactions(cluster: Cluster, plan: Plan, row: Row) -> None:
    await _knee(cluster, plan, row)
    # Saturation: offered far more than the knee, the answered rate is what the bots (and this
    # machine) can take at all; answers then come late (over 3 s) or not at all (10 s).
    last = row.steps[-1]
    if last.members >= plan.knee_max and not _passes(last):
        row.saturation = last
        return
    offered = plan.knee_max / (sum(THINK_S) / 2)
    print(f"  saturation: {plan.knee_max} members (~{offered:.0f}/s offered)", flush=True)
    row.saturation = await cluster.window(plan.knee_max, plan.knee_window, plan.seed + 500)
    _step_line(cluster.config.label, row.saturation)


async def _knee(cluster: Cluster, plan: Plan, row: Row) -> None:
    label = cluster.config.label
    # Unmeasured: the first answers pay one-time costs (database connections, caches).
    await cluster.window(plan.fixed_members, WARM_UP_S, plan.seed + 1000)
    print(
        f"  interactions: fixed load, {plan.fixed_members} members for {plan.fixed_window:g} s "
        f"(after a {WARM_UP_S:g} s warm-up)"
    )
    row.fixed = await cluster.window(plan.fixed_members, plan.fixed_window, plan.seed)
    row.steps.append(row.fixed)
    _step_line(label, row.fixed)
    members, step = plan.fixed_members, 1
    going_up = _passes(row.fixed)
    if going_up:
        row.knee = row.fixed
    print(
        f"  knee search: x{plan.knee_factor:g} members per {plan.knee_window:g} s window "
        f"{'up' if going_up else 'down'} from there, until p99 > {P99_MS:.0f} ms or late/lost"
    )
    while True:
        if going_up:
            members = min(plan.knee_max, round(members * plan.knee_factor))
        else:
            members = round(members / plan.knee_factor)
            if members < 10:
                row.knee_why = "no window passed"
                return
        r = await cluster.window(members, plan.knee_window, plan.seed + step)
        row.steps.append(r)
        _step_line(label, r)
        step += 1
        if going_up and not _passes(r):
            row.knee_why = f"p99 {_ms(r.all_latency(), 0.99):.0f} ms at {members} members"
            if r.outcomes["late"] or r.outcomes["lost"]:
                row.knee_why += f", {r.outcomes['late'] + r.outcomes['lost']} late/lost"
            return
        if not going_up and _passes(r):
            row.knee = r
            row.knee_why = "searched down from the fixed load"
            return
        if going_up:
            row.knee = r
            if members >= plan.knee_max:
                row.knee_why = f"reached {plan.knee_max} members (the knee is higher)"
                return


def _fan_out_line(what: str, f: FanOut) -> None:
    bound = f.total / BOUND_RATE
    rejected = ", ".join(f"{k} {v}" for k, v in sorted(f.rejected.items()) if v) or "none"
    print(
        f"  {what}: {f.posted}/{f.total} posted; seeded in {f.seed_s:.1f} s; last post "
        f"{f.last_s:.1f} s after the commit (bound {bound:.0f} s at {BOUND_RATE:.0f}/s; first to "
        f"last {f.first_to_last_s:.1f} s = {(f.posted - 1) / f.first_to_last_s:.1f}/s); exactly "
        f"once: {f.once}; 429s: {rejected}; busiest second {f.busiest} requests (bots' RSS before "
        f"{f.rss_mb:.0f} MB; driver: {f.gc_objects:,} objects frozen, a full collection took "
        f"{f.gc_pass_ms:.0f} ms)",
        flush=True,
    )


async def run_config(config: Config, plan: Plan, server: pg.Server | None, tmp: Path) -> Row:
    row = Row(config)
    folder = tmp / config.label.split()[0] / str(config.processes)
    folder.mkdir(parents=True)
    if config.backend == "postgresql":
        assert server is not None
        db = await pg.create_database(server, pg.new_database_name())
    else:
        db = str(folder / "coach.db")
    began = time.monotonic()
    async with Cluster(config, plan, db, folder) as cluster:
        print(
            f"  {config.processes} process(es) up in {time.monotonic() - began:.1f} s "
            f"(pids {', '.join(map(str, cluster.alive()))})",
            flush=True,
        )
        await interactions(cluster, plan, row)
        print(f"  reminders: {len(cluster.batch) * PER_SERVER} due this minute", flush=True)
        row.fan_out = await cluster.fan_out(cluster.batch, kill=False)
        _fan_out_line("fan-out", row.fan_out)
        if cluster.relay:
            total = len(cluster.relay) * PER_SERVER
            print(f"  failover: {total} more due, shard 1's process SIGKILLed a quarter through")
            row.failover = await cluster.fan_out(cluster.relay, kill=True)
            _fan_out_line("with the kill", row.failover)
            print(
                f"  killed after {row.failover.posts_at_kill} posts; the survivor's first post "
                f"in shard 1's servers {row.failover.failover_s:.1f} s after the kill (its own "
                f"shard's posts found due before the kill ran until "
                f"{row.failover.own_until_s:.1f} s after it)",
                flush=True,
            )
    return row


def _table(rows: list[Row], plan: Plan) -> None:
    offered = plan.fixed_members / (sum(THINK_S) / 2)
    flood = plan.knee_max / (sum(THINK_S) / 2)
    print()
    print(
        f"interactions (answered/s): knee = the most with p99 < {P99_MS:.0f} ms and none late or"
        f" lost; saturated = at {plan.knee_max} members (~{flood:.0f}/s offered, far more than"
        f" the knee); p50/p99 at the fixed load, {plan.fixed_members} members (~{offered:.0f}/s)"
    )
    print(
        f"reminders: {plan.reminders} due in one minute, seconds from the commit to the last post"
        f" beside the bound at {BOUND_RATE:.0f} requests/s; 429s answered by the fake; busiest ="
        f" most message posts in one sliding second; failover: SIGKILL -> the survivor's first"
        f" post in the killed shard's servers ({plan.failover_reminders} due)"
    )
    head = (
        f"{'configuration':<27} {'knee/s':>7} {'saturated':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'posts':>6} {'last s':>7} {'bound s':>7} {'once':>5} {'429s':>5} {'busiest':>7} "
        f"{'failover':>9} {'once':>5}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        if row.error:
            print(f"{row.config.label:<27} failed: {row.error}")
            continue
        knee = f"{_rate(row.knee):.1f}" if row.knee else "none"
        sat = f"{_rate(row.saturation):.1f}" if row.saturation else "-"
        lat = row.fixed.all_latency() if row.fixed else []
        line = f"{row.config.label:<27} {knee:>7} {sat:>9} {_ms(lat, 0.5):>7.1f} "
        line += f"{_ms(lat, 0.99):>7.1f} "
        if (f := row.fan_out) is not None:
            once = "yes" if f.once == "yes" else "NO"
            line += (
                f"{f.posted:>6} {f.last_s:>7.1f} {f.total / BOUND_RATE:>7.0f} {once:>5} "
                f"{f.rejected['429']:>5} {f.busiest:>7} "
            )
        else:
            line += f"{'-':>6} {'-':>7} {'-':>7} {'-':>5} {'-':>5} {'-':>7} "
        if (fo := row.failover) is not None:
            once = "yes" if fo.once == "yes" else "NO"
            line += f"{fo.failover_s:>8.1f}s {once:>5}"
        else:
            line += f"{'n/a':>9} {'n/a':>5}"
        print(line)
    for row in rows:
        if row.error:
            continue
        notes = [f"knee search stopped: {row.knee_why or 'n/a'}"]
        if (r := row.saturation) is not None:
            notes.append(
                f"saturated: p99 {_ms(r.all_latency(), 0.99):.0f} ms, "
                f"{r.outcomes['late']} late, {r.outcomes['lost']} lost, machine "
                f"{100 * r.busy / r.wall:.0f}% of {100 * CORES}% busy (bots "
                f"{100 * r.cpu / r.wall:.0f}%, driver {100 * r.own / r.wall:.0f}%)"
            )
        if (fo := row.failover) is not None:
            notes.append(
                f"failover: survivor's own posts until {fo.own_until_s:.1f} s after the kill"
            )
        print(f"  {row.config.label}: " + "; ".join(notes))
        windows = [*row.steps, *([row.saturation] if row.saturation else [])]
        hot = [r for r in windows if r.wall and r.own / r.wall > 0.8]
        if hot:
            print(
                f"  {row.config.label}: the driver used over 80% of a core in "
                f"{len(hot)} window(s): at those loads it may be the limit, not the bot"
            )


async def run(plan: Plan, server: pg.Server | None, tmp: Path) -> None:
    rows: list[Row] = []
    for config in CONFIGS:
        if config.backend == "postgresql" and server is None:
            rows.append(Row(config, error="no PostgreSQL (not installed, or did not start)"))
            continue
        print(f"\n== {config.label}", flush=True)
        started = time.monotonic()
        try:
            rows.append(await run_config(config, plan, server, tmp))
        except Exception as exc:  # report and go on with the next configuration
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"  failed: {exc}", flush=True)
            rows.append(Row(config, error=first))
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
    _table(rows, plan)


def _facts(args: argparse.Namespace) -> None:
    command = " ".join([".venv/bin/python -m bench.scale", *sys.argv[1:]])
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    pg_version = "not installed"
    if (bindir := pg.find_bindir()) is not None:
        done = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
        )
        pg_version = done.stdout.strip() or "unknown"
    print(f"command: {command.strip()}")
    print(
        f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), load average "
        f"{load} (1/5/15 min), {platform.platform()}, Python {platform.python_version()}, "
        f"{pg_version}"
    )
    print(f"started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer reminders, shorter windows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fixed-members", type=int, default=300, help="members at the fixed load (~members/2 /s)"
    )
    args = parser.parse_args()
    if args.quick:
        plan = Plan(args.fixed_members, 6.0, 3.0, 2.0, 2400, 1000, 500, 4.0, args.seed)
    else:
        plan = Plan(args.fixed_members, 15.0, 6.0, 1.5, 2400, 5000, 1000, 6.0, args.seed)
    # Ctrl-C (and a plain kill) end the run through the clean-up below, even when started in
    # the background by a shell that ignores SIGINT for its jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    _facts(args)
    tmp = Path(tempfile.mkdtemp(prefix="coach-scale-"))
    # Its own folder: PostgreSQL runs as an unprivileged user (we may be root) and needs to
    # reach it, which the private temporary folder above does not allow.
    pg_folder = Path(tempfile.mkdtemp(prefix="coach-scale-pg-"))
    server: pg.Server | None = None
    began = time.monotonic()
    try:
        if pg.find_bindir() is not None:
            try:
                server = pg.start(pg_folder)
            except subprocess.CalledProcessError as exc:
                why = (exc.stderr or b"").decode(errors="replace").strip()
                print(f"PostgreSQL did not start: {why}", flush=True)
        asyncio.run(run(plan, server, tmp))
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
    finally:
        for proc in _children:  # only our own bot processes, by their handles
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        with contextlib.suppress(Exception):
            pg.stop(pg_folder)  # if it runs (also after a start that failed half way)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(pg_folder, ignore_errors=True)
        print(f"\ntotal {time.monotonic() - began:.0f} s", flush=True)


if __name__ == "__main__":
    main()
