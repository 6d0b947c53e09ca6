"""/profile set|show|delete and /plan [week], with their buttons (all replies ephemeral).

A profile is who a member is as a runner; /plan turns it into the week's sessions, and "Why?"
explains each session from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.caller import Caller, UserError
from bot.core.memo import Recent
from bot.core.replies import Button, ButtonStyle, Reply
from bot.core.router import ButtonRoute
from bot.core.services import FeatureContext
from bot.features.faq import KnowledgeStore, entry_button
from bot.features.planner.calendar import current_week, last_week, week_one_start
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import Profile, ProfileError, parse_race_date
from bot.features.planner.repository import ProfileRepository, StoredProfile
from bot.features.planner.views import (
    LABELS,
    day_label,
    note_groups,
    plan_view,
    profile_view,
    why_view,
)

# Options /profile set may leave out (option: Profile attribute); on an update they keep the saved
# value, so re-running the command to change one thing never silently drops an age band (and with
# it the 60+ hard-day cap), the member's days or their race. The exceptions are in _merge: a
# different `days` drops the saved weekdays and a race already run is not carried forward (the
# reply says so); `returning:false` ends a saved break; `none` clears `weekdays` or `race_date`.
KEEPABLE: Mapping[str, str] = MappingProxyType(
    {
        "lifts": "lifts",
        "age": "age",
        "returning": "returning",
        "units": "units",
        "days": "days",
        "weekdays": "weekdays",
        "race_date": "race_date",
        "break": "break_length",
    }
)
# The value that clears `race_date` or `weekdays` (documented in the options' descriptions).
CLEAR = "none"
# Entry buttons under "Why?": the first few distinct entries (the list above names them all).
WHY_BUTTONS = 10
# Week pages kept: a page is a pure function of the profile, its start, the week and the
# current week, and members open the same page again (each /plan, each page turn back).
WEEK_REPLIES = 2048

WeekKey = tuple[Profile, date, int, int, bool]  # profile, started_on, week, current, edit


@dataclass(frozen=True)
class PlannerContext(FeatureContext):
    knowledge: KnowledgeStore
    profiles: ProfileRepository
    # The server's timezone (None: not set), which decides when a member's week turns over.
    guild_timezone: Callable[[int], Awaitable[str | None]]
    weeks: Recent[WeekKey, Reply] = field(default_factory=lambda: Recent(WEEK_REPLIES))


# --- the member's calendar ----------------------------------------------------------------------
async def local_today(ctx: PlannerContext, caller: Caller) -> date:
    """Today in the server's timezone (the default one in DMs): weeks turn over at local
    midnight on Monday, not UTC's."""
    tz = None
    if caller.guild_id is not None:
        tz = await ctx.guild_timezone(caller.guild_id)
    return ctx.clock.now().astimezone(ZoneInfo(tz or ctx.settings.default_timezone)).date()


def missing_reply(
    ctx: PlannerContext, *, edit_original: bool = False, asked: str = "plan"
) -> Reply:
    """No profile yet: one command away from it, with an example. `asked` is what the member
    wanted: "plan" (/plan and its buttons) or "profile" (/profile show)."""
    return ctx.renderer.reply(
        "planner/profile/missing.j2",
        ephemeral=True,
        edit_original=edit_original,
        labels=LABELS,
        asked=asked,
    )


# --- /profile -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Changes:
    """What /profile set did besides saving, for the reply."""

    kept: list[str]
    cleared: list[str]  # options the member cleared with `none`
    ignored_race: date | None  # a race date before today: not stored
    passed_race: date | None  # the saved race, run since: not carried forward
    dropped_weekdays: str | None  # saved days that no longer match the new `days`


def _is_clear(value: str | None) -> bool:
    return value is not None and value.strip().lower() == CLEAR


