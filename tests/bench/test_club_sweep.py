"""bench/club_sweep.py: one row per setting of the grid, knowledge/club.yaml's marked, and its
figures are the bot's own verdicts (club.answer, as /faq asks it), not a re-implementation."""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from bench import club_sweep
from bot.core.settings import PROJECT_ROOT
from bot.features.faq import club
from bot.features.faq.club import ClubIndex
from bot.features.faq.embedding import Encoder
from bot.features.faq.loader import load_folder
from bot.features.faq.matching import Matcher
from tests.support.club import CLUB_QUESTIONS, DATA, club_entries, outcome, rows_of


def test_each_setting_gets_a_row_and_the_loaded_one_scores_as_the_bot(
    encoder: Encoder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    knowledge = load_folder(PROJECT_ROOT / "knowledge")
    tuning = knowledge.club_tuning
    grid = ["--article-weight", str(tuning.article_weight), "--dice-weight"]
    grid += [str(tuning.dice_weight), "--threshold", str(tuning.threshold), "1.5"]
    small = ["--file", str(DATA / "faq_questions_probe.jsonl")]
    monkeypatch.setattr(sys, "argv", ["club_sweep", *grid, *small])
    club_sweep.main()
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split(" | ")[0] for row in rows] == [
        f"* {tuning.threshold:.2f} {tuning.article_weight:.2f} {tuning.dice_weight:.2f}",
        f"  1.50 {tuning.article_weight:.2f} {tuning.dice_weight:.2f}",
    ]

    matcher = Matcher(
        knowledge.kb, knowledge.vocabulary, knowledge.decision, (encoder, knowledge.ranker)
    )
    index = ClubIndex.build(club_entries(200), encoder, matcher.stop_words)
    found: Counter[str] = Counter()
    for row in rows_of(CLUB_QUESTIONS):
        hit = club.answer(matcher, index, row["q"], tuning).club
        found[outcome(row, hit.entry.question if hit else None)] += 1
    assert rows[0].split(" | ")[1] == club_sweep.club_cell(found)
