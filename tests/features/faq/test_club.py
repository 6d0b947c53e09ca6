"""Club entries, the pure part (bot/features/faq/club.py): limits and validation, the club file
with line-numbered problems, and how club entries are matched beside the article entries.

The matching floors are measured with the 200 realistic entries of tests/data/club_entries.yaml
(`python -m bench.faq --club-entries 200` prints the figures; `python -m bench.club_sweep` those
of other tunings): club_questions.jsonl is the set the weights in knowledge/club.yaml were chosen
on, club_questions_heldout.jsonl was written afterwards and measured once (28/38 right, none
wrong, 0/8 answered where no entry fits; 26/38, 0, 0/8 with the fine-tuned model).
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.features.faq import club
from bot.features.faq.club import (
    ALIASES_MAX,
    ANSWER_MAX,
    QUESTION_MAX,
    ClubEntry,
    ClubFileError,
    ClubIndex,
    EntryProblem,
    EntryText,
    dump_file,
    entry_text,
    parse_file,
    split_aliases,
    weekdays,
)
from bot.features.faq.club_tuning import ClubTuning
from bot.features.faq.embedding import Encoder
from bot.features.faq.loader import Knowledge
from bot.features.faq.matching import Matcher
from tests.support.club import (
    DATA,
    ENTRIES_FILE,
    EVAL_SETS,
    club_entries,
    in_scope,
    outcome,
    rows_of,
)


@pytest.fixture(scope="module")
def tuning(knowledge: Knowledge) -> ClubTuning:
    return knowledge.club_tuning


@pytest.fixture(scope="module")
def index200(matcher: Matcher, encoder: Encoder) -> ClubIndex:
    return ClubIndex.build(club_entries(200), encoder, matcher.stop_words)


# -- limits and validation -------------------------------------------------------------------


def test_an_entry_at_the_limits_is_kept_tidied() -> None:
    question = "  What   time is\nthe run? " + "x" * (QUESTION_MAX - 26)
    aliases = [f"other wording {i}" for i in range(ALIASES_MAX)]
    found = entry_text(question, ["", *aliases, "  "], "  " + "a" * ANSWER_MAX + "\n")
    assert found.question == "What time is the run? " + "x" * (QUESTION_MAX - 26)
    assert len(found.question) <= QUESTION_MAX
    assert found.aliases == tuple(aliases)
    assert found.answer == "a" * ANSWER_MAX


@pytest.mark.parametrize(
    ("question", "aliases", "answer", "kind"),
    [
        ("", [], "yes", "question_empty"),
        ("   \n ", [], "yes", "question_empty"),
        ("q" * (QUESTION_MAX + 1), [], "yes", "question_too_long"),
        ("???", [], "yes", "question_no_words"),
        ("When?", [], "  \n", "answer_empty"),
        ("When?", [], "a" * (ANSWER_MAX + 1), "answer_too_long"),
        ("When?", ["ok", "w" * (QUESTION_MAX + 1)], "yes", "alias_too_long"),
        ("When?", [f"wording {i}" for i in range(ALIASES_MAX + 1)], "yes", "too_many_aliases"),
    ],
)
def test_an_entry_past_a_limit_is_refused(
    question: str, aliases: list[str], answer: str, kind: str
) -> None:
    with pytest.raises(EntryProblem) as caught:
        entry_text(question, aliases, answer)
    assert caught.value.kind == kind
    assert str(caught.value)  # a one-line message for files and the CLI


def test_repeated_wordings_are_dropped_not_refused() -> None:
    found = entry_text(
        "What time is the Saturday run?",
        ["what time is the saturday run", "Saturday run time", "saturday RUN time!"],
        "8:30",
    )
    assert found.aliases == ("Saturday run time",)
    # Repeats don't count toward the limit either.
    many = ["same wording"] * (ALIASES_MAX + 5)
    assert entry_text("Q?", many, "A").aliases == ("same wording",)


def test_the_form_box_gives_one_wording_per_line() -> None:
    assert split_aliases("one\r\n\n  two  \n\t\nthree") == ["one", "two", "three"]
    assert split_aliases("") == []


# -- the club file -----------------------------------------------------------------------------

BROKEN = """\
- question: What time is the Saturday run?
  answer: 8:30 from the park gates.
- question: Where do hill sessions meet?
  aliases: hill meeting point
  answer: Cemetery Hill.
- question: How much is membership?
  colour: green
  answer: £35 a year.
- question: What time is the Saturday run?
  answer: Again.
- question: Is there a beginners group?
- question: Parking?
  aliases:
    - ok
    - {long}
  answer: Forest Lodge.
- question: {question}
  answer: fine
- question: Fine?
  answer: {answer}
