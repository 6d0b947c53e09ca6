"""Benchmark reminder delivery: N reminders in N channels due in the same minute, sent over HTTP
to the fake Discord (in its own process, enforcing Discord's global 50 requests/s).

Run from the repository root: `.venv/bin/python -m bench.reminders [--count 5000]`.
Prints delivery time against the rate-limit bound (count / 50 s), 429s seen, the bot process's
CPU time per post and its RSS; checks every reminder was delivered exactly once. ~2 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord

from bot.app import open_app
from bot.core.clock import FakeClock
from bot.core.endpoints import use_endpoints
from bot.core.settings import load_settings
from bot.features.reminders.repository import NewReminder
from bot.features.reminders.schedule import Weekday
from bot.features.reminders.sender import DiscordSender

GLOBAL_LIMIT = 50
DUE = datetime(2026, 3, 17, 18, 30, tzinfo=UTC)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fake_process(count: int, conn: Any) -> None:
    """The fake Discord, alone in its process so its CPU is not counted as the bot's."""
    from tests.support.fakediscord.server import FakeDiscord

    async def serve() -> None:
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench RC")
            channels = [fake.add_channel(guild, f"c{i}") for i in range(count)]
            conn.send(
                (fake.token, fake.api_base, fake.gateway_url, guild.id, [c.id for c in channels])
            )
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "report"
            per_channel = Counter(int(m["channel_id"]) for c in channels for m in fake.messages(c))
            conn.send(
                {
                    "per_channel": dict(per_channel),
                    "stats": dict(fake.stats),
                    "schema_errors": len(fake.schema_errors),
                }
            )

    asyncio.run(serve())


async def bench(count: int, token: str, api: str, gw: str, guild: int, channels: list[int]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(DUE - timedelta(days=1))
        settings = load_settings(
            _env_file=None, database_path=Path(tmp) / "bench.db", reminder_grace_hours=6.0
        )
        app = await open_app(settings, clock=clock)
        for channel_id in channels:
            await app.reminders.reminders.add(
                NewReminder(guild, channel_id, Weekday.TUE, "18:30", "UTC", None, None, None, 1),
                clock.now(),
            )
        use_endpoints(api, gw)
        client = discord.Client(intents=discord.Intents.none())
        await client.login(token)  # HTTP only: no gateway connection at all
        # The app's own dispatcher (6 h grace, from the settings above), given its transport but
        # not start()ed: one run_due pass is timed, with no background task beside it.
        dispatcher = app.reminders.dispatcher
        dispatcher.sender = DiscordSender(client)
        clock.set(DUE)
        rss_before = rss_mb()
        cpu0, t0 = time.process_time(), time.perf_counter()
        await dispatcher.run_due()
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        states = Counter(
            r[0] for r in await app.services.db.fetchall("SELECT state FROM reminder_occurrences")
        )
        await client.close()
        await app.close()
        return {
            "elapsed": elapsed,
            "cpu": cpu,
            "states": dict(states),
            "rss_before": rss_before,
            "rss_after": rss_mb(),
            "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=fake_process, args=(args.count, theirs), daemon=True)
    proc.start()
    token, api, gw, guild, channels = ours.recv()
    result = asyncio.run(bench(args.count, token, api, gw, guild, channels))
    ours.send("report")
    report = ours.recv()
    proc.join(10)

    bound = args.count / GLOBAL_LIMIT
    per_channel = report["per_channel"]
    exactly_once = len(per_channel) == args.count and set(per_channel.values()) == {1}
    print(f"reminders:              {args.count} in {args.count} channels, all due {DUE:%H:%M}Z")
    print(
        f"delivery time:          {result['elapsed']:.1f} s "
        f"(rate-limit bound {bound:.0f} s; {100 * (result['elapsed'] / bound - 1):+.1f}%)"
    )
    print(f"ledger states:          {result['states']}")
    print(
        f"messages in the fake:   {sum(per_channel.values())} "
        f"({'exactly once per channel' if exactly_once else 'NOT exactly once'})"
    )
    stats = report["stats"]
    print(
        f"429 responses:          {stats.get('429', 0)} "
        f"(global {stats.get('429_global', 0)}, route {stats.get('429_route', 0)}); "
        f"requests {stats.get('requests', 0)}; schema errors {report['schema_errors']}"
    )
    print(
        f"dispatcher CPU:         {result['cpu']:.1f} s total, "
        f"{1000 * result['cpu'] / args.count:.2f} ms per post (bot process, incl. discord.py)"
    )
    print(
        f"RSS:                    {result['rss_before']:.0f} MB before, "
        f"{result['rss_after']:.0f} MB after, peak {result['rss_peak']:.0f} MB"
    )
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
