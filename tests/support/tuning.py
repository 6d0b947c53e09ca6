"""Checks shared by the tests of the generated tuning files (decision.json, ranker.json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.features.faq.vocabulary import Issue


def assert_rejected_on_line(
    parse: Callable[[str], tuple[Any, list[Issue]]],
    text: str,
    old: str,
    new: str,
    *,
    field: str | None,
    message: str,
    on_line: str,
) -> None:
    """`text` with `old` replaced by `new` is rejected with an issue naming `field` and
    `message`, reported on a line that holds `on_line`."""
    assert old in text, old
    broken = text.replace(old, new, 1)
    model, issues = parse(broken)
    assert model is None
    found = [i for i in issues if i.field == field and message in i.message]
    assert found, issues
    assert found[0].line is not None
    assert on_line in broken.splitlines()[found[0].line - 1]
