"""pytest fixture: a started FakeDiscord that fails the test at teardown on any schema error,
unknown route or protocol problem. Enable it in tests/conftest.py with
`pytest_plugins = ["tests.support.fakediscord.pytest_plugin"]` (or import `fake_discord`)."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator

import pytest

from .server import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        if fake.validation_off_reason is not None:
            warnings.warn(
                f"fake Discord is not validating requests: {fake.validation_off_reason}",
                stacklevel=1,
            )
        yield fake
        fake.assert_clean()
