"""/plan [week] and its buttons: a member's week from the planner, explained from the KB."""

from __future__ import annotations

from typing import Any

from bot.core.caller import Caller, UserError
from bot.features.planner.handlers import (
    LAST_WEEK,
    current_week,
    local_today,
    missing_reply,
    profile_view,
)
from bot.core.router import custom_id
from bot.features.faq.knowledge import Entry, KnowledgeBase
from bot.features.planner.planner import WeekPlan, plan_week
from bot.core.limits import FIELD_VALUE
from bot.core.replies import Button, ButtonStyle, Reply
from bot.core.services import Services
from bot.features.planner.repository import StoredProfile

# Entry buttons under "Why?": the first few distinct entries (the list above names them all).
WHY_BUTTONS = 10
_BULLET = "• "


def note_groups(notes: list[str], limit: int = FIELD_VALUE) -> list[list[str]]:
    """Notes packed into as few embed fields as fit Discord's per-field limit, in order."""
    groups: list[list[str]] = []
    size = limit
    for note in notes:
        cost = len(_BULLET) + len(note) + 1
        if size + cost > limit:
            groups.append([])
            size = 0
        groups[-1].append(note)
        size += cost
    return groups


def last_week(current: int) -> int:
    """How far forward a member may look: the option's range, or their real week if later."""
    return max(LAST_WEEK, current)


def week_reply(
    svc: Services, stored: StoredProfile, week: int, current: int, *, edit: bool
) -> Reply:
    plan = plan_week(stored.profile, week)
    data = plan.to_dict()
    buttons = (
        Button(custom_id("plan", "week", week - 1), "◀ Previous week", disabled=week <= 1),
        Button(
            custom_id("plan", "week", week + 1), "Next week ▶", disabled=week >= last_week(current)
        ),
        Button(custom_id("plan", "why", week), "Why?", ButtonStyle.PRIMARY),
    )
    return svc.renderer.reply(
        "plan/week.j2",
        ephemeral=True,
        edit_original=edit,
        buttons=buttons,
        plan=data,
        hard_count=sum(1 for s in plan.sessions if s.hard),
        note_groups=note_groups(list(plan.notes)),
        current_week=current,
        profile=profile_view(stored.profile),
    )


async def _stored(svc: Services, caller: Caller) -> tuple[StoredProfile, int] | None:
    stored = await svc.profiles.get(caller.user_id)
    if stored is None:
        return None
    return stored, current_week(stored.started_on, await local_today(svc, caller))


def _check_week(week: int, current: int) -> None:
    if not 1 <= week <= last_week(current):
        raise UserError("plan/bad_week.j2", low=1, high=last_week(current), week=week)


async def plan(svc: Services, caller: Caller, week: int | None = None) -> Reply:
    found = await _stored(svc, caller)
    if found is None:
        return missing_reply(svc)
    stored, current = found
    week = current if week is None else week
    _check_week(week, current)
    return week_reply(svc, stored, week, current, edit=False)


def why_view(kb: KnowledgeBase, plan: WeekPlan) -> tuple[list[dict[str, Any]], list[Entry]]:
    """Each session with its knowledge entries, and the distinct entries in order of appearance.
    An id missing from the KB (an entry removed by /kb reload) is left out, not shown broken."""
    sessions = []
    distinct: dict[str, Entry] = {}
    for session in plan.sessions:
        entries = [e for e in (kb.get(i) for i in session.why) if e is not None]
        for entry in entries:
            distinct.setdefault(entry.id, entry)
        sessions.append({"session": session.to_dict(), "entries": entries})
    return sessions, list(distinct.values())


def why_reply(svc: Services, stored: StoredProfile, week: int) -> Reply:
    plan = plan_week(stored.profile, week)
    sessions, entries = why_view(svc.knowledge.kb, plan)
    buttons = [Button(custom_id("faq", e.id), e.title) for e in entries[:WHY_BUTTONS]]
    return svc.renderer.reply(
        "plan/why.j2", ephemeral=True, buttons=buttons, week=week, sessions=sessions
    )


async def press_plan(svc: Services, caller: Caller, args: list[str]) -> Reply:
    """rc:plan:week:<n> (turn the page in place), rc:plan:why:<n> (reasons, a new ephemeral
    message) and rc:plan:show (the reminder post's "My version": the presser's own week)."""
    action = args[0] if args else ""
    # isascii too: str.isdigit() accepts "²", which int() refuses.
    number = int(args[1]) if len(args) == 2 and args[1].isascii() and args[1].isdigit() else None
    if action not in ("week", "why", "show") or (action != "show") != (number is not None):
        raise UserError("errors/stale_button.j2")
    found = await _stored(svc, caller)
    if found is None:  # never set up, or deleted since the message was sent
        return missing_reply(svc, edit_original=action == "week")
    stored, current = found
    if action == "show":
        return week_reply(svc, stored, current, current, edit=False)
    assert number is not None
    _check_week(number, current)
    if action == "why":
        return why_reply(svc, stored, number)
    return week_reply(svc, stored, number, current, edit=True)