def _merge(
    values: dict[str, Any], saved: Profile | None, today: date
) -> tuple[dict[str, Any], _Changes]:
    """The options to build the profile from: the member's, plus the saved ones they left out.

    Raises ProfileError for a bad race date, or a break given with `returning:false`.
    """
    values = dict(values)
    cleared = [name for name in ("weekdays", "race_date") if _is_clear(values[name])]
    for name in cleared:
        values[name] = None
    ignored_race = None
    if values["race_date"] is not None:
        race = parse_race_date(values["race_date"])
        # A race before today is a slip (a past year, day and month swapped): not stored.
        ignored_race, values["race_date"] = (race, None) if race < today else (None, race)
    if values["break"] is not None and values["returning"] is False:
        raise ProfileError(
            "break", "says you are coming back from a break, so returning can't be false"
        )
    changes = _Changes([], cleared, ignored_race, None, None)
    if saved is None:
        return values, changes
    skip = set(cleared)
    if values["break"] is not None:
        skip.add("returning")  # a break means returning, whatever was saved
    if (
        saved.weekdays is not None
        and values["weekdays"] is None
        and values["days"] is not None
        and int(values["days"]) != len(saved.weekdays)
    ):
        # A new count of days without naming them: the count wins, the old days go.
        skip.add("weekdays")
        if "weekdays" not in cleared:
            changes = replace(changes, dropped_weekdays=", ".join(saved.weekdays))
    if values["weekdays"] is not None or (saved.weekdays is not None and "weekdays" not in skip):
        skip.add("days")  # the weekdays say how many
    if saved.race_date is not None and saved.race_date < today:
        skip.add("race_date")  # run since it was set
        if values["race_date"] is None and "race_date" not in cleared:
            changes = replace(changes, passed_race=saved.race_date)
    if values["returning"] is False:
        skip.add("break")  # `returning:false` ends a saved break
    for name, attribute in KEEPABLE.items():
        value = getattr(saved, attribute)
        if name not in skip and values[name] is None and value is not None:
            values[name] = value
            changes.kept.append(name)
    return values, changes


async def profile_set(
    ctx: PlannerContext,
    caller: Caller,
    level: str,
    goal: str,
    hills: str,
    days: int | None = None,
    lifts: bool | None = None,
    age: str | None = None,
    returning: bool | None = None,
    units: str | None = None,
    weekdays: str | None = None,
    race_date: str | None = None,
    break_: str | None = None,
) -> Reply:
    existing = await ctx.profiles.get(caller.user_id)
    today = await local_today(ctx, caller)
    given: dict[str, Any] = {
        "level": level,
        "goal": goal,
        "hills": hills,
        "days": days,
        "lifts": lifts,
        "age": age,
        "returning": returning,
        "units": units,
        "weekdays": weekdays,
        "race_date": race_date,
        "break": break_,
    }
    try:
        values, changes = _merge(given, existing.profile if existing else None, today)
        profile = Profile.from_values(**values)
    except ProfileError as exc:
        raise UserError("planner/profile/error.j2", field=exc.field, message=exc.message) from None
    # Back from a break, said in this very command (not merely kept from the saved profile):
    # the plan restarts at week 1, even for a member who was already returning after an
    # earlier layoff. The easing-in weeks only make sense at the start of a plan.
    restart = existing is not None and (returning is True or break_ is not None)
    stored = await ctx.profiles.save(
        caller.user_id,
        profile,
        now=ctx.clock.now(),
        started_on=week_one_start(today),
        restart=restart,
    )
    return _card(ctx, stored, today, created=existing is None, changes=changes, restarted=restart)


async def profile_show(ctx: PlannerContext, caller: Caller) -> Reply:
    stored = await ctx.profiles.get(caller.user_id)
    if stored is None:
        return missing_reply(ctx, asked="profile")
    return _card(ctx, stored, await local_today(ctx, caller))


def _card(
    ctx: PlannerContext,
    stored: StoredProfile,
    today: date,
    *,
    created: bool | None = None,
    changes: _Changes | None = None,
    restarted: bool = False,
) -> Reply:
    changes = changes or _Changes([], [], None, None, None)
    race = stored.profile.race_date
    return ctx.renderer.reply(
        "planner/profile/card.j2",
        ephemeral=True,
        # None: /profile show; True/False: just created/updated by /profile set.
        saved=created,
        kept=changes.kept,
        cleared=changes.cleared,
        ignored_race=changes.ignored_race and changes.ignored_race.isoformat(),
        passed_race=changes.passed_race and day_label(changes.passed_race, year=True),
        dropped_weekdays=changes.dropped_weekdays,
        restarted=restarted,
        profile=profile_view(stored.profile),
        race_in_days=None if race is None else (race - today).days,
        started_on=stored.started_on,
        not_started=today < stored.started_on,
        week=current_week(stored.started_on, today),
    )


async def profile_delete(ctx: PlannerContext, caller: Caller) -> Reply:
    # Anything any feature stores (a profile, votes on answers, a link to reminders created).
    if not await ctx.services.members.holds(caller.user_id):
        return ctx.renderer.reply("planner/profile/deleted.j2", ephemeral=True, outcome="nothing")
    # The member's id rides in the custom_id so only they can confirm (see press_delete).
    buttons = (
        Button(DELETE.custom_id("delete", "yes", caller.user_id), "Delete my data",
               ButtonStyle.DANGER),
        Button(DELETE.custom_id("delete", "no", caller.user_id), "Keep it"),
    )  # fmt: skip
    return ctx.renderer.reply("planner/profile/delete_confirm.j2", ephemeral=True, buttons=buttons)


