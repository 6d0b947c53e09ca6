"""Wire the dispatcher to a running bot: HTTP sender, services, settings."""

from __future__ import annotations

from datetime import timedelta

import discord

from bot.features.reminders.sender import DiscordSender
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.core.services import Services


def start_dispatcher(client: discord.Client, services: Services) -> ReminderDispatcher:
    """Start posting reminders; handlers reach it (wake, test posts) through Services."""
    dispatcher = ReminderDispatcher(
        reminders=services.reminders,
        guild_settings=services.guild_settings,
        renderer=services.renderer,
        knowledge=services.knowledge,
        clock=services.clock,
        sender=DiscordSender(client),
        grace=timedelta(seconds=services.settings.grace_seconds),
    )
    services.reminder_control = dispatcher
    dispatcher.start()
    return dispatcher


async def stop_dispatcher(dispatcher: ReminderDispatcher | None, services: Services) -> None:
    if dispatcher is not None:
        services.reminder_control = None
        await dispatcher.stop()
