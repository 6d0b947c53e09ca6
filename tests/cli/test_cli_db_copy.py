"""`coach db copy --to URL`: a populated SQLite database into an empty PostgreSQL one, every row
the same, verified, all or nothing; refusals are one line and exit 2, and never show a password.

Each test runs `coach` as organisers do (a subprocess) against its own new database on the test
PostgreSQL server; without one they are skipped (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.db import Database, bundled_migrations
from bot.core.meta import MetaRepository
from bot.core.postgres_db import PostgresDatabase
from bot.features.faq.club import entry_text
from bot.features.faq.club_repository import ClubRepository
from bot.features.planner.profile import Day, Profile
from bot.features.reminders.repository import NewReminder, ReminderRepository, State
from bot.features.reminders.schedule import Weekday
from tests.support import postgres as pg
from tests.support.cli import run_coach, settings_free_env

pytestmark = pytest.mark.postgresql

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 111_222_333_444_555_666, 777_888_999_000_111_222  # snowflakes > 2^31
ADMIN, MEMBER, RUNNER = 900_000_000_000_000_001, 900_000_000_000_000_002, 900_000_000_000_000_003
PASSWORD = "s3cret-Pa55"


@pytest.fixture
async def target(postgres_server: pg.Server | None) -> AsyncIterator[str]:
    """A new, empty database on the test server; its URL, with a password in it (the test
    server trusts loopback, so the password is sent to nobody but must be shown to nobody)."""
    if postgres_server is None:
        pytest.skip(f"PostgreSQL not available (install it or set {pg.ENV})")
    name = pg.new_database_name()
    url = await pg.create_database(postgres_server, name)
    try:
        yield url.replace("://coach@", f"://coach:{PASSWORD}@", 1)
    finally:
        await pg.drop_database(postgres_server, name)


async def _populate(app: App) -> None:
    """What a club's season leaves behind, written by the app's own repositories."""
    planner = app.planner.profiles
    await planner.save(
        MEMBER,
        Profile("regular", "both", "steep", 3, lifts=True, age="40-59", race_date=date(2026, 6, 7)),
        now=NOW,
        started_on=date(2026, 3, 16),
    )
    await planner.save(
        RUNNER,
        Profile("new", "muscle", "flat", 3, weekdays=(Day.TUE, Day.THU, Day.SAT)),
        now=NOW,
        started_on=date(2026, 3, 9),
    )
    settings = app.reminders.guild_settings
    await settings.set_timezone(GUILD, "Europe/London")
    await settings.set_admin_channel(GUILD, 5_000_000_000_000_000_001)
    await settings.set_timezone(OTHER_GUILD, "Australia/Sydney")

    repo = app.reminders.reminders
    made = []
    for weekday, time, message in [
        (Weekday.TUE, "18:30", "Hill session tonight"),
        (Weekday.SAT, "08:00", None),
        (Weekday.THU, "19:00", "Track — bring spikes"),
    ]:
        reminder = await repo.add(
            NewReminder(
                guild_id=GUILD,
                channel_id=5_000_000_000_000_000_002,
                weekday=weekday,
                time=time,
                tz="Europe/London",
                message=message,
                role_id=5_000_000_000_000_000_003 if message else None,
                ends_on=date(2026, 9, 1) if weekday is Weekday.SAT else None,
                created_by=ADMIN,
            ),
            NOW,
        )
        assert reminder is not None
        made.append(reminder)
    # History: two weeks posted, one missed, one claimed and not yet recorded.
    first = made[0].id
    for week in range(2):
        due = datetime(2026, 3, 17, 18, 30, tzinfo=UTC) + timedelta(weeks=week)
        assert await repo.claim(first, due, f"r{first}t{int(due.timestamp())}", due, by="p1")
        await repo.record(first, due, State.SENT, due, message_id=6_000_000_000_000_000 + week)
    await repo.record_missed(made[1].id, datetime(2026, 3, 21, 8, 0, tzinfo=UTC), NOW, "down")
    assert await repo.claim(made[2].id, datetime(2026, 3, 19, 19, 0, tzinfo=UTC), "n", NOW)
    await repo.pause(made[1].id, "channel_gone", NOW)

    club = ClubRepository(app.services.db)
    await club.add(GUILD, entry_text("Where do we meet?", ["meeting point"], "The gate."), NOW)
    entry = await club.add(GUILD, entry_text("Is there parking?", [], "Yes, free."), NOW)
    await club.update(GUILD, entry.id, entry_text("Is there parking?", ["car"], "Free."), NOW)
    await club.add(OTHER_GUILD, entry_text("Kit?", [], "Club vest on race day."), NOW)

    insights = app.faq.insights
    await insights.record_unanswered(GUILD, "do we run in snow", ["winter-running"], NOW)
    await insights.record_unanswered(GUILD, "café after?", [], NOW)
    answer = await insights.record_answer(GUILD, "club:1", "where do we meet", NOW)
    other = await insights.record_answer(GUILD, "hill-repeats", "hill reps?", NOW)
    await insights.vote(answer, MEMBER, True, NOW)
    await insights.vote(answer, RUNNER, False, NOW)
    await insights.vote(other, MEMBER, False, NOW)
    await MetaRepository(app.services.db).set("commands_hash", "abc123")


@pytest.fixture
async def source(
    make_app: Callable[..., Awaitable[App]], database: dict[str, Any]
) -> AsyncIterator[Path]:
    """A populated SQLite database, still open by the app (as a running bot holds it)."""
    app = await make_app(FakeClock(NOW))
    await _populate(app)
    yield Path(database["database_path"])


def _copy(source: Path, url: str, *extra: str) -> Any:
    return run_coach(
        "db", "copy", "--to", url, *extra, env=settings_free_env(DATABASE_PATH=str(source))
    )


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, repr(value)) for value in row)


async def _all_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every application table's rows as sorted tuples, columns in the SQLite order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table in await db.tables():
        if table == "schema_migrations":
            continue
        names = ", ".join(f'"{c}"' for c in sorted(await db.columns(table)))
        found = await db.fetchall(f'SELECT {names} FROM "{table}"')
        rows[table] = sorted((tuple(r) for r in found), key=_key)
    return rows


async def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = await Database.open(path, migrations=())
    try:
        return await _all_rows(db)
    finally:
        await db.close()


async def _pg_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    db = await PostgresDatabase.connect(url, migrations=())
    try:
        return await _all_rows(db)
    finally:
        await db.close()


async def _on_target(url: str, sql: str) -> list[Any]:
    """One statement on the PostgreSQL database as it is (no migrations); its rows."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def _pg_tables(url: str) -> list[str]:
    rows = await _on_target(
        url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    )
    return sorted(r[0] for r in rows)


