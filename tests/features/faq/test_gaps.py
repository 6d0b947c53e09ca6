"""Grouping unanswered questions (pure): near-identical wordings together, deterministic."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq import gaps
from bot.features.faq.gaps import Asked, group_unanswered, similarity, tokens

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def asked(*questions: str, nearest: tuple[str, ...] = (), start: int = 0) -> list[Asked]:
    return [
        Asked(start + i, q, nearest, T0 + timedelta(minutes=start + i))
        for i, q in enumerate(questions)
    ]


def test_case_punctuation_emoji_word_order_and_typos_group_together() -> None:
    records = asked(
        "How many hill sprints per week?",
        "how many hill sprints per week 🏃‍♂️🔥",
        "HOW MANY HILL-SPRINTS PER WEEK!!!",
        "per week, how many hill sprints",
        "how many hil sprnits per week",  # two typos, one a swap
        "How many hill sprints a week",  # a short word differs: counts little
    )
    [gap] = group_unanswered(records)
    assert gap.count == 6 and gap.wordings == 6


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("do I need protein", "how much protein do I need"),
        ("is creatine safe", "is creatine safe for teens"),
        ("should I run when sick", "should I run with a cold"),
        ("how many hill sprints per week", "how many sled pushes per week"),
    ],
)
def test_different_questions_stay_apart(a: str, b: str) -> None:
    assert len(group_unanswered(asked(a, b))) == 2
    assert similarity(tokens(a), tokens(b)) < gaps.SIMILARITY


def test_representative_is_the_most_frequent_wording_ties_earliest() -> None:
    records = asked(
        "how much protien do i need",
        "How much protein do I need?",
        "How much protein do I need?",
        "how much protien do i need",
        "how much protein do I need",
    )
    [gap] = group_unanswered(records)
    # Two wordings asked twice each: the one asked first wins; its record is the latest.
    assert gap.question == "how much protien do i need"
    assert gap.record_id == 3
    assert gap.count == 5 and gap.wordings == 3
    assert gap.first_asked == T0 and gap.last_asked == T0 + timedelta(minutes=4)


def test_whitespace_alone_is_not_another_wording() -> None:
    [gap] = group_unanswered(asked("  hills   or stairs? ", "hills or stairs?"))
    assert gap.question == "hills or stairs?" and gap.wordings == 1


def test_sorted_by_count_then_most_recent_and_nearest_merged() -> None:
    records = [
        *asked("best shoes for flat feet", "Best shoes for flat feet?", nearest=("a", "b")),
        *asked("best shoes for flat feet!!", nearest=("c", "b"), start=2),
        *asked("can I run with a cold", start=3),
        *asked("is beer ok after a long run", start=4),
    ]
    result = group_unanswered(records)
    assert [g.count for g in result] == [3, 1, 1]
    assert result[0].nearest == ("b", "a", "c")  # b twice; then a (nearer) before c
    assert result[1].question == "is beer ok after a long run"  # asked more recently


def test_questions_without_words_group_only_with_the_same_text() -> None:
    result = group_unanswered(asked("🔥🔥", "🔥🔥", "💪", "??", "hills?"))
    counts = {g.question: g.count for g in result}
    assert counts == {"🔥🔥": 2, "💪": 1, "??": 1, "hills?": 1}


def test_empty_input_and_same_groups_whatever_the_input_order() -> None:
    assert group_unanswered([]) == []
    records = _eval_records(600, seed=3)
    expected = group_unanswered(records)
    shuffled = records[:]
    random.Random(4).shuffle(shuffled)
    assert group_unanswered(shuffled) == expected


def test_the_candidate_shortcut_never_changes_the_groups(monkeypatch) -> None:
    """Comparing word by word with only the closest groups (as whole strings) gives the same
    groups as comparing with every group."""
    records = _eval_records(500, seed=5)
    fast = group_unanswered(records)
    monkeypatch.setattr(gaps, "CANDIDATES", None)
    monkeypatch.setattr(gaps, "PREFILTER", 0)
    assert group_unanswered(records) == fast


def _eval_records(n: int, seed: int) -> list[Asked]:
    """Members' questions from the FAQ eval set, half of them with a typo."""
    path = PROJECT_ROOT / "tests" / "data" / "faq_questions.jsonl"
    questions = [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines()]
    rnd = random.Random(seed)

    def typo(q: str) -> str:
        chars = list(q)
        i = rnd.randrange(len(chars))
        kind = rnd.choice("dsi")
        if kind == "d":
            del chars[i]
        elif kind == "s":
            chars[i] = rnd.choice("aeiourst")
        else:
            chars.insert(i, rnd.choice("aeiourst"))
        return "".join(chars)

    records = []
    for i in range(n):
        q = rnd.choice(questions)
        records.append(Asked(i + 1, typo(q) if rnd.random() < 0.5 else q, (), T0 + timedelta(i)))
    return records
