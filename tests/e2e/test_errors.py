"""Error handling end to end: the real bot against the fake Discord.

Failing and slow handlers are injected by swapping entries in the running bot's router (or its
command tree), never by editing production code. Slow handlers wait on events the test controls,
so nothing here depends on how fast the machine is; only DEFER_AFTER_SECONDS is shortened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.caller import Caller
from bot.core.replies import Reply
from bot.core.services import Services
from bot.features.about.handlers import about as real_about
from tests.support import harness
from tests.support.fakediscord.server import FakeDiscord
from tests.support.harness import BotRunner, Club

EPHEMERAL = 1 << 6
DEFERRED_CHANNEL_MESSAGE = 5
CHANNEL_MESSAGE = 4
SORRY = "Sorry, something went wrong on my side"


@pytest.fixture
def quick_defer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Defer after 50 ms instead of 1.5 s so slow-handler tests stay fast."""
    monkeypatch.setattr("bot.core.discord_io.DEFER_AFTER_SECONDS", 0.05)
    yield


def swap_handler(club: Club, name: str, handler: Any) -> None:
    harness.swap_handler(club.bot, name, handler)


def gated_about(original: Any, started: asyncio.Event, release: asyncio.Event) -> Any:
    """/about that waits for the test's go-ahead, then answers as usual."""

    async def slow(svc: Services, caller: Caller, **options: Any) -> Reply:
        started.set()
        await release.wait()
        return await original(svc, caller, **options)

    return slow


def log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


