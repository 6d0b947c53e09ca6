"""End to end on both stores: every test here that builds the bot through the `club` fixture
or `make_app` runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import pytest


@pytest.fixture
def backend(both_backends: str) -> str:
    return both_backends
