"""`coach plan`: a profile's week from the command line, as text or the JSON contract."""

from __future__ import annotations

import argparse
import json
import sys

from bot.core.commandline import CliError
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.features.planner.calendar import LAST_WEEK
from bot.features.planner.planner import plan_week
from bot.features.planner.profile import Profile, ProfileError
from bot.features.planner.views import LABELS, profile_view


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
    plan.add_argument("--days", required=True, help="training days a week, 2 to 7")
    plan.add_argument("--lifts", action="store_true", help="already does strength training")
    plan.add_argument("--week", default="1", help=f"training week, 1 to {LAST_WEEK} (default 1)")
    plan.add_argument("--age", help=_values("age"))
    plan.add_argument("--returning", action="store_true", help="back from a break or a niggle")
    plan.add_argument("--units", help=f"{_values('units')} (default km)")
    plan.add_argument("--json", action="store_true", help="print the plan as one JSON object")
    plan.set_defaults(handler=cmd_plan)


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    renderer = Renderer(settings.templates_dir)

    def bad(option: str, **context: object) -> CliError:
        return CliError(renderer.text("planner/plan/cli_error.j2", option=option, **context))

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
        )
    except ProfileError as exc:
        raise bad(exc.field, message=exc.message) from None
    week_text = str(args.week).strip()
    if not week_text.isdigit() or not 1 <= int(week_text) <= LAST_WEEK:
        raise bad("week", given=args.week, last=LAST_WEEK)
    plan = plan_week(profile, int(week_text))
    if args.json:
        sys.stdout.write(json.dumps(plan.to_dict(), ensure_ascii=False) + "\n")
    else:
        text = renderer.text(
            "planner/plan/cli.j2", plan=plan.to_dict(), profile=profile_view(profile)
        )
        sys.stdout.write(text + "\n")
    return 0
