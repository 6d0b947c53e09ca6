"""End to end: /profile and /plan through the fake Discord (real discord.py HTTP and gateway),
and the offline console."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_app
from bot.console import run_console
from bot.core.clock import FakeClock
from bot.core.settings import load_settings
from tests.support.harness import Club, running_club

EPHEMERAL = 1 << 6
CHANNEL_MESSAGE, UPDATE_MESSAGE = 4, 7
WEDNESDAY = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
SET = {"level": "new", "goal": "muscle", "hills": "flat", "days": 3}


@pytest.fixture
async def club(coach_db: Path | str, fake_discord: Any, tmp_path: Path) -> AsyncIterator[Club]:
    """The usual club, with the bot on a fixed clock so "this week" is known."""
    async with running_club(fake_discord, coach_db, clock=FakeClock(WEDNESDAY)) as c:
        yield c


def components(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in data.get("components", []) for c in row["components"]}


async def answer(handle: Any) -> dict[str, Any]:
    """The interaction's initial callback: {"type", "data"}."""
    return await handle.response()


async def test_profile_plan_paging_why_and_delete(club: Club) -> None:
    fake = club.fake
    synced = {c["name"]: c for c in fake.command_syncs[-1][1]}
    set_cmd = next(o for o in synced["profile"]["options"] if o["name"] == "set")
    options = {o["name"]: o for o in set_cmd["options"]}
    assert [c["value"] for c in options["hills"]["choices"]] == [
        "steep",
        "gentle",
        "stairs",
        "treadmill",
        "flat",
    ]
    assert [c["value"] for c in options["age"]["choices"]] == ["under-40", "40-59", "60+"]
    assert (options["days"]["min_value"], options["days"]["max_value"]) == (2, 7)
    assert not options["lifts"].get("required") and options["level"]["required"]
    week_option = synced["plan"]["options"][0]
    assert (week_option["name"], week_option["min_value"], week_option["max_value"]) == (
        "week",
        1,
        52,
    )

    # /profile set: saved, just for the member.
    saved = await answer(await club.run("profile set", SET))
    assert saved["type"] == CHANNEL_MESSAGE and saved["data"]["flags"] & EPHEMERAL
    assert saved["data"]["content"].startswith("Profile saved")

    # /plan: this week's embed, ephemeral, pinging nobody.
    handle = await club.run("plan")
    body = await answer(handle)
    data = body["data"]
    assert body["type"] == CHANNEL_MESSAGE and data["flags"] & EPHEMERAL
    assert data["allowed_mentions"]["parse"] == []
    embed = data["embeds"][0]
    assert embed["title"] == "Your plan: week 1"
    names = [f["name"] for f in embed["fields"]]
    assert any("Strength training" in n for n in names)
    assert any(n.endswith("⚡ hard") for n in names)
    assert names[-1] == "Safety"
    buttons = components(data)
    assert buttons["◀ Previous week"]["disabled"] is True
    assert buttons["Next week ▶"]["custom_id"] == "rc:plan:week:2"

    # Next week: the same message turns the page (UPDATE_MESSAGE).
    message = await handle.original()
    press = await fake.click(message, "rc:plan:week:2", club.member)
    turned = await press.response()
    assert turned["type"] == UPDATE_MESSAGE
    assert turned["data"]["embeds"][0]["title"] == "Your plan: week 2"
    assert press.updated_message is not None
    assert press.updated_message["embeds"][0]["title"] == "Your plan: week 2"

    # Why?: a new ephemeral message naming the knowledge entries.
    why_press = await fake.click(press.updated_message, "rc:plan:why:2", club.member)
    why = await why_press.response()
    assert why["type"] == CHANNEL_MESSAGE and why["data"]["flags"] & EPHEMERAL
    why_embed = why["data"]["embeds"][0]
    assert why_embed["title"] == "Why week 2 looks like this"
    assert "/faq" in why_embed["description"]
    reasons = "\n".join(f["value"] for f in why_embed["fields"])
    assert "Should runners do strength training?" in reasons
    assert all(c["custom_id"].startswith("rc:faq:") for c in components(why["data"]).values())

    # /profile delete: only the member who asked can confirm.
    ask = await club.run("profile delete")
    ask_data = (await ask.response())["data"]
    assert ask_data["flags"] & EPHEMERAL
    confirm = components(ask_data)["Delete my data"]["custom_id"]
    assert confirm == f"rc:profile:delete:yes:{club.member.id}"
    ask_message = await ask.original()
    intruder = await (await fake.click(ask_message, confirm, club.admin)).response()
    assert intruder["type"] == CHANNEL_MESSAGE and "someone else" in intruder["data"]["content"]
    assert await club.runner.app.planner.profiles.get(club.member.id) is not None
    done = await (await fake.click(ask_message, confirm, club.member)).response()
    assert done["type"] == UPDATE_MESSAGE
    assert "deleted everything" in done["data"]["content"]
    assert done["data"].get("components") == []  # the confirm buttons are gone
    assert await club.runner.app.planner.profiles.get(club.member.id) is None

    # /plan again: one step to get going, not a dead end.
    after = (await answer(await club.run("plan")))["data"]
    assert after["flags"] & EPHEMERAL and not after.get("embeds")
    assert "/profile set level:new goal:muscle hills:flat days:3" in after["content"]
    fake.assert_clean()


async def test_console_profile_then_plan(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, database_path=tmp_path / "c.db")
    services = await open_app(settings, clock=FakeClock(WEDNESDAY))
    out: list[str] = []
    stdin = io.StringIO("/profile set level:new goal:muscle hills:flat days:3\n/plan\npress 2\n")
    assert await run_console(services, stdin=stdin, write=out.append) == 0
    assert out[0].startswith("(only you can see this)\nProfile saved")
    assert "┌─ Your plan: week 1" in out[1]
    assert "Strength training" in out[1] and "[2] Next week ▶" in out[1]
    assert "┌─ Your plan: week 2" in out[2]
