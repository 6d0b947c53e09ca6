"""Load: many concurrent members using /faq, autocomplete and /plan against one bot process.

Run from the repository root:
`.venv/bin/python -m bench.load [--members 1000] [--duration 60] [--bare]`.
The fake Discord runs in this process (request validation off: it is measured elsewhere and would
cost this process CPU); the bot is a real `python -m bot run` subprocess. Each simulated member
loops: pick a command (FAQ question 50%, autocomplete 30%, /plan 20% when the bot has /plan),
send it, wait for the bot's answer, think for a random 1-3 s. Latency is from the fake
dispatching INTERACTION_CREATE to the bot's callback arriving. Prints, never asserts.

`--bare` then runs the same loop (same members, seed and duration, a fresh fake Discord) against
`bench.bare_bot`, a minimal discord.py bot that answers the same commands with a dictionary
lookup, and prints both bots' CPU per interaction and latencies, and the ratios coach/bare.

This process's own garbage collector is kept out of the measurement: after setup everything
alive is collected and frozen (`gc.freeze()`, so it is never scanned again) and the collector is
disabled for the measured window, then re-enabled. Without this a full collection over the
fake's state (hundreds of thousands of objects at 1000 members) pauses the load loop for tens of
milliseconds, and the pause lands in whichever interactions are in flight, so the p99 measured
this process rather than the bot. The window's garbage is collected after it. The bot processes
keep their collectors as they run in production.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.startup import ROOT, bot_env, rss_mb
from tests.support.fakediscord.model import Channel, Guild, User
from tests.support.fakediscord.server import FakeDiscord

WINDOW_S = 3.0  # Discord's deadline for the first answer to an interaction
ANSWER_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
IDLE_S = 1.0
QUESTIONS_FILE = ROOT / "tests" / "data" / "faq_questions.jsonl"
PREFIXES = ["hil", "prot", "calf", "sprint", "marath", "lift", "recov", "stud", "trail", ""]
KINDS = ("faq", "autocomplete", "plan")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

COACH_ARGV = ("-m", "bot", "run")
BARE_ARGV = ("-m", "bench.bare_bot")


def _questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS_FILE.read_text().splitlines() if line]


class Driver:
    def __init__(self, fake: FakeDiscord, guild: Guild, channel: Channel, seed: int) -> None:
        self.fake, self.guild, self.channel = fake, guild, channel
        self.rng = random.Random(seed)
        self.questions = _questions()
        self.latency: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.outcomes: Counter[str] = Counter()
        self.has_plan = False

    async def one(self, user: User, kind: str) -> None:
        started = time.perf_counter()
        try:
            if kind == "autocomplete":
                await self.fake.autocomplete(
                    self.guild,
                    self.channel,
                    user,
                    "faq",
                    {"question": self.rng.choice(PREFIXES)},
                    focused="question",
                )
            else:
                options = {"question": self.rng.choice(self.questions)} if kind == "faq" else {}
                handle = await self.fake.invoke(self.guild, self.channel, user, kind, options)
                await handle.response(timeout=ANSWER_TIMEOUT_S)
        except Exception:  # the fake raises when no answer came in time
            self.outcomes["lost"] += 1
            return
        elapsed = time.perf_counter() - started
        self.latency[kind].append(elapsed)
        self.outcomes["late" if elapsed > WINDOW_S else "ok"] += 1

    async def member(self, user: User, deadline: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, 2))  # members don't all arrive at once
        kinds = ["faq", "autocomplete", "plan"] if self.has_plan else ["faq", "autocomplete"]
        weights = [5, 3, 2] if self.has_plan else [5, 3]
        while time.perf_counter() < deadline:
            await self.one(user, self.rng.choices(kinds, weights)[0])
            think = self.rng.uniform(1.0, 3.0)  # drawn always, so the sequence is the seed's
            await asyncio.sleep(max(0.0, min(think, deadline - time.perf_counter())))


@dataclass
class Result:
    label: str
    members: int
    wall: float = 0.0
    cpu: float = 0.0  # the bot process's user + system CPU seconds over the window
    own: float = 0.0  # this process's (fake Discord + members) CPU seconds over the window
    rss: float = float("nan")
    idle: float = float("nan")  # the bot's CPU seconds per second just before the window
    threads: int = 0  # the bot process's threads after the window (CPU is summed over them)
    gc_runs: int = 0  # collections in this process during the window (should be 0)
    outcomes: Counter[str] = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return self.outcomes["ok"] + self.outcomes["late"]

    @property
    def cpu_ms_per_interaction(self) -> float:
        return 1000 * self.cpu / self.answered if self.answered else float("nan")

    def all_latency(self) -> list[float]:
        return [v for values in self.latency.values() for v in values]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def run_load(
    label: str, argv: tuple[str, ...], members: int, duration: float, seed: int
) -> Result:
    """Start one bot against a fresh fake Discord, drive it for `duration` s, stop it."""
    result = Result(label, members)
    with tempfile.TemporaryDirectory(prefix="coach-load-") as tmp:
        async with FakeDiscord(validate=False) as fake:
            guild = fake.add_guild("Load Harriers")
            channel = fake.add_channel(guild, "general")
            users = [fake.add_member(guild, f"runner{i}") for i in range(members)]
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                *argv,
                cwd=ROOT,
                env={**bot_env(fake, Path(tmp) / "load.db"), "LOG_LEVEL": "WARNING"},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                await fake.wait_until(
                    lambda: (
                        proc.returncode is not None
                        or (bool(fake.command_syncs) and fake.gateway.connected)
                    ),
                    START_TIMEOUT_S,
                    f"{label}: the command sync and the gateway",
                )
                if proc.returncode is not None:
                    raise RuntimeError(f"{label} exited with {proc.returncode} before it was ready")
                driver = Driver(fake, guild, channel, seed)
                names = {c["name"] for c in fake.command_syncs[-1][1]}
                driver.has_plan = {"plan", "profile"} <= names
                if driver.has_plan:
                    await _create_profiles(fake, guild, channel, users)
                idle_before = _cpu_seconds(proc.pid)
                await asyncio.sleep(IDLE_S)  # what the bot burns with nobody talking to it
                result.idle = (_cpu_seconds(proc.pid) - idle_before) / IDLE_S
                gc.collect()
                gc.freeze()  # setup's objects: never scanned again
                gc.disable()  # no collector pauses in this process while measuring
                collections = sum(s["collections"] for s in gc.get_stats())
                try:
                    cpu_before = _cpu_seconds(proc.pid)
                    own_before = time.process_time()
                    started = time.perf_counter()
                    deadline = started + duration
                    await asyncio.gather(*(driver.member(u, deadline) for u in users))
                    result.wall = time.perf_counter() - started
                    result.cpu = _cpu_seconds(proc.pid) - cpu_before
                    result.own = time.process_time() - own_before
                    result.gc_runs = sum(s["collections"] for s in gc.get_stats()) - collections
                finally:
                    gc.enable()
                    gc.unfreeze()
                    gc.collect()
                result.rss = rss_mb(proc.pid)
                result.threads = _threads(proc.pid)
                result.outcomes, result.latency = driver.outcomes, driver.latency
            finally:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(proc.wait(), 30)
                    except TimeoutError:
                        proc.kill()
                        await proc.wait()
    return result


async def bench(members: int, duration: float, seed: int, bare: bool) -> None:
    coach = await run_load("coach", COACH_ARGV, members, duration, seed)
    _report(coach)
    if not bare:
        return
    print()
    floor = await run_load("bare", BARE_ARGV, members, duration, seed)
    _report(floor)
    print()
    _compare(coach, floor)


async def _create_profiles(
    fake: FakeDiscord, guild: Guild, channel: Channel, users: list[User]
) -> None:
    levels, goals = ["new", "regular", "trained"], ["muscle", "endurance", "both"]
    hills = ["steep", "gentle", "stairs", "treadmill", "flat"]
    for i, user in enumerate(users):
        handle = await fake.invoke(
            guild,
            channel,
            user,
            "profile set",
            {
                "level": levels[i % 3],
                "goal": goals[i % 3 - 1],
                "hills": hills[i % 5],
                "days": 2 + i % 6,
            },
        )
        await handle.response(timeout=ANSWER_TIMEOUT_S)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def _report(r: Result) -> None:
    total = sum(r.outcomes.values())
    print(
        f"[{r.label}] {r.members} members for {r.wall:.1f} s: {total} interactions, "
        f"{total / r.wall:.1f}/s; bot CPU {r.cpu:.2f} s ({100 * r.cpu / r.wall:.0f}% of one "
        f"core), {r.cpu_ms_per_interaction:.2f} ms per answered interaction, RSS {r.rss:.1f} MB, "
        f"{r.threads} threads"
    )
    print(
        f"  answered in time {r.outcomes['ok']}, late (> {WINDOW_S:.0f} s) "
        f"{r.outcomes['late']}, lost {r.outcomes['lost']}; bot CPU idle just before: "
        f"{100 * r.idle:.0f}% of one core"
    )
    for kind, values in r.latency.items():
        if values:
            print(_latency_line(kind, values))
    if everything := r.all_latency():
        print(_latency_line("all", everything))
    print(
        f"  (the fake Discord and the members, in this process, used {r.own:.1f} s CPU, "
        f"{100 * r.own / r.wall:.0f}% of one core; GC runs in the window: {r.gc_runs})"
    )


def _latency_line(label: str, seconds: list[float]) -> str:
    ms = [1000 * v for v in seconds]
    return (
        f"  {label:<12} n={len(ms):<6} median {statistics.median(ms):.1f} ms"
        f"  p99 {_pct(ms, 0.99):.1f} ms  max {max(ms):.1f} ms"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b > 0 else "n/a"


def _compare(coach: Result, floor: Result) -> None:
    print("coach vs bare discord.py (same load, same seed):")
    c, b = coach.cpu_ms_per_interaction, floor.cpu_ms_per_interaction
    print(f"  CPU per interaction  coach {c:.2f} ms  bare {b:.2f} ms  ratio {_ratio(c, b)}")
    print(
        f"  answered             coach {coach.answered}  bare {floor.answered}  "
        f"(lost {coach.outcomes['lost']} / {floor.outcomes['lost']})"
    )
    print(
        f"  {'':<12} {'p50 coach':>10} {'p50 bare':>9} {'ratio':>6}"
        f" {'p99 coach':>10} {'p99 bare':>9} {'ratio':>6}"
    )
    rows = [(k, coach.latency.get(k, []), floor.latency.get(k, [])) for k in KINDS]
    rows.append(("all", coach.all_latency(), floor.all_latency()))
    for kind, ours, theirs in rows:
        if not ours or not theirs:
            continue
        o50, t50 = 1000 * statistics.median(ours), 1000 * statistics.median(theirs)
        o99, t99 = 1000 * _pct(ours, 0.99), 1000 * _pct(theirs, 0.99)
        print(
            f"  {kind:<12} {o50:>8.1f}ms {t50:>7.1f}ms {_ratio(o50, t50):>6}"
            f" {o99:>8.1f}ms {t99:>7.1f}ms {_ratio(o99, t99):>6}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--bare",
        action="store_true",
        help="also run the same load against bench.bare_bot and print the ratios",
    )
    args = parser.parse_args()
    asyncio.run(bench(args.members, args.duration, args.seed, args.bare))


if __name__ == "__main__":
    main()