def _one_line(result: Any) -> str:
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err and PASSWORD not in result.stdout + result.stderr
    return err


async def test_copy_moves_every_row_and_ids_continue(source: Path, target: str) -> None:
    # The bot is mid-write on the source (an open write transaction): the copy takes the last
    # committed state, and leaves the writer alone.
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO meta (key, value) VALUES ('uncommitted', 'no')")
    try:
        result = await asyncio.to_thread(_copy, source, target)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert PASSWORD not in out + result.stderr
    assert "coach:***@" in out and "Verified: the row counts of all" in out
    assert re.search(r"^\s+reminder_occurrences\s+4\s+4$", out, re.MULTILINE), out

    copied, original = await _pg_rows(target), await _sqlite_rows(source)
    assert set(copied) == set(original) and "reminders" in copied
    for table, rows in original.items():
        assert copied[table] == rows, table
    assert len(copied["reminder_occurrences"]) == 4 and len(copied["votes"]) == 3
    assert ("commands_hash",) in {(r[0],) for r in copied["meta"]}
    assert not any("uncommitted" in r for r in copied["meta"])
    # The club revision counter is copied as it was, not bumped again by PostgreSQL's trigger.
    assert copied["club_revisions"] == original["club_revisions"]

    # The identity sequences continue after the copied ids.
    db = await PostgresDatabase.connect(target)
    try:
        repo = ReminderRepository(db)
        new = await repo.add(
            NewReminder(GUILD, 1, Weekday.MON, "07:00", "Europe/London", None, None, None, ADMIN),
            NOW,
        )
        assert new is not None and new.id == 4  # the copied ones are 1 to 3
        assert await repo.claim(new.id, NOW + timedelta(days=7), "x", NOW)
        (occurrence,) = await repo.occurrences(new.id)
        assert occurrence.id == 5  # after the four copied
        entry = await ClubRepository(db).add(GUILD, entry_text("New?", [], "Yes."), NOW)
        assert entry.id == 4  # after the three copied
    finally:
        await db.close()


