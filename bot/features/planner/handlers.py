"""/profile set|show|delete: who a member is as a runner, the planner's input (all ephemeral)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.caller import Caller, UserError
from bot.core.router import custom_id
from bot.features.planner.profile import AgeBand, Goal, Hills, Level, Profile, ProfileError, Units
from bot.core.replies import Button, ButtonStyle, Reply
from bot.core.services import Services
from bot.features.planner.repository import StoredProfile

# The choices members pick from, as (value, label). Values are the contract (CLI flags, storage);
# labels are what Discord shows, and /profile show repeats them.
LABELS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        "level": (
            (Level.NEW.value, "New to running or untrained"),
            (Level.REGULAR.value, "I run regularly"),
            (Level.TRAINED.value, "A good endurance base"),
        ),
        "goal": (
            (Goal.MUSCLE.value, "Build leg muscle and power"),
            (Goal.ENDURANCE.value, "A stronger, more durable runner"),
            (Goal.BOTH.value, "Both: muscle and endurance"),
        ),
        "hills": (
            (Hills.STEEP.value, "A steep hill nearby"),
            (Hills.GENTLE.value, "A gentle hill"),
            (Hills.STAIRS.value, "Stairs or stadium steps"),
            (Hills.TREADMILL.value, "A treadmill"),
            (Hills.FLAT.value, "None of these (flat ground only)"),
        ),
        "age": (
            (AgeBand.UNDER_40.value, "Under 40"),
            (AgeBand.AGE_40_59.value, "40-59"),
            (AgeBand.AGE_60_PLUS.value, "60+"),
        ),
        "units": (
            (Units.KM.value, "Kilometres (km)"),
            (Units.MI.value, "Miles (mi)"),
        ),
    }
)
# Options /profile set may leave out; on an update they keep the saved value, so re-running the
# command to change `days` never silently drops an age band (and with it the 60+ hard-day cap).
KEEPABLE = ("lifts", "age", "returning", "units")
# /plan's week option and navigation range (a member past week 52 keeps their real week).
LAST_WEEK = 52


def label_of(option: str, value: object) -> str:
    return dict(LABELS[option]).get(str(value), str(value))


def profile_view(profile: Profile) -> dict[str, Any]:
    """The profile as templates show it: each option's value and human label."""
    return {
        "level": label_of("level", profile.level),
        "goal": label_of("goal", profile.goal),
        "hills": label_of("hills", profile.hills),
        "days": profile.days,
        "lifts": profile.lifts,
        "age": label_of("age", profile.age) if profile.age is not None else None,
        "returning": profile.returning,
        "units": profile.units.value,
    }


# --- the member's calendar ----------------------------------------------------------------------
async def local_today(svc: Services, caller: Caller) -> date:
    """Today in the server's timezone (the default one in DMs): weeks turn over at local
    midnight on Monday, not UTC's."""
    tz = None
    if caller.guild_id is not None:
        tz = (await svc.guild_settings.get(caller.guild_id)).timezone
    return svc.clock.now().astimezone(ZoneInfo(tz or svc.settings.default_timezone)).date()


def week_one_start(today: date) -> date:
    """The Monday a new member's week 1 begins: this week's, or next week's when they sign up
    Friday to Sunday, so week 1 is a whole week rather than a weekend."""
    monday = today - timedelta(days=today.weekday())
    return monday if today.weekday() <= 3 else monday + timedelta(days=7)


def current_week(started_on: date, today: date) -> int:
    """The member's training week today (1 until week 1 begins)."""
    return max(1, (today - started_on).days // 7 + 1)


def missing_reply(svc: Services, *, edit_original: bool = False) -> Reply:
    """No profile yet: one command away from a plan, with an example."""
    return svc.renderer.reply(
        "profile/missing.j2", ephemeral=True, edit_original=edit_original, labels=LABELS
    )


# --- handlers -----------------------------------------------------------------------------------
async def set_profile(
    svc: Services,
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
    existing = await svc.profiles.get(caller.user_id)
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
        raise UserError("profile/error.j2", field=exc.field, message=exc.message) from None
    today = await local_today(svc, caller)
    # Back from a break: the easing-in weeks only make sense at the start of a plan.
    restart = existing is not None and profile.returning and not existing.profile.returning
    stored = await svc.profiles.save(
        caller.user_id,
        profile,
        now=svc.clock.now(),
        started_on=week_one_start(today),
        restart=restart,
    )
    return _card(svc, stored, today, created=existing is None, kept=kept, restarted=restart)


async def show(svc: Services, caller: Caller) -> Reply:
    stored = await svc.profiles.get(caller.user_id)
    if stored is None:
        return missing_reply(svc)
    return _card(svc, stored, await local_today(svc, caller))


def _card(
    svc: Services,
    stored: StoredProfile,
    today: date,
    *,
    created: bool | None = None,
    kept: list[str] | None = None,
    restarted: bool = False,
) -> Reply:
    return svc.renderer.reply(
        "profile/card.j2",
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


async def delete(svc: Services, caller: Caller) -> Reply:
    if await svc.profiles.get(caller.user_id) is None:
        return svc.renderer.reply("profile/deleted.j2", ephemeral=True, outcome="nothing")
    # The member's id rides in the custom_id so only they can confirm (see press_profile).
    buttons = (
        Button(
            custom_id("profile", "delete", "yes", caller.user_id),
            "Delete my data",
            ButtonStyle.DANGER,
        ),
        Button(custom_id("profile", "delete", "no", caller.user_id), "Keep it"),
    )
    return svc.renderer.reply("profile/delete_confirm.j2", ephemeral=True, buttons=buttons)


async def press_profile(svc: Services, caller: Caller, args: list[str]) -> Reply:
    """The confirm/cancel buttons under /profile delete: rc:profile:delete:<yes|no>:<user id>."""
    if len(args) != 3 or args[0] != "delete" or args[1] not in ("yes", "no"):
        raise UserError("errors/stale_button.j2")
    # isascii too: str.isdigit() accepts "²", which int() refuses.
    if not (args[2].isascii() and args[2].isdigit()) or int(args[2]) != caller.user_id:
        raise UserError("profile/not_yours.j2")
    if args[1] == "no":
        outcome = "kept"
    else:
        outcome = "deleted" if await svc.profiles.delete(caller.user_id) else "nothing"
    return svc.renderer.reply(
        "profile/deleted.j2", ephemeral=True, edit_original=True, outcome=outcome
    )
