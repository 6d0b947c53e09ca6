"""jinja2 templates in `templates/` rendered into typed replies.

A reply template defines named blocks: `content`, and for an embed `title`, `description`,
`fields`, `footer`, `color`. Inside `fields`, a line `@@field Name` (or `@@inline Name`) starts a
field whose value is the lines below it. Limits are applied by bot.core.limits.fit on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from bot.core.limits import fit
from bot.core.markdown import escape_discord
from bot.core.replies import Button, Embed, Field, Reply

_FIELD_MARK = re.compile(r"^@@(field|inline)[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_EMBED_BLOCKS = ("title", "description", "fields", "footer")


class TemplateProblem(Exception):
    """A template failed to compile or render; str() names the file and line."""


def duration(seconds: float) -> str:
    """Compact uptime-style duration: 3d 4h 5m, 2h 0m, 7m."""
    minutes = int(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h {minutes}m"
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def discord_timestamp(instant: datetime, style: str = "F") -> str:
    """`<t:…:F>` shows each member the instant in their own local time."""
    return f"<t:{int(instant.timestamp())}:{style}>"


class Renderer:
    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # Templates ship with the bot and don't change while it runs: skip jinja2's mtime
            # check (a stat per render under load).
            auto_reload=False,
        )
        self.env.filters["esc"] = escape_discord
        self.env.filters["timestamp"] = discord_timestamp
        self.env.filters["duration"] = duration
        self.env.filters["plural"] = lambda n, word, many=None: (
            word if n == 1 else (many or word + "s")
        )

    def reply(
        self,
        name: str,
        /,
        *,
        ephemeral: bool = False,
        buttons: Iterable[Button] = (),
        mention_roles: Iterable[int] = (),
        edit_original: bool = False,
        **context: Any,
    ) -> Reply:
        template = self._get(name)
        blocks = self._render_blocks(template, name, context)
        embed = None
        if any(blocks.get(b) for b in _EMBED_BLOCKS):
            color = blocks.get("color", "").strip()
            embed = Embed(
                title=blocks.get("title", "").strip(),
                description=blocks.get("description", "").strip(),
                fields=_parse_fields(blocks.get("fields", "")),
                footer=blocks.get("footer", "").strip(),
                color=int(color, 0) if color else None,
            )
        return fit(
            Reply(
                content=blocks.get("content", "").strip(),
                embed=embed,
                ephemeral=ephemeral,
                buttons=tuple(buttons),
                mention_roles=tuple(mention_roles),
                edit_original=edit_original,
            )
        )

    def text(self, name: str, /, **context: Any) -> str:
        """A whole template as plain text (CLI output)."""
        template = self._get(name)
        try:
            return template.render(**context).strip()
        except jinja2.TemplateError as exc:
            raise TemplateProblem(_describe(name, exc)) from exc

    def check(self) -> list[str]:
        """Compile every template; one problem line per broken file."""
        problems: list[str] = []
        for path in sorted(self.templates_dir.rglob("*.j2")):
            name = path.relative_to(self.templates_dir).as_posix()
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(f"{self.templates_dir / name}:{exc.lineno}: {exc.message}")
        return problems

    def _get(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(f"template not found: {self.templates_dir / name}") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(_describe(name, exc)) from exc

    def _render_blocks(
        self, template: jinja2.Template, name: str, context: dict[str, Any]
    ) -> dict[str, str]:
        try:
            ctx = template.new_context(context)
            return {block: "".join(fn(ctx)) for block, fn in template.blocks.items()}
        except jinja2.TemplateError as exc:
            raise TemplateProblem(_describe(name, exc)) from exc


def _parse_fields(text: str) -> tuple[Field, ...]:
    marks = list(_FIELD_MARK.finditer(text))
    fields = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = text[mark.end() : end].strip()
        fields.append(Field(mark[2], value, inline=mark[1] == "inline"))
    return tuple(fields)


def _describe(name: str, exc: jinja2.TemplateError) -> str:
    line = getattr(exc, "lineno", None)
    where = f"templates/{name}" + (f":{line}" if line else "")
    return f"{where}: {exc}"
