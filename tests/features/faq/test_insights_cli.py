"""`coach kb gaps --guild ID [--days N] [--json]`: the /kb gaps report from the shell, read-only."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.commandline import CliError
from bot.core.db import Database, bundled_migrations
from bot.core.settings import load_settings
from bot.features.faq.insights_cli import parse_options, register_gaps
from bot.features.faq.insights_repository import InsightsRepository

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
GUILD = 1
HILLS = "hill-sprints"


def parser(**options: object) -> argparse.ArgumentParser:
    """`coach` with just `kb gaps` (kb_cli.py adds it to the real `coach kb`)."""
    root = argparse.ArgumentParser(prog="coach")
    kb = root.add_subparsers(dest="command").add_parser("kb")
    register_gaps(kb.add_subparsers(dest="kb_command"), **options)  # type: ignore[arg-type]
    return root


async def run(app: App, clock: FakeClock, *argv: str, **options: object) -> int:
    """The command as `coach` runs it (its own event loop, so on a thread here), while the
    test's app keeps the database open, like a running bot."""
    args = parser(**options).parse_args(["kb", "gaps", *argv])
    return int(await asyncio.to_thread(args.handler, args, app.services.settings, clock))


@pytest.fixture
async def app(make_app) -> App:
    return await make_app(FakeClock(T0))


@pytest.fixture
async def seeded(app: App) -> FakeClock:
    repo = InsightsRepository(app.services.db)
    clock = FakeClock(T0)
    for question in ("best shoes for flat feet", "Best shoes for flat feet?", "beer\x1b[31m ok?"):
        await repo.record_unanswered(GUILD, question, [HILLS, "club:3"], clock.now())
        clock.advance(timedelta(hours=1))
    await repo.record_unanswered(2, "another server's question", [], clock.now())
    answer_id = await repo.record_answer(GUILD, HILLS, "do hill sprints build muscle", T0)
    await repo.vote(answer_id, 7, False, T0)
    await repo.vote(answer_id, 8, True, T0)
    return clock


async def test_json_report(app: App, seeded: FakeClock, capsys) -> None:
    assert await run(app, seeded, "--guild", "1", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    hills = app.faq.knowledge.kb.get(HILLS).title
    assert report == {
        "guild": 1,
        "days": 30,
        "unanswered": [
            {
                "question": "best shoes for flat feet",
                "count": 2,
                "last_asked": "2026-05-01T13:00:00Z",
                "nearest": [{"entry": HILLS, "title": hills}, {"entry": "club:3", "title": None}],
            },
            {
                "question": "beer\x1b[31m ok?",
                "count": 1,
                "last_asked": "2026-05-01T14:00:00Z",
                "nearest": [{"entry": HILLS, "title": hills}, {"entry": "club:3", "title": None}],
            },
        ],
        "not_helpful": [
            {
                "entry": HILLS,
                "title": hills,
                "not_helpful": 1,
                "helpful": 1,
                "questions": ["do hill sprints build muscle"],
            }
        ],
    }


async def test_text_report_with_club_titles_and_no_control_characters(
    app: App, seeded: FakeClock, capsys
) -> None:
    async def club_titles(db: Database, guild_id: int) -> Mapping[str, str]:
        assert guild_id == GUILD
        return {"club:3": "Club shoe advice"}

    assert await run(app, seeded, "--guild", "1", "--days", "2", club_titles=club_titles) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == (
        "Unanswered /faq questions in server 1, the last 2 days: 3 asked, 2 groups of "
        "near-identical wordings."
    )
    assert lines[1] == "   2x  best shoes for flat feet"
    assert "last asked 2026-05-01T13:00:00Z" in lines[2] and "Club shoe advice" in lines[2]
    assert "   1x  beer [31m ok?" in lines
    assert 'Answers marked "Not helpful":' in lines
    assert any(line.startswith("   1x  How do I do hill sprints") for line in lines)
    assert "       asked as: do hill sprints build muscle" in lines


async def test_window_and_an_empty_server(app: App, seeded: FakeClock, capsys) -> None:
    seeded.advance(timedelta(days=3))
    assert await run(app, seeded, "--guild", "1", "--days", "1", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unanswered"] == [] and report["not_helpful"] == []
    assert await run(app, seeded, "--guild", "555") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Unanswered /faq questions in server 555, the last 30 days: 0 asked."
    assert out[-1] == "  none"


@pytest.mark.parametrize(
    ("guild", "days", "option"),
    [
        ("abc", "30", "--guild"),
        ("0", "30", "--guild"),
        ("-5", "30", "--guild"),
        ("9" * 20, "30", "--guild"),
        ("١٢", "30", "--guild"),  # Arabic-Indic digits: ASCII only
        ("1", "0", "--days"),
        ("1", "3651", "--days"),
        ("1", "2.5", "--days"),
        ("1", "", "--days"),
    ],
)
def test_bad_values_are_one_line_naming_the_option(guild: str, days: str, option: str) -> None:
    with pytest.raises(CliError) as info:
        parse_options(guild, days)
    message = str(info.value)
    assert message.startswith(option + ":") and "\n" not in message


async def test_no_database_or_one_from_before_this_version(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, database_path=tmp_path / "none" / "coach.db")
    args = parser().parse_args(["kb", "gaps", "--guild", "1"])
    with pytest.raises(CliError, match="no database at"):
        await asyncio.to_thread(args.handler, args, settings, FakeClock(T0))
    assert not settings.database_path.exists()  # nothing created

    old = tmp_path / "old.db"
    db = await Database.open(old, [m for m in bundled_migrations() if m.version < 6])
    await db.close()
    settings = load_settings(_env_file=None, database_path=old)
    with pytest.raises(CliError, match="start the bot once"):
        await asyncio.to_thread(args.handler, args, settings, FakeClock(T0))
    db = await Database.open(old, migrations=())
    try:
        assert 6 not in await db.applied_migrations()  # the report never migrates
    finally:
        await db.close()
