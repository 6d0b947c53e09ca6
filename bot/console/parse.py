"""Parse a typed slash command (`/plan week:3`, `/faq do hills build muscle`) the way Discord's
client would, using the very command tree the bot registers, so options, choices and types can't
drift from what members see in Discord."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from discord import AppCommandOptionType
from discord import app_commands as ac

from bot.core.caller import ChannelRef, RoleRef


class ParseError(Exception):
    """What Discord's client would refuse; rendered from templates/console/error.j2."""

    def __init__(self, kind: str, **context: Any) -> None:
        super().__init__(kind)
        self.kind = kind
        self.context = context


@dataclass(frozen=True, slots=True)
class Club:
    """The pretend server the console runs in."""

    guild_id: int
    channels: tuple[ChannelRef, ...]
    roles: tuple[RoleRef, ...]


@dataclass(frozen=True, slots=True)
class Parsed:
    name: str
    command: ac.Command[Any, ..., Any]
    options: dict[str, Any]


def find_command(tree: ac.CommandTree, words: list[str]) -> tuple[ac.Command[Any, ..., Any], int]:
    """The leaf command named by the leading words, and how many words it took."""
    if not words:
        raise ParseError("empty")
    top = tree.get_command(words[0].lower())
    if top is None:
        raise ParseError("unknown_command", name=words[0])
    node: Any = top
    used = 1
    while isinstance(node, ac.Group):
        if used >= len(words):
            raise ParseError(
                "needs_subcommand",
                name=node.qualified_name,
                subcommands=[c.name for c in node.commands],
            )
        child = node.get_command(words[used].lower())
        if child is None:
            raise ParseError(
                "unknown_subcommand",
                name=node.qualified_name,
                given=words[used],
                subcommands=[c.name for c in node.commands],
            )
        node = child
        used += 1
    return node, used


def parse(tree: ac.CommandTree, line: str, club: Club) -> Parsed:
    text = line.strip().removeprefix("/")
    words = text.split()
    command, used = find_command(tree, words)
    rest = text.split(None, used)[used] if len(words) > used else ""
    params = {p.display_name: p for p in command.parameters}
    raw = _split_options(rest, list(params))
    if raw is None:  # free text: Discord would put it in the first text option
        first = next((p for p in command.parameters if p.type is AppCommandOptionType.string), None)
        if first is None:
            raise ParseError("unexpected_text", name=command.qualified_name, text=rest)
        raw = {first.display_name: rest}
    options: dict[str, Any] = {}
    for name, value in raw.items():
        options[params[name].name] = _convert(params[name], value, club)
    missing = [p.display_name for p in command.parameters if p.required and p.name not in options]
    if missing:
        raise ParseError("missing_options", name=command.qualified_name, missing=missing)
    return Parsed(command.qualified_name, command, options)


def _split_options(rest: str, names: list[str]) -> dict[str, str] | None:
    if not rest:
        return {}
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):", re.IGNORECASE)
    marks = list(pattern.finditer(rest)) if names else []
    if not marks or rest[: marks[0].start()].strip():
        if re.match(r"^\s*[\w-]+:\S", rest) and not marks:
            given = rest.split(":", 1)[0].strip()
            raise ParseError("unknown_option", given=given, options=names)
        return None if not marks else {}
    found: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(rest)
        found[mark[1].lower()] = _unquote(rest[mark.end() : end].strip())
    return found


_QUOTES = (('"', '"'), ("\u201c", "\u201d"), ("'", "'"))


def _unquote(value: str) -> str:
    """`message:"two words"` is the text two words: one pair of quotes around a whole value is
    how a typed line marks where the value starts and ends, as Discord's own option box does;
    quotes inside the text, or only on one side, are the text's own."""
    for left, right in _QUOTES:
        if len(value) >= 2 and value.startswith(left) and value.endswith(right):
            return value[1:-1].strip()
    return value


def _convert(param: ac.Parameter, value: str, club: Club) -> Any:
    name = param.display_name
    if param.choices:
        for choice in param.choices:
            if value.lower() in (choice.name.lower(), str(choice.value).lower()):
                return choice.value
        raise ParseError(
            "bad_choice", option=name, given=value, choices=[c.name for c in param.choices]
        )
    kind = param.type
    try:
        if kind is AppCommandOptionType.integer:
            number: Any = int(value)
        elif kind is AppCommandOptionType.number:
            number = float(value)
        elif kind is AppCommandOptionType.boolean:
            lowered = value.lower()
            if lowered not in ("true", "false", "yes", "no"):
                raise ValueError(value)
            return lowered in ("true", "yes")
        elif kind is AppCommandOptionType.channel:
            return _lookup(club.channels, value.lstrip("#"), name)
        elif kind is AppCommandOptionType.role:
            return _lookup(club.roles, value.lstrip("@"), name)
        else:
            if param.max_value is not None and len(value) > param.max_value:
                raise ParseError("too_long", option=name, limit=param.max_value)
            return value
    except ValueError:
        raise ParseError("bad_type", option=name, given=value, type=kind.name) from None
    low, high = param.min_value, param.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise ParseError("out_of_range", option=name, given=value, low=low, high=high)
    return number


def _lookup(items: tuple[Any, ...], value: str, option: str) -> Any:
    for item in items:
        if value.lower() in (item.name.lower(), str(item.id)):
            return item
    raise ParseError("unknown_ref", option=option, given=value, known=[item.name for item in items])
