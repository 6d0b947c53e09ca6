"""`coach reminders preview`: the next post times of a weekly schedule, local and UTC."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta

from bot.core.clock import Clock, SystemClock
from bot.core.commandline import CliError
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.features.reminders.schedule import ScheduleError, WeeklySchedule, parse_date

MAX_COUNT = 520  # ten years of weeks


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    reminders = sub.add_parser("reminders", help="weekly reminder tools")
    actions = reminders.add_subparsers(dest="reminders_command", metavar="ACTION")
    actions.required = True
    preview = actions.add_parser(
        "preview", help="list the next post times of a schedule (local time and UTC)"
    )
    preview.add_argument("--weekday", required=True, help="day of the week, e.g. tue")
    preview.add_argument("--time", required=True, help="local 24-hour time, e.g. 18:30")
    preview.add_argument("--timezone", required=True, help="IANA timezone, e.g. Europe/London")
    preview.add_argument("--count", default="8", help="how many posts to list (default 8)")
    preview.add_argument(
        "--from", dest="start", metavar="YYYY-MM-DD", help="list posts on or after this date"
    )
    preview.set_defaults(handler=cmd_preview)


def preview_lines(
    weekday: str, at: str, tz: str, count: str, start: str | None, clock: Clock
) -> list[tuple[datetime, datetime]]:
    """(local, UTC) pairs; CliError naming the option for bad input."""
    try:
        schedule = WeeklySchedule.parse(weekday, at, tz)
        first_day: date | None = parse_date(start, "from") if start else None
    except ScheduleError as exc:
        raise CliError(f"--{exc.field.replace('_', '-')}: {exc.message}") from None
    if not count.strip().isdigit() or not 1 <= int(count) <= MAX_COUNT:
        raise CliError(f"--count: {count!r} is not a whole number from 1 to {MAX_COUNT}")
    if first_day is None:
        after = clock.now()
    else:
        # Just before local midnight starting that day, so a post at 00:00 on it is included.
        midnight = datetime.combine(first_day, time(0), tzinfo=schedule.zone)
        after = midnight.astimezone(UTC) - timedelta(microseconds=1)
    posts = schedule.occurrences(after, int(count))
    return [(schedule.local(p), p.astimezone(UTC)) for p in posts]


def cmd_preview(args: argparse.Namespace, settings: Settings, clock: Clock | None = None) -> int:
    rows = preview_lines(
        args.weekday, args.time, args.timezone, args.count, args.start, clock or SystemClock()
    )
    print(Renderer(settings.templates_dir).text("reminders/cli_preview.j2", rows=rows))
    return 0
