"""`coach plan`: a profile's week from the command line, as text or the JSON contract."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import Clock, SystemClock
from bot.core.commandline import CliError
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.features.planner.calendar import LAST_WEEK
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import BreakLength, Profile, ProfileError
from bot.features.planner.views import LABELS, profile_view

# The domain names a bad field as the profile does ("race_date"); the CLI names its option.
_OPTION = {"race_date": "race-date"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _values(option: str) -> str:
    return ", ".join(value for value, _ in LABELS[option])


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    plan = sub.add_parser(
        "plan",
        help="print a week of hill, sprint and strength sessions for a profile",
        description="Print the planner's week for a profile (the same plan /plan shows).",
    )
    # Values are checked by the domain (not argparse choices) so every bad value gets the same
    # one-line "--option must be ..." message.
    plan.add_argument("--level", required=True, help=_values("level"))
    plan.add_argument("--goal", required=True, help=_values("goal"))
    plan.add_argument("--hills", required=True, help=f"what you can train on: {_values('hills')}")
    plan.add_argument(
        "--days", help="training days a week, 2 to 7 (optional with --weekdays, which sets it)"
    )
    plan.add_argument(
        "--weekdays",
        metavar="DAYS",
        help="the days you train, e.g. tue,thu,sat,sun: every session falls on one of them",
    )
    plan.add_argument("--lifts", action="store_true", help="already does strength training")
    plan.add_argument("--week", default="1", help=f"training week, 1 to {LAST_WEEK} (default 1)")
    plan.add_argument("--age", help=_values("age"))
    plan.add_argument("--returning", action="store_true", help="back from a break or a niggle")
    plan.add_argument(
        "--break",
        dest="break_length",
        metavar="LENGTH",
        help=f"how long you were off: {', '.join(b.value for b in BreakLength)} "
        "(implies --returning)",
    )
    plan.add_argument("--units", help=f"{_values('units')} (default km)")
    plan.add_argument(
        "--race-date", metavar="YYYY-MM-DD", help="your race: a race session on that date"
    )
    plan.add_argument(
        "--start",
        metavar="YYYY-MM-DD",
        help="the Monday week 1 begins, so dates are reproducible (default: this week's Monday)",
    )
    plan.add_argument("--json", action="store_true", help="print the plan as one JSON object")
    plan.set_defaults(handler=cmd_plan)


def this_monday(clock: Clock, timezone: str) -> date:
    """The Monday of the current week, on the club's calendar (settings.default_timezone)."""
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    return today - timedelta(days=today.weekday())


def cmd_plan(args: argparse.Namespace, settings: Settings, clock: Clock | None = None) -> int:
    renderer = Renderer(settings.templates_dir)

    def bad(option: str, **context: object) -> CliError:
        return CliError(renderer.text("planner/plan/cli_error.j2", option=option, **context))

    if not _given(args.days) and not _given(args.weekdays):
        raise bad("days", missing=True)
    try:
        profile = Profile.from_values(
            level=args.level,
            goal=args.goal,
            hills=args.hills,
            days=args.days,
            lifts=args.lifts,
            age=args.age,
            returning=args.returning,
            units=args.units,
            weekdays=args.weekdays,
            race_date=args.race_date,
            **{"break": args.break_length},
        )
    except ProfileError as exc:
        raise bad(_OPTION.get(exc.field, exc.field), message=exc.message) from None
    week_text = str(args.week).strip()
    if not week_text.isdigit() or not 1 <= int(week_text) <= LAST_WEEK:
        raise bad("week", given=args.week, last=LAST_WEEK)
    if args.start is None:
        start = this_monday(clock or SystemClock(), settings.default_timezone)
    else:
        start = _parse_start(args.start, bad)
    plan = plan_week(profile, int(week_text), start=start)
    if args.json:
        sys.stdout.write(json.dumps(plan.to_dict(), ensure_ascii=False) + "\n")
    else:
        text = renderer.text(
            "planner/plan/cli.j2",
            plan=plan.to_dict(),
            profile=profile_view(profile),
            break_length=None if profile.break_length is None else profile.break_length.value,
        )
        sys.stdout.write(text + "\n")
    return 0


def _given(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _parse_start(text: str, bad: Callable[..., CliError]) -> date:
    """`--start`: a YYYY-MM-DD date that is a Monday; CliError (via `bad`) otherwise."""
    given = text.strip()
    try:
        # The pattern first: fromisoformat also takes 20260504 and 2026-W19-1.
        if not _ISO_DATE.fullmatch(given):
            raise ValueError(given)
        start = date.fromisoformat(given)
    except ValueError:
        raise bad("start", given=text) from None
    if start.weekday() != 0:
        monday = start - timedelta(days=start.weekday())
        raise bad("start", given=given, day_name=_DAY_NAMES[start.weekday()], monday=monday)
    return start
