"""Rendering: templates to typed replies, escaping user text, Discord's limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import limits
from bot.core.markdown import escape_discord, unescape_for_terminal
from bot.core.render import Renderer, TemplateProblem
from bot.core.replies import Button, Embed, Field, Reply
from bot.core.settings import PROJECT_ROOT

ROOT = PROJECT_ROOT


def _renderer(tmp_path: Path, **templates: str) -> Renderer:
    for name, text in templates.items():
        (tmp_path / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name.replace("__", "/")).write_text(text)
    return Renderer(tmp_path)


def test_embed_blocks_and_fields(tmp_path: Path) -> None:
    r = _renderer(
        tmp_path,
        **{
            "x.j2": (
                "{% block title %}Hi {{ who | esc }}{% endblock %}"
                "{% block description %}Body{% endblock %}"
                "{% block fields %}@@field One\nfirst\n@@inline Two\nsecond\n{% endblock %}"
                "{% block footer %}foot{% endblock %}{% block color %}0x10{% endblock %}"
            )
        },
    )
    reply = r.reply("x.j2", who="*bob*", ephemeral=True)
    assert reply.ephemeral
    assert reply.embed == Embed(
        "Hi \\*bob\\*", "Body", (Field("One", "first"), Field("Two", "second", True)), "foot", 16
    )


def test_content_only_template(tmp_path: Path) -> None:
    r = _renderer(tmp_path, **{"c.j2": "{% block content %}Hello {{ n }}{% endblock %}"})
    reply = r.reply("c.j2", n=3)
    assert reply.content == "Hello 3" and reply.embed is None


def test_strict_undefined_names_the_template(tmp_path: Path) -> None:
    r = _renderer(tmp_path, **{"u.j2": "{% block content %}{{ missing }}{% endblock %}"})
    with pytest.raises(TemplateProblem, match=r"templates/u\.j2"):
        r.reply("u.j2")


def test_check_reports_broken_templates_with_line(tmp_path: Path) -> None:
    r = _renderer(tmp_path, **{"ok.j2": "fine", "bad.j2": "line1\n{% if %}\n"})
    problems = r.check()
    assert len(problems) == 1 and "bad.j2:2" in problems[0]


def test_project_templates_compile() -> None:
    assert Renderer(ROOT / "templates").check() == []


@pytest.mark.parametrize("text", ["@everyone", "@here", "<@123>", "<@&456>", "<@!789>"])
def test_escape_breaks_mentions(text: str) -> None:
    escaped = escape_discord(text)
    assert "@everyone" not in escaped and "@here" not in escaped
    assert "<@1" not in escaped and "<@&" not in escaped and "<@!" not in escaped


def test_escape_neutralises_markdown_and_round_trips_for_terminal() -> None:
    text = "**bold** _it_ `code` ~~s~~ > quote [link](http://x) # h || spoiler ||"
    escaped = escape_discord(text)
    for i, char in enumerate(escaped):
        if char in "*_`~>[]()#|":
            assert escaped[i - 1] == "\\", (char, escaped)
    assert unescape_for_terminal(escaped) == text


def test_truncate_is_clean() -> None:
    text = "word " * 1000
    cut = limits.truncate(text, 100)
    assert len(cut) <= 100 and cut.endswith(limits.ELLIPSIS) and not cut[:-1].endswith(" ")


def test_fit_enforces_every_limit() -> None:
    big = "x" * 10_000
    reply = limits.fit(
        Reply(
            content=big,
            embed=Embed(big, big, tuple(Field(big, big) for _ in range(40)), big),
            buttons=tuple(Button("id" * 80, big) for _ in range(30)),
        )
    )
    assert len(reply.content) <= 2000
    embed = reply.embed
    assert embed is not None
    assert len(embed.title) <= 256 and len(embed.description) <= 4096
    assert len(embed.footer) <= 2048 and len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert limits.embed_length(embed) <= 6000
    assert len(reply.buttons) <= 25
    assert all(len(b.label) <= 80 and len(b.custom_id) <= 100 for b in reply.buttons)


def test_fit_leaves_small_replies_alone() -> None:
    reply = Reply(content="hi", embed=Embed("t", "d", (Field("n", "v"),), "f"))
    assert limits.fit(reply) == reply
