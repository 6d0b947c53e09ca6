"""The composition root: core services and every feature, wired together once.

The only module that knows every feature. `coach run`, `coach sync`, the console and the tests
all build the bot here, so they run the same commands on the same wiring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.core.bot import CoachBot, Feature, ShardedCoachBot
from bot.core.clock import Clock
from bot.core.services import Services, open_services
from bot.core.settings import Settings
from bot.features.about import AboutCog, AboutContext
from bot.features.faq import (
    ClubRepository,
    ClubStore,
    Encoder,
    FaqCog,
    FaqContext,
    KnowledgeStore,
    RepeatCooldown,
    entry_form,
    open_encoder,
)
from bot.features.faq.club import CHOICE_PREFIX
from bot.features.faq.insights_repository import InsightsRepository
from bot.features.faq.retention import RetentionCleaner
from bot.features.planner import PlannerCog, PlannerContext, ProfileRepository
from bot.features.reminders import RemindersCog, RemindersContext
from bot.features.reminders.dispatcher import ReminderDispatcher
from bot.features.reminders.guild_settings import GuildSettingsRepository
from bot.features.reminders.pacing import SharedPacer
from bot.features.reminders.processes import ProcessRegistry
from bot.features.reminders.repository import ReminderRepository
from bot.features.reminders.timezones import TimezoneIndex


@dataclass(frozen=True)
class App:
    services: Services
    about: AboutContext
    faq: FaqContext
    reminders: RemindersContext
    planner: PlannerContext

    @property
    def features(self) -> tuple[Feature, ...]:
        """Each feature's cog and context, in the order their commands are registered."""
        return (
            (AboutCog, self.about),
            (FaqCog, self.faq),
            (RemindersCog, self.reminders),
            (PlannerCog, self.planner),
        )

    async def close(self) -> None:
        await self.services.close()


def load_encoder(settings: Settings) -> Encoder:
    """The FAQ's embedding model (built on first use); one per process, shared by reloads."""
    return open_encoder(settings.embedding_dir)


def load_knowledge(settings: Settings, encoder: Encoder | None = None) -> KnowledgeStore:
    """The knowledge base and its matcher: needs no database, and is what `coach check` checks."""
    encoder = encoder or load_encoder(settings)
    return KnowledgeStore.load(settings.knowledge_dir, settings.resolved_sources_dir, encoder)


async def open_app(
    settings: Settings, clock: Clock | None = None, encoder: Encoder | None = None
) -> App:
    """`encoder`: an already loaded embedding model to share (the tests load one per session)."""
    knowledge = load_knowledge(settings, encoder)  # before the database: a bad file stops early
    services = await open_services(settings, clock)
    db = services.db
    reminders = RemindersContext(
        services,
        knowledge=knowledge,
        reminders=(reminder_repo := ReminderRepository(db)),
        guild_settings=(guild_settings := GuildSettingsRepository(db, services.clock)),
        timezones=TimezoneIndex(),
        dispatcher=ReminderDispatcher(
            reminders=reminder_repo,
            guild_settings=guild_settings,
            renderer=services.renderer,
            knowledge=knowledge,
            clock=services.clock,
            grace=timedelta(seconds=settings.grace_seconds),
            # Shared with every other process of the bot through the database: heartbeats
            # for failover, and one send pace under Discord's global limit.
            pacer=SharedPacer(db),
            registry=ProcessRegistry(db),
            sharding=settings.sharding,
        ),
    )
    planner = PlannerContext(
        services,
        knowledge=knowledge,
        profiles=ProfileRepository(db),
        guild_timezone=reminders.guild_timezone,
    )
    members = services.members
    members.register("planner", planner.profiles.forget_member, planner.profiles.holds_member)
    members.register("reminders", reminders.forget_member, reminders.holds_member)
    insights = InsightsRepository(db)
    members.register("faq", insights.forget_member, insights.holds_member)  # votes on answers
    club_store = ClubStore(ClubRepository(db), knowledge, services.clock)

    async def title_of(guild_id: int | None, ref: str) -> str | None:
        """An entry's title from its ref: an article entry's id, or club:<id> in that server."""
        if ref.startswith(CHOICE_PREFIX):
            number = ref.removeprefix(CHOICE_PREFIX)
            if guild_id is None or not number.isascii() or not number.isdigit():
                return None
            entry = await club_store.repository.get(guild_id, int(number))
            return entry.question if entry else None
        article = knowledge.kb.get(ref)
        return article.title if article else None

    return App(
        services=services,
        about=AboutContext(services, knowledge=knowledge),
        faq=FaqContext(
            services,
            insights=insights,
            title_of=title_of,
            entry_form=entry_form,
            cleaner=RetentionCleaner(insights, services.clock, settings.unanswered_retention),
            knowledge=knowledge,
            cooldown=RepeatCooldown(services.clock),
            # Club entries are the club's data, with no member ids: nothing to forget.
            club=club_store,
        ),
        reminders=reminders,
        planner=planner,
    )


def create_bot(
    app: App,
    *,
    serving: bool = True,
    force_sync: bool = False,
    clear_guild: int | None = None,
    **options: Any,
) -> CoachBot:
    """The bot for these settings: a ShardedCoachBot (discord.py's AutoShardedBot) when
    SHARD_COUNT is set, else the plain one-connection CoachBot."""
    bot_class = CoachBot if app.services.settings.sharding is None else ShardedCoachBot
    return bot_class(
        app.services,
        app.features,
        serving=serving,
        force_sync=force_sync,
        clear_guild=clear_guild,
        **options,
    )
