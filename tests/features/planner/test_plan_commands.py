"""/plan and its buttons (week paging, Why?, the reminder post's "My version") on real services."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.limits import ELLIPSIS, EMBED_TOTAL, FIELD_VALUE, embed_length
from bot.core.render import Renderer
from bot.core.replies import Reply
from bot.core.router import Router
from bot.core.settings import PROJECT_ROOT
from bot.features.planner import PlannerContext, views
from bot.features.planner import handlers as plan_cmd
from bot.features.planner.planner import Session, SessionKind, plan_week
from bot.features.planner.profile import DAYS, AgeBand, Day, Goal, Hills, Level, Profile, Units
from bot.features.planner.repository import StoredProfile
from tests.support.strategies import profiles

SAM = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
WEDNESDAY = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
NEW_MUSCLE_FLAT = Profile(Level.NEW, Goal.MUSCLE, Hills.FLAT, 3)
RENDERER = Renderer(PROJECT_ROOT / "templates")  # read-only: safe to share across examples


async def sign_up(svc: PlannerContext, profile: Profile = NEW_MUSCLE_FLAT) -> None:
    await svc.profiles.save(SAM.user_id, profile, now=WEDNESDAY, started_on=date(2026, 5, 4))


def later(svc: PlannerContext, days: int) -> None:
    assert isinstance(svc.clock, FakeClock)
    svc.clock.advance(timedelta(days=days))


def field_map(reply: Reply) -> dict[str, str]:
    assert reply.embed is not None
    return {f.name: f.value for f in reply.embed.fields}


def buttons(reply: Reply) -> dict[str, tuple[str, bool]]:
    return {b.label: (b.custom_id, b.disabled) for b in reply.buttons}


def when(session: Session) -> str:
    """`Tue 12 May`: the day and date a session's field starts with (the plan has a calendar)."""
    assert session.date is not None and session.date.weekday() == DAYS.index(session.day)
    return f"{session.day.value} {session.date.day} {session.date:%b}"


def field_name(session: Session) -> str:
    hard = " ⚡ hard" if session.hard else ""
    return f"{when(session)} · {session.title} · {session.minutes} min{hard}"


def assert_whole_week(
    reply: Reply, profile: Profile, week: int, start: date = date(2026, 5, 4)
) -> None:
    """Every session (with its date and minutes), every note and the safety note are in the
    embed, none cut short."""
    plan = plan_week(profile, week, start=start)
    assert reply.embed is not None
    names = [f.name for f in reply.embed.fields]
    expected = [field_name(s) for s in plan.sessions]
    assert names[: len(expected)] == expected
    values = field_map(reply)
    for session, name in zip(plan.sessions, expected, strict=True):
        assert values[name] == session.details
    notes = "\n".join(f.value for f in reply.embed.fields if "otes" in f.name)
    assert all(note in notes for note in plan.notes)
    assert names[-1] == "Safety" and values["Safety"] == plan.safety
    assert all(ELLIPSIS not in f.value for f in reply.embed.fields)
    assert embed_length(reply.embed) <= EMBED_TOTAL


async def test_plan_shows_the_current_week(svc: PlannerContext) -> None:
    await sign_up(svc)
    later(svc, 7)
    reply = await plan_cmd.plan(svc, SAM)
    assert reply.ephemeral and not reply.edit_original
    assert reply.embed is not None and reply.embed.title == "Your plan: week 2"
    assert "current week" in reply.embed.description
    assert_whole_week(reply, NEW_MUSCLE_FLAT, 2)
    kinds = {s.kind.value for s in plan_week(NEW_MUSCLE_FLAT, 2, start=date(2026, 5, 4)).sessions}
    assert "strength" in kinds  # goal muscle: strength sessions in the embed
    assert buttons(reply) == {
        "◀ Previous week": ("rc:plan:week:1", False),
        "Next week ▶": ("rc:plan:week:3", False),
        "Why?": ("rc:plan:why:2", False),
    }


async def test_plan_week_option_and_recovery_week(svc: PlannerContext) -> None:
    await sign_up(svc)
    reply = await plan_cmd.plan(svc, SAM, week=4)
    assert reply.embed is not None and reply.embed.title == "Your plan: week 4 (recovery week)"
    assert "look ahead" in reply.embed.description
    assert_whole_week(reply, NEW_MUSCLE_FLAT, 4)
    first = await plan_cmd.plan(svc, SAM, week=1)
    assert buttons(first)["◀ Previous week"] == ("rc:plan:week:0", True)
    last = await plan_cmd.plan(svc, SAM, week=52)
    assert buttons(last)["Next week ▶"][1] is True


