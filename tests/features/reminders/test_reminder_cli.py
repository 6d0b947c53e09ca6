"""`coach reminders preview`: one line per post, local with the zone abbreviation, then UTC."""

from __future__ import annotations

import pytest

from bot.cli.main import main


def test_preview_keeps_local_time_across_the_october_change(capsys) -> None:
    argv = ["reminders", "preview", "--weekday", "sun", "--time", "01:30"]
    argv += ["--timezone", "Europe/London", "--count", "3", "--from", "2026-10-18"]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2026-10-18 01:30 BST  =  2026-10-18 00:30 UTC",
        "2026-10-25 01:30 BST  =  2026-10-25 00:30 UTC",  # the fold: posted once, first reading
        "2026-11-01 01:30 GMT  =  2026-11-01 01:30 UTC",
    ]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--weekday", "someday"), ("--time", "7pm"), ("--timezone", "Mars/Base"), ("--count", "0")],
)
def test_bad_input_is_one_line_naming_the_option(capsys, option, value) -> None:
    args = {"--weekday": "tue", "--time": "18:30", "--timezone": "UTC", "--count": "2"}
    args[option] = value
    argv = ["reminders", "preview", *[x for kv in args.items() for x in kv]]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(option + ":")
