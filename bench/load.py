"""Load: many concurrent members using /faq, autocomplete and /plan against one bot process.

Run from the repository root:
`.venv/bin/python -m bench.load [--members 1000] [--duration 60] [--bare]`.
The fake Discord runs in this process (request validation off: it is measured elsewhere and would
cost this process CPU); the bot is a real `python -m bot run` subprocess. Each simulated member
loops: pick a command (FAQ question 50%, autocomplete 30%, /plan 20% when the bot has /plan),
send it, wait for the bot's answer, think for a random 1-3 s. Latency is from the fake
dispatching INTERACTION_CREATE to the bot's callback arriving. Prints, never asserts.

`--bare` then runs the same loop (same members, seed and duration, a fresh fake Discord) against
`bench.unscored_bot` (the coach giving its own answers with the FAQ matcher's scoring done
before the load) and `bench.bare_bot` (a minimal discord.py bot that answers the same commands
with a dictionary lookup), and prints the three bots' CPU per interaction and latencies, the
ratios over bare, and whether unscored is within CPU_TARGET (1.3x) of bare.

Why the comparison is fair (checked on the callbacks the fake received, one run per bot): the
bare bot sends what the coach sends, because that is Discord-side work a real answer needs, not
the coach's overhead: /faq a public ~2 KB embed with six buttons, /plan an ephemeral ~3 KB embed
with three, autocomplete as many suggestions per typed prefix as the coach (25, 25, 2, 6, ...),
built with discord.py's own Embed/View/Button, one callback per command (neither bot defers:
the coach only defers an answer that takes over 1.5 s, which none does here). Before this the
bare bot sent 120 bytes of text and one or two suggestions. The unscored bot gives exactly the
coach's answers (same entries, close calls and abstentions, so the same channel cooldowns,
stored answers and vote buttons); before, it answered every question with the same entry, so
after the first each answer was a "repeated" one (private, no votes, nothing stored) and it was
cheaper than the coach for reasons other than scoring. The load driver is not the limit: it
prints its own CPU (about 15-20 % of one core at 150/s) and the knee search warns when a
window used over 80 % of a core.

`--knee` instead searches each bot's knee: on one bot process, windows of `--knee-window` s with
`--knee-start` members, then x`--knee-factor` members per window (`--think` shortens the pause
to offer more load per member), until the p99 passes `--knee-p99` ms (100) or an answer is late
or lost; it prints the highest answered interactions/s that stayed under, per bot, and the
ratios over bare (with `--bare`: coach, unscored and bare; else the coach alone), and each
bot's per-command p99 at its knee with the slowest over the fastest command's.

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
import contextlib
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

from bench.stacked import Stacked
from bench.startup import ROOT, bot_env, rss_mb
from tests.support.fakediscord.model import Channel, Guild, User
from tests.support.fakediscord.server import FakeDiscord

WINDOW_S = 3.0  # Discord's deadline for the first answer to an interaction
ANSWER_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
IDLE_S = 1.0
THINK_S = (1.0, 3.0)  # a member's pause between answers, uniform
QUESTIONS_FILE = ROOT / "tests" / "data" / "faq_questions.jsonl"
PREFIXES = ["hil", "prot", "calf", "sprint", "marath", "lift", "recov", "stud", "trail", ""]
KINDS = ("faq", "autocomplete", "plan")
CPU_TARGET = 1.3  # issue 14: ours without the matcher's scoring, over the bare bot
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

COACH_ARGV = ("-m", "bot", "run")
UNSCORED_ARGV = ("-m", "bench.unscored_bot")
BARE_ARGV = ("-m", "bench.bare_bot")
BOTS = (("coach", COACH_ARGV), ("unscored", UNSCORED_ARGV), ("bare", BARE_ARGV))


def _questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS_FILE.read_text().splitlines() if line]


class Driver:
    def __init__(
        self,
        fake: FakeDiscord,
        guild: Guild,
        channel: Channel,
        seed: int,
        think: tuple[float, float] = THINK_S,
    ) -> None:
        self.fake, self.guild, self.channel = fake, guild, channel
        self.rng = random.Random(seed)
        self.think = think
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
            think = self.rng.uniform(*self.think)  # drawn always, so the sequence is the seed's
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


class _Session(Stacked):
    """One bot subprocess against its own fake Discord; windows of load are run on it in turn."""

    def __init__(self, label: str, argv: tuple[str, ...]) -> None:
        self.label, self.argv = label, argv
        self.users: list[User] = []
        self.profiled = 0
        self.has_plan = False

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="coach-load-"))
        self.fake = await stack.enter_async_context(FakeDiscord(validate=False))
        self.guild = self.fake.add_guild("Load Harriers")
        self.channel = self.fake.add_channel(self.guild, "general")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.argv,
            cwd=ROOT,
            env={**bot_env(self.fake, Path(tmp) / "load.db"), "LOG_LEVEL": "WARNING"},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        stack.push_async_callback(self._stop)
        proc = self.proc
        await self.fake.wait_until(
            lambda: (
                proc.returncode is not None
                or (bool(self.fake.command_syncs) and self.fake.gateway.connected)
            ),
            START_TIMEOUT_S,
            f"{self.label}: the command sync and the gateway",
        )
        if proc.returncode is not None:
            raise RuntimeError(f"{self.label} exited with {proc.returncode} before it was ready")
        names = {c["name"] for c in self.fake.command_syncs[-1][1]}
        self.has_plan = {"plan", "profile"} <= names

    async def _stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    async def ensure_members(self, members: int) -> None:
        """At least `members` members, each with a profile when the bot has /plan."""
        while len(self.users) < members:
            self.users.append(self.fake.add_member(self.guild, f"runner{len(self.users)}"))
        if self.has_plan and self.profiled < members:
            await _create_profiles(
                self.fake, self.guild, self.channel, self.users[self.profiled : members]
            )
            self.profiled = members

    async def window(
        self, members: int, duration: float, seed: int, think: tuple[float, float] = THINK_S
    ) -> Result:
        """Drive the first `members` members for `duration` s and measure."""
        await self.ensure_members(members)
        proc, result = self.proc, Result(self.label, members)
        driver = Driver(self.fake, self.guild, self.channel, seed, think)
        driver.has_plan = self.has_plan
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
            await asyncio.gather(*(driver.member(u, deadline) for u in self.users[:members]))
            result.wall = time.perf_counter() - started
            result.cpu = _cpu_seconds(proc.pid) - cpu_before
            result.own = time.process_time() - own_before
            result.gc_runs = sum(s["collections"] for s in gc.get_stats()) - collections
        finally:
            gc.enable()
            gc.unfreeze()
            gc.collect()
        if proc.returncode is not None:
            raise RuntimeError(f"{self.label} exited with {proc.returncode} during the load")
        result.rss = rss_mb(proc.pid)
        result.threads = _threads(proc.pid)
        result.outcomes, result.latency = driver.outcomes, driver.latency
        return result


async def run_load(
    label: str, argv: tuple[str, ...], members: int, duration: float, seed: int
) -> Result:
    """Start one bot against a fresh fake Discord, drive it for `duration` s, stop it."""
    async with _Session(label, argv) as session:
        return await session.window(members, duration, seed)


async def bench(members: int, duration: float, seed: int, bare: bool) -> None:
    coach = await run_load("coach", COACH_ARGV, members, duration, seed)
    _report(coach)
    if not bare:
        return
    results = [coach]
    for label, argv in BOTS[1:]:
        print()
        results.append(await run_load(label, argv, members, duration, seed))
        _report(results[-1])
    print()
    _compare(results)


@dataclass
class Knee:
    label: str
    steps: list[Result] = field(default_factory=list)
    passed: Result | None = None  # the highest-load step with p99 under the limit, none lost
    why: str = ""  # what ended the search


def _rate(r: Result) -> float:
    return r.answered / r.wall if r.wall else 0.0


@dataclass(frozen=True)
class KneePlan:
    """How the knee search raises the load: members from `start`, times `factor` per window of
    `window` s, at most `most`, until the p99 passes `p99_ms`."""

    start: int
    factor: float
    most: int
    window: float
    seed: int
    p99_ms: float
    think: tuple[float, float]


async def knee(label: str, argv: tuple[str, ...], plan: KneePlan) -> Knee:
    """Raise the members (so the offered load) by `factor` per window of `window` s, on one bot
    process, until the p99 passes `p99_ms` or an answer comes late or never; the knee is the
    last window that stayed under. Each window is measured as `run_load` measures one."""
    start, factor, most, window, seed, p99_ms, think = (
        plan.start, plan.factor, plan.most, plan.window, plan.seed, plan.p99_ms, plan.think
    )  # fmt: skip
    found = Knee(label)
    members, step = start, 0
    async with _Session(label, argv) as session:
        while True:
            r = await session.window(members, window, seed + step, think)
            found.steps.append(r)
            p99 = 1000 * _pct(r.all_latency(), 0.99)
            bad = r.outcomes["late"] + r.outcomes["lost"]
            print(
                f"  [{label}] {members:>5} members: {_rate(r):7.1f} answered/s, p50 "
                f"{1000 * statistics.median(r.all_latency() or [float('nan')]):6.1f} ms, "
                f"p99 {p99:6.1f} ms, late/lost {bad}, bot CPU {100 * r.cpu / r.wall:.0f}%, "
                f"driver CPU {100 * r.own / r.wall:.0f}% of one core",
                flush=True,
            )
            if bad or not p99 <= p99_ms:
                found.why = f"p99 {p99:.1f} ms" + (f", {bad} late/lost" if bad else "")
                break
            found.passed = r
            if members >= most:
                found.why = f"reached --knee-max {most} members (the knee is higher)"
                break
            members, step = min(most, max(members + 1, round(members * factor))), step + 1
    return found


async def knee_bench(bots: tuple[tuple[str, tuple[str, ...]], ...], plan: KneePlan) -> None:
    start, factor, window, p99_ms, think = (
        plan.start, plan.factor, plan.window, plan.p99_ms, plan.think
    )  # fmt: skip
    print(
        f"knee search: members from {start} x{factor} per {window:.0f} s window (think "
        f"{think[0]:g}-{think[1]:g} s), until p99 > {p99_ms:.0f} ms or an answer is late/lost"
    )
    knees = []
    for label, argv in bots:
        knees.append(await knee(label, argv, plan))
    print()
    print(f"highest load with p99 under {p99_ms:.0f} ms (answered interactions/s):")
    floor = knees[-1].passed
    for k in knees:
        if k.passed is None:
            print(f"  {k.label:<9} none: the first window already failed ({k.why})")
            continue
        r = k.passed
        ratio = ""
        if floor is not None and k is not knees[-1]:
            ratio = f"; {k.label}/{knees[-1].label} {_ratio(_rate(r), _rate(floor), 2)}"
        print(
            f"  {k.label:<9} {_rate(r):7.1f}/s at {r.members} members "
            f"(p99 {1000 * _pct(r.all_latency(), 0.99):.1f} ms, "
            f"{r.cpu_ms_per_interaction:.2f} ms CPU per interaction); stopped: {k.why}{ratio}"
        )
        p99s = {kind: 1000 * _pct(v, 0.99) for kind, v in r.latency.items() if v}
        if p99s:
            fastest = min(p99s.values())
            print(
                f"  {'':<9} p99 per command at the knee: "
                + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in p99s.items())
                + f"; slowest/fastest {_ratio(max(p99s.values()), fastest, 2)}"
            )
        if r.own / r.wall > 0.8:
            print(
                f"  {'':<9} warning: the driver used {100 * r.own / r.wall:.0f}% of a core "
                "in that window, so it may be the limit, not the bot"
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


def _ratio(a: float, b: float, digits: int = 1) -> str:
    return f"{a / b:.{digits}f}x" if b > 0 else "n/a"


def _compare(results: list[Result]) -> None:
    """Each bot beside the last (the bare floor), with ratios over it."""
    floor = results[-1]
    names = " / ".join(r.label for r in results)
    print(f"{names} (same load, same seed; ratios are over {floor.label}):")
    b = floor.cpu_ms_per_interaction
    cpu = "  ".join(f"{r.label} {r.cpu_ms_per_interaction:.2f} ms" for r in results)
    ratios = "  ".join(
        f"{r.label}/{floor.label} {_ratio(r.cpu_ms_per_interaction, b, 2)}" for r in results[:-1]
    )
    print(f"  CPU per interaction  {cpu}  ratio {ratios}")
    for r in results[:-1]:
        if r.label == "unscored":
            within = r.cpu_ms_per_interaction <= CPU_TARGET * b
            print(
                f"  {r.label} within {CPU_TARGET}x of {floor.label}'s CPU per interaction: "
                f"{'yes' if within else 'NO'}"
            )
    answered = "  ".join(f"{r.label} {r.answered}" for r in results)
    lost = " / ".join(str(r.outcomes["lost"]) for r in results)
    print(f"  answered             {answered}  (lost {lost})")
    over = [f"{r.label}/{floor.label}" for r in results[:-1]]
    width = max(6, *(len(o) for o in over))
    header = "".join(f" {'p50 ' + r.label:>13}" for r in results)
    header += "".join(f" {o:>{width}}" for o in over)
    header += "".join(f" {'p99 ' + r.label:>13}" for r in results)
    header += "".join(f" {o:>{width}}" for o in over)
    print(f"  {'':<12}{header}")
    for kind in (*KINDS, "all"):
        series = [r.all_latency() if kind == "all" else r.latency.get(kind, []) for r in results]
        if not all(series):
            continue
        line = f"  {kind:<12}"
        for q in (0.5, 0.99):
            ms = [1000 * (statistics.median(v) if q == 0.5 else _pct(v, q)) for v in series]
            line += "".join(f" {v:>11.1f}ms" for v in ms)
            line += "".join(f" {_ratio(v, ms[-1]):>{width}}" for v in ms[:-1])
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--bare",
        action="store_true",
        help="also run the same load against bench.unscored_bot and bench.bare_bot and print "
        "the ratios over bare",
    )
    parser.add_argument(
        "--knee",
        action="store_true",
        help="instead, find each bot's highest load with p99 under --knee-p99 (coach, "
        "unscored, bare; only coach without --bare)",
    )
    parser.add_argument("--knee-start", type=int, default=50, help="members in the first window")
    parser.add_argument("--knee-factor", type=float, default=1.5, help="members x this per step")
    parser.add_argument("--knee-max", type=int, default=3000, help="stop at this many members")
    parser.add_argument("--knee-window", type=float, default=6.0, help="seconds per step")
    parser.add_argument("--knee-p99", type=float, default=100.0, help="p99 limit, ms")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK_S,
        metavar=("LOW", "HIGH"),
        help="knee search: each member's pause between answers, uniform seconds (shorter "
        "offers more load per member)",
    )
    args = parser.parse_args()
    if args.knee:
        bots = BOTS if args.bare else BOTS[:1]
        asyncio.run(
            knee_bench(
                bots,
                KneePlan(
                    start=args.knee_start,
                    factor=args.knee_factor,
                    most=args.knee_max,
                    window=args.knee_window,
                    seed=args.seed,
                    p99_ms=args.knee_p99,
                    think=tuple(args.think),
                ),
            )
        )
        return
    asyncio.run(bench(args.members, args.duration, args.seed, args.bare))


if __name__ == "__main__":
    main()
