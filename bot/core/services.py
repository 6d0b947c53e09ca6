"""What every feature needs, built once at start-up and passed in (no globals).

Features hold their own state (repositories, caches, tasks) in a context object of their own
built from these; `bot/app.py` wires them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clock import Clock, SystemClock
from bot.core.db import Database, open_database
from bot.core.members import MemberData
from bot.core.meta import MetaRepository
from bot.core.render import Renderer
from bot.core.settings import Settings


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
    clock: Clock
    started_at: datetime
    meta: MetaRepository
    # Each feature that stores something about a member registers how to forget it.
    members: MemberData
    # Filled once the command tree is built; read by /about and the console's help.
    catalog: tuple[CommandInfo, ...] = field(default=())

    async def close(self) -> None:
        await self.db.close()


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    renderer = Renderer(settings.templates_dir)
    clock = clock or SystemClock()
    db = await open_database(settings)
    return Services(
        settings=settings,
        db=db,
        renderer=renderer,
        clock=clock,
        started_at=clock.now(),
        meta=MetaRepository(db, clock),
        members=MemberData(db),
    )


@dataclass(frozen=True)
class FeatureContext:
    """The base of each feature's context: what its handlers are called with."""

    services: Services

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def renderer(self) -> Renderer:
        return self.services.renderer

    @property
    def clock(self) -> Clock:
        return self.services.clock
