"""One entry point for every command, autocomplete and button, used by the bot and the console.

The command tree is the registry: each slash command names its handler in its decorator's
`extras` (see `handled_by`), and `Router.from_commands` reads them from `tree.walk_commands()`.
Buttons are `ButtonRoute`s a feature's cog declares, submitted modals `ModalRoute`s. The router
turns expected problems (UserError) into friendly ephemeral replies and unexpected ones into a
logged traceback plus a generic apology, so no handler can crash the bot.
"""

from __future__ import annotations

import logging
import re
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.core import db as storage_db
from bot.core.caller import Caller, UserError
from bot.core.render import Renderer, TemplateProblem
from bot.core.replies import Choice, Reply

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Reply]]
Completer = Callable[[Any, Caller, str], Awaitable[list[Choice]]]
ButtonHandler = Callable[..., Awaitable[Reply]]

CUSTOM_ID_PREFIX = "rc"  # every button we send: rc:<prefix>:<args...>
MAX_CHOICES = 25  # Discord shows at most this many autocomplete choices


def handled_by(
    handler: Handler, *, ephemeral: bool = False, complete: Mapping[str, Completer] | None = None
) -> dict[str, Any]:
    """The `extras` of a slash-command decorator: its handler, whether its reply is usually
    private (so a slow answer is deferred the right way), and its options' autocompleters."""
    return {"handler": handler, "ephemeral": ephemeral, "complete": dict(complete or {})}


@dataclass(frozen=True, slots=True)
class Route:
    """A slash command as the router sees it: the handler and the context it is called with."""

    name: str
    handler: Handler
    context: Any
    ephemeral: bool = False
    completers: Mapping[str, Completer] = field(default_factory=dict)


@dataclass(frozen=True)
class ButtonRoute:
    """One kind of button: `rc:<prefix>:<args>`, where the args must match `pattern` whole.

    The pattern's named groups become the handler's keyword arguments, converted to the type the
    handler declares for them (int or str): custom_ids come from Discord clients, so nothing
    reaches a handler that its pattern did not accept.
    """

    prefix: str
    pattern: str
    handler: ButtonHandler
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _types: Mapping[str, type] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.compile(self.pattern)
        hints = typing.get_type_hints(self.handler)
        types = {name: hints.get(name, str) for name in regex.groupindex}
        if any(kind not in (int, str) for kind in types.values()):
            raise TypeError(f"{self.handler.__qualname__}: button arguments are int or str")
        object.__setattr__(self, "_regex", regex)
        object.__setattr__(self, "_types", MappingProxyType(types))

    def custom_id(self, *args: object) -> str:
        """The custom_id of one such button; its args must pass the route's own pattern."""
        tail = ":".join(str(a) for a in args)
        if self.parse(tail) is None:
            raise ValueError(f"{tail!r} does not match the {self.prefix!r} button pattern")
        return ":".join(
            [CUSTOM_ID_PREFIX, self.prefix, tail] if args else [CUSTOM_ID_PREFIX, self.prefix]
        )

    def parse(self, args: str) -> dict[str, Any] | None:
        match = self._regex.fullmatch(args)
        if match is None:
            return None
        return {
            name: self._types[name](value)
            for name, value in match.groupdict().items()
            if value is not None
        }


@dataclass(frozen=True)
class ModalRoute(ButtonRoute):
    """One kind of modal: `rc:<prefix>:<args>` like a button, and its handler also receives the
    submitted text as `values` (text-input custom_id -> text; missing inputs are absent)."""