async def test_out_of_range_week_is_explained(svc: PlannerContext, router: Router) -> None:
    await sign_up(svc)
    for week in (0, 53):
        reply = await router.run("plan", SAM, week=week)
        assert reply.ephemeral and reply.embed is None
        assert "from 1 to 52" in reply.content
    pressed = await router.press("rc:plan:week:53", SAM)
    assert "from 1 to 52" in pressed.content


async def test_a_member_past_week_52_keeps_their_real_week(svc: PlannerContext) -> None:
    await sign_up(svc)
    later(svc, 7 * 60)
    reply = await plan_cmd.plan(svc, SAM)
    assert reply.embed is not None and reply.embed.title == "Your plan: week 61"
    assert buttons(reply)["Next week ▶"][1] is True


async def test_week_buttons_page_in_place(svc: PlannerContext, router: Router) -> None:
    await sign_up(svc)
    nxt = await router.press("rc:plan:week:2", SAM)
    assert nxt.edit_original and nxt.ephemeral
    assert nxt.embed is not None and nxt.embed.title == "Your plan: week 2"
    assert "look ahead" in nxt.embed.description
    assert_whole_week(nxt, NEW_MUSCLE_FLAT, 2)
    back = await router.press(buttons(nxt)["◀ Previous week"][0], SAM)
    assert back.edit_original and back.embed is not None
    assert back.embed.title == "Your plan: week 1"


async def test_why_lists_each_sessions_entries_with_faq_buttons(
    svc: PlannerContext, router: Router
) -> None:
    await sign_up(svc)
    why = await router.press("rc:plan:why:2", SAM)
    assert why.ephemeral and not why.edit_original  # a new message; the plan stays
    assert why.embed is not None and "/faq" in why.embed.description
    kb = svc.knowledge.kb
    plan = plan_week(NEW_MUSCLE_FLAT, 2, start=date(2026, 5, 4))
    values = field_map(why)
    assert list(values) == [f"{when(s)} · {s.title}" for s in plan.sessions]
    for session in plan.sessions:
        listed = values[f"{when(session)} · {session.title}"]
        # The session's own reason first (why it, for this member, on this day), then evidence.
        assert session.reason and listed.startswith(session.reason)
        for entry_id in session.why:
            entry = kb.get(entry_id)
            assert entry is not None, entry_id
            assert f"• {entry.title}" in listed
    assert all(ELLIPSIS not in f.value for f in why.embed.fields)
    ids = [b.custom_id for b in why.buttons]
    assert ids and len(ids) == len(set(ids)) <= plan_cmd.WHY_BUTTONS
    assert all(i.startswith("rc:faq:") for i in ids)
    answer = await router.press(ids[0], SAM)  # the FAQ answer for that reason
    assert answer.embed is not None and answer.embed.title == kb.get(ids[0].split(":")[2]).title


async def test_my_version_button_answers_the_pressers_week(
    svc: PlannerContext, router: Router
) -> None:
    nobody = await router.press("rc:plan:show", SAM)
    assert nobody.ephemeral and not nobody.edit_original
    assert "/profile set level:new goal:muscle hills:flat days:3" in nobody.content
    await sign_up(svc)
    later(svc, 14)
    mine = await router.press("rc:plan:show", SAM)
    assert mine.ephemeral and not mine.edit_original  # never edits the club's post
    assert mine.embed is not None and mine.embed.title == "Your plan: week 3"


async def test_buttons_after_delete_explain_profile_set(
    svc: PlannerContext, router: Router
) -> None:
    await sign_up(svc)
    await svc.profiles.forget_member(SAM.user_id)
    paged = await router.press("rc:plan:week:2", SAM)
    assert paged.edit_original and "/profile set" in paged.content and paged.embed is None
    why = await router.press("rc:plan:why:2", SAM)
    assert not why.edit_original and "/profile set" in why.content
    stale = await router.press("rc:plan:nonsense", SAM)
    assert "no longer works" in stale.content


def test_note_groups_fit_fields_and_keep_order() -> None:
    notes = ["a" * 600, "b" * 300, "c" * 200, "d" * 10]
    groups = views.note_groups(notes)
    assert [n for g in groups for n in g] == notes
    assert all(sum(len(n) + 3 for n in g) <= FIELD_VALUE for g in groups)
    assert len(groups) == 2


WORST = Profile(Level.TRAINED, Goal.MUSCLE, Hills.STEEP, 7, True, None, False, Units.MI)


