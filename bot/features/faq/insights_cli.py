"""`coach kb gaps --guild ID [--days N] [--json]`: what /kb gaps shows, every group, from the
shell (read-only: it never changes the database or its schema, so it is safe while the bot runs).

`register_gaps(kb_subparsers)` adds it under `coach kb`. Entry titles come from the knowledge
folder; club entries' titles from `club_titles(db, guild_id) -> {ref: title}` when the caller
passes one (the club entry store's), else a club entry shows by its ref.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from bot.core.clock import Clock, SystemClock
from bot.core.commandline import CliError
from bot.core.db import Database, open_database
from bot.core.isotime import to_iso
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.features.faq.gaps import group_unanswered
from bot.features.faq.insights_handlers import DEFAULT_DAYS, MAX_DAYS
from bot.features.faq.insights_repository import SQLITE_INT_MAX, InsightsRepository
from bot.features.faq.loader import KnowledgeError, load_knowledge

ClubTitles = Callable[[Database, int], Awaitable[Mapping[str, str]]]

_TABLES = ("unanswered", "answers", "votes")
_DIGITS = re.compile(r"[0-9]{1,19}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")  # a question can't move the cursor


def register_gaps(
    kb_sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    club_titles: ClubTitles | None = None,
) -> None:
    gaps = kb_sub.add_parser(
        "gaps",
        help="the most frequent unanswered /faq questions and the answers marked not helpful",
    )
    gaps.add_argument("--guild", required=True, metavar="ID", help="the server's id")
    gaps.add_argument(
        "--days",
        default=str(DEFAULT_DAYS),
        metavar="N",
        help=f"look back this many days (default {DEFAULT_DAYS})",
    )
    gaps.add_argument("--json", action="store_true", help="print one JSON object")
    gaps.set_defaults(handler=partial(cmd_gaps, club_titles=club_titles))


def parse_options(guild: str, days: str) -> tuple[int, int]:
    """(guild id, days); CliError naming the option for a bad value."""
    guild = guild.strip()
    if not _DIGITS.fullmatch(guild) or not 0 < int(guild) <= SQLITE_INT_MAX:
        raise CliError(
            f"--guild: {guild!r} is not a server id (a positive whole number: right-click the "
            "server, Copy Server ID)"
        )
    days = days.strip()
    if not _DIGITS.fullmatch(days) or not 1 <= int(days) <= MAX_DAYS:
        raise CliError(f"--days: {days!r} is not a whole number from 1 to {MAX_DAYS}")
    return int(guild), int(days)


def cmd_gaps(
    args: argparse.Namespace,
    settings: Settings,
    clock: Clock | None = None,
    *,
    club_titles: ClubTitles | None = None,
) -> int:
    guild_id, days = parse_options(args.guild, args.days)
    report = asyncio.run(gaps_report(settings, guild_id, days, clock or SystemClock(), club_titles))
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    else:
        text = Renderer(settings.templates_dir).text("faq/cli_gaps.j2", report=_plain(report))
        print(text)
    return 0


async def gaps_report(
    settings: Settings,
    guild_id: int,
    days: int,
    clock: Clock,
    club_titles: ClubTitles | None = None,
) -> dict[str, Any]:
    """The report as JSON-ready data: {guild, days, unanswered: [{question, count, last_asked,
    nearest: [{entry, title}]}], not_helpful: [{entry, title, not_helpful, helpful,
    questions}]}."""
    path = settings.database_path
    if settings.database_url is None and not path.is_file():
        raise CliError(f"no database at {path}: nothing to report (check DATABASE_PATH)")
    titles = dict(_article_titles(settings))
    # No migrations: a report must not change the schema under a running (older) bot.
    db = await open_database(settings, migrations=())
    try:
        await _check_schema(db, db.where)
        if club_titles is not None:
            titles.update(await club_titles(db, guild_id))
        insights = InsightsRepository(db)
        # Never further back than the retention: nothing older is promised to be kept.
        window = min(days, settings.unanswered_retention_days)
        since = clock.now() - timedelta(days=window)
        gaps = group_unanswered(await insights.unanswered_since(guild_id, since))
        flops = await insights.not_helpful(guild_id, since, questions=5)
    finally:
        await db.close()
    return {
        "guild": guild_id,
        "days": days,
        "unanswered": [
            {
                "question": gap.question,
                "count": gap.count,
                "last_asked": to_iso(gap.last_asked),
                "nearest": [{"entry": ref, "title": titles.get(ref)} for ref in gap.nearest],
            }
            for gap in gaps
        ],
        "not_helpful": [
            {
                "entry": item.entry_ref,
                "title": titles.get(item.entry_ref),
                "not_helpful": item.not_helpful,
                "helpful": item.helpful,
                "questions": list(item.questions),
            }
            for item in flops
        ],
    }


def _article_titles(settings: Settings) -> Mapping[str, str]:
    """The knowledge folder's entry titles; none if the folder has problems (the report is
    still worth reading: entries then show by id, and `coach check` names the problems)."""
    try:
        kb = load_knowledge(settings.knowledge_dir)
    except KnowledgeError:
        return {}
    return {entry.id: entry.title for entry in kb}


async def _check_schema(db: Database, path: object) -> None:
    if not set(_TABLES) <= set(await db.tables()):
        raise CliError(
            f"the database at {path} keeps no /faq questions yet: start the bot once with this "
            "version so it upgrades the database"
        )


def _plain(value: Any) -> Any:
    """The report with every text made one safe terminal line (members typed the questions)."""
    if isinstance(value, str):
        return _CONTROL.sub(" ", value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
