"""/profile set|show|delete through the command layer on real services and a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import App
from bot.console import build_console_bot
from bot.console.session import CONSOLE_USER_ID, Console
from bot.core.caller import Caller, UserError
from bot.core.clock import FakeClock
from bot.core.router import Router
from bot.features.planner import PlannerContext
from bot.features.planner import handlers as profile
from bot.features.planner.profile import AgeBand, BreakLength, Day, Level, Profile
from tests.support.harness import Club

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


async def test_show_without_a_profile_speaks_of_the_profile(
    svc: PlannerContext, router: Router
) -> None:
    """Issue 13: `/profile show` without a profile said "I can't plan your week". It now says
    there is no profile and how to create one; /plan still speaks of the plan."""
    shown = await router.run("profile show", SAM)
    assert shown.ephemeral
    assert "don't have a training profile yet" in shown.content
    assert "`/profile set` creates one" in shown.content
    assert "plan your week" not in shown.content
    assert "`/profile show` shows your profile" in shown.content
    planned = await router.run("plan", SAM)
    assert "so I can't plan your week" in planned.content


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


# --- issue 11: own training days, race date, break length, the restart rule ---------------------
async def stored_profile(svc: PlannerContext, who: Caller = SAM) -> Profile:
    stored = await svc.profiles.get(who.user_id)
    assert stored is not None
    return stored.profile


async def test_weekdays_set_days_and_are_shown(svc: PlannerContext) -> None:
    reply = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", weekdays="tue, SUN thu sat"
    )
    assert reply.content.startswith("Profile saved")
    saved = await stored_profile(svc)
    assert saved.weekdays == (Day.TUE, Day.THU, Day.SAT, Day.SUN) and saved.days == 4
    values = fields(await profile.profile_show(svc, SAM))
    assert values["Training days"] == "Tue, Thu, Sat, Sun"
    assert values["Days a week"] == "4"
    # Giving days too is fine when they agree.
    await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=2, weekdays="mon fri"
    )
    assert (await stored_profile(svc)).weekdays == (Day.MON, Day.FRI)


async def test_without_weekdays_the_planner_picks_the_days(svc: PlannerContext) -> None:
    await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    assert (await stored_profile(svc)).weekdays is None
    assert fields(await profile.profile_show(svc, SAM))["Training days"] == "any: I pick them"


async def test_days_or_weekdays_is_required_and_they_must_agree(
    svc: PlannerContext, router: Router
) -> None:
    missing = await router.run("profile set", SAM, level="new", goal="muscle", hills="flat")
    assert missing.content.startswith("**days**") and "weekdays" in missing.content
    clash = await router.run(
        "profile set", SAM, level="new", goal="muscle", hills="flat", days=3, weekdays="tue thu"
    )
    assert clash.content.startswith("**days**") and "2 weekdays" in clash.content
    bad = await router.run(
        "profile set", SAM, level="new", goal="muscle", hills="flat", weekdays="tue funday"
    )
    assert bad.content.startswith("**weekdays**") and "funday" in bad.content
    assert await svc.profiles.get(SAM.user_id) is None  # nothing saved by any of them


async def test_race_date_is_stored_and_shown(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", days=3, race_date="2026-06-14"
    )
    assert (await stored_profile(svc)).race_date == date(2026, 6, 14)
    assert fields(await profile.profile_show(svc, SAM))["Race"] == "Sun 14 Jun 2026, in 5 weeks"
    clock(svc).set(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))
    assert fields(await profile.profile_show(svc, SAM))["Race"] == "Sun 14 Jun 2026, in 4 days"


async def test_race_date_today_counts_but_a_past_one_is_ignored_with_a_note(
    svc: PlannerContext,
) -> None:
    reply = await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", days=3, race_date="2026-05-05"
    )
    assert reply.content.startswith("Profile saved")
    assert "I ignored race_date 2026-05-05: it is before today" in reply.content
    assert (await stored_profile(svc)).race_date is None
    assert fields(reply)["Race"] == "none"
    today = await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", days=3, race_date="2026-05-06"
    )
    assert (await stored_profile(svc)).race_date == date(2026, 5, 6)
    assert "ignored" not in today.content


async def test_a_past_race_date_keeps_the_saved_race(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", days=3, race_date="2026-10-04"
    )
    reply = await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", race_date="2025-10-04"
    )
    assert "I ignored race_date 2025-10-04" in reply.content
    assert "your race stays Sun 4 Oct 2026" in reply.content
    assert (await stored_profile(svc)).race_date == date(2026, 10, 4)


async def test_race_date_none_clears_the_race(svc: PlannerContext, router: Router) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", days=3, race_date="2026-10-04"
    )
    reply = await router.run(
        "profile set", SAM, level="new", goal="endurance", hills="flat", race_date=" None "
    )
    assert "Race date cleared" in reply.content
    assert (await stored_profile(svc)).race_date is None
    assert fields(reply)["Race"] == "none"
    bad = await router.run(
        "profile set", SAM, level="new", goal="endurance", hills="flat", race_date="14/06/2026"
    )
    assert bad.content.startswith("**race_date**") and "must be a date written" in bad.content


async def test_a_race_that_has_been_run_is_not_carried_forward(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", days=3, race_date="2026-05-17"
    )
    clock(svc).advance(timedelta(days=14))
    assert fields(await profile.profile_show(svc, SAM))["Race"] == "Sun 17 May 2026 (passed)"
    reply = await profile.profile_set(svc, SAM, level="regular", goal="endurance", hills="flat")
    assert "Your race on Sun 17 May 2026 has passed, so I cleared it" in reply.content
    assert (await stored_profile(svc)).race_date is None


async def test_break_implies_returning(svc: PlannerContext, router: Router) -> None:
    reply = await router.run(
        "profile set", SAM, level="regular", goal="both", hills="steep", days=4, break_="3m"
    )
    assert reply.content.startswith("Profile saved")
    saved = await stored_profile(svc)
    assert saved.returning and saved.break_length is BreakLength.MONTHS
    assert fields(reply)["Returning from a break"] == "yes, off 2-3 months"
    refused = await router.run(
        "profile set", SAM, level="regular", goal="both", hills="steep", days=4, break_="1y",
        returning=False,
    )  # fmt: skip
    assert refused.content.startswith("**break**")
    assert (await stored_profile(svc)).break_length is BreakLength.MONTHS  # unchanged


async def test_a_break_restarts_at_week_one(svc: PlannerContext) -> None:
    await profile.profile_set(svc, SAM, level="regular", goal="both", hills="steep", days=4)
    clock(svc).advance(timedelta(days=70))  # Wednesday 2026-07-15, week 11
    reply = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", break_="1m"
    )
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == date(2026, 7, 13)
    assert stored.profile.returning and stored.profile.break_length is BreakLength.MONTH
    assert "restarts at week 1" in reply.content
    assert fields(reply)["Plan week"].startswith("1 ")


async def test_a_second_layoff_restarts_again(svc: PlannerContext) -> None:
    """Returning is already true from the first break: saying it again still restarts."""
    await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, returning=True
    )
    clock(svc).advance(timedelta(days=70))
    first = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, returning=True
    )
    assert "restarts at week 1" in first.content
    assert (await svc.profiles.get(SAM.user_id)).started_on == date(2026, 7, 13)  # type: ignore[union-attr]
    clock(svc).advance(timedelta(days=42))  # Wednesday 2026-08-26: week 7 of the restart
    again = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, returning=True
    )
    assert "restarts at week 1" in again.content
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == date(2026, 8, 24)


async def test_returning_merely_kept_does_not_restart(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, break_="2w"
    )
    clock(svc).advance(timedelta(days=21))
    reply = await profile.profile_set(svc, SAM, level="trained", goal="both", hills="steep", days=5)
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == date(2026, 5, 4)  # week 4 carries on
    assert stored.profile.returning and stored.profile.break_length is BreakLength.WEEKS
    assert "week count carries on" in reply.content and "restarts" not in reply.content
    assert "returning" in reply.content and "break" in reply.content  # listed as kept


async def test_returning_false_ends_a_saved_break(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", days=4, break_="6m"
    )
    reply = await profile.profile_set(
        svc, SAM, level="regular", goal="both", hills="steep", returning=False
    )
    saved = await stored_profile(svc)
    assert not saved.returning and saved.break_length is None
    assert fields(reply)["Returning from a break"] == "no"


async def test_new_options_are_kept_when_left_out(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", weekdays="tue thu sat",
        race_date="2026-09-27", break_="1y", age="40-59",
    )  # fmt: skip
    reply = await profile.profile_set(svc, SAM, level="regular", goal="both", hills="gentle")
    saved = await stored_profile(svc)
    assert saved.level is Level.REGULAR and saved.hills.value == "gentle"
    assert saved.weekdays == (Day.TUE, Day.THU, Day.SAT) and saved.days == 3
    assert saved.race_date == date(2026, 9, 27)
    assert saved.break_length is BreakLength.LONGER and saved.returning
    assert saved.age is AgeBand.AGE_40_59
    kept = "kept as before: lifts, age, returning, units, weekdays, race_date, break."
    assert kept in reply.content
    # The same days count keeps the days too.
    await profile.profile_set(svc, SAM, level="regular", goal="both", hills="gentle", days=3)
    assert (await stored_profile(svc)).weekdays == (Day.TUE, Day.THU, Day.SAT)


async def test_days_alone_is_kept_when_left_out(svc: PlannerContext) -> None:
    await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=5)
    reply = await profile.profile_set(svc, SAM, level="regular", goal="muscle", hills="flat")
    assert (await stored_profile(svc)).days == 5
    assert "kept as before:" in reply.content and "days" in reply.content


async def test_a_different_days_count_drops_the_saved_weekdays(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="muscle", hills="flat", weekdays="tue thu sat"
    )
    reply = await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=4)
    saved = await stored_profile(svc)
    assert saved.days == 4 and saved.weekdays is None
    assert "Your training days (Tue, Thu, Sat) no longer match 4 days a week" in reply.content
    assert "weekdays" not in reply.content.split("kept as before:")[-1].split("\n")[0]
    assert fields(reply)["Training days"] == "any: I pick them"


async def test_weekdays_none_lets_the_planner_pick_again(svc: PlannerContext) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="muscle", hills="flat", weekdays="mon wed fri"
    )
    reply = await profile.profile_set(
        svc, SAM, level="new", goal="muscle", hills="flat", weekdays="none"
    )
    saved = await stored_profile(svc)
    assert saved.weekdays is None and saved.days == 3  # the count stays
    assert "Training days cleared" in reply.content


async def test_delete_erases_the_new_fields_too(svc: PlannerContext, router: Router) -> None:
    await profile.profile_set(
        svc, SAM, level="new", goal="endurance", hills="flat", weekdays="tue thu sat",
        race_date="2026-09-27", break_="3m",
    )  # fmt: skip
    await profile.profile_delete(svc, SAM)
    await router.press("rc:profile:delete:yes:7", SAM)
    assert await svc.services.db.fetchall("SELECT * FROM profiles") == []
    # Starting afresh: nothing comes back from the deleted profile.
    reply = await profile.profile_set(svc, SAM, level="new", goal="muscle", hills="flat", days=3)
    assert reply.content.startswith("Profile saved") and "kept" not in reply.content
    saved = await stored_profile(svc)
    assert (saved.weekdays, saved.race_date, saved.break_length, saved.returning) == (
        None, None, None, False,
    )  # fmt: skip


async def test_missing_profile_mentions_the_new_options(svc: PlannerContext) -> None:
    shown = await profile.profile_show(svc, SAM)
    for option in ("**weekdays**", "`race_date`", "`break`", "YYYY-MM-DD"):
        assert option in shown.content, option


async def test_the_console_takes_break_and_weekdays_by_their_discord_names(app: App) -> None:
    """`break` is the option's name in Discord; the handler's parameter is `break_`."""
    console = Console(app.services, await build_console_bot(app), name="sam")
    out = await console.handle(
        "/profile set level:regular goal:both hills:steep weekdays:tue thu sat break:3m"
        " race_date:2026-09-27"
    )
    assert out is not None and "Profile saved" in out, out
    stored = await app.planner.profiles.get(CONSOLE_USER_ID)
    assert stored is not None
    assert stored.profile.break_length is BreakLength.MONTHS and stored.profile.returning
    assert stored.profile.weekdays == (Day.TUE, Day.THU, Day.SAT)
    assert stored.profile.race_date == date(2026, 9, 27)
    shown = await console.handle("/profile show")
    assert shown is not None and "yes, off 2-3 months" in shown and "Tue, Thu, Sat" in shown


async def test_break_over_the_discord_protocol(club: Club) -> None:
    """The real discord.py client reads the renamed option from the interaction."""
    synced = {c["name"]: c for c in club.fake.command_syncs[-1][1]}
    set_cmd = next(o for o in synced["profile"]["options"] if o["name"] == "set")
    options = {o["name"]: o for o in set_cmd["options"]}
    assert [c["value"] for c in options["break"]["choices"]] == ["2w", "1m", "3m", "6m", "1y"]
    assert [c["name"] for c in options["break"]["choices"]] == [
        "About two weeks", "About a month", "2-3 months", "4-6 months", "Longer than 6 months",
    ]  # fmt: skip
    assert not options["days"].get("required") and not options["weekdays"].get("required")
    assert "none" in options["race_date"]["description"]
    handle = await club.run(
        "profile set",
        {"level": "new", "goal": "muscle", "hills": "flat", "weekdays": "mon thu", "break": "1y"},
    )
    data = (await handle.response())["data"]
    assert data["content"].startswith("Profile saved"), data
    stored = await club.runner.app.planner.profiles.get(club.member.id)
    assert stored is not None and stored.profile.break_length is BreakLength.LONGER
    assert stored.profile.weekdays == (Day.MON, Day.THU)
    club.fake.assert_clean()
