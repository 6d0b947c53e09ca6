"""/profile set|show|delete and /plan [week], with their buttons (all replies ephemeral).

A profile is who a member is as a runner; /plan turns it into the week's sessions, and "Why?"
explains each session from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.caller import Caller, UserError
from bot.core.replies import Button, ButtonStyle, Reply
from bot.core.router import ButtonRoute
from bot.core.services import FeatureContext
from bot.features.faq import KnowledgeStore, entry_button
from bot.features.planner.calendar import current_week, last_week, week_one_start
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import Profile, ProfileError
from bot.features.planner.repository import ProfileRepository, StoredProfile
from bot.features.planner.views import LABELS, note_groups, profile_view, why_view

# Options /profile set may leave out; on an update they keep the saved value, so re-running the
# command to change `days` never silently drops an age band (and with it the 60+ hard-day cap).
KEEPABLE = ("lifts", "age", "returning", "units")
# Entry buttons under "Why?": the first few distinct entries (the list above names them all).
WHY_BUTTONS = 10


@dataclass(frozen=True)
class PlannerContext(FeatureContext):
    knowledge: KnowledgeStore
    profiles: ProfileRepository
    # The server's timezone (None: not set), which decides when a member's week turns over.
    guild_timezone: Callable[[int], Awaitable[str | None]]


# --- the member's calendar ----------------------------------------------------------------------
async def local_today(ctx: PlannerContext, caller: Caller) -> date:
    """Today in the server's timezone (the default one in DMs): weeks turn over at local
    midnight on Monday, not UTC's."""
    tz = None
    if caller.guild_id is not None:
        tz = await ctx.guild_timezone(caller.guild_id)
    return ctx.clock.now().astimezone(ZoneInfo(tz or ctx.settings.default_timezone)).date()


def missing_reply(ctx: PlannerContext, *, edit_original: bool = False) -> Reply:
    """No profile yet: one command away from a plan, with an example."""
    return ctx.renderer.reply(
        "planner/profile/missing.j2", ephemeral=True, edit_original=edit_original, labels=LABELS
    )


# --- /profile -----------------------------------------------------------------------------------
async def profile_set(
    ctx: PlannerContext,
    caller: Caller,
    level: str,
    goal: str,
    hills: str,
    days: int,
    lifts: bool | None = None,
    age: str | None = None,
    returning: bool | None = None,
    units: str | None = None,
) -> Reply:
    existing = await ctx.profiles.get(caller.user_id)
    values: dict[str, Any] = {
        "level": level,
        "goal": goal,
        "hills": hills,
        "days": days,
        "lifts": lifts,
        "age": age,
        "returning": returning,
        "units": units,
    }
    kept: list[str] = []
    if existing is not None:
        for name in KEEPABLE:
            if values[name] is None and getattr(existing.profile, name) is not None:
                values[name] = getattr(existing.profile, name)
                kept.append(name)
    try:
        profile = Profile.from_values(**values)
    except ProfileError as exc:
        raise UserError("planner/profile/error.j2", field=exc.field, message=exc.message) from None
    today = await local_today(ctx, caller)
    # Back from a break: the easing-in weeks only make sense at the start of a plan.
    restart = existing is not None and profile.returning and not existing.profile.returning
    stored = await ctx.profiles.save(
        caller.user_id,
        profile,
        now=ctx.clock.now(),
        started_on=week_one_start(today),
        restart=restart,
    )
    return _card(ctx, stored, today, created=existing is None, kept=kept, restarted=restart)


async def profile_show(ctx: PlannerContext, caller: Caller) -> Reply:
    stored = await ctx.profiles.get(caller.user_id)
    if stored is None:
        return missing_reply(ctx)
    return _card(ctx, stored, await local_today(ctx, caller))


def _card(
    ctx: PlannerContext,
    stored: StoredProfile,
    today: date,
    *,
    created: bool | None = None,
    kept: list[str] | None = None,
    restarted: bool = False,
) -> Reply:
    return ctx.renderer.reply(
        "planner/profile/card.j2",
        ephemeral=True,
        # None: /profile show; True/False: just created/updated by /profile set.
        saved=created,
        kept=kept or [],
        restarted=restarted,
        profile=profile_view(stored.profile),
        started_on=stored.started_on,
        not_started=today < stored.started_on,
        week=current_week(stored.started_on, today),
    )


async def profile_delete(ctx: PlannerContext, caller: Caller) -> Reply:
    if await ctx.profiles.get(caller.user_id) is None:
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
def week_reply(
    ctx: PlannerContext, stored: StoredProfile, week: int, current: int, *, edit: bool
) -> Reply:
    plan = plan_week(stored.profile, week)
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
        plan=plan.to_dict(),
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
    return week_reply(ctx, stored, week, current, edit=False)


def why_reply(ctx: PlannerContext, stored: StoredProfile, week: int) -> Reply:
    plan = plan_week(stored.profile, week)
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
    return week_reply(ctx, stored, week, current, edit=True)


async def press_my_week(ctx: PlannerContext, caller: Caller) -> Reply:
    """rc:plan:show, the reminder post's "My version": the presser's own week, just for them."""
    found = await _stored(ctx, caller)
    if found is None:
        return missing_reply(ctx)
    stored, current = found
    return week_reply(ctx, stored, current, current, edit=False)


def my_week_button() -> Button:
    """The button other features put under a post: whoever presses it sees their own week."""
    return Button(MY_WEEK.custom_id("show"), "My version", ButtonStyle.PRIMARY)


# custom_ids arrive from Discord clients: ASCII digits only ("²".isdigit() is True), few enough
# for an int; the patterns are the whole validation.
PLAN_PAGE = ButtonRoute("plan", r"(?P<action>week|why):(?P<week>[0-9]{1,6})", press_plan_page)
MY_WEEK = ButtonRoute("plan", r"show", press_my_week)
DELETE = ButtonRoute("profile", r"delete:(?P<answer>yes|no):(?P<user_id>[^:]*)", press_delete)
