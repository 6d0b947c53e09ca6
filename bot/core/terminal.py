"""A reply as plain terminal text: what the console and `coach ask` print."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.core.markdown import unescape_for_terminal
from bot.core.render import Renderer
from bot.core.replies import Reply

# Discord renders these tokens for each member; a terminal shows them as text instead.
_TIMESTAMP = re.compile(r"<t:(-?\d{1,12})(?::([tTdDfFR]))?>")
_CHANNEL = re.compile(r"<#(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")


def reply_text(
    renderer: Renderer,
    reply: Reply,
    *,
    show_buttons: bool = False,
    names: Mapping[int, str] | None = None,
) -> str:
    text = renderer.text("console/reply.j2", reply=reply, show_buttons=show_buttons)
    return unescape_for_terminal(discord_tokens_to_text(text, names or {}))


def discord_tokens_to_text(text: str, names: Mapping[int, str]) -> str:
    """`<t:…>` as a UTC date and time, `<#id>`/`<@&id>` by name where the console knows it."""

    def when(match: re.Match[str]) -> str:
        instant = datetime.fromtimestamp(int(match[1]), UTC)
        return instant.strftime("%a %d %b %Y %H:%M UTC")

    def channel(match: re.Match[str]) -> str:
        return "#" + names.get(int(match[1]), match[1])

    def role(match: re.Match[str]) -> str:
        return "@" + names.get(int(match[1]), match[1])

    text = _TIMESTAMP.sub(when, text)
    text = _CHANNEL.sub(channel, text)
    return _ROLE.sub(role, text)