- just text
""".format(long="w" * (QUESTION_MAX + 1), question="q" * (QUESTION_MAX + 1), answer="a" * 1501)


def test_a_broken_file_names_every_problem_with_its_line() -> None:
    with pytest.raises(ClubFileError) as caught:
        parse_file(BROKEN, "club.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "club.yaml:4: aliases: must be a list of strings",
        "club.yaml:7: colour: unknown field (an entry has question, aliases and answer)",
        "club.yaml:9: question: the same question as the entry on line 1",
        "club.yaml:11: answer: missing",
        "club.yaml:15: aliases: this one is 121 characters; the limit is 120",
        "club.yaml:17: question: the question is 121 characters; the limit is 120",
        "club.yaml:20: answer: the answer is 1501 characters; the limit is 1500",
        "club.yaml:21: an entry is a mapping: question, answer",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("- question: [unclosed\n  answer: x\n", "club.yaml:2: invalid YAML"),
        ("question: x\nanswer: y\n", "club.yaml:1: expected a list of entries"),
        ("- question: x\n  answer: y\n  answer: z\n", "club.yaml:3: answer: given twice"),
        ("- question: x\n  answer: [a, b]\n", "club.yaml:2: answer: must be text"),
        ("- question: x\n  answer: y\n  aliases: [a, [b]]\n", "club.yaml:3: aliases: each one"),
    ],
)
def test_file_problems(content: str, problem: str) -> None:
    with pytest.raises(ClubFileError) as caught:
        parse_file(content, "club.yaml")
    assert str(caught.value.problems[0]).startswith(problem), caught.value.problems


def test_an_empty_file_is_no_entries_and_plain_scalars_are_text() -> None:
    assert parse_file("", "f") == []
    assert parse_file("[]\n", "f") == []
    found = parse_file("- question: 2026\n  answer: yes\n  aliases: ~\n", "f")
    assert found == [EntryText("2026", (), "yes")]


def test_the_committed_example_file_is_200_valid_entries() -> None:
    entries = parse_file(ENTRIES_FILE.read_text(encoding="utf-8"), ENTRIES_FILE.name)
    assert len(entries) == club.ENTRIES_MAX


def test_too_many_entries_in_one_file() -> None:
    content = "".join(f"- question: Q{i}?\n  answer: A\n" for i in range(club.ENTRIES_MAX + 1))
    with pytest.raises(ClubFileError) as caught:
        parse_file(content, "f")
    assert "201 entries; at most 200" in str(caught.value)


one_line = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
)


@settings(max_examples=200, deadline=None)
@given(
    question=one_line,
    aliases=st.lists(one_line, max_size=4),
    answer=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
)
def test_export_then_import_gives_the_same_entries(
    question: str, aliases: list[str], answer: str
) -> None:
    try:
        entry = entry_text(question, aliases, answer)
    except EntryProblem:
        return
    other = EntryText("@everyone **: - yes", ("no", "- [x]", "#1 'q'"), 'multi\nline\n "a"')
    assert parse_file(dump_file([entry, other]), "round.yaml") == [entry, other]


# -- matching ----------------------------------------------------------------------------------


def test_without_club_entries_the_article_verdict_is_untouched(
    matcher: Matcher, tuning: ClubTuning, encoder: Encoder
) -> None:
    empty = ClubIndex.build([], encoder, matcher.stop_words)
    for question in ("do hill sprints build muscle", "what time is the saturday run", "hi"):
        expected = matcher.match(question)
        for index in (None, empty):
            verdict = club.answer(matcher, index, question, tuning)
            assert verdict.club is None and verdict.match == expected


def test_exact_wording_and_an_autocomplete_value_answer(
    matcher: Matcher, tuning: ClubTuning, index200: ClubIndex
) -> None:
    saturday = index200.entries[0]
    for question in ("what time is the saturday run", "Saturday morning run time!", "club:1"):
        verdict = club.answer(matcher, index200, question, tuning)
        assert verdict.club is not None and verdict.club.entry == saturday, question
    assert club.answer(matcher, index200, "club:999", tuning).club is None


def test_a_question_naming_a_day_never_gets_another_days_entry(
    matcher: Matcher, tuning: ClubTuning, encoder: Encoder
) -> None:
    """The model places weekdays nearly on top of each other: "what time is the club run on
    thursday" is 0.81 from "What time is the Saturday run?", above any threshold."""
    saturday = ClubEntry(1, 1, "What time is the Saturday run?", (), "8:30am.")
    thursday = ClubEntry(2, 1, "What time is the Thursday speedwork?", (), "6:30pm, the track.")
    only_saturday = ClubIndex.build([saturday], encoder, matcher.stop_words)
    both = ClubIndex.build([saturday, thursday], encoder, matcher.stop_words)
    for question in ("what time is the club run on thursday", "thurs club run time?"):
        assert club.answer(matcher, only_saturday, question, tuning).club is None, question
        hit = club.answer(matcher, both, question, tuning).club
        assert hit is None or hit.entry == thursday, question
    hit = club.answer(matcher, both, "what time does thursday speedwork start", tuning).club
    assert hit is not None and hit.entry == thursday
    assert club.answer(matcher, both, "saturday run start time?", tuning).club.entry == saturday
    assert weekdays("Thurs and Sat, then weds") == {"thursday", "wednesday"}  # "sat": a word


