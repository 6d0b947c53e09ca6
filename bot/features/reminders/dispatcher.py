"""The one task that posts reminders: sleeps until the earliest due post, claims, sends, records.

Exactly once: a post is claimed by inserting its (reminder, scheduled UTC) row before sending
and marked with the message id after. The send carries a nonce derived from that key with
enforce_nonce, so if the process dies between the two, the resend on start-up returns the
message Discord already has instead of posting it again.

Several processes (sharded, one shared database): each delivers its own shards' servers and
beats in `processes`; the live process with the smallest id also delivers the shards of
processes that stopped beating, and resends their unrecorded claims under the same nonces
(processes.py). The send pacing is shared through the database (pacing.SharedPacer), so all
processes together stay under Discord's global limit.

Downtime: posts that fell due while the bot was down are posted once (marked late) if they are
within the grace window, else recorded as missed; never replayed in a burst. Failures that no
retry can fix pause the reminder and tell the server; transient ones are retried with backoff.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.passes import PassSignal
from bot.core.render import Renderer
from bot.core.replies import Reply
from bot.core.shards import Sharding
from bot.features.faq import KnowledgeStore
from bot.features.reminders.guild_settings import GuildSettingsRepository
from bot.features.reminders.pacing import Pacer, SharedPacer
from bot.features.reminders.ports import Sender, SendFailure
from bot.features.reminders.post import occurrence_nonce, render_post, test_nonce
from bot.features.reminders.processes import (
    HEARTBEAT,
    ProcessRegistry,
    covered_shards,
    in_shards,
    new_process_id,
)
from bot.features.reminders.repository import Reminder, ReminderRepository, State

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=5)  # further behind schedule than this, a post says it is late
# Discord only dedupes a nonce for "a few minutes"; an older unrecorded claim can't be resent
# safely, so it is recorded as failed (delivery unknown) and shown in /reminder list instead.
RESEND_WITHIN = timedelta(minutes=3)
MAX_SLEEP_SECONDS = 3600.0  # re-derive from the schedules at least hourly (clock jumps, drift)
RETRY_DELAYS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
FORGET_EVERY = 60  # beats between dropping rows of processes gone for an hour
CONCURRENCY = 32  # sends in flight per pass; the pacer, not this, bounds the request rate
STOP_GRACE_SECONDS = 10.0

# Reason codes stored with a paused reminder; templates/reminders/_reasons.j2 words them.
REASON_CHANNEL_GONE = "channel_gone"
REASON_NO_ACCESS = "no_access"
REASON_NO_PERMISSION = "no_permission"
REASON_BOT_REMOVED = "bot_removed"
UNKNOWN_DELIVERY = "delivery_unknown"  # a code: templates/reminders/list.j2 words it


def pause_reason(failure: SendFailure) -> str:
    if failure.status == 404 or failure.code == 10003:
        return REASON_CHANNEL_GONE
    if failure.code == 50001:
        return REASON_NO_ACCESS
    return REASON_NO_PERMISSION


def interleaved(jobs: list[_Job]) -> list[_Job]:
    """Round-robin over channels: a channel's posts spread through the fan-out instead of
    arriving back to back (Discord allows 5 posts per 5 s in one channel)."""
    by_channel: dict[int, list[_Job]] = {}
    for job in jobs:
        by_channel.setdefault(job.reminder.channel_id, []).append(job)
    rounds = itertools.zip_longest(*by_channel.values())
    return [job for round_ in rounds for job in round_ if job is not None]


@dataclass(frozen=True, slots=True)
class _Job:
    reminder: Reminder
    scheduled: datetime
    late: bool
    nonce: str
    claimed: bool = False  # recovered claim: already ours, resend with the same nonce


class ReminderDispatcher:
    def __init__(
        self,
        *,
        reminders: ReminderRepository,
        guild_settings: GuildSettingsRepository,
        renderer: Renderer,
        knowledge: KnowledgeStore,
        clock: Clock,
        grace: timedelta,
        sender: Sender | None = None,
        pacer: Pacer | SharedPacer | None = None,
        registry: ProcessRegistry | None = None,
        sharding: Sharding | None = None,
        process_id: str | None = None,
        concurrency: int = CONCURRENCY,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.reminders = reminders
        self.guild_settings = guild_settings
        self.renderer = renderer
        self.knowledge = knowledge
        self.clock = clock
        self.sender = sender
        self.grace = grace
        self.pacer = pacer or Pacer()
        # Without a registry this process is alone: it delivers every server's posts.
        self.registry = registry
        self.sharding = sharding or Sharding(1, (0,))
        self.process_id = process_id or new_process_id()
        self.covered: frozenset[int] = frozenset(range(self.sharding.count))
        self._alive: frozenset[str] = frozenset({self.process_id})
        self.retry_delays = tuple(retry_delays)
        self._sleep = sleep
        self._concurrency = concurrency
        self._signal = PassSignal()
        self._task: asyncio.Task[None] | None = None
        # Heartbeats on their own timer, so a long fan-out never makes this process look gone;
        # and the passes that take over a gone process's shards at once, beside the main one.
        self._beats: asyncio.Task[None] | None = None
        self._takeovers: set[asyncio.Task[None]] = set()
        self._pending: set[tuple[int, datetime]] = set()  # posts queued or in flight here
        self._stopping = False
        self.next_due: datetime | None = None  # for logs and tests

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, sender: Sender | None = None) -> None:
        """Start posting; `sender` (if given) is the transport from now on."""
        if sender is not None:
            self.sender = sender
        if self.sender is None:
            raise RuntimeError("the reminder dispatcher needs a sender to start")
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="reminder-dispatcher")
            if self.registry is not None:
                self._beats = asyncio.create_task(self._heartbeats(), name="reminder-heartbeat")

    async def stop(self) -> None:
        """Let sends in flight finish (briefly), start no new ones, then end the task."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._signal.wake()
        if self._beats is not None:
            self._beats.cancel()
        running = [task, *self._takeovers]
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.gather(*running)), STOP_GRACE_SECONDS)
        except TimeoutError:
            for each in running:
                each.cancel()
            await asyncio.gather(*running, return_exceptions=True)
        if self._beats is not None:
            await asyncio.gather(self._beats, return_exceptions=True)
            self._beats = None
        self._signal.abandon()
        if self.registry is not None:
            try:
                await self.registry.leave(self.process_id)
            except Exception:  # the others take over once the heartbeat is stale instead
                log.warning("could not sign this process off in the database", exc_info=True)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        self._signal.wake()

    async def poke(self) -> None:
        """Wake the task and wait until a full pass that started after this call is done."""
        if not self.running:
            raise RuntimeError("the reminder dispatcher is not running")
        await self._signal.poke()

    # -- the loop ------------------------------------------------------------------------------

    async def _run(self) -> None:
        first = True
        while not self._stopping:
            waiters = self._signal.begin()
            try:
                self.next_due = await self.run_pass(recover=first)
                first = False
            except asyncio.CancelledError:
                raise
            except Exception:
                # A bad row or a database hiccup must not end reminders for everyone.
                log.exception("reminder pass failed; retrying shortly")
                self.next_due = self.clock.now() + timedelta(seconds=30)
            self._signal.end(waiters)
            if self._stopping:
                break
            delay = MAX_SLEEP_SECONDS
            if self.next_due is not None:
                delay = (self.next_due - self.clock.now()).total_seconds()
            if self.registry is not None:  # beat, and notice a peer gone or back, in time
                delay = min(delay, HEARTBEAT.total_seconds())
            await self._signal.sleep(min(delay, MAX_SLEEP_SECONDS))

    async def run_pass(self, *, recover: bool = False) -> datetime | None:
        """One pass of the loop: beat (with other processes), finish claims left by processes
        that are gone (always with a registry; else only when `recover`, i.e. at start-up), then
        post what is due. Returns the next due instant."""
        if self.registry is not None:
            await self._beat()
        if recover or self.registry is not None:
            await self._recover_claims()
        return await self.run_due()

    async def _heartbeats(self) -> None:
        """Beat every HEARTBEAT whatever the main pass is doing; when this process starts
        covering a gone process's shards, deliver their due posts and claims at once."""
        beats = 0
        while not self._stopping:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            before = self.covered
            beats += 1
            try:
                await self._beat()
                if beats % FORGET_EVERY == 0 and self.registry is not None:
                    await self.registry.forget_stale(self.clock.now())
            except Exception:
                log.warning("reminder heartbeat failed; retrying", exc_info=True)
                continue
            gained = self.covered - before
            if gained and not self._stopping:
                task = asyncio.create_task(self._cover(gained), name="reminder-takeover")
                self._takeovers.add(task)
                task.add_done_callback(self._takeovers.discard)

    async def _cover(self, shards: frozenset[int]) -> None:
        try:
            await self._recover_claims(only=shards)
            await self.run_due(only=shards)
        except Exception:
            log.exception("taking over shards %s failed; the next pass retries", sorted(shards))

    async def _beat(self) -> None:
        """Say this process is alive, and work out which shards it delivers for now."""
        assert self.registry is not None
        now = self.clock.now()
        await self.registry.beat(self.process_id, self.sharding, now)
        alive = await self.registry.alive(now)
        covered = covered_shards(self.process_id, self.sharding, alive)
        if covered != self.covered:
            log.info(
                "delivering reminders for shards %s of %d (own: %s)",
                ",".join(map(str, sorted(covered))),
                self.sharding.count,
                ",".join(map(str, self.sharding.ids)),
            )
        self.covered = covered
        self._alive = frozenset({p.id for p in alive} | {self.process_id})

    def _mine(self, reminder: Reminder, only: frozenset[int] | None = None) -> bool:
        shards = self.covered if only is None else self.covered & only
        return in_shards(reminder.guild_id, self.sharding.count, shards)

    async def run_due(self, only: frozenset[int] | None = None) -> datetime | None:
        """Post (or record as missed) everything due now in the shards this process covers
        (`only`: in those of them); returns the next due instant."""
        now = self.clock.now()
        latest = await self.reminders.latest_scheduled()
        jobs: list[_Job] = []
        earliest: datetime | None = None
        for reminder in await self.reminders.list_active():
            if not self._mine(reminder, only):
                continue
            schedule = reminder.schedule
            cursor = max(reminder.anchor_utc, latest.get(reminder.id, reminder.anchor_utc))
            due = schedule.between(cursor, now)
            for old in due[:-1]:  # never a burst: only the newest due post can still go out
                await self.reminders.record_missed(reminder.id, old, now)
                log.info("reminder %s: post due %s recorded as missed", reminder.id, old)
            if due:
                last = due[-1]
                if now - last > self.grace:
                    await self.reminders.record_missed(reminder.id, last, now)
                    log.info("reminder %s: post due %s missed (past grace)", reminder.id, last)
                else:
                    nonce = occurrence_nonce(reminder.id, last)
                    jobs.append(_Job(reminder, last, now - last > LATE_AFTER, nonce))
            upcoming = schedule.next_after(max(cursor, now))
            if upcoming is None:
                if not due:
                    await self.reminders.end(reminder.id, now)
                    log.info("reminder %s: season over (ends_on %s)", reminder.id, reminder.ends_on)
            elif earliest is None or upcoming < earliest:
                earliest = upcoming
        await self._deliver_all(interleaved(jobs))
        return earliest

    async def _recover_claims(self, only: frozenset[int] | None = None) -> None:
        """Claims left by a process that died mid-send (this one before a restart, or a peer
        whose servers this one now covers): resend with the same nonce, or record. Claims of
        live processes are theirs to finish."""
        now = self.clock.now()
        jobs: list[_Job] = []
        for occ in await self.reminders.unrecorded_claims():
            if occ.claimed_by is not None and occ.claimed_by in self._alive:
                continue
            reminder = await self.reminders.get(occ.reminder_id)
            if reminder is None or not self._mine(reminder, only):
                continue
            if not await self.reminders.take_over(occ, self.process_id):
                continue  # another process got there first
            fresh = now - occ.claimed_at <= RESEND_WITHIN and now - occ.scheduled_utc <= self.grace
            if fresh and occ.nonce:
                late = now - occ.scheduled_utc > LATE_AFTER
                jobs.append(_Job(reminder, occ.scheduled_utc, late, occ.nonce, claimed=True))
                log.info("reminder %s: resending unrecorded post due %s", reminder.id, occ.nonce)
            else:
                await self.reminders.record(
                    reminder.id, occ.scheduled_utc, State.FAILED, now, error=UNKNOWN_DELIVERY
                )
                log.warning("reminder %s: post due %s has unknown delivery", reminder.id, occ)
        await self._deliver_all(jobs)

    # -- delivery ------------------------------------------------------------------------------

    async def _deliver_all(self, jobs: list[_Job]) -> None:
        """Deliver the jobs not already queued here (a takeover pass and the main pass may
        find the same post due: it must not take two pacer slots)."""
        fresh = [job for job in jobs if (job.reminder.id, job.scheduled) not in self._pending]
        if not fresh:
            return
        keys = [(job.reminder.id, job.scheduled) for job in fresh]
        self._pending.update(keys)
        # Each pass its own sends in flight: a takeover's posts share the pace with a long
        # fan-out already queued instead of waiting behind it.
        slots = asyncio.Semaphore(self._concurrency)
        try:
            await asyncio.gather(*(self._deliver(job, slots) for job in fresh))
        finally:
            self._pending.difference_update(keys)

    async def _deliver(self, job: _Job, slots: asyncio.Semaphore) -> None:
        async with slots:
            if self._stopping:
                return  # unclaimed: the next start picks it up
            r = job.reminder
            try:
                reply = render_post(
                    self.renderer, self.knowledge.kb, r, job.scheduled, late=job.late
                )
                # Claim only once the pacer lets this send go, so a crash leaves no claims that
                # were never sent (those would be "delivery unknown" after a long outage).
                await self.pacer.wait()
                if not job.claimed and not await self.reminders.claim(
                    r.id, job.scheduled, job.nonce, self.clock.now(), by=self.process_id
                ):
                    return  # someone already has it
                try:
                    message_id = await self._send_with_retry(
                        r.channel_id, reply, job.nonce, paced=True
                    )
                except SendFailure as failure:
                    await self._failed(job, failure)
                    return
                state = State.LATE if job.late else State.SENT
                await self.reminders.record(
                    r.id, job.scheduled, state, self.clock.now(), message_id=message_id
                )
            except Exception:
                # The claim stays unrecorded; the next start resends it under the same nonce.
                log.exception("reminder %s: delivering the post due %s failed", r.id, job.scheduled)

    async def _send_with_retry(
        self, channel_id: int, reply: Reply, nonce: str | None, *, paced: bool = False
    ) -> int:
        """Send, retrying transient failures with backoff; `paced`: the first send's pacer slot
        was already taken by the caller."""
        attempt = 0
        while True:
            if not paced or attempt > 0:
                await self.pacer.wait()
            try:
                assert self.sender is not None  # set before the task starts
                return await self.sender.send(channel_id, reply, nonce)
            except SendFailure as failure:
                if failure.permanent or not failure.transient:
                    raise
                if attempt >= len(self.retry_delays) or self._stopping:
                    raise
                delay = self.retry_delays[attempt]
                attempt += 1
                log.warning(
                    "send to channel %s failed (%s); retry %d in %.1fs",
                    channel_id,
                    failure.reason,
                    attempt,
                    delay,
                )
                await self._sleep(delay)

    async def _failed(self, job: _Job, failure: SendFailure) -> None:
        r = job.reminder
        now = self.clock.now()
        error = f"{failure.status or 'network'}/{failure.code or 0}: {failure.reason}"
        await self.reminders.record(r.id, job.scheduled, State.FAILED, now, error=error)
        if not failure.permanent:
            log.error(
                "reminder %s: post due %s failed after retries: %s", r.id, job.scheduled, error
            )
            return
        reason = pause_reason(failure)
        log.warning("reminder %s paused (%s): %s", r.id, reason, error)
        await self.reminders.pause(r.id, reason, now, notice_pending=True)
        await self._notify_admins(r, reason)

    async def _notify_admins(self, reminder: Reminder, reason: str) -> None:
        """A message in the admin channel; if there is none or it fails, /reminder list shows it."""
        settings = await self.guild_settings.get(reminder.guild_id)
        target = settings.admin_channel_id
        if target is None or target == reminder.channel_id:
            return
        reply = self.renderer.reply("reminders/paused_notice.j2", reminder=reminder, reason=reason)
        try:
            await self._send_with_retry(target, reply, None)
        except SendFailure as failure:
            log.warning("could not tell the admins of guild %s: %s", reminder.guild_id, failure)
            return
        await self.reminders.notice_delivered(reminder.id)

    # -- on request ----------------------------------------------------------------------------

    async def post_test(self, reminder: Reminder) -> int:
        now = self.clock.now()
        reply = render_post(self.renderer, self.knowledge.kb, reminder, now, test=True)
        return await self._send_with_retry(reminder.channel_id, reply, test_nonce(reminder.id, now))
