"""Run a discord.py client against a FakeDiscord for the length of a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from bot.core.endpoints import use_endpoints

from .interactions import FakeDiscordError
from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def running(
    client: ClientT, fake: FakeDiscord, timeout: float = 10.0
) -> AsyncIterator[ClientT]:
    """Point discord.py at the fake, start the client, wait for on_ready; close it on exit."""
    use_endpoints(fake.api_base, fake.gateway_url)
    task = asyncio.create_task(client.start(fake.token), name="fake-discord-client")
    try:
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when="FIRST_COMPLETED")
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # re-raise why the client stopped
            raise FakeDiscordError(f"client not ready within {timeout}s")
        yield client
    finally:
        await client.close()
        try:
            await asyncio.wait_for(task, timeout)
        except (asyncio.CancelledError, Exception):
            task.cancel()
        use_endpoints(None, None)
