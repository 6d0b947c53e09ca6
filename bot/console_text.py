"""A reply as plain terminal text: what the console and `coach ask` print."""

from __future__ import annotations

from bot.markdown import unescape_for_terminal
from bot.render import Renderer
from bot.replies import Reply


def reply_text(renderer: Renderer, reply: Reply, *, show_buttons: bool = False) -> str:
    return unescape_for_terminal(
        renderer.text("console/reply.j2", reply=reply, show_buttons=show_buttons)
    )
