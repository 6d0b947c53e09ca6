"""A week page asked for again is not planned and rendered again, and whatever changes the page
(the profile, the week asked, the current week) gives a fresh one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.render import Renderer
from bot.features.planner import PlannerContext
from bot.features.planner import handlers as plan_cmd
from bot.features.planner.profile import Goal, Hills, Level, Profile

SAM = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
KIM = Caller(user_id=8, display_name="kim", guild_id=1, channel_id=10)
MONDAY = date(2026, 5, 4)
PROFILE = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates rendered into replies, in order."""
    rendered: list[str] = []
    real = Renderer.reply

    def counting(self: Renderer, name: str, /, **kwargs: object) -> object:
        rendered.append(name)
        return real(self, name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "reply", counting)
    return rendered


async def save(svc: PlannerContext, caller: Caller, profile: Profile) -> None:
    now = svc.clock.now()
    await svc.profiles.save(caller.user_id, profile, now=now, started_on=MONDAY)


async def test_the_same_page_again_is_not_rendered_again(svc: PlannerContext, renders) -> None:  # type: ignore[no-untyped-def]
    await save(svc, SAM, PROFILE)
    await save(svc, KIM, PROFILE)
    first = await plan_cmd.plan(svc, SAM)
    assert await plan_cmd.plan(svc, SAM) is first
    assert await plan_cmd.plan(svc, KIM) is first  # the same profile and start: the same page
    assert renders == ["planner/plan/week.j2"]
    turned = await plan_cmd.press_plan_page(svc, SAM, "week", 2)
    assert turned.edit_original and turned is not first
    assert await plan_cmd.press_plan_page(svc, SAM, "week", 2) is turned
    assert renders == ["planner/plan/week.j2"] * 2


async def test_a_changed_profile_or_a_new_week_gives_a_fresh_page(
    svc: PlannerContext,
    renders,  # type: ignore[no-untyped-def]
) -> None:
    await save(svc, SAM, PROFILE)
    first = await plan_cmd.plan(svc, SAM)
    await save(svc, SAM, Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 4))
    four_days = await plan_cmd.plan(svc, SAM)
    assert four_days != first
    assert four_days.embed is not None and "4 days" in four_days.embed.footer
    assert isinstance(svc.clock, FakeClock)
    svc.clock.advance(timedelta(days=7))  # week 2 is now the current week
    week_two = await plan_cmd.plan(svc, SAM)
    assert week_two.embed is not None and "week 2" in week_two.embed.title
    assert renders == ["planner/plan/week.j2"] * 3