async def test_unexpected_exception_gets_a_friendly_ephemeral_reply(
    club: Club, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(svc: Services, caller: Caller, **options: Any) -> Reply:
        raise RuntimeError("disk on fire")

    swap_handler(club, "about", broken)
    with caplog.at_level(logging.ERROR, logger="bot"):
        handle = await club.run("about")
    body = await handle.response()
    assert body["type"] == CHANNEL_MESSAGE
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith(SORRY)
    assert "disk on fire" not in str(body)  # no internals shown to the member
    assert body["data"]["allowed_mentions"]["parse"] == []

    failures = [r for r in caplog.records if r.name == "bot.core.router"]
    assert len(failures) == 1
    record = failures[0]
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert "/about failed" in message
    assert f"user {club.member.id}" in message
    assert f"guild {club.guild.id}" in message
    assert f"channel {club.general.id}" in message
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "disk on fire" in log_text([record])  # the traceback is in the log

    # The bot is unharmed: the real handler answers again.
    swap_handler(club, "about", real_about)
    again = await (await club.run("about")).response()
    assert again["type"] == CHANNEL_MESSAGE
    assert again["data"]["embeds"][0]["title"] == "RunClub Coach"


async def test_slow_handler_defers_then_edits_the_original(club: Club, quick_defer: None) -> None:
    started, release = asyncio.Event(), asyncio.Event()
    swap_handler(club, "about", gated_about(real_about, started, release))

    handle = await club.fake.invoke(club.guild, club.general, club.member, "about", {})
    body = await handle.response(timeout=10)
    assert started.is_set()
    assert body["type"] == DEFERRED_CHANNEL_MESSAGE  # "RunClub Coach is thinking..."
    assert not body.get("data", {}).get("flags", 0) & EPHEMERAL  # /about is public
    assert handle.original_message is None or not handle.original_message.get("embeds")

    release.set()
    original = await handle.original(timeout=10)
    assert original["embeds"][0]["title"] == "RunClub Coach"
    assert handle.original_edits == 1
    assert handle.followups == []
    assert len(handle.callbacks) == 1  # one defer, then the edit: no second callback


async def test_expired_interaction_is_logged_and_the_bot_carries_on(
    coach_db: Path | str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Defer only after 0.3 s while the fake forgets interactions after 0.2 s: even the defer is
    # too late (Discord's 404 10062 "Unknown interaction").
    monkeypatch.setattr("bot.core.discord_io.DEFER_AFTER_SECONDS", 0.3)
    caplog.set_level(logging.WARNING, logger="bot")
    async with FakeDiscord(interaction_window=0.2) as fake:
        club = Club.create(fake)
        club.runner = BotRunner(fake, coach_db)
        await club.runner.start()
        try:
            started, release = asyncio.Event(), asyncio.Event()
            swap_handler(club, "about", gated_about(real_about, started, release))
            handle = await fake.invoke(club.guild, club.general, club.member, "about", {})

            def logged(text: str) -> bool:
                return any(text in r.getMessage() for r in caplog.records)

            await fake.wait_until(lambda: logged("could not defer"), 10, "the failed defer")
            release.set()
            await fake.wait_until(lambda: logged("expired before we answered"), 10, "expiry log")
            assert not handle.callbacks  # Discord accepted nothing
            expired = [r for r in caplog.records if "expired" in r.getMessage()]
            assert str(handle.id) in expired[0].getMessage()
            assert not any(r.levelno >= logging.ERROR for r in caplog.records)

            # Still serving: the next command is answered normally.
            fake.interaction_window = 3.0
            swap_handler(club, "about", real_about)
            body = await (await club.run("about")).response()
            assert body["type"] == CHANNEL_MESSAGE
            assert club.bot.is_ready() and not club.bot.is_closed()
        finally:
            await club.runner.stop()
        fake.assert_clean()


async def test_check_failure_goes_through_the_central_error_handler(club: Club) -> None:
    command = club.bot.tree.get_command("about")
    assert command is not None
    command.add_check(lambda interaction: False)
    try:
        body = await (await club.run("about")).response()
    finally:
        command.remove_check(command.checks[-1])
    assert body["type"] == CHANNEL_MESSAGE
    assert body["data"]["flags"] & EPHEMERAL
    assert "Manage Server" in body["data"]["content"]


async def test_a_failing_command_callback_is_logged_and_apologised_for(
    club: Club, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Break the cog's callback itself (not the handler): discord.py wraps the exception in
    # CommandInvokeError and hands it to the tree's on_error, i.e. Core.on_app_command_error.
    def exploding_run(name: str, caller: Caller, **options: Any) -> Any:
        raise LookupError("router went missing")

    monkeypatch.setattr(club.bot.router, "run", exploding_run)
    with caplog.at_level(logging.ERROR, logger="bot"):
        body = await (await club.run("about")).response()
    assert body["type"] == CHANNEL_MESSAGE
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith(SORRY)
    records = [r for r in caplog.records if r.name == "bot.core.tree"]
    assert len(records) == 1
    assert (
        f"/about failed (user {club.member.id}, guild {club.guild.id})" in records[0].getMessage()
    )
    assert "router went missing" in log_text(records)


async def test_the_token_never_reaches_the_log(
    coach_db: Path | str,
    fake_discord: FakeDiscord,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="discord")
    caplog.set_level(logging.DEBUG, logger="bot")
    club = Club.create(fake_discord)
    club.runner = BotRunner(fake_discord, coach_db)
    await club.runner.start()
    try:
        await club.run("about")
        await club.run("faq", {"question": "do hills build muscle"})
        await club.run("kb reload", user=club.admin)
        await fake_discord.drop_gateway()  # RESUME sends the token again
        await fake_discord.wait_for_resume()

        async def broken(svc: Services, caller: Caller, **options: Any) -> Reply:
            raise RuntimeError(f"leaky {svc.settings.discord_token}")  # SecretStr hides it

        swap_handler(club, "about", broken)
        await club.run("about")
    finally:
        await club.runner.stop()
    text = log_text(caplog.records)
    assert len(caplog.records) > 20  # discord.py's DEBUG traffic was captured
    assert any(r.name.startswith("discord.gateway") for r in caplog.records)
    assert fake_discord.token not in text
    assert fake_discord.token.split(".", 1)[1] not in text