async def test_the_longest_week_fits_one_embed(svc: PlannerContext) -> None:
    await sign_up(svc, WORST)
    for week in (5, 6, 7):  # the wordiest weeks measured over every profile
        assert_whole_week(await plan_cmd.plan(svc, SAM, week=week), WORST, week)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    profile=profiles,
    week=st.integers(1, 16),
)
def test_every_week_renders_whole(profile: Profile, week: int) -> None:
    svc = _RenderOnly(RENDERER)
    stored = StoredProfile(7, profile, date(2026, 5, 4), WEDNESDAY, WEDNESDAY)
    reply = plan_cmd.week_reply(svc, stored, week, 1, edit=False)  # type: ignore[arg-type]
    assert_whole_week(reply, profile, week)


class _RenderOnly:
    """week_reply only renders; hypothesis examples need no database."""

    def __init__(self, renderer: object) -> None:
        self.renderer = renderer


async def test_numeric_looking_garbage_in_button_args_is_stale(
    svc: PlannerContext, router: Router
) -> None:
    await sign_up(svc)
    for value in ("rc:plan:week:²", "rc:plan:why:²", "rc:plan:week:-1", "rc:plan:show:1"):
        reply = await router.press(value, SAM)
        assert "no longer works" in reply.content, value
    refused = await router.press("rc:profile:delete:yes:²", SAM)
    assert "someone else" in refused.content
    assert await svc.profiles.get(SAM.user_id) is not None


async def test_summary_counts_sessions_and_hard_ones(svc: PlannerContext) -> None:
    every_day = Profile(Level.TRAINED, Goal.ENDURANCE, Hills.STEEP, 7)
    await sign_up(svc, every_day)
    plan = plan_week(every_day, 2, start=date(2026, 5, 4))
    reply = await plan_cmd.plan(svc, SAM, week=2)
    assert reply.embed is not None
    hard = sum(s.hard for s in plan.sessions)
    summary = f"{len(plan.sessions)} sessions, {hard} hard (⚡)"
    assert summary in reply.embed.description
    rest_days = "the other days are rest or recovery" in reply.embed.description
    assert rest_days == (len(plan.sessions) < 7)


# --- issue 11: own training days, dates, minutes, the race, reasons ------------------------------
START = date(2026, 5, 4)  # sign_up's week 1 Monday


async def test_plan_uses_the_members_own_days_with_dates(
    svc: PlannerContext, router: Router
) -> None:
    await router.run(
        "profile set", SAM, level="regular", goal="both", hills="steep", weekdays="tue thu sat sun"
    )
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == START
    for week in (1, 2, 4):
        reply = await plan_cmd.plan(svc, SAM, week=week)
        assert_whole_week(reply, stored.profile, week)
        plan = plan_week(stored.profile, week, start=START)
        assert plan.sessions and {s.day for s in plan.sessions} <= {
            Day.TUE, Day.THU, Day.SAT, Day.SUN
        }  # fmt: skip
        monday = START + timedelta(days=7 * (week - 1))
        assert all(monday <= s.date < monday + timedelta(days=7) for s in plan.sessions)
    assert reply.embed is not None and "Tue, Thu, Sat, Sun" in reply.embed.footer
    week2 = field_map(await plan_cmd.plan(svc, SAM, week=2))
    assert any(name.startswith("Tue 12 May · ") for name in week2)
    assert all(name.split(" · ")[0][:3] in {"Tue", "Thu", "Sat", "Sun"} for name in week2
               if name not in ("Notes", "More notes", "Safety"))  # fmt: skip


async def test_each_session_shows_its_minutes(svc: PlannerContext) -> None:
    await sign_up(svc)
    reply = await plan_cmd.plan(svc, SAM, week=2)
    plan = plan_week(NEW_MUSCLE_FLAT, 2, start=START)
    assert all(s.minutes > 0 for s in plan.sessions)
    names = [f.name for f in reply.embed.fields] if reply.embed else []
    for session in plan.sessions:
        assert f"· {session.minutes} min" in names[plan.sessions.index(session)]


