"""Send reminder posts over Discord's REST API only (works while the gateway is down)."""

from __future__ import annotations

import aiohttp
import discord

from bot.core.discord_io import channel_ref, message_kwargs
from bot.core.replies import Reply
from bot.features.reminders.ports import ChannelCheck, SendFailure


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


class DiscordChannels:
    """Saved channels looked up in the gateway's cache, with the bot's permissions there."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def check(self, guild_id: int, channel_id: int) -> ChannelCheck | None:
        guild = self._client.get_guild(guild_id)
        if guild is None or guild.unavailable:
            return None
        channel = guild.get_channel(channel_id)
        if channel is None:
            return ChannelCheck(exists=False)
        return ChannelCheck(exists=True, ref=channel_ref(channel, guild.me))
