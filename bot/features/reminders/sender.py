"""Send reminder posts over Discord's REST API only (works while the gateway is down)."""

from __future__ import annotations

import aiohttp
import discord

from bot.core.discord_io import message_kwargs
from bot.core.replies import Reply
from bot.features.reminders.ports import SendFailure


class DiscordSender:
    """discord.py's HTTP client via a PartialMessageable: no channel cache, no gateway needed.

    discord.py itself waits out 429s and retries some 5xx; what still fails reaches the
    dispatcher as a SendFailure, which decides between retrying and pausing.
    """

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def send(self, channel_id: int, reply: Reply, nonce: str | None) -> int:
        channel = self._client.get_partial_messageable(channel_id)
        kwargs = message_kwargs(reply)
        if kwargs.get("view") is None:
            kwargs.pop("view", None)
        if nonce is not None:
            kwargs["nonce"] = nonce  # discord.py adds enforce_nonce whenever a nonce is given
        try:
            message = await channel.send(**kwargs)
        except discord.HTTPException as exc:
            raise SendFailure(exc.text or str(exc), status=exc.status, code=exc.code) from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SendFailure(f"network: {exc!r}") from exc
        return message.id
