"""Load: many concurrent members using /faq, autocomplete and /plan against one bot process.

Run from the repository root: `.venv/bin/python -m bench.load [--members 1000] [--duration 60]`.
The fake Discord runs in this process (request validation off: it is measured elsewhere and would
cost this process CPU); the bot is a real `python -m bot run` subprocess. Each simulated member
loops: pick a command (FAQ question 50%, autocomplete 30%, /plan 20% when the bot has /plan),
send it, wait for the bot's answer, think for a random 1-3 s. Latency is from the fake
dispatching INTERACTION_CREATE to the bot's callback arriving. Prints, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.startup import ROOT, bot_env, rss_mb
from tests.support.fakediscord.model import Channel, Guild, User
from tests.support.fakediscord.server import FakeDiscord

WINDOW_S = 3.0  # Discord's deadline for the first answer to an interaction
ANSWER_TIMEOUT_S = 10.0
QUESTIONS_FILE = ROOT / "tests" / "data" / "faq_questions.jsonl"
PREFIXES = ["hil", "prot", "calf", "sprint", "marath", "lift", "recov", "stud", "trail", ""]


def _questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS_FILE.read_text().splitlines() if line]


class Driver:
    def __init__(self, fake: FakeDiscord, guild: Guild, channel: Channel, seed: int) -> None:
        self.fake, self.guild, self.channel = fake, guild, channel
        self.rng = random.Random(seed)
        self.questions = _questions()
        self.latency: dict[str, list[float]] = {"faq": [], "autocomplete": [], "plan": []}
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
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def bench(members: int, duration: float, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="coach-load-") as tmp:
        async with FakeDiscord(validate=False) as fake:
            guild = fake.add_guild("Load Harriers")
            channel = fake.add_channel(guild, "general")
            users = [fake.add_member(guild, f"runner{i}") for i in range(members)]
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=ROOT,
                env={**bot_env(fake, Path(tmp) / "load.db"), "LOG_LEVEL": "WARNING"},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                await fake.wait_until(lambda: bool(fake.command_syncs), 30, "the command sync")
                await fake.wait_until(lambda: fake.gateway.connected, 30, "the gateway")
                driver = Driver(fake, guild, channel, seed)
                names = {c["name"] for c in fake.command_syncs[-1][1]}
                driver.has_plan = {"plan", "profile"} <= names
                if driver.has_plan:
                    await _create_profiles(fake, guild, channel, users)
                cpu_before = _cpu_seconds(proc.pid)
                own_before = time.process_time()
                started = time.perf_counter()
                deadline = started + duration
                await asyncio.gather(*(driver.member(u, deadline) for u in users))
                wall = time.perf_counter() - started
                cpu = _cpu_seconds(proc.pid) - cpu_before
                own = time.process_time() - own_before
                rss = rss_mb(proc.pid)
            finally:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), 30)
    _report(driver, members, wall, cpu, rss)
    print(
        f"(the fake Discord and the members, in this process, used {own:.1f} s CPU, "
        f"{100 * own / wall:.0f}% of one core)"
    )


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
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime in clock ticks


def _report(driver: Driver, members: int, wall: float, cpu: float, rss: float) -> None:
    total = sum(driver.outcomes.values())
    print(
        f"{members} members for {wall:.1f} s: {total} interactions, "
        f"{total / wall:.1f}/s; bot CPU {cpu:.1f} s ({100 * cpu / wall:.0f}% of one core), "
        f"RSS {rss:.1f} MB"
    )
    print(
        f"answered in time {driver.outcomes['ok']}, late (> {WINDOW_S:.0f} s) "
        f"{driver.outcomes['late']}, lost {driver.outcomes['lost']}"
    )
    everything: list[float] = []
    for kind, values in driver.latency.items():
        if values:
            everything += values
            print(_latency_line(kind, values))
    if everything:
        print(_latency_line("all", everything))


def _latency_line(label: str, seconds: list[float]) -> str:
    ms = [1000 * v for v in seconds]
    return (
        f"  {label:<12} n={len(ms):<6} median {statistics.median(ms):.1f} ms"
        f"  p99 {_pct(ms, 0.99):.1f} ms  max {max(ms):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(bench(args.members, args.duration, args.seed))


if __name__ == "__main__":
    main()
