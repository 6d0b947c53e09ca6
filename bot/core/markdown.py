"""Make user-supplied text inert in Discord: no formatting tricks, no pings."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\*_~`|>\[\]()#-])")
_MENTION_START = re.compile(r"@")
_ZERO_WIDTH_SPACE = "\u200b"


def escape_discord(text: object) -> str:
    """Escape markdown and break every mention (@everyone, @here, <@id>, <@&id>).

    A zero-width space after '@' stops Discord resolving the mention even where
    allowed_mentions would otherwise permit it; the backslashes show the text literally.
    """
    value = "" if text is None else str(text)
    value = _MARKDOWN.sub(r"\\\1", value)
    return _MENTION_START.sub("@" + _ZERO_WIDTH_SPACE, value)


_UNESCAPE = re.compile(r"\\([\\*_~`|>\[\]()#-])")


def unescape_for_terminal(text: str) -> str:
    """The console shows Discord text plainly; the escapes are for Discord's renderer only."""
    return _UNESCAPE.sub(r"\1", text).replace(_ZERO_WIDTH_SPACE, "")