async def test_a_target_with_data_is_refused_and_left_unchanged(source: Path, target: str) -> None:
    assert _copy(source, target).returncode == 0
    before = await _pg_rows(target)

    result = _copy(source, target)

    assert result.returncode == 2 and result.stdout == ""
    err = _one_line(result)
    assert err.startswith(f"{target.replace(PASSWORD, '***')} is not empty: "), err
    assert "reminders (3 rows)" in err and "votes (3 rows)" in err
    assert await _pg_rows(target) == before


async def test_a_database_of_another_application_is_refused_untouched(
    source: Path, target: str
) -> None:
    await _on_target(target, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")

    result = _copy(source, target)

    assert result.returncode == 2
    assert "not RunClub Coach's (invoices)" in _one_line(result)
    assert set(await _pg_tables(target)) <= {"invoices", "schema_migrations"}  # none of ours


async def test_a_source_on_an_older_schema_is_refused(tmp_path: Path, target: str) -> None:
    old = tmp_path / "old.db"
    db = await Database.open(old, bundled_migrations()[:-1])
    await db.close()

    result = _copy(old, target)

    assert result.returncode == 2 and result.stdout == ""
    err = _one_line(result)
    assert "behind this coach's" in err and "start the current bot once on it" in err, err
    assert await _pg_tables(target) == []  # the target was not even touched


async def test_a_source_from_a_newer_coach_is_refused(tmp_path: Path, target: str) -> None:
    new = tmp_path / "new.db"
    db = await Database.open(new)
    await db.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')")
    await db.close()

    result = _copy(new, target)

    assert result.returncode == 2
    assert "is at schema 9999, newer than this coach's" in _one_line(result)
    assert await _pg_tables(target) == []


async def test_a_count_mismatch_rolls_everything_back(source: Path, target: str) -> None:
    # A rule that silently drops the meta rows: what the verification exists to catch.
    db = await PostgresDatabase.connect(target)  # migrated: the rule needs the meta table
    try:
        await db.execute("CREATE RULE lose_meta AS ON INSERT TO meta DO INSTEAD NOTHING")
    finally:
        await db.close()

    result = _copy(source, target)

    assert result.returncode == 1, result.stdout + result.stderr
    err = result.stderr
    assert "Mismatch in meta" in err and "the copy was rolled back" in err
    (meta_line,) = [line for line in err.splitlines() if line.split()[:1] == ["meta"]]
    assert meta_line.split()[1:] == ["1", "0", "<-", "differs"], meta_line
    rows = await _pg_rows(target)
    assert {t: r for t, r in rows.items() if r} == {"send_pacing": [("global", 0.0)]}


async def test_a_value_postgresql_refuses_stops_the_copy_with_nothing_copied(
    source: Path, target: str
) -> None:
    # SQLite's loose typing keeps text in an INTEGER column; PostgreSQL's BIGINT won't take it.
    conn = sqlite3.connect(source)
    with conn:
        conn.execute(
            "INSERT INTO guild_settings (guild_id, admin_channel_id) VALUES (7, 'general')"
        )
    conn.close()

    result = _copy(source, target)

    assert result.returncode == 2 and result.stdout == ""
    err = _one_line(result)
    assert "stopped at table guild_settings" in err and "nothing was copied" in err, err
    rows = await _pg_rows(target)
    assert {t: r for t, r in rows.items() if r} == {"send_pacing": [("global", 0.0)]}


@pytest.mark.parametrize(
    "url, words",
    [
        (f"mysql://coach:{PASSWORD}@127.0.0.1/coach", "is not a PostgreSQL URL"),
        (f"postgresql://coach:{PASSWORD}@127.0.0.1:notaport/coach", "is not a valid URL"),
        (f"postgresql://coach:{PASSWORD}@127.0.0.1:1/coach", "cannot connect to"),
    ],
    ids=["not-postgresql", "bad-port", "unreachable"],
)
def test_a_bad_or_unreachable_url_is_one_line_exit_2(tmp_path: Path, url: str, words: str) -> None:
    path = tmp_path / "coach.db"
    asyncio.run(_migrated(path))
    result = _copy(path, url)
    assert result.returncode == 2 and result.stdout == ""
    err = _one_line(result)
    assert words in err and "***" in err, err
    if words == "cannot connect to":
        assert "127.0.0.1:1/coach" in err


async def _migrated(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def test_no_source_database_is_one_line(tmp_path: Path) -> None:
    result = _copy(tmp_path / "missing.db", f"postgresql://coach:{PASSWORD}@127.0.0.1:1/x")
    assert result.returncode == 2
    assert "no database at" in _one_line(result)
    assert not (tmp_path / "missing.db").exists()
