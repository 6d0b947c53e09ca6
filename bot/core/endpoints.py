"""Point discord.py at Discord, or at a Discord-compatible server (the test fake, a proxy).

discord.py keeps its REST base and gateway URL as class attributes, so this is necessarily
process-wide; it is applied once from Settings when the bot is built, and always sets both
values (defaults included) so a previous bot in the same process never leaks its endpoints.
"""

from __future__ import annotations

import yarl
from discord import http
from discord.gateway import DiscordWebSocket

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


def use_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    http.Route.BASE = (api_base or DEFAULT_API_BASE).rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DEFAULT_GATEWAY_URL)
