"""The console shows Discord's rendered tokens as readable text."""

from __future__ import annotations

from bot.core.terminal import discord_tokens_to_text


def test_tokens_become_text() -> None:
    names = {11: "training", 20: "runners"}
    text = "<#11> at <t:1795545000:F> pings <@&20>; unknown <#99> <t:0>"
    assert discord_tokens_to_text(text, names) == (
        "#training at Tue 24 Nov 2026 18:30 UTC pings @runners; "
        "unknown #99 Thu 01 Jan 1970 00:00 UTC"
    )


def test_plain_text_untouched() -> None:
    assert discord_tokens_to_text("a <b> c", {}) == "a <b> c"
