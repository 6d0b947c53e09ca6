"""One entry point for every command, autocomplete and button, used by the cogs and the console.

The router turns expected problems (UserError) into friendly ephemeral replies and unexpected
ones into a logged traceback plus a generic apology, so no handler can crash the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.core.caller import Caller, UserError
from bot.core.render import TemplateProblem
from bot.core.replies import Choice, Reply
from bot.core.services import Services
from bot.storage import db as storage_db

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Reply]]
Completer = Callable[[Services, Caller, str], Awaitable[list[Choice]]]
ButtonHandler = Callable[[Services, Caller, list[str]], Awaitable[Reply]]

CUSTOM_ID_PREFIX = "rc"  # every button we send: rc:<feature>:<args...>


def custom_id(feature: str, *args: object) -> str:
    return ":".join([CUSTOM_ID_PREFIX, feature, *(str(a) for a in args)])


class Router:
    def __init__(
        self,
        services: Services,
        commands: Mapping[str, Handler],
        completers: Mapping[tuple[str, str], Completer],
        buttons: Mapping[str, ButtonHandler],
    ) -> None:
        self.services = services
        self.commands = commands
        self.completers = completers
        self.buttons = buttons

    async def run(self, name: str, caller: Caller, **options: Any) -> Reply:
        handler = self.commands.get(name)
        if handler is None:
            return self.error("errors/unknown_command.j2", name=name)
        return await self._guard(f"/{name}", caller, handler(self.services, caller, **options))

    async def complete(self, name: str, option: str, caller: Caller, text: str) -> list[Choice]:
        completer = self.completers.get((name, option))
        if completer is None:
            return []
        try:
            return (await completer(self.services, caller, text))[:25]
        except Exception:
            log.exception("autocomplete failed for /%s %s (user %s)", name, option, caller.user_id)
            return []

    def owns(self, custom_id_value: str) -> bool:
        return custom_id_value.startswith(CUSTOM_ID_PREFIX + ":")

    async def press(self, custom_id_value: str, caller: Caller) -> Reply:
        parts = custom_id_value.split(":")
        handler = self.buttons.get(parts[1]) if len(parts) > 1 else None
        if handler is None:
            return self.error("errors/stale_button.j2")
        return await self._guard(
            f"button {custom_id_value}", caller, handler(self.services, caller, parts[2:])
        )

    def error(self, template: str, **context: Any) -> Reply:
        return self.services.renderer.reply(template, ephemeral=True, **context)

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
