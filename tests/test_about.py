"""/about lists every command in full: the list must fit Discord's field limits untruncated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.features.about.handlers import about
from bot.core.caller import Caller
from bot.console.session import build_console_bot
from bot.core.limits import ELLIPSIS, FIELD_VALUE
from bot.core.services import Services, open_services
from bot.core.settings import load_settings


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    svc = await open_services(load_settings(_env_file=None, database_path=tmp_path / "c.db"))
    bot = await build_console_bot(svc)  # fills svc.catalog from the real command tree
    try:
        yield svc
    finally:
        await bot.close()


async def test_about_lists_every_command_untruncated(services: Services) -> None:
    caller = Caller(user_id=1, display_name="m", guild_id=2, channel_id=3, can_manage_guild=False)
    reply = await about(services, caller)
    assert reply.embed is not None
    listed = "\n".join(f.value for f in reply.embed.fields if "commands" in f.name.lower())
    assert services.catalog, "the catalog should hold the real command tree"
    for info in services.catalog:
        assert f"`/{info.name}`" in listed, f"/{info.name} missing from /about"
    for fld in reply.embed.fields:
        assert len(fld.value) <= FIELD_VALUE and not fld.value.endswith(ELLIPSIS), fld.name
