"""End to end: /reminder through the real bot and discord.py against the fake Discord, with
an injected clock steering the dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import FakeClock
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.features.reminders.repository import State, Status
from tests.support.harness import Club, running_club
from tests.support.reminders import running_dispatcher

EPHEMERAL = 1 << 6
MONDAY_NOON = datetime.fromisoformat("2026-03-16T12:00:00+00:00")
DUE = datetime.fromisoformat("2026-03-17T18:30:00+00:00")  # Tuesday 18:30 in London (GMT)


@pytest.fixture
async def timed_club(
    coach_db: Path | str, fake_discord, tmp_path: Path
) -> AsyncIterator[tuple[Club, FakeClock]]:
    clock = FakeClock(MONDAY_NOON)
    async with running_club(fake_discord, coach_db, clock=clock) as club:
        yield club, clock


async def _dispatcher(club: Club) -> ReminderDispatcher:
    return await running_dispatcher(club.bot)


async def _say(club: Club, command: str, options: dict[str, Any], user: Any = None) -> dict:
    handle = await club.run(command, options, user=user or club.admin)
    return (await handle.response())["data"]


async def _add(club: Club, **options: Any) -> dict:
    base = {"channel": club.training, "weekday": "tue", "time": "18:30"}
    return await _say(club, "reminder add", {"timezone": "Europe/London", **base, **options})


async def test_add_then_post_exactly_once_pinging_only_the_role(timed_club) -> None:
    club, clock = timed_club
    fake = club.fake
    runners = fake.add_role(club.guild, "runners")
    data = await _add(club, role=runners, message="Hill session tonight @everyone")
    assert data["flags"] & EPHEMERAL and "saved" in data["content"]

    dispatcher = await _dispatcher(club)
    await dispatcher.poke()
    assert fake.messages(club.training) == []  # not due yet
    clock.set(DUE)
    await dispatcher.poke()
    await dispatcher.poke()
    (post,) = fake.messages(club.training)
    mentions = post["allowed_mentions"]
    assert mentions["parse"] == []  # never @everyone/@here, no user pings
    assert [int(r) for r in mentions["roles"]] == [runners.id]  # the chosen role only
    assert not mentions.get("users") and not mentions.get("replied_user")
    assert post["content"].startswith(f"<@&{runners.id}> Hill session tonight @\u200beveryone")
    assert post["embeds"][0]["title"].startswith("This week's focus:")
    buttons = [c for row in post["components"] for c in row["components"]]
    assert [(b["custom_id"], b["label"]) for b in buttons] == [("rc:plan:show", "My version")]
    assert post["nonce"] == f"r1t{int(DUE.timestamp())}"

    listing = await _say(club, "reminder list", {})
    field = listing["embeds"][0]["fields"][0]
    assert "Last: sent" in field["value"] and "Next: <t:1774377000:F>" in field["value"]


async def test_member_without_manage_server_is_refused(timed_club) -> None:
    club, _ = timed_club
    data = await _say(club, "reminder list", {}, user=club.member)
    assert data["flags"] & EPHEMERAL and "Manage Server" in data["content"]
    data = await _say(
        club,
        "reminder add",
        {"channel": club.training, "weekday": "tue", "time": "18:30"},
        user=club.member,
    )
    assert "Manage Server" in data["content"]
    assert await club.runner.app.reminders.reminders.count_guild(club.guild.id) == 0
    # Discord hides the group from non-admins as well.
    (synced,) = [c for c in club.fake.command_syncs[0][1] if c["name"] == "reminder"]
    assert int(synced["default_member_permissions"]) == 1 << 5  # Manage Server


async def test_channel_the_bot_cannot_post_in_is_refused_before_saving(timed_club) -> None:
    club, _ = timed_club
    muted = club.fake.add_channel(club.guild, "muted", bot_can_send=False)
    await asyncio.sleep(0.05)  # CHANNEL_CREATE reaches the bot's cache
    data = await _say(club, "reminder add", {"channel": muted, "weekday": "tue", "time": "18:30"})
    assert "can't post" in data["content"]
    assert await club.runner.app.reminders.reminders.count_guild(club.guild.id) == 0


async def test_timezone_autocomplete(timed_club) -> None:
    club, _ = timed_club
    choices = await club.fake.autocomplete(
        club.guild,
        club.general,
        club.admin,
        "reminder add",
        {"channel": club.training, "weekday": "tue", "time": "18:30", "timezone": "sydny"},
        focused="timezone",
    )
    assert choices[0]["value"] == "Australia/Sydney"


async def test_channel_deleted_pauses_and_tells_the_admin_channel(timed_club) -> None:
    club, clock = timed_club
    await _say(club, "settings admin_channel", {"channel": club.general})
    await _add(club)
    dispatcher = await _dispatcher(club)
    await club.fake.delete_channel(club.training)
    clock.set(DUE)
    await dispatcher.poke()
    reminder = await club.runner.app.reminders.reminders.get(1)
    assert reminder is not None and reminder.status is Status.PAUSED
    assert reminder.pause_reason == "channel_gone"
    (notice,) = club.fake.messages(club.general)
    assert "Reminder **#1**" in notice["content"] and "paused" in notice["content"]
    assert notice["allowed_mentions"]["parse"] == []
    listing = await _say(club, "reminder list", {})
    assert "Paused: the channel was deleted" in listing["embeds"][0]["fields"][0]["value"]


async def test_downtime_across_the_post_time_gives_one_late_post(timed_club) -> None:
    club, clock = timed_club
    await _add(club)
    await club.runner.stop()
    clock.set(DUE + timedelta(hours=2))
    await club.runner.start()
    dispatcher = await _dispatcher(club)
    await dispatcher.poke()
    await dispatcher.poke()
    (post,) = club.fake.messages(club.training)
    assert "Posted late" in post["content"] and f"<t:{int(DUE.timestamp())}:F>" in post["content"]
    (occ,) = await club.runner.app.reminders.reminders.occurrences(1)
    assert occ.state is State.LATE


async def test_remove_with_confirm_button(timed_club) -> None:
    club, _ = timed_club
    await _add(club)
    handle = await club.run("reminder remove", {"id": 1}, user=club.admin)
    body = await handle.response()
    assert body["data"]["flags"] & EPHEMERAL
    message = await handle.original()
    press = await club.fake.click(message, "rc:reminder:remove:1", club.admin)
    answer = await press.response()
    assert "removed" in answer["data"]["content"]
    assert await club.runner.app.reminders.reminders.get(1) is None


async def test_bot_removed_from_server_stops_reminders(timed_club) -> None:
    club, _ = timed_club
    await _add(club)
    await club.fake.remove_bot_from_guild(club.guild)
    services = club.runner.app.reminders
    for _ in range(500):
        reminder = await services.reminders.get(1)
        if reminder is not None and reminder.status is Status.PAUSED:
            break
        await asyncio.sleep(0.01)
    assert reminder is not None and reminder.pause_reason == "bot_removed"


async def test_the_organiser_s_formatting_reaches_discord_and_pings_only_the_role(
    timed_club,
) -> None:
    """Issue 13: the message was escaped like a member's question (asterisks and brackets
    showing); it keeps its Markdown, and @everyone/@here in it still ping nobody."""
    club, clock = timed_club
    runners = club.fake.add_role(club.guild, "runners")
    text = "**Hill reps** tonight, meet at [the park](https://example.org/park) *with lights*"
    await _add(club, role=runners, message=f"{text} @everyone @here")
    dispatcher = await _dispatcher(club)
    clock.set(DUE)
    await dispatcher.poke()
    (post,) = club.fake.messages(club.training)
    assert post["content"].startswith(f"<@&{runners.id}> {text} @\u200beveryone @\u200bhere")
    assert "\\*" not in post["content"] and "\\[" not in post["content"]
    assert post["allowed_mentions"]["parse"] == []
    assert [int(r) for r in post["allowed_mentions"]["roles"]] == [runners.id]


async def test_settings_show_and_admin_channel_without_a_channel(timed_club) -> None:
    """Issue 13: `/settings show`; `/settings admin_channel` alone shows instead of clearing."""
    club, _ = timed_club
    admins = club.fake.add_channel(club.guild, "admins")
    await asyncio.sleep(0.05)  # CHANNEL_CREATE reaches the bot's cache
    await _say(club, "settings admin_channel", {"channel": admins})
    await _add(club)
    shown = await _say(club, "settings show", {})
    assert shown["flags"] & EPHEMERAL
    assert "**Timezone:** UTC" in shown["content"]
    assert f"<#{admins.id}>: I can post there." in shown["content"]
    assert "**Reminders:** 1 of 25" in shown["content"]

    current = await _say(club, "settings admin_channel", {})
    assert f"<#{admins.id}>" in current["content"] and "clear:true" in current["content"]
    settings = await club.runner.app.reminders.guild_settings.get(club.guild.id)
    assert settings.admin_channel_id == admins.id  # not silently cleared

    await club.fake.delete_channel(admins)
    await asyncio.sleep(0.05)  # CHANNEL_DELETE reaches the bot's cache
    shown = await _say(
        club,
        "settings show",
        {},
    )
    assert "no longer exists" in shown["content"]

    cleared = await _say(club, "settings admin_channel", {"clear": True})
    assert "No admin channel" in cleared["content"]
    settings = await club.runner.app.reminders.guild_settings.get(club.guild.id)
    assert settings.admin_channel_id is None
