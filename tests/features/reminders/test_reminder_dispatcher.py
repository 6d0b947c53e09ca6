"""The dispatcher on real SQLite with an injected clock: exactly once, DST, downtime, crashes,
failures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import NamedTuple

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.features.reminders import RemindersContext
from bot.features.reminders.dispatcher import UNKNOWN_DELIVERY, ReminderDispatcher
from bot.features.reminders.handlers import bot_removed
from bot.features.reminders.ports import SendFailure
from bot.features.reminders.post import occurrence_nonce
from bot.features.reminders.repository import NewReminder, Reminder, State, Status
from bot.features.reminders.schedule import Weekday
from tests.support.reminders import GUILD, MemorySender, dispatcher, utc


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


TRAINING, ADMINS = 77, 88


async def _reminder(
    svc: RemindersContext,
    weekday: Weekday = Weekday.TUE,
    at: str = "18:30",
    tz: str = "Europe/London",
    role_id: int | None = None,
    ends_on: date | None = None,
) -> Reminder:
    new = NewReminder(GUILD, TRAINING, weekday, at, tz, "Hills tonight", role_id, ends_on, 1)
    return await svc.reminders.add(new, svc.clock.now())


async def test_posts_exactly_once_at_the_local_time(make_app) -> None:
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))  # Monday
    svc = (await make_app(clock)).reminders
    sender = MemorySender()
    d = dispatcher(svc, sender)
    r = await _reminder(svc, role_id=42)
    assert await d.run_due() == utc("2026-03-17T18:30:00Z")  # GMT: 18:30 local
    assert sender.posts == []
    clock.set(utc("2026-03-17T18:30:00Z"))
    await d.run_due()
    await d.run_due()  # a second pass at the same instant must not repost
    clock.advance(timedelta(minutes=1))
    assert await d.run_due() == utc("2026-03-24T18:30:00Z")
    assert len(sender.posts) == 1
    post = sender.posts[0]
    assert post.nonce == occurrence_nonce(r.id, utc("2026-03-17T18:30:00Z"))
    assert len(post.nonce) <= 25
    assert post.reply.mention_roles == (42,)
    assert post.reply.content.startswith("<@&42> Hills tonight")
    assert [b.custom_id for b in post.reply.buttons] == ["rc:plan:show"]
    (occ,) = await svc.reminders.occurrences(r.id)
    assert occ.state is State.SENT and occ.message_id == post.message_id


async def test_dst_keeps_local_time_in_london_spring_and_autumn(make_app) -> None:
    clock = FakeClock(utc("2026-03-22T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    sender = MemorySender()
    d = dispatcher(svc, sender)
    await _reminder(svc, Weekday.SUN, "07:00")
    # Before and after the 29 March change: 07:00 GMT = 07:00Z, then 07:00 BST = 06:00Z.
    for due in ("2026-03-29T06:00:00Z", "2026-04-05T06:00:00Z"):
        clock.set(utc(due) - timedelta(seconds=1))
        assert await d.run_due() == utc(due)
        clock.set(utc(due))
        await d.run_due()
    assert len(sender.posts) == 2


async def test_spring_gap_posts_at_first_valid_minute_and_fold_posts_once(make_app) -> None:
    clock = FakeClock(utc("2026-03-01T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    sender = MemorySender()
    d = dispatcher(svc, sender)
    await _reminder(svc, Weekday.SUN, "02:30", "America/New_York")  # 8 March: 02:00-03:00 gap
    await _reminder(svc, Weekday.SUN, "01:30", "America/New_York")  # 1 Nov: 01:00-02:00 twice
    clock.set(utc("2026-03-08T05:00:00Z"))
    assert await d.run_due() == utc("2026-03-08T06:30:00Z")  # 01:30 EST
    clock.set(utc("2026-03-08T06:30:00Z"))
    assert await d.run_due() == utc("2026-03-08T07:00:00Z")  # 03:00 EDT, end of the gap
    clock.set(utc("2026-11-01T05:30:00Z"))  # 01:30 EDT, the first reading
    await d.run_due()
    clock.set(utc("2026-11-01T06:30:00Z"))  # 01:30 EST, the repeat: no second post
    await d.run_due()
    nonces = [p.nonce for p in sender.posts]
    assert len(nonces) == len(set(nonces))
    fold_posts = [p for p in sender.posts if p.nonce and p.nonce.endswith("1793511000")]
    assert len(fold_posts) == 1  # 2026-11-01T05:30Z


async def test_downtime_within_grace_posts_once_marked_late(make_app) -> None:
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc)
    await svc.services.close()

    clock.set(utc("2026-03-17T20:00:00Z"))  # back 90 minutes after the post time
    svc = (await make_app(clock)).reminders
    sender = MemorySender()
    d = dispatcher(svc, sender)
    await d.run_due()
    await d.run_due()
    (post,) = sender.posts
    assert "Posted late" in post.reply.content
    assert "<t:1773772200:F>" in post.reply.content  # when it was due
    (occ,) = await svc.reminders.occurrences(r.id)
    assert occ.state is State.LATE


async def test_downtime_past_grace_records_missed_never_a_burst(make_app) -> None:
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc)
    clock.set(utc("2026-04-01T12:00:00Z"))  # three posts (17, 24, 31 March) fell due meanwhile
    sender = MemorySender()
    d = dispatcher(svc, sender)
    assert await d.run_due() == utc("2026-04-07T17:30:00Z")
    assert sender.posts == []
    states = [o.state for o in await svc.reminders.occurrences(r.id)]
    assert states == [State.MISSED] * 3
    assert (await svc.reminders.history([r.id]))[r.id].missed == 3


async def test_claimed_but_unrecorded_is_resent_with_the_same_nonce(make_app) -> None:
    due = utc("2026-03-17T18:30:00Z")
    clock = FakeClock(due - timedelta(days=1))
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc)
    sender = MemorySender()
    # The previous process claimed, sent, and died before recording the message id.
    clock.set(due)
    nonce = occurrence_nonce(r.id, due)
    assert await svc.reminders.claim(r.id, due, nonce, clock.now())
    assert not await svc.reminders.claim(r.id, due, nonce, clock.now())  # the key is the lock
    first_id = await sender.send(
        TRAINING, svc.renderer.reply("reminders/paused.j2", reminder=r), nonce
    )
    clock.advance(timedelta(seconds=20))
    d = dispatcher(svc, sender)
    d.start()
    try:
        await d.poke()
        assert len(sender.posts) == 1  # the resend returned the existing message
        assert sender.attempts == 2
        (occ,) = await svc.reminders.occurrences(r.id)
        assert occ.state is State.SENT and occ.message_id == first_id
    finally:
        await d.stop()


async def test_old_unrecorded_claim_is_not_resent_but_recorded(make_app) -> None:
    due = utc("2026-03-17T18:30:00Z")
    clock = FakeClock(due - timedelta(days=1))
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc)
    await svc.reminders.claim(r.id, due, occurrence_nonce(r.id, due), due)
    clock.set(due + timedelta(hours=1))  # past Discord's nonce window: a resend could duplicate
    sender = MemorySender()
    d = dispatcher(svc, sender)
    d.start()
    try:
        await d.poke()
        assert sender.posts == []
        (occ,) = await svc.reminders.occurrences(r.id)
        assert occ.state is State.FAILED and occ.error == UNKNOWN_DELIVERY
    finally:
        await d.stop()


class _Posted(NamedTuple):
    svc: RemindersContext
    reminder: Reminder
    dispatcher: ReminderDispatcher
    clock: FakeClock


async def _first_post_time(
    make_app: Callable[..., Awaitable[App]],
    sender: MemorySender,
    *,
    admin_channel: int | None = None,
) -> _Posted:
    """A Tuesday 18:30 London reminder made on Monday, and the dispatcher run at its post time."""
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    if admin_channel is not None:
        await svc.guild_settings.set_admin_channel(GUILD, admin_channel)
    reminder = await _reminder(svc)
    d = dispatcher(svc, sender)
    clock.set(utc("2026-03-17T18:30:00Z"))
    await d.run_due()
    return _Posted(svc, reminder, d, clock)


async def test_channel_gone_pauses_and_tells_the_admin_channel(make_app) -> None:
    sender = MemorySender(failures=[SendFailure("Unknown Channel", status=404, code=10003)])
    svc, r, d, clock = await _first_post_time(make_app, sender, admin_channel=ADMINS)
    paused = await svc.reminders.get(r.id)
    assert paused is not None and paused.status is Status.PAUSED
    assert paused.pause_reason == "channel_gone"
    assert not paused.notice_pending  # the admins were told
    (notice,) = sender.in_channel(ADMINS)
    assert "paused" in notice.reply.content and f"#{r.id}" in notice.reply.content
    assert notice.reply.mention_roles == ()
    (occ,) = await svc.reminders.occurrences(r.id)
    assert occ.state is State.FAILED and "10003" in (occ.error or "")
    clock.advance(timedelta(days=7))
    await d.run_due()
    assert sender.in_channel(TRAINING) == []  # paused: nothing more is attempted


async def test_missing_permission_without_admin_channel_leaves_notice_pending(
    make_app,
) -> None:
    sender = MemorySender(failures=[SendFailure("Missing Permissions", status=403, code=50013)])
    svc, r, *_ = await _first_post_time(make_app, sender)
    paused = await svc.reminders.get(r.id)
    assert paused is not None and paused.status is Status.PAUSED
    assert paused.pause_reason == "no_permission" and paused.notice_pending


async def test_transient_failures_are_retried_then_posted_once(make_app) -> None:
    sender = MemorySender(
        failures=[SendFailure("Bad Gateway", status=502), SendFailure("network: reset")]
    )
    svc, r, *_ = await _first_post_time(make_app, sender)
    assert sender.attempts == 3 and len(sender.posts) == 1
    fresh = await svc.reminders.get(r.id)
    assert fresh is not None and fresh.status is Status.ACTIVE


async def test_transient_failures_that_never_clear_are_recorded_not_paused(make_app) -> None:
    sender = MemorySender(failures=[SendFailure("Server Error", status=500)] * 10)
    svc, r, *_ = await _first_post_time(make_app, sender)
    assert sender.attempts == 4  # first try + 3 retries
    (occ,) = await svc.reminders.occurrences(r.id)
    assert occ.state is State.FAILED
    fresh = await svc.reminders.get(r.id)
    assert fresh is not None and fresh.status is Status.ACTIVE


async def test_bot_removed_from_server_stops_its_reminders(make_app) -> None:
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc)
    sender = MemorySender()
    d = dispatcher(svc, sender)
    assert await bot_removed(svc, GUILD) == 1
    clock.set(utc("2026-03-17T18:30:00Z"))
    assert await d.run_due() is None
    assert sender.posts == []
    fresh = await svc.reminders.get(r.id)
    assert fresh is not None and fresh.pause_reason == "bot_removed"


async def test_season_end_ends_the_reminder(make_app) -> None:
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    r = await _reminder(svc, ends_on=date(2026, 3, 17))
    sender = MemorySender()
    d = dispatcher(svc, sender)
    clock.set(utc("2026-03-17T18:30:00Z"))
    assert await d.run_due() is None
    assert len(sender.posts) == 1
    clock.advance(timedelta(days=1))
    await d.run_due()
    fresh = await svc.reminders.get(r.id)
    assert fresh is not None and fresh.status is Status.ENDED


async def test_task_sleeps_until_due_and_is_woken_by_changes(make_app) -> None:
    clock = FakeClock(utc("2026-03-16T12:00:00Z"))
    svc = (await make_app(clock)).reminders
    sender = MemorySender()
    d = dispatcher(svc, sender)
    d.start()
    try:
        await d.poke()
        assert d.next_due is None
        await _reminder(svc)
        await d.poke()
        assert d.next_due == utc("2026-03-17T18:30:00Z")
        clock.set(utc("2026-03-17T18:30:05Z"))
        await d.poke()
        assert len(sender.posts) == 1
        assert d.next_due == utc("2026-03-24T18:30:00Z")
    finally:
        await d.stop()
    assert not d.running
