"""/about lists every command in full: the list must fit Discord's field limits untruncated."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.console import build_console_bot
from bot.core.caller import Caller
from bot.core.clock import SystemClock
from bot.core.limits import ELLIPSIS, FIELD_VALUE
from bot.core.services import Services
from bot.features.about.handlers import about


@pytest.fixture
async def app(make_app) -> App:
    app = await make_app(SystemClock())
    await build_console_bot(app)  # fills the catalog from the real command tree
    return app


async def test_about_lists_every_command_untruncated(app: App) -> None:
    services: Services = app.services
    caller = Caller(user_id=1, display_name="m", guild_id=2, channel_id=3, can_manage_guild=False)
    reply = await about(app.about, caller)
    assert reply.embed is not None
    listed = "\n".join(f.value for f in reply.embed.fields if "commands" in f.name.lower())
    assert services.catalog, "the catalog should hold the real command tree"
    for info in services.catalog:
        assert f"`/{info.name}`" in listed, f"/{info.name} missing from /about"
    for fld in reply.embed.fields:
        assert len(fld.value) <= FIELD_VALUE and not fld.value.endswith(ELLIPSIS), fld.name


async def test_about_says_unanswered_questions_are_kept_for_organisers(make_app) -> None:
    app = await make_app(SystemClock(), unanswered_retention_days=45)
    reply = await about(app.about, Caller(user_id=1, display_name="m", guild_id=2, channel_id=3))
    assert reply.embed is not None
    assert (
        "Questions I can't answer are kept for the club's organisers for 45 days, without who "
        "asked" in reply.embed.description
    )
    assert "`/profile delete`" in reply.embed.description