async def test_the_race_is_in_its_week_on_its_day(svc: PlannerContext, router: Router) -> None:
    await router.run(
        "profile set", SAM, level="regular", goal="endurance", hills="gentle", days=4,
        race_date="2026-05-31",
    )  # fmt: skip
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.profile.race_date == date(2026, 5, 31)
    race_week = await plan_cmd.plan(svc, SAM, week=4)  # Mon 25 May to Sun 31 May
    assert_whole_week(race_week, stored.profile, 4)
    plan = plan_week(stored.profile, 4, start=START)
    races = [s for s in plan.sessions if s.kind is SessionKind.RACE]
    assert [s.date for s in races] == [date(2026, 5, 31)]
    assert field_name(races[0]).startswith("Sun 31 May · ")
    assert race_week.embed is not None
    assert "Your race: Sun 31 May 2026" in race_week.embed.description
    # Other weeks name the race too, and have no race session.
    before = await plan_cmd.plan(svc, SAM, week=2)
    assert before.embed is not None and "Your race: Sun 31 May 2026" in before.embed.description
    assert all(
        s.kind is not SessionKind.RACE for s in plan_week(stored.profile, 2, start=START).sessions
    )


async def test_a_restart_moves_the_dates_to_the_new_week_one(
    svc: PlannerContext, router: Router
) -> None:
    await router.run("profile set", SAM, level="new", goal="muscle", hills="flat", days=3)
    later(svc, 70)  # Wednesday 2026-07-15: week 1 is again this week, from Monday 13 July
    await router.run("profile set", SAM, level="new", goal="muscle", hills="flat", break_="3m")
    stored = await svc.profiles.get(SAM.user_id)
    assert stored is not None and stored.started_on == date(2026, 7, 13)
    reply = await plan_cmd.plan(svc, SAM)
    assert reply.embed is not None and reply.embed.title.startswith("Your plan: week 1")
    assert_whole_week(reply, stored.profile, 1, start=date(2026, 7, 13))
    dates = [s.date for s in plan_week(stored.profile, 1, start=stored.started_on).sessions]
    assert all(date(2026, 7, 13) <= d <= date(2026, 7, 19) for d in dates if d)


async def test_why_gives_each_sessions_reason_for_own_days(
    svc: PlannerContext, router: Router
) -> None:
    profile = Profile(
        Level.TRAINED, Goal.BOTH, Hills.STAIRS, 3, weekdays=(Day.MON, Day.WED, Day.FRI)
    )
    await sign_up(svc, profile)
    why = await router.press("rc:plan:why:3", SAM)
    plan = plan_week(profile, 3, start=START)
    values = field_map(why)
    assert list(values) == [f"{when(s)} · {s.title}" for s in plan.sessions]
    for session in plan.sessions:
        assert session.reason.strip()
        assert values[f"{when(session)} · {session.title}"].startswith(session.reason)


# Every option a member can set, including their own days and a race near the plan's weeks.
@st.composite
def full_profiles(draw: st.DrawFn) -> Profile:
    profile = draw(profiles)
    if draw(st.booleans()):
        days = draw(st.permutations(DAYS))[: profile.days]
        profile = replace(profile, weekdays=tuple(days))
    if draw(st.booleans()):
        profile = replace(profile, race_date=START + timedelta(days=draw(st.integers(0, 120))))
    return profile


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=full_profiles(), week=st.integers(1, 16))
def test_every_week_with_own_days_and_a_race_renders_whole(profile: Profile, week: int) -> None:
    svc = _RenderOnly(RENDERER)
    stored = StoredProfile(7, profile, START, WEDNESDAY, WEDNESDAY)
    reply = plan_cmd.week_reply(svc, stored, week, 1, edit=False)  # type: ignore[arg-type]
    assert_whole_week(reply, profile, week)


async def test_why_fits_one_embed_for_the_wordiest_weeks(svc: PlannerContext) -> None:
    kb = svc.knowledge.kb
    for profile in (
        WORST,
        Profile(Level.TRAINED, Goal.BOTH, Hills.STEEP, 7, True, weekdays=DAYS,
                race_date=date(2026, 6, 20)),
        Profile(Level.NEW, Goal.ENDURANCE, Hills.FLAT, 5, False, AgeBand.AGE_60_PLUS,
                break_length="1y"),
    ):  # fmt: skip
        stored = StoredProfile(7, profile, START, WEDNESDAY, WEDNESDAY)
        for week in range(1, 9):
            why = plan_cmd.why_reply(svc, stored, week)
            plan = plan_week(profile, week, start=START)
            assert why.embed is not None
            assert len(why.embed.fields) == len(plan.sessions), (profile, week)
            assert all(ELLIPSIS not in f.value for f in why.embed.fields), (profile, week)
            assert embed_length(why.embed) <= EMBED_TOTAL
            for session, fld in zip(plan.sessions, why.embed.fields, strict=True):
                titles = [e.title for e in map(kb.get, session.why) if e is not None]
                assert all(f"• {t}" in fld.value for t in titles)
