"""Weekly reminders under faults, end to end through the fake Discord: the gateway down at post
time, a 429/5xx storm on the sends, and SIGKILLs in the middle of a fan-out. Every due post
arrives exactly once and the ledger says so."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_app
from bot.core.clock import FakeClock
from bot.features.reminders.post import occurrence_nonce
from bot.features.reminders.repository import NewReminder, Reminder, State, Status
from bot.features.reminders.schedule import Weekday
from tests.support.fakediscord import FakeDiscord, RateLimitConfig
from tests.support.fakediscord.gateway import RESUME
from tests.support.fakediscord.rest import Call
from tests.support.harness import BotRunner, Club, settings_for
from tests.support.reminders import (
    MESSAGE_POST,
    RunningClock,
    kill_bot,
    ledger,
    running_dispatcher,
    seed_reminders,
    spawn_bot,
    stop_bot,
)

DUE = datetime.fromisoformat("2026-03-17T18:30:00+00:00")  # a Tuesday
CREATE_MESSAGE = ("POST", "/channels/{channel_id}/messages")


def _weekly(club: Club, channel_id: int, message: str) -> NewReminder:
    return NewReminder(
        club.guild.id,
        channel_id,
        Weekday(DUE.weekday()),
        DUE.strftime("%H:%M"),
        "UTC",
        message,
        None,
        None,
        club.admin.id,
    )


class ResumeRefusal:
    """Keeps the fake gateway from taking the bot back: every RESUME is held a moment and the
    connection cut again, until `release()` (the fake itself resumes at once after a drop). Also
    notes the gateway's state at the moment Discord creates the first channel post."""

    HOLD = 0.2

    def __init__(self, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
        self.refused = 0
        # (refusing?, RESUMEs accepted) when Discord created the first channel post.
        self.at_first_post: tuple[bool, int] | None = None
        self._fake = fake
        self._released = False
        self._original = fake.gateway._on_message
        self._create = fake.rest.handlers[CREATE_MESSAGE]
        monkeypatch.setattr(fake.gateway, "_on_message", self._on_message)
        monkeypatch.setitem(fake.rest.handlers, CREATE_MESSAGE, self._create_message)

    def release(self) -> None:
        self._released = True

    async def _create_message(self, call: Call) -> tuple[int, Any]:
        if self.at_first_post is None:
            self.at_first_post = (not self._released, self._fake.gateway.resume_count)
        return await self._create(call)

    async def _on_message(self, ws: Any, msg: dict[str, Any]) -> None:
        if msg.get("op") == RESUME and not self._released:
            await asyncio.sleep(self.HOLD)
            if not self._released:
                self.refused += 1
                await self._fake.gateway.drop()
                return
        await self._original(ws, msg)


async def test_gateway_down_at_post_time_posts_on_time_then_resumes(
    coach_db: Path | str, fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_discord
    club = Club.create(fake)
    clock = RunningClock(DUE - timedelta(hours=1))
    club.runner = BotRunner(fake, coach_db, clock=clock)
    await club.runner.start()
    try:
        svc = club.runner.app.reminders
        assert svc is not None
        dispatcher = await running_dispatcher(club.bot)
        reminder = await svc.reminders.add(_weekly(club, club.training.id, "Hills"), clock.now())
        await dispatcher.poke()
        assert dispatcher.next_due == DUE

        refusal = ResumeRefusal(fake, monkeypatch)
        await fake.drop_gateway()
        await fake.wait_until(lambda: refusal.refused >= 1, 10, "a refused RESUME")
        # Post time comes while the gateway stays down: the dispatcher's own timer must fire.
        clock.set(DUE - timedelta(seconds=1))
        dispatcher.wake()  # re-read the jumped clock; nothing here waits for the post itself
        (post,) = await fake.wait_for_messages(club.training, 1, timeout=15)
        assert refusal.at_first_post == (True, 0)  # created while refused and not resumed
        assert post["nonce"] == occurrence_nonce(reminder.id, DUE)

        refusal.release()
        await fake.wait_for_resume(1, timeout=20)
        assert fake.gateway.identify_count == 1  # the same session came back
        about = await (await club.run("about")).response()
        assert about["data"]["embeds"][0]["title"] == "RunClub Coach"

        await dispatcher.poke()
        assert [m["id"] for m in fake.messages(club.training)] == [post["id"]]  # exactly once
        (occ,) = await svc.reminders.occurrences(reminder.id)
        assert occ.state is State.SENT and str(occ.message_id) == post["id"]  # on time, not late
        assert "Posted late" not in post["content"]
    finally:
        await club.runner.stop()


def _answer_lost_after_create(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, statuses: list[int]
) -> list[str]:
    """The next creates succeed at Discord but the bot gets a 5xx (a proxy timing out): only the
    nonce keeps the retry from posting twice. Returns the ids of the messages answered so."""
    original: Callable[[Call], Awaitable[tuple[int, Any]]] = fake.rest.handlers[CREATE_MESSAGE]
    pending = list(statuses)
    lost: list[str] = []

    async def create_then_fail(call: Call) -> tuple[int, Any]:
        channel_id = int(call.params["channel_id"])
        before = len(fake.messages(channel_id))
        status, body = await original(call)
        if status != 200 or not pending or len(fake.messages(channel_id)) == before:
            return status, body  # refused, or a nonce replay of an earlier message
        lost.append(body["id"])
        return pending.pop(0), {"message": "upstream timed out", "code": 0}

    monkeypatch.setitem(fake.rest.handlers, CREATE_MESSAGE, create_then_fail)
    return lost


async def test_429_storm_and_5xx_on_sends_deliver_every_post_once(
    coach_db: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tight per-channel bucket: 2 posts per second per channel, 4 reminders per channel.
    limits = RateLimitConfig(enabled=True, message_limit=2, message_window=1.0)
    async with FakeDiscord(rate_limits=limits) as fake:
        club = Club.create(fake)
        channels = [club.general, club.training, fake.add_channel(club.guild, "races")]
        clock = FakeClock(DUE - timedelta(minutes=1))
        runner = BotRunner(fake, coach_db, clock=clock)
        await runner.start()
        try:
            svc = runner.app.reminders
            assert svc is not None
            dispatcher = await running_dispatcher(runner.bot)  # type: ignore[arg-type]
            dispatcher.retry_delays = (0.05,) * 6  # the production backoff, shortened
            reminders: list[Reminder] = [
                await svc.reminders.add(_weekly(club, ch.id, f"Post {i}"), clock.now())
                for ch in channels
                for i in range(4)
            ]
            await dispatcher.poke()

            storm = [(429, 3), (503, 1), (500, 1), (429, 2), (502, 1), (503, 2), (429, 1)]
            for status, count in storm:
                fake.fail_next("POST", MESSAGE_POST, status, count=count)
            lost = _answer_lost_after_create(fake, monkeypatch, [503, 502, 503])
            clock.set(DUE)
            await dispatcher.poke()
            await dispatcher.poke()  # a second pass must not resend anything
        finally:
            await runner.stop()

        for status in (429, 500, 502, 503):  # the whole storm hit the reminder sends
            expected = sum(count for s, count in storm if s == status)
            assert fake.stats[f"injected_{status}"] == expected
        assert len(lost) == 3

        by_id: dict[str, dict[str, Any]] = {}
        for channel in channels:
            posts = fake.messages(channel)
            expected_nonces = {
                occurrence_nonce(r.id, DUE) for r in reminders if r.channel_id == channel.id
            }
            assert sorted(p["nonce"] for p in posts) == sorted(expected_nonces)  # once each
            by_id.update({p["id"]: p for p in posts})
        assert set(lost) <= set(by_id)

        app = await open_app(settings_for(fake, coach_db), clock=clock)
        svc = app.reminders
        try:
            for r in reminders:
                (occ,) = await svc.reminders.occurrences(r.id)
                assert occ.state is State.SENT, (r.id, occ.state, occ.error)
                post = by_id[str(occ.message_id)]
                assert post["nonce"] == occurrence_nonce(r.id, DUE)
                current = await svc.reminders.get(r.id)
                assert current is not None and current.status is Status.ACTIVE
        finally:
            await app.close()
        fake.assert_clean()


FAN_OUT = 60
SEED = 20260317


async def test_sigkill_at_random_points_in_a_fan_out_posts_each_once(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    async with FakeDiscord(rate_limits=RateLimitConfig(enabled=False)) as fake:
        guild = fake.add_guild("Hill Harriers RC")
        admin = fake.add_member(guild, "coach-alex", manage_guild=True)
        channels = [fake.add_channel(guild, f"group-{i}") for i in range(FAN_OUT)]
        db_path, log = tmp_path / "coach.db", tmp_path / "bot.log"

        # Due in the last minute by the real clock the subprocess uses: due now.
        now = datetime.now(UTC)
        due = now.replace(second=0, microsecond=0)
        if now - due < timedelta(seconds=2):
            due -= timedelta(minutes=1)
        reminders = await seed_reminders(
            db_path, guild.id, [c.id for c in channels], due, created_by=admin.id
        )
        # Every answer is held a random moment after Discord created the message, so a kill
        # always leaves posts that exist but were never recorded.
        for _ in range(3 * FAN_OUT):
            fake.delay_next("POST", MESSAGE_POST, rng.uniform(0.2, 0.8))

        def posted() -> int:
            return sum(len(fake.messages(c)) for c in channels)

        async def until(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
            try:
                await fake.wait_until(predicate, timeout, what)
            except Exception as exc:
                raise AssertionError(f"{exc}; bot log:\n{log.read_text()}") from exc

        kill_points = [rng.randint(2, FAN_OUT // 5), rng.randint(FAN_OUT // 3, 2 * FAN_OUT // 3)]
        for point in kill_points:
            proc = spawn_bot(fake, db_path, tmp_path, log)
            try:
                await until(lambda p=point: posted() >= p, f"{point} posts")  # type: ignore[misc]
            finally:
                kill_bot(proc)
            recorded = sum(row.state == "sent" for row in ledger(db_path))
            assert posted() < FAN_OUT, "killed after the fan-out finished"
            assert recorded < posted(), "no post was between send and record at the kill"

        proc = spawn_bot(fake, db_path, tmp_path, log)
        try:
            await until(
                lambda: (
                    len(rows := ledger(db_path)) == FAN_OUT
                    and all(r.state in ("sent", "late") for r in rows)
                ),
                "every occurrence recorded",
            )
        finally:
            assert stop_bot(proc) == 0, log.read_text()

        rows = {row.reminder_id: row for row in ledger(db_path)}
        for reminder, channel in zip(reminders, channels, strict=True):
            (post,) = fake.messages(channel)  # exactly one per channel
            row = rows[reminder.id]
            assert row.state in (State.SENT, State.LATE)
            assert str(row.message_id) == post["id"]
            assert post["nonce"] == row.nonce == occurrence_nonce(reminder.id, due)
        fake.assert_clean()
