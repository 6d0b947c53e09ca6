"""A private answer (repeated in its channel, or a related-entry button's) is rendered once per
knowledge snapshot; a reload renders it afresh. Public answers carry their own vote buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.render import Renderer
from bot.features.faq import FaqContext
from bot.features.faq import handlers as faq_cmd

SAM = Caller(7, "sam", 1, 10)
KIM = Caller(8, "kim", 1, 10)
QUESTION = "do hill sprints build muscle"


@pytest.fixture
async def app(make_app) -> App:  # type: ignore[no-untyped-def]
    return await make_app(FakeClock(datetime(2026, 5, 1, 9, tzinfo=UTC)))


@pytest.fixture
def svc(app: App) -> FaqContext:
    return app.faq


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(template, ephemeral) of every reply rendered, in order."""
    rendered: list[tuple[str, bool]] = []
    real = Renderer.reply

    def counting(self: Renderer, name: str, /, **kwargs: object) -> object:
        rendered.append((name, bool(kwargs.get("ephemeral"))))
        return real(self, name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "reply", counting)
    return rendered


async def test_a_repeated_answer_is_rendered_once(svc: FaqContext, renders) -> None:  # type: ignore[no-untyped-def]
    public = await faq_cmd.faq(svc, SAM, QUESTION)
    assert not public.ephemeral and public.buttons[-1].label  # with its votes
    again = await faq_cmd.faq(svc, KIM, QUESTION)
    assert again.ephemeral and "a moment ago" in again.content
    assert await faq_cmd.faq(svc, SAM, QUESTION) is again
    assert renders == [("faq/answer.j2", False), ("faq/answer.j2", True)]


async def test_a_related_entry_button_is_rendered_once(svc: FaqContext, renders) -> None:  # type: ignore[no-untyped-def]
    entry_id = next(iter(svc.knowledge.kb)).id
    first = await faq_cmd.press_entry(svc, SAM, entry_id)
    assert await faq_cmd.press_entry(svc, KIM, entry_id) is first
    assert first.ephemeral and "a moment ago" not in first.content
    assert len(renders) == 1


async def test_a_reload_renders_the_answer_afresh(svc: FaqContext, renders) -> None:  # type: ignore[no-untyped-def]
    entry_id = next(iter(svc.knowledge.kb)).id
    first = await faq_cmd.press_entry(svc, SAM, entry_id)
    assert svc.knowledge.reload() == []
    after = await faq_cmd.press_entry(svc, SAM, entry_id)
    assert after == first and after is not first  # same knowledge, a new snapshot
    assert len(renders) == 2
