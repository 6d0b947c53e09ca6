"""The planner's handler tests run on the real app, on a Wednesday of a known week."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.features.planner import PlannerContext


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


WEDNESDAY = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)  # week of Monday 2026-05-04


@pytest.fixture
async def app(make_app) -> App:  # type: ignore[no-untyped-def]
    return await make_app(FakeClock(WEDNESDAY))


@pytest.fixture
def svc(app: App) -> PlannerContext:
    return app.planner
