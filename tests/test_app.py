"""The wiring, read from the real command tree: every command declared once, with a handler that
takes its options, a template folder, and buttons whose patterns match their handlers."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from typing import Any

import pytest
from discord import app_commands

from bot.app import App
from bot.console import build_console_bot
from bot.core.bot import CoachBot
from bot.core.clock import SystemClock
from bot.core.cog import FeatureCog
from bot.core.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"


@pytest.fixture
async def bot(make_app) -> CoachBot:  # type: ignore[no-untyped-def]
    app: App = await make_app(SystemClock())
    return await build_console_bot(app)


def _leaves(bot: CoachBot) -> list[app_commands.Command[Any, ..., Any]]:
    return [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]


def _feature_of(handler: Any) -> str:
    match = re.fullmatch(r"bot\.features\.(\w+)\.\w+", handler.__module__)
    assert match, f"{handler.__qualname__} lives outside a feature: {handler.__module__}"
    return match[1]


async def test_every_command_has_a_handler_named_for_it_and_routed(bot: CoachBot) -> None:
    leaves = _leaves(bot)
    assert len(leaves) >= 18
    for command in leaves:
        handler = command.extras.get("handler")
        assert handler is not None, f"/{command.qualified_name} names no handler"
        assert inspect.iscoroutinefunction(handler)
        assert handler.__name__ == command.qualified_name.replace(" ", "_")
        assert bot.router.commands[command.qualified_name].handler is handler


async def test_every_handler_takes_exactly_its_commands_options(bot: CoachBot) -> None:
    for command in _leaves(bot):
        params = list(inspect.signature(command.extras["handler"]).parameters.values())[2:]
        assert [p.name for p in params] == [p.name for p in command.parameters], (
            f"/{command.qualified_name}: handler options differ from the command's"
        )
        for param, option in zip(params, command.parameters, strict=True):
            assert (param.default is inspect.Parameter.empty) == option.required, param.name


async def test_every_handler_has_a_template_folder(bot: CoachBot) -> None:
    for command in _leaves(bot):
        folder = TEMPLATES / _feature_of(command.extras["handler"])
        assert folder.is_dir() and any(folder.rglob("*.j2")), f"no templates in {folder}"


async def test_autocompletes_come_from_the_declaration(bot: CoachBot) -> None:
    for command in _leaves(bot):
        declared = set(command.extras.get("complete") or {})
        wired = {p.name for p in command.parameters if p.autocomplete}
        assert declared == wired, command.qualified_name


async def test_command_names_are_unique(bot: CoachBot) -> None:
    names = Counter(c.qualified_name for c in _leaves(bot))
    assert all(n == 1 for n in names.values()), names


async def test_every_button_pattern_matches_its_handlers_arguments(bot: CoachBot) -> None:
    routes = [r for cog in bot.cogs.values() if isinstance(cog, FeatureCog) for r in cog.buttons]
    assert {r.prefix for r in routes} == set(bot.router.buttons)
    for route in routes:
        params = list(inspect.signature(route.handler).parameters)[2:]
        groups = list(re.compile(route.pattern).groupindex)
        assert sorted(params) == sorted(groups), route
        assert _feature_of(route.handler)


async def test_every_form_pattern_matches_its_handlers_arguments(bot: CoachBot) -> None:
    """A form's (modal's) handler takes the submitted text as `values`, then its pattern's
    groups, like a button's."""
    routes = [r for cog in bot.cogs.values() if isinstance(cog, FeatureCog) for r in cog.modals]
    assert routes, "no forms found: extend this test if the feature went away"
    assert {r.prefix for r in routes} == set(bot.router.modals)
    for route in routes:
        params = list(inspect.signature(route.handler).parameters)[2:]
        assert params[0] == "values", route
        groups = list(re.compile(route.pattern).groupindex)
        assert sorted(params[1:]) == sorted(groups), route
        assert _feature_of(route.handler)
