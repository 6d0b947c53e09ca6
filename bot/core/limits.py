"""Discord's size limits, enforced in one place by clean truncation."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

from bot.core.replies import Embed, Field, Reply

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
EMBED_TOTAL = 6000
BUTTON_LABEL = 80
CUSTOM_ID = 100
BUTTONS = 25  # 5 rows of 5
ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary when one is near, and mark the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    # Don't leave a dangling backslash escape or half a surrogate-free unit at the end.
    cut = cut.rstrip("\\").rstrip()
    return cut + ELLIPSIS


def _fit_embed(embed: Embed) -> Embed:
    title = truncate(embed.title, TITLE)
    footer = truncate(embed.footer, FOOTER)
    description = truncate(embed.description, DESCRIPTION)
    fields = tuple(
        Field(
            truncate(f.name, FIELD_NAME) or "\u200b",
            truncate(f.value, FIELD_VALUE) or "\u200b",
            f.inline,
        )
        for f in embed.fields[:FIELDS]
    )
    budget = EMBED_TOTAL - len(title) - len(footer)
    kept: list[Field] = []
    for fld in fields:
        cost = len(fld.name) + len(fld.value)
        if cost > budget - min(len(description), 1):
            break
        kept.append(fld)
        budget -= cost
    description = truncate(description, max(budget, 0))
    return Embed(title, description, tuple(kept), footer, embed.color)


def fit(reply: Reply) -> Reply:
    """A reply Discord will accept: every text inside its limit, nothing else changed."""
    buttons = tuple(
        dataclasses.replace(
            b, custom_id=b.custom_id[:CUSTOM_ID], label=truncate(b.label, BUTTON_LABEL) or "…"
        )
        for b in reply.buttons[:BUTTONS]
    )
    content = truncate(reply.content, CONTENT)
    embed = _fit_embed(reply.embed) if reply.embed is not None else None
    if not content and embed is None:
        content = "\u200b"  # Discord rejects an empty message
    return replace(reply, content=content, embed=embed, buttons=buttons)


def embed_length(embed: Embed) -> int:
    return (
        len(embed.title)
        + len(embed.description)
        + len(embed.footer)
        + sum(len(f.name) + len(f.value) for f in embed.fields)
    )
