"""Which handler answers which command, option and button: the one table both the Discord cogs
and the offline console route through."""

from __future__ import annotations

from types import MappingProxyType

from bot.commands import about, faq, reminders, server_settings
from bot.commands import plan as plan_cmd
from bot.commands import profile as profile_cmd
from bot.commands.router import ButtonHandler, Completer, Handler, Router
from bot.services import Services

COMMANDS: MappingProxyType[str, Handler] = MappingProxyType(
    {
        "about": about.about,
        "faq": faq.faq,
        "topics": faq.topics,
        "kb reload": faq.kb_reload,
        "reminder add": reminders.add,
        "reminder list": reminders.list_reminders,
        "reminder edit": reminders.edit,
        "reminder pause": reminders.pause,
        "reminder resume": reminders.resume,
        "reminder remove": reminders.remove,
        "reminder preview": reminders.preview,
        "reminder test": reminders.post_now,
        "settings timezone": server_settings.timezone,
        "settings admin_channel": server_settings.admin_channel,
        "profile set": profile_cmd.set_profile,
        "profile show": profile_cmd.show,
        "profile delete": profile_cmd.delete,
        "plan": plan_cmd.plan,
    }
)

COMPLETERS: MappingProxyType[tuple[str, str], Completer] = MappingProxyType(
    {
        ("faq", "question"): faq.complete_question,
        ("reminder add", "timezone"): reminders.complete_timezone,
        ("reminder edit", "timezone"): reminders.complete_timezone,
        ("settings timezone", "timezone"): reminders.complete_timezone,
    }
)

BUTTONS: MappingProxyType[str, ButtonHandler] = MappingProxyType(
    {
        "faq": faq.press_entry,
        "topics": faq.press_topics,
        "reminder": reminders.remove_button,
        "profile": profile_cmd.press_profile,
        "plan": plan_cmd.press_plan,
    }
)


def build_router(services: Services) -> Router:
    return Router(services, COMMANDS, COMPLETERS, BUTTONS)
