"""The club matching data that tests/features/faq/test_club.py and bench/club_sweep.py share: the
200 realistic entries of one club, the club question sets, the committed FAQ eval sets, and how
a club question's answer is scored."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.settings import PROJECT_ROOT
from bot.features.faq.club import ClubEntry, parse_file

DATA = PROJECT_ROOT / "tests" / "data"
ENTRIES_FILE = DATA / "club_entries.yaml"
# The set the tuning was chosen on, and one written afterwards and measured once.
CLUB_QUESTIONS = DATA / "club_questions.jsonl"
CLUB_HELDOUT = DATA / "club_questions_heldout.jsonl"
EVAL_SETS = sorted(DATA.glob("faq_questions*.jsonl"))


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def in_scope(row: dict) -> bool:
    return bool(row.get("answerable", row["id"] is not None))


def club_entries(count: int, guild_id: int = 1) -> list[ClubEntry]:
    """The first `count` entries of tests/data/club_entries.yaml, ids from 1."""
    texts = parse_file(ENTRIES_FILE.read_text(encoding="utf-8"), ENTRIES_FILE.name)
    return [
        ClubEntry(i, guild_id, t.question, t.aliases, t.answer)
        for i, t in enumerate(texts[:count], 1)
    ]


def outcome(row: dict, got: str | None) -> str:
    """How a club question (`club`: the entry's question, or null: no entry answers it; `alt`:
    other entries that do) fared when answered with the entry whose question is `got` (None: no
    club answer): right, wrong or missed; or, where no entry fits, false (answered) or none."""
    if row["club"] is None:
        return "none" if got is None else "false"
    if got in (row["club"], *row.get("alt", ())):
        return "right"
    return "missed" if got is None else "wrong"
