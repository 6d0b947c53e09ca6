"""/about: what the bot does, its version, uptime, commands, and its two sources."""

from __future__ import annotations

from bot import __version__
from bot.core.caller import Caller
from bot.core.replies import Reply
from bot.core.services import Services


async def about(svc: Services, caller: Caller) -> Reply:
    return svc.renderer.reply(
        "about.j2",
        version=__version__,
        uptime_seconds=(svc.clock.now() - svc.started_at).total_seconds(),
        commands=svc.catalog,
        articles=list(svc.knowledge.kb.articles.values()),
        entry_count=len(svc.knowledge.kb),
    )
