"""/about: what the bot does, its version, uptime, commands, and its two sources."""

from __future__ import annotations

from dataclasses import dataclass

from bot import __version__
from bot.core.caller import Caller
from bot.core.replies import Reply
from bot.core.services import FeatureContext
from bot.features.faq import KnowledgeStore


@dataclass(frozen=True)
class AboutContext(FeatureContext):
    knowledge: KnowledgeStore


async def about(ctx: AboutContext, caller: Caller) -> Reply:
    return ctx.renderer.reply(
        "about/about.j2",
        version=__version__,
        uptime_seconds=(ctx.clock.now() - ctx.services.started_at).total_seconds(),
        commands=ctx.services.catalog,
        articles=list(ctx.knowledge.kb.articles.values()),
        entry_count=len(ctx.knowledge.kb),
        unanswered_days=ctx.settings.unanswered_retention_days,
    )
