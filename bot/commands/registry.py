"""Which handler answers which command, option and button: the one table both the Discord cogs
and the offline console route through."""

from __future__ import annotations

from types import MappingProxyType

from bot.commands import about, faq
from bot.commands.router import ButtonHandler, Completer, Handler, Router
from bot.services import Services

COMMANDS: MappingProxyType[str, Handler] = MappingProxyType(
    {
        "about": about.about,
        "faq": faq.faq,
        "topics": faq.topics,
        "kb reload": faq.kb_reload,
    }
)

COMPLETERS: MappingProxyType[tuple[str, str], Completer] = MappingProxyType(
    {
        ("faq", "question"): faq.complete_question,
    }
)

BUTTONS: MappingProxyType[str, ButtonHandler] = MappingProxyType(
    {
        "faq": faq.press_entry,
        "topics": faq.press_topics,
    }
)


def build_router(services: Services) -> Router:
    return Router(services, COMMANDS, COMPLETERS, BUTTONS)
