"""`coach kb export|import --guild ID FILE` and `coach ask --guild ID`, as an organiser runs them
(in-process through `coach`'s own entry point, on a real database file)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.clock import FakeClock
from bot.features.faq.club import ENTRIES_MAX, EntryText, parse_file
from bot.features.faq.kb_cli import club_titles
from tests.support.cli import isolate_settings

GUILD, OTHER = "1234567890", "987"
GOOD = """\
# Hill Harriers' club answers
- question: What time is the Saturday run?
  aliases:
    - When does the Saturday club run start?
    - saturday morning run time
  answer: |
    8:30am sharp from the park gates on Ashley Road.
    Coffee afterwards at the Lodge café.
- question: Where do hill sessions meet?
  answer: At the bottom of Cemetery Hill, 7pm on Thursdays.
"""


@pytest.fixture
def db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "data" / "coach.db"
    isolate_settings(monkeypatch, tmp_path, DATABASE_PATH=str(path))
    return path


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def rows(db_path: Path, guild: str = GUILD) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT question, aliases, answer FROM club_entries WHERE guild_id = ? ORDER BY id",
            (int(guild),),
        ).fetchall()


def test_import_then_export_round_trips(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source = write(tmp_path, "club.yaml", GOOD)
    assert main(["kb", "import", "--guild", GUILD, str(source)]) == 0
    out = capsys.readouterr().out
    assert "2 added, 0 updated, 0 unchanged" in out and "2 club entries" in out
    assert [r[0] for r in rows(db_path)] == [
        "What time is the Saturday run?",
        "Where do hill sessions meet?",
    ]

    exported = tmp_path / "out.yaml"
    assert main(["kb", "export", "--guild", GUILD, str(exported)]) == 0
    assert "Exported 2 club entries" in capsys.readouterr().out
    first = exported.read_text(encoding="utf-8")
    assert parse_file(first, "out.yaml") == parse_file(GOOD, "club.yaml")

    # Into another server and out again: the same file.
    assert main(["kb", "import", "--guild", OTHER, str(exported)]) == 0
    again = tmp_path / "again.yaml"
    assert main(["kb", "export", "--guild", OTHER, str(again)]) == 0
    assert again.read_text(encoding="utf-8") == first
    # To stdout, with the summary on stderr.
    capsys.readouterr()
    assert main(["kb", "export", "--guild", OTHER, "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out == first and "Exported 2" in captured.err


def test_import_updates_entries_matched_by_question(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "a.yaml", GOOD))]) == 0
    changed = """\
- question: what time is the SATURDAY run
  answer: 9am this month, from the leisure centre.
- question: Where do hill sessions meet?
  answer: At the bottom of Cemetery Hill, 7pm on Thursdays.
- question: How much is club membership?
  answer: £35 a year.
"""
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "b.yaml", changed))]) == 0
    assert "1 added, 1 updated, 1 unchanged" in capsys.readouterr().out
    saturday = rows(db_path)[0]
    assert saturday == (
        "what time is the SATURDAY run",
        "[]",
        "9am this month, from the leisure centre.",
    )
    assert len(rows(db_path)) == 3


def test_a_broken_file_names_the_line_and_changes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "a.yaml", GOOD))]) == 0
    before = rows(db_path)
    capsys.readouterr()
    broken = write(
        tmp_path,
        "broken.yaml",
        GOOD.replace("8:30am sharp", "9am") + "- question: No answer here?\n  aliases: [x]\n",
    )
    assert main(["kb", "import", "--guild", GUILD, str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}: 1 problem; nothing was imported" in err
    assert f"{broken}:11: answer: missing" in err  # the entry's first line
    assert rows(db_path) == before  # the valid first entry was not applied either

    syntax = write(tmp_path, "syntax.yaml", "- question: x\n  answer: [unclosed\n")
    assert main(["kb", "import", "--guild", GUILD, str(syntax)]) == 1
    assert f"{syntax}:3: invalid YAML" in capsys.readouterr().err
    assert rows(db_path) == before


def test_an_import_past_the_limit_changes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    many = "".join(f"- question: Question {i}?\n  answer: A.\n" for i in range(ENTRIES_MAX - 1))
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "m.yaml", many))]) == 0
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "g.yaml", GOOD))]) == 1
    assert "would have 201 club entries; at most 200" in capsys.readouterr().err
    assert len(rows(db_path)) == ENTRIES_MAX - 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["kb", "import", "--guild", GUILD, "missing.yaml"], "cannot read missing.yaml"),
        (["kb", "export", "--guild", GUILD, "out.yaml"], "no database at"),
    ],
)
def test_set_up_mistakes_are_one_line_and_exit_2(
    db_path: Path, capsys: pytest.CaptureFixture, argv: list[str], says: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1


def test_export_does_not_overwrite_without_force(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "a.yaml", GOOD))]) == 0
    target = write(tmp_path, "keep.yaml", "precious")
    assert main(["kb", "export", "--guild", GUILD, str(target)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert target.read_text() == "precious"
    assert main(["kb", "export", "--guild", GUILD, str(target), "--force"]) == 0
    assert "Saturday" in target.read_text()


@pytest.mark.parametrize("guild", ["abc", "0", "-5", "12a"])
def test_a_bad_server_id_is_refused(db_path: Path, guild: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["kb", "export", "--guild", guild, "x.yaml"])
    assert caught.value.code == 2


def test_ask_in_a_server_answers_with_its_club_entries(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["kb", "import", "--guild", GUILD, str(write(tmp_path, "a.yaml", GOOD))]) == 0
    capsys.readouterr()
    question = "when does the saturday run start?"
    assert main(["ask", "--json", "--guild", GUILD, question]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["club"] is True and found["answered"] is True
    assert found["entry_id"] == "club:1" and found["title"] == "What time is the Saturday run?"
    assert found["sources"] == [] and found["suggestions"] == [] and found["close"] is None
    assert "From the club's organisers" in found["text"] and "Lodge café" in found["text"]
    assert 0 < found["score"] <= 1

    # Elsewhere, or without --guild, the articles only; article questions keep their answer.
    for argv in (["--guild", OTHER], []):
        assert main(["ask", "--json", *argv, question]) == 0
        assert json.loads(capsys.readouterr().out)["club"] is False
    assert main(["ask", "--json", "--guild", GUILD, "do hill sprints build muscle"]) == 0
    article = json.loads(capsys.readouterr().out)
    assert article["club"] is False and article["entry_id"] == "hill-sprints"

    assert main(["ask", "--guild", GUILD, "saturday morning run time"]) == 0
    text = capsys.readouterr().out
    assert "┌─ What time is the Saturday run?" in text and "From the club's organisers" in text


async def test_club_titles_name_a_servers_entries_by_their_ref(make_app) -> None:
    """What `coach kb gaps` shows for a club entry its report names `club:<id>`."""
    app = await make_app(FakeClock(datetime(2026, 5, 1, tzinfo=UTC)))
    await app.faq.club.import_entries(1, [EntryText("What time is the Saturday run?", (), "8:30")])
    assert await club_titles(app.services.db, 1) == {"club:1": "What time is the Saturday run?"}
    assert await club_titles(app.services.db, 2) == {}