async def press_delete(ctx: PlannerContext, caller: Caller, answer: str, user_id: str) -> Reply:
    """The confirm/cancel buttons under /profile delete: only the member who asked may press."""
    if user_id != str(caller.user_id):
        raise UserError("planner/profile/not_yours.j2")
    if answer == "no":
        outcome = "kept"
    else:
        # Every feature forgets the member (profile, and their link to club data they created).
        outcome = "deleted" if await ctx.services.members.forget(caller.user_id) else "nothing"
    return ctx.renderer.reply(
        "planner/profile/deleted.j2", ephemeral=True, edit_original=True, outcome=outcome
    )


# --- /plan --------------------------------------------------------------------------------------
def week_page(
    ctx: PlannerContext, stored: StoredProfile, week: int, current: int, *, edit: bool
) -> Reply:
    """week_reply, remembered: the same page again (same profile, start, week and current
    week) is not planned and rendered again."""
    key = (stored.profile, stored.started_on, week, current, edit)
    found = ctx.weeks.get(key)
    if found is None:
        found = ctx.weeks.put(key, week_reply(ctx, stored, week, current, edit=edit))
    return found


def week_reply(
    ctx: PlannerContext, stored: StoredProfile, week: int, current: int, *, edit: bool
) -> Reply:
    plan = plan_week(stored.profile, week, start=stored.started_on)
    buttons = (
        Button(PLAN_PAGE.custom_id("week", week - 1), "◀ Previous week", disabled=week <= 1),
        Button(PLAN_PAGE.custom_id("week", week + 1), "Next week ▶",
               disabled=week >= last_week(current)),
        Button(PLAN_PAGE.custom_id("why", week), "Why?", ButtonStyle.PRIMARY),
    )  # fmt: skip
    return ctx.renderer.reply(
        "planner/plan/week.j2",
        ephemeral=True,
        edit_original=edit,
        buttons=buttons,
        plan=plan_view(plan),
        hard_count=sum(1 for s in plan.sessions if s.hard),
        note_groups=note_groups(list(plan.notes)),
        current_week=current,
        profile=profile_view(stored.profile),
    )


async def _stored(ctx: PlannerContext, caller: Caller) -> tuple[StoredProfile, int] | None:
    stored = await ctx.profiles.get(caller.user_id)
    if stored is None:
        return None
    return stored, current_week(stored.started_on, await local_today(ctx, caller))


def _check_week(week: int, current: int) -> None:
    if not 1 <= week <= last_week(current):
        raise UserError("planner/plan/bad_week.j2", low=1, high=last_week(current), week=week)


async def plan(ctx: PlannerContext, caller: Caller, week: int | None = None) -> Reply:
    found = await _stored(ctx, caller)
    if found is None:
        return missing_reply(ctx)
    stored, current = found
    week = current if week is None else week
    _check_week(week, current)
    return week_page(ctx, stored, week, current, edit=False)


def why_reply(ctx: PlannerContext, stored: StoredProfile, week: int) -> Reply:
    plan = plan_week(stored.profile, week, start=stored.started_on)
    sessions, entries = why_view(ctx.knowledge.kb, plan)
    buttons = [entry_button(e) for e in entries[:WHY_BUTTONS]]
    return ctx.renderer.reply(
        "planner/plan/why.j2", ephemeral=True, buttons=buttons, week=week, sessions=sessions
    )


async def press_plan_page(ctx: PlannerContext, caller: Caller, action: str, week: int) -> Reply:
    """rc:plan:week:<n> turns the page in place; rc:plan:why:<n> explains it in a new message."""
    found = await _stored(ctx, caller)
    if found is None:  # never set up, or deleted since the message was sent
        return missing_reply(ctx, edit_original=action == "week")
    stored, current = found
    _check_week(week, current)
    if action == "why":
        return why_reply(ctx, stored, week)
    return week_page(ctx, stored, week, current, edit=True)


async def press_my_week(ctx: PlannerContext, caller: Caller) -> Reply:
    """rc:plan:show, the reminder post's "My version": the presser's own week, just for them."""
    found = await _stored(ctx, caller)
    if found is None:
        return missing_reply(ctx)
    stored, current = found
    return week_page(ctx, stored, current, current, edit=False)


def my_week_button() -> Button:
    """The button other features put under a post: whoever presses it sees their own week."""
    return Button(MY_WEEK.custom_id("show"), "My version", ButtonStyle.PRIMARY)


# custom_ids arrive from Discord clients: ASCII digits only ("²".isdigit() is True), few enough
# for an int; the patterns are the whole validation.
PLAN_PAGE = ButtonRoute("plan", r"(?P<action>week|why):(?P<week>[0-9]{1,6})", press_plan_page)
MY_WEEK = ButtonRoute("plan", r"show", press_my_week)
DELETE = ButtonRoute("profile", r"delete:(?P<answer>yes|no):(?P<user_id>[^:]*)", press_delete)
