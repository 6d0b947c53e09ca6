"""/profile set|show|delete through the command layer on real services and a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import App
from bot.core.caller import Caller, UserError
from bot.core.clock import FakeClock
from bot.core.router import Router
from bot.features.planner import PlannerContext
from bot.features.planner import handlers as profile
from bot.features.planner.profile import AgeBand, Level

SAM = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
ALEX = Caller(user_id=8, display_name="alex", guild_id=1, channel_id=10)
WEDNESDAY = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)  # week of Monday 2026-05-04


def clock(svc: PlannerContext) -> FakeClock:
    assert isinstance(svc.clock, FakeClock)
    return svc.clock


def fields(reply) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert reply.embed is not None
    return {f.name: f.value for f in reply.embed.fields}


async def test_set_stores_and_shows_with_labels(svc: PlannerContext) -> None:
    reply = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, age="60+", units="mi"
    )
    assert reply.ephemeral
    assert reply.content.startswith("Profile saved")
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None
    assert stored.profile.level is Level.REGULAR and stored.profile.age is AgeBand.AGE_60_PLUS
    assert stored.started_on == date(2026, 5, 4)  # signed up Wednesday: this week is week 1
    shown = await profile.profile_show(svc, SAM)
    assert shown.ephemeral
    values = fields(shown)
    assert values["Level"] == "I run regularly"
    assert values["Hills"] == "A steep hill nearby"
    assert values["Age"] == "60+" and values["Units"] == "mi"
    assert values["Plan week"].startswith("1 ")


async def test_weekend_signup_starts_next_monday(svc: PlannerContext) -> None:
    clock(svc).set(datetime(2026, 5, 9, 10, 0, tzinfo=UTC))  # Saturday
    reply = await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == date(2026, 5, 11)
    assert "Monday 2026-05-11" in reply.content


async def test_week_turns_over_at_local_midnight(svc: PlannerContext, app: App) -> None:
    await app.reminders.guild_settings.set_timezone(1, "Pacific/Auckland")
    await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    # Sunday 2026-05-10 13:00 UTC is already Monday 01:00 in Auckland: week 2 there.
    clock(svc).set(datetime(2026, 5, 10, 13, 0, tzinfo=UTC))
    assert fields(await profile.profile_show(svc, SAM))["Plan week"].startswith("2 ")
    other_guild = Caller(user_id=7, display_name="sam", guild_id=2, channel_id=10)
    assert fields(await profile.profile_show(svc, other_guild))["Plan week"].startswith("1 ")


async def test_update_keeps_week_one_and_unset_options(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="muscle", hills="flat", days=3, age="60+", lifts=True
    )
    clock(svc).advance(timedelta(days=14))
    reply = await profile.profile_set(
        svc, SAM, level="regular", goal="muscle", hills="flat", days=4
    )
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None
    assert stored.started_on == date(2026, 5, 4)  # still week 3, not a fresh week 1
    assert stored.profile.days == 4 and stored.profile.level is Level.REGULAR
    assert stored.profile.age is AgeBand.AGE_60_PLUS and stored.profile.lifts  # kept
    assert reply.content.startswith("Profile updated")
    assert "kept as before: lifts, age" in reply.content
    assert fields(reply)["Plan week"].startswith("3 ")


async def test_coming_back_from_a_break_restarts_at_week_one(svc: PlannerContext) -> None:
    await profile.profile_set(svc, SAM, level="regular", goal="both", hills="steep", days=4)
    clock(svc).advance(timedelta(days=70))
    reply = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, returning=True
    )
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == date(2026, 7, 13)
    assert "restarts at week 1" in reply.content


async def test_bad_option_names_it(svc: PlannerContext, router: Router) -> None:
    with pytest.raises(UserError) as caught:
        await profile.profile_set(svc, SAM, level="elite", goal="muscle", hills="flat", days=3)
    assert caught.value.context["field"] == "level"
    reply = await router.run("profile set", SAM, level="new", goal="muscle", hills="flat", days=9)
    assert reply.ephemeral and reply.content.startswith("**days**")
    assert "2 to 7" in reply.content
    assert await svc.profiles.get(SAM.user_id) is None
    echoed = await router.run(
        "profile set", SAM, level="**x**", goal="muscle", hills="flat", days=3
    )
    assert "\\*\\*x\\*\\*" in echoed.content  # user text escaped, not rendered as bold


async def test_show_and_delete_without_profile(svc: PlannerContext) -> None:
    shown = await profile.profile_show(svc, SAM)
    assert shown.ephemeral and "/profile set level:new goal:muscle hills:flat days:3" in (
        shown.content
    )
    nothing = await profile.profile_delete(svc, SAM)
    assert nothing.ephemeral and not nothing.buttons
    assert "nothing to delete" in nothing.content


async def test_delete_asks_then_removes_the_row(svc: PlannerContext, router: Router) -> None:
    await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    ask = await profile.profile_delete(svc, SAM)
    assert ask.ephemeral
    assert [b.custom_id for b in ask.buttons] == [
        "rc:profile:delete:yes:7",
        "rc:profile:delete:no:7",
    ]
    assert await svc.profiles.get(SAM.user_id) is not None  # nothing removed by asking
    done = await router.press("rc:profile:delete:yes:7", SAM)
    assert done.edit_original and "deleted everything" in done.content
    assert await svc.services.db.fetchall("SELECT * FROM profiles WHERE user_id = 7") == []
    plan = await router.run("plan", SAM)
    assert "/profile set" in plan.content and plan.embed is None


async def test_cancel_keeps_the_profile(svc: PlannerContext, router: Router) -> None:
    await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    kept = await router.press("rc:profile:delete:no:7", SAM)
    assert kept.edit_original and "Kept" in kept.content
    assert await svc.profiles.get(SAM.user_id) is not None


async def test_only_the_member_who_asked_can_confirm(svc: PlannerContext, router: Router) -> None:
    await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    await profile.profile_set(svc, ALEX, level="new", goal="muscle", hills="flat", days=3)
    refused = await router.press("rc:profile:delete:yes:7", ALEX)
    assert refused.ephemeral and not refused.edit_original
    assert "someone else" in refused.content
    assert await svc.profiles.get(SAM.user_id) is not None
    assert await svc.profiles.get(ALEX.user_id) is not None
    stale = await router.press("rc:profile:delete", SAM)
    assert "no longer works" in stale.content
    assert await svc.profiles.get(SAM.user_id) is not None
