"""`coach console`: the offline chat drives the real command tree, router and templates.

The Console class runs in-process for speed; the piped-stdin behaviour (`printf '/about\\n' |
coach console`) and the `--member` flag are checked once each as real subprocesses.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_app
from bot.console import Console, build_console_bot, run_console
from bot.core.settings import load_settings
from bot.features.faq import Encoder
from tests.support.cli import run_coach, settings_free_env


@asynccontextmanager
async def opened_console(
    tmp_path: Path, encoder: Encoder, *, admin: bool
) -> AsyncIterator[Console]:
    app = await open_app(
        load_settings(_env_file=None, database_path=tmp_path / "c.db"), encoder=encoder
    )
    bot = await build_console_bot(app)
    try:
        yield Console(app.services, bot, admin=admin, name="tester")
    finally:
        await bot.close()


@pytest.fixture
async def console(tmp_path: Path, encoder: Encoder) -> AsyncIterator[Console]:
    async with opened_console(tmp_path, encoder, admin=True) as con:
        yield con


@pytest.fixture
async def member_console(tmp_path: Path, encoder: Encoder) -> AsyncIterator[Console]:
    async with opened_console(tmp_path, encoder, admin=False) as con:
        yield con


def run_coach_console(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = settings_free_env(DATABASE_PATH=str(tmp_path / "data" / "coach.db"))
    return run_coach("console", *args, cwd=tmp_path, env=env, stdin=stdin)


# -- as a script -----------------------------------------------------------------------------


def test_piped_about_prints_the_reply_and_exits_at_eof(tmp_path: Path) -> None:
    result = run_coach_console(tmp_path, "/about\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "RunClub Coach" in out
    assert "/faq" in out  # the commands list
    assert "Can running build muscle?" in out and "Can you build muscle by running?" in out
    assert "you>" not in out  # no prompt when stdin is not a terminal
    assert "Traceback" not in result.stderr


def test_member_flag_refuses_admin_commands(tmp_path: Path) -> None:
    result = run_coach_console(tmp_path, "/kb reload\n", "--member")
    assert result.returncode == 0, result.stderr
    assert "Manage Server" in result.stdout
    assert "reloaded" not in result.stdout


def test_the_console_never_writes_the_live_database(tmp_path: Path) -> None:
    live = tmp_path / "data" / "coach.db"
    line = "/reminder add channel:training weekday:tue time:18:30\n"
    result = run_coach_console(tmp_path, line)  # DATABASE_PATH is data/coach.db
    assert result.returncode == 0, result.stderr
    assert not live.exists(), "the console opened the bot's own database"
    assert (tmp_path / "data" / "console.db").is_file()

    own = tmp_path / "trial.db"
    result = run_coach_console(tmp_path, line, "--database", str(own))
    assert result.returncode == 0, result.stderr
    assert own.is_file() and not live.exists()


def test_a_console_database_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = run_coach_console(tmp_path, "/about\n", "--database", str(tmp_path / "afile/c.db"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"--database {tmp_path}/afile/c.db: cannot create its folder {tmp_path}/afile: "
        "a file is in the way"
    ]


# -- in-process ------------------------------------------------------------------------------


async def test_about_matches_what_discord_would_get(console: Console) -> None:
    out = await console.handle("/about")
    assert out is not None
    assert "RunClub Coach" in out
    assert "Version" in out and "0.1.0" in out


async def test_help_lists_every_command_with_its_options(console: Console) -> None:
    out = await console.handle("help")
    assert out is not None
    lines = out.splitlines()
    catalog = console.services.catalog
    assert {info.name for info in catalog} >= {"about", "faq", "kb reload"}
    for info in catalog:
        command: Any = console.bot.tree.get_command(info.name.split()[0])
        for word in info.name.split()[1:]:
            command = command.get_command(word)
        # The command's own line: its name followed by exactly its options.
        name = f"/{info.name}"
        row = next((line for line in lines if f"{line.strip()} ".startswith(f"{name} ")), None)
        assert row is not None, f"/{info.name} missing from help"
        for param in command.parameters:
            assert f"{param.display_name}:" in row, f"{param.display_name} not in {row!r}"
        assert info.description in out
    assert "press N" in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/nope", "Unknown command /nope. Type `help` to see the commands."),
        ("/faq colour:blue", 'Unknown option "colour". This command takes: question.'),
        ("/plan week:three", 'week must be a whole number; got "three".'),
        ("/profile set level:elite", '"elite" is not a valid level. Choose one of:'),
        ("/reminder pause", "/reminder pause needs: id (e.g. id:value)."),
        ("/kb", "/kb needs a subcommand: reload, "),
        ("/about hello", "/about takes no text; type it on its own."),
    ],
)
async def test_parse_errors_are_one_clear_line(console: Console, line: str, expected: str) -> None:
    out = await console.handle(line)
    assert out is not None
    assert out.strip().startswith(expected), out
    assert len(out.strip().splitlines()) == 1


async def test_press_a_button_of_the_last_reply(console: Console) -> None:
    before = console.last_buttons
    assert before == ()
    assert await console.handle("press 1") == "The last reply has no buttons."

    answer = await console.handle("/faq do hills build muscle")
    assert answer is not None and "Does running hills build muscle?" in answer
    buttons = console.last_buttons
    assert len(buttons) >= 2
    assert f"[1] {buttons[0].label}" in answer

    pressed = await console.handle("press 1")
    assert pressed is not None
    # The related question's own answer, with its title at the top of the box.
    title = next(line for line in pressed.splitlines() if line.startswith("┌─"))
    assert title.endswith(buttons[0].label)
    assert "Does running hills build muscle?" not in pressed

    count = len(console.last_buttons)
    assert await console.handle("press 99") == f"Press a button between 1 and {count}."


async def test_admin_commands_need_manage_server(console: Console, member_console: Console) -> None:
    refused = await member_console.handle("/kb reload")
    assert refused is not None and "Manage Server" in refused
    allowed = await console.handle("/kb reload")
    assert allowed is not None and "Manage Server" not in allowed
    assert "Knowledge reloaded" in allowed


async def test_blank_comment_and_quit(console: Console) -> None:
    assert await console.handle("   ") == ""
    assert await console.handle("# a note in a demo script") == ""
    assert await console.handle("quit") is None


async def test_run_console_reads_lines_until_eof_and_closes_the_store(tmp_path: Path) -> None:
    app = await open_app(load_settings(_env_file=None, database_path=tmp_path / "c.db"))
    services = app.services
    written: list[str] = []
    code = await run_console(app, stdin=io.StringIO("/about\n\n/nope\n"), write=written.append)
    assert code == 0
    assert len(written) == 2  # the blank line prints nothing
    assert "RunClub Coach" in written[0]
    assert written[1].startswith("Unknown command /nope.")
    with pytest.raises(ValueError, match="no active connection"):
        await services.db.fetchone("SELECT 1")


async def test_a_console_that_cannot_start_still_closes_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An open aiosqlite connection keeps a non-daemon thread alive: the process would hang.
    async def broken_install(self: object) -> None:
        raise RuntimeError("a feature's cog failed to load")

    monkeypatch.setattr("bot.core.bot.CoachBot.install", broken_install)
    app = await open_app(load_settings(_env_file=None, database_path=tmp_path / "c.db"))
    services = app.services
    with pytest.raises(RuntimeError, match="failed to load"):
        await run_console(app, stdin=io.StringIO("/about\n"), write=print)
    with pytest.raises(ValueError, match="no active connection"):
        await services.db.fetchone("SELECT 1")


async def test_a_form_is_filled_in_line_by_line(console: Console) -> None:
    """/kb add opens the club entry form: one typed line per box (`\\n` for a new line, an empty
    line keeps the box's text); after the last box it is submitted as Discord would."""
    opened = await console.handle("/kb add")
    assert opened is not None and "Form: Add a club answer" in opened
    assert "Question, as members would ask it" in opened
    assert await console.handle("What time is the Saturday run?") is not None
    assert await console.handle("saturday run time\\nwhen do we meet saturday") is not None
    saved = await console.handle("8:30am from the park gates.")
    assert saved is not None and "Club answer **#1** added" in saved
    answer = await console.handle("/faq when do we meet saturday")
    assert answer is not None and "8:30am from the park gates." in answer
    assert "From the club's organisers" in answer

    cancelled = await console.handle("/kb edit id:1")
    assert cancelled is not None and "[What time is the Saturday run?]" in cancelled
    assert "closed" in (await console.handle("cancel") or "")
    assert "8:30am" in (await console.handle("/faq when do we meet saturday") or "")


async def test_quotes_around_an_option_value_are_not_part_of_it(console: Console) -> None:
    """Issue 13: `message:"two words"` saved the quote marks; Discord's client takes them off."""
    added = await console.handle(
        '/reminder add channel:training weekday:tue time:18:30 timezone:"Europe/London"'
        ' message:"**Hill reps** tonight, say \u201chi\u201d"'
    )
    assert added is not None and "saved" in added, added
    preview = await console.handle("/reminder preview id:1")
    assert preview is not None
    assert "**Hill reps** tonight, say \u201chi\u201d" in preview
    assert '"**Hill reps**' not in preview and 'say \u201chi\u201d"' not in preview