class Router:
    def __init__(
        self,
        renderer: Renderer,
        commands: Mapping[str, Route],
        buttons: Iterable[tuple[ButtonRoute, Any]] = (),
        modals: Iterable[tuple[ModalRoute, Any]] = (),
    ) -> None:
        self.renderer = renderer
        self.commands = MappingProxyType(dict(commands))
        self.buttons = _by_prefix(buttons)
        self.modals = _by_prefix(modals)

    @classmethod
    def from_commands(
        cls,
        renderer: Renderer,
        commands: Iterable[Any],
        contexts: Callable[[Any], Any],
        buttons: Iterable[tuple[ButtonRoute, Any]] = (),
        modals: Iterable[tuple[ModalRoute, Any]] = (),
    ) -> Router:
        """Routes for every leaf command that names a handler; `contexts(command)` gives the
        object its handler is called with (its feature's context)."""
        routes: dict[str, Route] = {}
        for command in commands:
            extras = getattr(command, "extras", None) or {}
            if "handler" not in extras:
                continue
            routes[command.qualified_name] = Route(
                command.qualified_name,
                extras["handler"],
                contexts(command),
                bool(extras.get("ephemeral")),
                MappingProxyType(dict(extras.get("complete") or {})),
            )
        return cls(renderer, routes, buttons, modals)

    async def run(self, name: str, caller: Caller, **options: Any) -> Reply:
        route = self.commands.get(name)
        if route is None:
            return self.error("errors/unknown_command.j2", name=name)
        return await self._guard(
            f"/{name}", caller, route.handler(route.context, caller, **options)
        )

    async def complete(self, name: str, option: str, caller: Caller, text: str) -> list[Choice]:
        route = self.commands.get(name)
        completer = route.completers.get(option) if route is not None else None
        if route is None or completer is None:
            return []
        try:
            return (await completer(route.context, caller, text))[:MAX_CHOICES]
        except Exception:
            log.exception("autocomplete failed for /%s %s (user %s)", name, option, caller.user_id)
            return []

    def owns(self, custom_id: str) -> bool:
        return custom_id.startswith(CUSTOM_ID_PREFIX + ":")

    async def press(self, custom_id: str, caller: Caller) -> Reply:
        found = _find(self.buttons, custom_id)
        if found is None:
            return self.error("errors/stale_button.j2")
        route, context, parsed = found
        return await self._guard(
            f"button {custom_id}", caller, route.handler(context, caller, **parsed)
        )

    async def submit(self, custom_id: str, caller: Caller, values: Mapping[str, str]) -> Reply:
        """A submitted modal: its handler gets the parsed custom_id args and the text."""
        found = _find(self.modals, custom_id)
        if found is None:
            return self.error("errors/stale_button.j2")
        route, context, parsed = found
        work = route.handler(context, caller, values=dict(values), **parsed)
        return await self._guard(f"modal {custom_id}", caller, work)

    def error(self, template: str, **context: Any) -> Reply:
        return self.renderer.reply(template, ephemeral=True, **context)

    async def _guard(self, what: str, caller: Caller, work: Awaitable[Reply]) -> Reply:
        try:
            return await work
        except UserError as exc:
            return self.error(exc.template, **exc.context)
        except storage_db.UNAVAILABLE as exc:
            # Locked past the busy timeout, disk full, read-only: the member can retry later and
            # nothing half-written stays behind (every write is one statement or transaction).
            log.error(
                "%s: storage unavailable (user %s, guild %s): %s",
                what,
                caller.user_id,
                caller.guild_id,
                exc,
            )
            return self.error("errors/storage.j2")
        except TemplateProblem:
            log.exception(
                "template error in %s (user %s, guild %s)", what, caller.user_id, caller.guild_id
            )
        except Exception:
            log.exception(
                "%s failed (user %s, guild %s, channel %s)",
                what,
                caller.user_id,
                caller.guild_id,
                caller.channel_id,
            )
        return self.error("errors/internal.j2")


R = typing.TypeVar("R", bound=ButtonRoute)


def _by_prefix(routes: Iterable[tuple[R, Any]]) -> Mapping[str, list[tuple[R, Any]]]:
    found: dict[str, list[tuple[R, Any]]] = {}
    for route, context in routes:
        found.setdefault(route.prefix, []).append((route, context))
    return MappingProxyType(found)


def _find(
    routes: Mapping[str, list[tuple[R, Any]]], custom_id: str
) -> tuple[R, Any, dict[str, Any]] | None:
    """The route a `rc:<prefix>:<args>` custom_id belongs to, its context and parsed args."""
    _, _, rest = custom_id.partition(":")
    prefix, _, args = rest.partition(":")
    for route, context in routes.get(prefix, ()):
        parsed = route.parse(args)
        if parsed is not None:
            return route, context, parsed
    return None
