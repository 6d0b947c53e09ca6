"""Measure club matching (knowledge/club.yaml) over a grid of tunings, to choose them again.

Run from the repository root: `.venv/bin/python -m bench.club_sweep [--threshold T ...]
[--article-weight W ...] [--dice-weight W ...] [--file EVAL.jsonl ...]`. For each threshold x
article_weight x dice_weight it prints, in a server with the 200 entries of
tests/data/club_entries.yaml, the club questions answered right, wrong, and where no entry fits
(club_questions.jsonl, the set to choose on; club_questions_heldout.jsonl, to check a choice,
not to make it); and how many article questions (in scope) and out-of-scope rows of the FAQ
sets the fit uses (bench.faq.FIT_FILES: an unseen set is never chosen on) a club entry would
take, with the first 20 entries and with all 200. `*` marks the tuning in knowledge/club.yaml.
The values depend on the embedding model's cosines: run it after the model changes and keep a
setting that takes no article question (the floors: tests/features/faq/test_club.py).
autocomplete_min is not swept. Prints; writes nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.faq import FIT_FILES
from bot.core.settings import Settings
from bot.features.faq import club
from bot.features.faq.club import ClubIndex
from bot.features.faq.club_tuning import ClubTuning
from bot.features.faq.embedding import open_encoder
from bot.features.faq.loader import load_folder
from bot.features.faq.matching import Embedded, Match, Matcher
from tests.support.club import (
    CLUB_HELDOUT,
    CLUB_QUESTIONS,
    club_entries,
    in_scope,
    outcome,
    rows_of,
)

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
# Around the chosen point: docs/faq-matcher.md, "Club entries".
THRESHOLDS = (0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
ARTICLE_WEIGHTS = (0.3, 0.4, 0.5, 0.6)
DICE_WEIGHTS = (0.2, 0.3, 0.4)


@dataclass(frozen=True)
class Asked:
    """A question as the article matcher saw it, once: its row, verdict and vector."""

    row: dict
    match: Match
    embedded: Embedded | None


@dataclass(frozen=True)
class Servers:
    """One club's entries, all 200 and the first 20, ready to match."""

    all: ClubIndex
    few: ClubIndex


def ask_all(matcher: Matcher, paths: Sequence[Path]) -> list[Asked]:
    asked = []
    for path in paths:
        for row in rows_of(path):
            asked.append(Asked(row, *matcher.match_embedded(row["q"])))
    return asked


def hit(index: ClubIndex, asked: Asked, tuning: ClubTuning) -> club.ClubHit | None:
    """The bot's club verdict (club.answer), the article matcher's run given."""
    return club.answer_embedded(index, asked.row["q"], asked.match, asked.embedded, tuning)


def club_outcomes(index: ClubIndex, questions: list[Asked], tuning: ClubTuning) -> Counter[str]:
    """right, wrong, missed, false and none (tests/support/club.py's `outcome`) counted."""
    found: Counter[str] = Counter()
    for asked in questions:
        got = hit(index, asked, tuning)
        found[outcome(asked.row, got.entry.question if got else None)] += 1
    return found


def taken(servers: Servers, faq: list[Asked], tuning: ClubTuning) -> Counter[str]:
    """FAQ rows a club entry would take: `in <n>` and `out <n>` for in scope and out of scope,
    with n = 20 and 200 entries."""
    found: Counter[str] = Counter()
    for asked in faq:
        scope = "in" if in_scope(asked.row) else "out"
        for index in (servers.few, servers.all):
            if hit(index, asked, tuning) is not None:
                found[f"{scope} {len(index)}"] += 1
    return found


def club_cell(found: Counter[str]) -> str:
    covered = found["right"] + found["wrong"] + found["missed"]
    uncovered = found["false"] + found["none"]
    return f"{found['right']}/{covered} wrong {found['wrong']} false {found['false']}/{uncovered}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, nargs="+", default=THRESHOLDS)
    parser.add_argument("--article-weight", type=float, nargs="+", default=ARTICLE_WEIGHTS)
    parser.add_argument("--dice-weight", type=float, nargs="+", default=DICE_WEIGHTS)
    parser.add_argument(
        "--file",
        type=Path,
        action="append",
        help="FAQ set(s) to count takes on (default: the fit's, FIT_FILES: never an unseen set)",
    )
    args = parser.parse_args()
    knowledge = load_folder(KNOWLEDGE)
    encoder = open_encoder(Settings(_env_file=None).embedding_dir)  # type: ignore[call-arg]
    matcher = Matcher(
        knowledge.kb, knowledge.vocabulary, knowledge.decision, (encoder, knowledge.ranker)
    )
    every = ClubIndex.build(club_entries(200), encoder, matcher.stop_words)
    few = ClubIndex.build(club_entries(20), encoder, matcher.stop_words, reuse=every)
    servers = Servers(every, few)
    chosen_on = ask_all(matcher, [CLUB_QUESTIONS])
    held_out = ask_all(matcher, [CLUB_HELDOUT])
    faq = ask_all(matcher, args.file or FIT_FILES)
    in_faq = sum(in_scope(a.row) for a in faq)
    print(
        f"Club entries: {len(servers.all)} (the first 20 for the smaller server). Per setting"
        f" (threshold, article_weight, dice_weight; * knowledge/club.yaml's): {CLUB_QUESTIONS.name}"
        f" then {CLUB_HELDOUT.name}, right/questions an entry answers, wrong, and false: answered"
        f"/questions no entry fits; then the FAQ rows a club entry takes with 20 and 200 entries,"
        f" of {in_faq} article questions and {len(faq) - in_faq} out-of-scope rows in"
        f" {len(args.file or FIT_FILES)} sets."
    )
    current = knowledge.club_tuning
    grid = [
        dataclasses.replace(current, threshold=t, article_weight=a, dice_weight=d)
        for t, a, d in itertools.product(args.threshold, args.article_weight, args.dice_weight)
    ]
    for tuning in grid if current in grid else [current, *grid]:
        mark = "*" if tuning == current else " "
        took = taken(servers, faq, tuning)
        cells = [
            f"{mark} {tuning.threshold:.2f} {tuning.article_weight:.2f} {tuning.dice_weight:.2f}",
            club_cell(club_outcomes(servers.all, chosen_on, tuning)),
            club_cell(club_outcomes(servers.all, held_out, tuning)),
            f"articles {took['in 20']} {took['in 200']}",
            f"out of scope {took['out 20']} {took['out 200']}",
        ]
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
