"""Everything a command needs, built once at start-up and passed in (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clock import Clock, SystemClock
from bot.features.faq.cooldown import RepeatCooldown
from bot.features.reminders.timezones import TimezoneIndex
from bot.features.faq.store import KnowledgeStore
from bot.features.reminders.ports import ReminderControl
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.core.db import Database
from bot.features.reminders.guild_settings import GuildSettingsRepository
from bot.core.meta import MetaRepository
from bot.features.planner.repository import ProfileRepository
from bot.features.reminders.repository import ReminderRepository


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A slash command as members see it, for /about and the console's help."""

    name: str
    description: str
    admin: bool = False


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    renderer: Renderer
    knowledge: KnowledgeStore
    clock: Clock
    started_at: datetime
    meta: MetaRepository
    faq_cooldown: RepeatCooldown
    reminders: ReminderRepository
    guild_settings: GuildSettingsRepository
    profiles: ProfileRepository
    # Built once at start-up: every autocomplete keystroke reuses it.
    timezones: TimezoneIndex
    # Set by the bot once the reminder dispatcher runs (None in the console and the CLI).
    reminder_control: ReminderControl | None = None
    # Filled once the command tree is built; read by /about and the console's help.
    catalog: tuple[CommandInfo, ...] = field(default=())

    async def close(self) -> None:
        await self.db.close()


def load_static(settings: Settings) -> tuple[Renderer, KnowledgeStore]:
    """The parts that need no database: cheap, and what `coach check` validates."""
    renderer = Renderer(settings.templates_dir)
    knowledge = KnowledgeStore.load(settings.knowledge_dir, settings.resolved_sources_dir)
    return renderer, knowledge


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    renderer, knowledge = load_static(settings)
    clock = clock or SystemClock()
    db = await Database.open(settings.database_path)
    return Services(
        settings=settings,
        db=db,
        renderer=renderer,
        knowledge=knowledge,
        clock=clock,
        started_at=clock.now(),
        meta=MetaRepository(db),
        faq_cooldown=RepeatCooldown(clock),
        reminders=ReminderRepository(db),
        guild_settings=GuildSettingsRepository(db),
        profiles=ProfileRepository(db),
        timezones=TimezoneIndex(),
    )
