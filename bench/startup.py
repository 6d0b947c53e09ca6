"""Benchmark `coach run` start-up against the fake Discord: time to READY, idle RSS, shutdown.

Run from the repository root: `.venv/bin/python -m bench.startup [--runs N]`.
The fake Discord runs in this process; the bot is a real subprocess (`python -m bot run`) whose
clock starts just before spawn. Three moments are timed:
- READY: the fake has answered the bot's IDENTIFY with READY + GUILD_CREATE (gateway live);
- first answer: a /about invoked at that moment has been answered (the bot is usable);
- on_ready: the bot's INFO log line "ready as" on stderr. discord.py fires on_ready only after
  `guild_ready_timeout` (2 s by default) passes with no further GUILD_CREATE, so this one
  includes a fixed quiet period; interactions are served before it.
The bot loads the FAQ's embedding model before it connects (built beforehand by `make`; the
label vectors kept beside it), so both figures include it. Prints, never asserts. Budgets
(issue 10): READY under 2 s, idle RSS under 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.fakediscord.model import Channel, Guild, User
from tests.support.fakediscord.server import FakeDiscord

ROOT = Path(__file__).resolve().parent.parent

READY_MARK = b"ready as"
READY_TIMEOUT = 30.0
IDLE_SECONDS = 2.0
SHUTDOWN_TIMEOUT = 15.0


@dataclass(frozen=True)
class RunResult:
    ready_s: float
    answer_s: float
    on_ready_s: float
    rss_mb: float
    shutdown_s: float | None
    exit_code: int | None


@dataclass(frozen=True)
class Club:
    guild: Guild
    channel: Channel
    member: User


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bot_env(fake: FakeDiscord, db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DATABASE_PATH=str(db_path),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DEV_GUILD_ID", None)
    return env


async def _drain(stream: asyncio.StreamReader, lines: list[bytes], ready: asyncio.Event) -> None:
    # Keep reading so the bot never blocks on a full stderr pipe.
    while line := await stream.readline():
        lines.append(line)
        if READY_MARK in line:
            ready.set()


async def one_run(fake: FakeDiscord, club: Club, db_path: Path, *, stop: bool) -> RunResult:
    identified = fake.gateway.identify_count
    lines: list[bytes] = []
    ready = asyncio.Event()
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=bot_env(fake, db_path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    drain = asyncio.create_task(_drain(proc.stderr, lines, ready))
    try:
        await fake.wait_until(
            lambda: (
                proc.returncode is not None
                or (fake.gateway.identify_count > identified and fake.gateway.connected)
            ),
            READY_TIMEOUT,
            "the bot's gateway session",
        )
        if proc.returncode is not None:
            raise RuntimeError(
                "bot exited before READY; its stderr:\n" + b"".join(lines).decode(errors="replace")
            )
        ready_s = time.perf_counter() - started
        handle = await fake.invoke(club.guild, club.channel, club.member, "about", {})
        await handle.response(timeout=READY_TIMEOUT)
        answer_s = time.perf_counter() - started
        await asyncio.wait_for(ready.wait(), READY_TIMEOUT)
        on_ready_s = time.perf_counter() - started
        await asyncio.sleep(IDLE_SECONDS)
        rss = rss_mb(proc.pid)
        shutdown_s: float | None = None
        code: int | None = None
        if stop:
            sent = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), SHUTDOWN_TIMEOUT)
            shutdown_s = time.perf_counter() - sent
        return RunResult(ready_s, answer_s, on_ready_s, rss, shutdown_s, code)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), SHUTDOWN_TIMEOUT)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        drain.cancel()


async def bench(runs: int) -> None:
    results: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench Harriers")
            club = Club(guild, fake.add_channel(guild, "general"), fake.add_member(guild, "runner"))
            for i in range(runs):
                # A fresh database each run: the first start migrates and syncs, as on day one.
                result = await one_run(fake, club, Path(tmp) / f"run{i}.db", stop=True)
                results.append(result)
                print(
                    f"run {i + 1}: READY {result.ready_s:.3f} s, first answer "
                    f"{result.answer_s:.3f} s, on_ready {result.on_ready_s:.3f} s, "
                    f"idle RSS {result.rss_mb:.1f} MB, "
                    f"SIGTERM -> exit {result.exit_code} in {result.shutdown_s:.3f} s"
                )
            # Restart on an existing database: migrations already applied, no re-sync.
            warm = await one_run(fake, club, Path(tmp) / "run0.db", stop=True)
            print(
                f"warm restart on existing db (no migration, no sync): READY {warm.ready_s:.3f} s, "
                f"first answer {warm.answer_s:.3f} s"
            )
    ready = statistics.median(r.ready_s for r in results)
    answer = statistics.median(r.answer_s for r in results)
    on_ready = statistics.median(r.on_ready_s for r in results)
    rss = statistics.median(r.rss_mb for r in results)
    down = statistics.median(r.shutdown_s or 0.0 for r in results)
    codes = sorted({r.exit_code for r in results}, key=str)
    print(
        f"median of {runs}: READY {ready:.3f} s (budget < 2 s), first answer {answer:.3f} s, "
        f"on_ready {on_ready:.3f} s, idle RSS {rss:.1f} MB (budget < 200 MB), "
        f"shutdown {down:.3f} s, exit codes {codes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="start-ups to time (default 3)")
    args = parser.parse_args()
    asyncio.run(bench(max(1, args.runs)))


if __name__ == "__main__":
    main()