def test_article_questions_keep_their_article_answer(
    matcher: Matcher, tuning: ClubTuning, encoder: Encoder
) -> None:
    """A club entry on the same topic ("When is the hill sprint session?") takes the club's
    question, never the article one."""
    entries = club_entries(45)
    index = ClubIndex.build(entries, encoder, matcher.stop_words)
    article = club.answer(matcher, index, "hill sprints?", tuning)
    assert article.club is None and article.match.entry is not None
    assert article.match.entry.id == "hill-sprints"
    session = club.answer(matcher, index, "when does the club do hill sprints", tuning)
    assert session.club is not None
    assert session.club.entry.question == "When is the hill sprint session?"


@pytest.mark.parametrize(
    ("name", "floor", "wrong_max", "false_max"),
    [("club_questions.jsonl", 0.75, 0, 0), ("club_questions_heldout.jsonl", 0.65, 0, 0)],
)
def test_club_question_floors(
    matcher: Matcher,
    tuning: ClubTuning,
    index200: ClubIndex,
    name: str,
    floor: float,
    wrong_max: int,
    false_max: int,
) -> None:
    """Measured with the fine-tuned model of issue 10's round 11 (`python -m bench.club_sweep`):
    55/73 right, 0 wrong, 0/8 answered where no entry fits, on the set the weights were chosen
    on; held out, 25/38 right, 0 wrong, 0/8. (Round 10's model: 54/73, 2 wrong, 1/8; 26/38, 0,
    0/8. The base model: 57/73, 1 wrong, 0/8; 28/38, 0, 0/8: docs/faq-matcher.md, rounds 9-11.)
    A wrong club answer is worse than none: every miss is an abstention."""
    found: Counter[str] = Counter()
    for row in rows_of(DATA / name):
        hit = club.answer(matcher, index200, row["q"], tuning).club
        found[outcome(row, hit.entry.question if hit else None)] += 1
    covered = found["right"] + found["wrong"] + found["missed"]
    assert found["right"] / covered >= floor, found
    assert found["wrong"] <= wrong_max, found
    assert found["false"] <= false_max, found


def test_no_article_question_of_the_eval_sets_gets_a_club_answer(
    matcher: Matcher, tuning: ClubTuning, encoder: Encoder, index200: ClubIndex
) -> None:
    """Every committed set, asked in a server with realistic club entries (20, and 200): the
    article questions keep their verdict (measured: 0 of 1,431 take a club answer, with 20, 45
    or 200 entries). Out-of-scope questions may: most of those are club questions ("how do i
    join the club", "what time is the sunday long run"), which the club's entries rightly answer
    (measured: 22 of 551 rows with 200 entries, 4 of them poor, e.g. "what's a tempo run" -> "What
    time is the Wednesday tempo run?"; 11 with 20; with round 6's sets 30 and 17 of 800, the new
    ones all club questions). Each question is embedded once, as in the bot.
    """
    index20 = ClubIndex.build(club_entries(20), encoder, matcher.stop_words)
    taken_in: list[str] = []
    taken_out = {20: 0, 200: 0}
    out_of_scope = 0
    for path in EVAL_SETS:
        for row in rows_of(path):
            out_of_scope += not in_scope(row)
            match, embedded = matcher.match_embedded(row["q"])
            for count, index in ((20, index20), (200, index200)):
                hit = club.answer_embedded(index, row["q"], match, embedded, tuning)
                if hit is None:
                    continue
                if in_scope(row):
                    taken_in.append(f"{count}: {row['q']!r} -> {hit.entry.question!r}")
                else:
                    taken_out[count] += 1
    assert not taken_in
    # As shares of the out-of-scope rows, so that a new set of club-chat questions ("what time
    # does the saturday club run start") doesn't read as a regression: 15 and 25 of the 551.
    assert taken_out[20] <= 0.0275 * out_of_scope, (taken_out, out_of_scope)
    assert taken_out[200] <= 0.045 * out_of_scope, (taken_out, out_of_scope)
