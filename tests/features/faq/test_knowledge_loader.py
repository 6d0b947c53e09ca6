"""The knowledge loader on real files in tmp_path: good folders load, every kind of broken file
is reported with its file, field and line, and all problems come back at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq.club_tuning import CLUB_TUNING_FILE
from bot.features.faq.decision import DECISION_FILE
from bot.features.faq.loader import (
    KnowledgeError,
    Problem,
    load_folder,
    load_knowledge,
    validate_knowledge,
)
from bot.features.faq.ranker import RANKER_FILE
from bot.features.faq.vocabulary import VOCABULARY_FILE

TOPICS = """\
topics:
  - id: basics
    name: The basics
  - id: hills
    name: Hills
articles:
  - id: art
    file: art.txt
    title: "An article"
    cite: the test article
"""

# Dr. Expert's own words are inside quotation marks (across a line break); the last line is the
# article's account of their view, a paraphrase.
ARTICLE = (
    "Intro line.\n“The quick  brown\nfox,” says Dr. Expert, jumps “over” the lazy dog — twice.\n"
    "The dog should rest more, Dr. Expert says, before it jumps again.\nEnd.\n"
)

# Line numbers below refer to this template (line 1 is the opening ---).
ALPHA = """\
---
id: alpha
title: What is alpha?
aliases:
  - alpha question
  - tell me about alpha
  - alpha please
topic: basics
related: [beta]
action: plan
sources:
  - article: art
    who: Dr. Expert
    speech: true
    quote: "The quick brown fox"
---
Alpha **answer** body.
"""

BETA = """\
---
id: beta
title: What is beta?
aliases: [beta question, tell me about beta, beta please]
topic: hills
related: [alpha]
sources:
  - article: art
    quote: "jumps “over” the lazy dog"
---

Beta answer.

"""


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    kdir, sdir = tmp_path / "knowledge", tmp_path / "sources"
    kdir.mkdir()
    sdir.mkdir()
    (kdir / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (kdir / "alpha.md").write_text(ALPHA, encoding="utf-8")
    (kdir / "beta.md").write_text(BETA, encoding="utf-8")
    (sdir / "art.txt").write_text(ARTICLE, encoding="utf-8")
    # The matcher's tuning files sit beside the entries; the real ones (tests of their own
    # problems are in test_vocabulary.py, test_decision.py, test_ranker.py and
    # test_club_tuning.py).
    for name in (VOCABULARY_FILE, DECISION_FILE, RANKER_FILE, CLUB_TUNING_FILE):
        shutil.copy(PROJECT_ROOT / "knowledge" / name, kdir / name)
    return kdir, sdir


def only_problem(kdir: Path, sdir: Path | None) -> Problem:
    kb, problems = validate_knowledge(kdir, sdir)
    assert kb is None
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_good_folder_loads(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    kb = load_knowledge(kdir, sdir)
    assert len(kb) == 2
    assert [t.id for t in kb.topics] == ["basics", "hills"]
    assert kb.articles["art"].file == "art.txt"
    assert kb.source_dir == sdir
    alpha = kb.get("alpha")
    assert alpha is not None
    assert alpha.title == "What is alpha?"
    assert alpha.aliases == ("alpha question", "tell me about alpha", "alpha please")
    assert alpha.related == ("beta",)
    assert alpha.action == "plan"
    assert alpha.sources[0].who == "Dr. Expert"
    assert alpha.sources[0].speech is True
    assert alpha.body == "Alpha **answer** body."
    assert alpha.path == kdir / "alpha.md"
    beta = kb.get("beta")
    assert beta is not None
    assert beta.action is None
    assert beta.sources[0].who is None
    assert beta.sources[0].speech is False
    assert beta.body == "Beta answer."
    assert [(t.id, [e.id for e in es]) for t, es in kb.by_topic()] == [
        ("basics", ["alpha"]),
        ("hills", ["beta"]),
    ]


def test_the_folder_loads_with_its_vocabulary_and_decision_model(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    knowledge = load_folder(kdir, sdir)
    assert [e.id for e in knowledge.kb] == ["alpha", "beta"]  # the .yaml/.json are not entries
    assert "zzweightloss" in knowledge.vocabulary.off_topic
    assert knowledge.decision.bias < 0
    assert knowledge.club_tuning.threshold > 0


def test_a_broken_tuning_file_fails_the_whole_folder(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, VOCABULARY_FILE, "stop_words: [", "stop_word: [")
    edit(kdir, DECISION_FILE, '"mass"', '"mas"')
    kb, problems = validate_knowledge(kdir, sdir)
    assert kb is None
    shown = [str(p) for p in problems]
    assert any(s.startswith("knowledge/decision.json:") and "weights.mas" in s for s in shown)
    assert any(s.startswith("knowledge/vocabulary.yaml:") and "stop_word" in s for s in shown)
    with pytest.raises(KnowledgeError):
        load_knowledge(kdir, sdir)


def test_readme_and_underscore_files_are_not_entries(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    (kdir / "README.md").write_text("# How to write entries\n", encoding="utf-8")
    (kdir / "_draft.md").write_text("not front matter\n", encoding="utf-8")
    assert len(load_knowledge(kdir, sdir)) == 2


def edit(kdir: Path, name: str, old: str, new: str) -> None:
    path = kdir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "message"),
    [
        ("topic: basics", "topic: hillz", "topic", 8, "unknown topic 'hillz'"),
        ("id: alpha", "id: alfa", "id", 2, "must equal the file name 'alpha'"),
        ("id: alpha", "id: Alpha_1", "id", 2, "not a lowercase-hyphenated id"),
        ("title: What is alpha?", "title: [a, b]", "title", 3, "must be a non-empty string"),
        ("title: What is alpha?", "title: ''", "title", 3, "must be a non-empty string"),
        ("title: What is alpha?\n", "", "title", 1, "missing required field"),
        ("  - tell me about alpha\n  - alpha please\n", "", "aliases", 4, "at least 3"),
        ("  - alpha please", "  - 42", "aliases[2]", 7, "must be a non-empty string"),
        ("  - alpha please", "  - What is alpha?", "aliases[2]", 7, "repeats this entry's"),
        ("related: [beta]", "related: [gamma]", "related[0]", 9, "unknown entry id 'gamma'"),
        ("related: [beta]", "related: [beta, alpha]", "related[1]", 9, "related to itself"),
        ("related: [beta]", "related: beta", "related", 9, "must be a list"),
        ("action: plan", "action: nap", "action", 10, "unknown action 'nap'"),
        ("action: plan", "tpoic: basics", "tpoic", 10, "unknown field"),
        ("action: plan", "topic: hills", "topic", 10, "duplicate field"),
        ("  - article: art\n", "  - article: mag\n", "sources[0].article", 12, "'mag'"),
        ("    who: Dr. Expert", "    who: ''", "sources[0].who", 13, "non-empty string"),
        (
            "    who: Dr. Expert\n    speech: true",
            "    whom: Dr. X",
            "sources[0].whom",
            13,
            "unknown",
        ),
        ('    quote: "The quick brown fox"\n', "", "sources[0]", 12, "missing 'quote'"),
        ("quick brown fox", "quick red fox", "sources[0].quote", 15, "not found verbatim"),
        (
            ALPHA[ALPHA.index("sources:") : ALPHA.rindex("---")],
            "sources: []\n",
            "sources",
            11,
            "at least 1 source",
        ),
    ],
)
def test_broken_entry_names_file_field_and_line(
    dirs: tuple[Path, Path], old: str, new: str, field: str, line: int, message: str
) -> None:
    kdir, sdir = dirs
    edit(kdir, "alpha.md", old, new)
    problem = only_problem(kdir, sdir)
    assert problem.file == "knowledge/alpha.md"
    assert (problem.field, problem.line) == (field, line)
    assert message in problem.message
    assert str(problem).startswith(f"knowledge/alpha.md:{line}: {field}: ")


def test_yaml_syntax_error_reports_its_line(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "alpha.md", "topic: basics", "topic: [basics")
    problem = only_problem(kdir, sdir)
    assert problem.message.startswith("invalid YAML")
    assert problem.line is not None and 8 <= problem.line <= 10
    assert "line 8" in problem.message  # where the unclosed list started


def test_stray_colon_is_a_yaml_error_on_its_line(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "alpha.md", "title: What is alpha?", "title: Alpha: what is it?")
    problem = only_problem(kdir, sdir)
    assert problem.message.startswith("invalid YAML")
    assert str(problem).startswith("knowledge/alpha.md:3: invalid YAML")


def test_alias_shared_by_two_entries_is_reported_in_both(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "alpha.md", "  - alpha please", "  - Beta  Question?")
    _, problems = validate_knowledge(kdir, sdir)
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("knowledge/alpha.md", 7, "aliases[2]"),
        ("knowledge/beta.md", 4, "aliases[0]"),
    ]
    assert "also a title or alias of 'beta'" in problems[0].message
    assert "also a title or alias of 'alpha'" in problems[1].message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Just a body, no front matter.\n", 1, "must start with a '---' line"),
        ("---\nid: alpha\ntitle: x\n", 1, "never closed"),
        ("---\n- a\n- b\n---\nbody\n", 1, "must be a YAML mapping"),
        (ALPHA.split("---\n")[0] + "---\n" + ALPHA.split("---\n")[1] + "---\n\n  \n", 17, "empty"),
    ],
)
def test_broken_file_structure(dirs: tuple[Path, Path], text: str, line: int, message: str) -> None:
    kdir, sdir = dirs
    (kdir / "alpha.md").write_text(text, encoding="utf-8")
    kb, problems = validate_knowledge(kdir, sdir)
    assert kb is None
    mine = [p for p in problems if p.file == "knowledge/alpha.md"]
    assert [(p.line, message in p.message) for p in mine] == [(line, True)], problems


def test_not_utf8_is_reported(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    (kdir / "alpha.md").write_bytes(ALPHA.encode("utf-8").replace(b"alpha?", b"alpha\xff"))
    problem = only_problem(kdir, sdir)
    assert problem.file == "knowledge/alpha.md"
    assert "UTF-8" in problem.message


def test_quote_whitespace_is_collapsed_but_nothing_else(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    # The article has "quick  brown\nfox": a different whitespace run still matches.
    edit(kdir, "alpha.md", '"The quick brown fox"', '"The  quick brown  fox"')
    assert load_knowledge(kdir, sdir).get("alpha") is not None
    edit(kdir, "alpha.md", '"The  quick brown  fox"', '"the quick brown fox"')
    assert "not found verbatim" in only_problem(kdir, sdir).message


def test_straight_quotes_get_a_typography_hint(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "beta.md", "jumps “over” the lazy dog", 'jumps \\"over\\" the lazy dog')
    problem = only_problem(kdir, sdir)
    assert (problem.file, problem.field, problem.line) == (
        "knowledge/beta.md",
        "sources[0].quote",
        9,
    )
    assert "quote marks or dashes" in problem.message


def test_quotes_unchecked_without_a_source_dir(dirs: tuple[Path, Path]) -> None:
    kdir, _ = dirs
    edit(kdir, "alpha.md", "quick brown fox", "slow red fox")
    assert load_knowledge(kdir).source_dir is None
    assert load_knowledge(kdir, kdir.parent / "no-such-folder").get("alpha") is not None


def test_broken_related_target_is_not_reported_twice(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "beta.md", "topic: hills", "topic: [hills")
    _, problems = validate_knowledge(kdir, sdir)
    assert [p.file for p in problems] == ["knowledge/beta.md"]


def test_several_broken_files_report_every_problem_at_once(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "alpha.md", "topic: basics", "topic: hillz")
    edit(kdir, "alpha.md", "related: [beta]", "related: [delta]")
    edit(kdir, "beta.md", "id: beta", "id: bet")
    (kdir / "gamma.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kdir, sdir)
    got = [(p.file, p.line, p.field) for p in caught.value.problems]
    assert got == [
        ("knowledge/alpha.md", 8, "topic"),
        ("knowledge/alpha.md", 9, "related[0]"),
        ("knowledge/beta.md", 2, "id"),
        ("knowledge/gamma.md", 1, None),
    ]
    lines = str(caught.value).splitlines()
    assert lines[0] == "knowledge/alpha.md:8: topic: unknown topic 'hillz' (known: basics, hills)"
    assert lines[3] == (
        "knowledge/gamma.md:1: must start with a '---' line opening the YAML front matter"
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "message"),
    [
        ("  - id: hills\n    name: Hills\n", "  - id: hills\n", "topics[1]", 4, "missing 'name'"),
        ("  - id: hills\n", "  - id: basics\n", "topics[1].id", 4, "duplicate topic id"),
        ("articles:", "artikles:", "artikles", 6, "unknown field"),
        ("    file: art.txt", "    file: missing.txt", "articles[0].file", 8, "cannot read"),
        ("    cite: the test article", "    cite: 3", "articles[0].cite", 10, "non-empty string"),
        ("topics:\n", "topics: [\n", None, 2, "invalid YAML"),
    ],
)
def test_broken_topics_file(
    dirs: tuple[Path, Path], old: str, new: str, field: str | None, line: int, message: str
) -> None:
    kdir, sdir = dirs
    edit(kdir, "topics.yaml", old, new)
    kb, problems = validate_knowledge(kdir, sdir)
    assert kb is None
    mine = [p for p in problems if p.file == "knowledge/topics.yaml"]
    assert len(mine) >= 1, problems
    assert any(p.field == field and p.line == line and message in p.message for p in mine), mine


def test_missing_topics_file_and_empty_folder(tmp_path: Path) -> None:
    kdir = tmp_path / "k"
    kdir.mkdir()
    kb, problems = validate_knowledge(kdir, None)
    assert kb is None
    assert any(p.file.endswith("topics.yaml") and "missing" in p.message for p in problems)
    assert any("no entry files" in p.message for p in problems)
    for name in (VOCABULARY_FILE, DECISION_FILE, CLUB_TUNING_FILE):
        assert any(p.file.endswith(name) and "missing" in p.message for p in problems)
    _, problems = validate_knowledge(tmp_path / "nope", None)
    assert "knowledge folder not found" in problems[0].message


def test_problem_str_omits_unknown_parts() -> None:
    assert str(Problem("k/a.md", 12, "topic", "bad")) == "k/a.md:12: topic: bad"
    assert str(Problem("k/a.md", None, "topic", "bad")) == "k/a.md: topic: bad"
    assert str(Problem("k/a.md", 3, None, "bad")) == "k/a.md:3: bad"
    assert str(Problem("k/a.md", None, None, "bad")) == "k/a.md: bad"
    err = KnowledgeError([Problem("a", 1, None, "x"), Problem("b", None, None, "y")])
    assert str(err) == "a:1: x\nb: y"


def test_paths_outside_the_current_dir_are_shown_whole(
    dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kdir, sdir = dirs
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    edit(kdir, "alpha.md", "topic: basics", "topic: hillz")
    assert only_problem(kdir, sdir).file == str(kdir / "alpha.md")


# -- speech: a quote cited as `who`'s own words must be inside quotation marks -----------------


def test_a_paraphrase_cited_as_speech_is_rejected_with_file_and_line(
    dirs: tuple[Path, Path],
) -> None:
    kdir, sdir = dirs
    # The article says "The dog should rest more, Dr. Expert says": its words, not theirs.
    edit(kdir, "alpha.md", '"The quick brown fox"', '"The dog should rest more"')
    problem = only_problem(kdir, sdir)
    assert (problem.file, problem.field, problem.line) == (
        "knowledge/alpha.md",
        "sources[0].speech",
        14,
    )
    assert "cited as the own words of 'Dr. Expert'" in problem.message
    assert "not inside quotation marks in art.txt" in problem.message
    assert "set speech: false" in problem.message
    assert str(problem).startswith("knowledge/alpha.md:14: sources[0].speech: ")

    edit(kdir, "alpha.md", "speech: true", "speech: false")
    (source,) = load_knowledge(kdir, sdir).entries["alpha"].sources
    assert (source.who, source.speech) == ("Dr. Expert", False)


@pytest.mark.parametrize(
    "quote",
    [
        "fox,” says Dr. Expert",  # runs out of the quotation into the narration
        "says Dr. Expert, jumps",  # between two quotations
        "Intro line.",  # before any quotation
    ],
)
def test_speech_must_lie_inside_one_quotation(dirs: tuple[Path, Path], quote: str) -> None:
    kdir, sdir = dirs
    edit(kdir, "alpha.md", '"The quick brown fox"', f"'{quote}'")
    assert "not inside quotation marks" in only_problem(kdir, sdir).message


@pytest.mark.parametrize(
    ("article", "quote"),
    [
        # straight quotes, and a quotation across a line break (whitespace squashed as usual)
        ('He said "the quick  brown\nfox jumps" and left.\n', "the quick brown fox jumps"),
        # a quotation that runs on into the next paragraph reopens there, unclosed before
        ("“First paragraph,\n“and the second one,” she says.\n", "and the second one,"),
        ("“First paragraph,\n“and the second one,” she says.\n", "First paragraph,"),
        # an apostrophe is not a quotation mark
        ("“It’s fine,” she says.\n", "It’s fine,"),
    ],
)
def test_quotation_marks_straight_curly_and_across_lines(
    dirs: tuple[Path, Path], article: str, quote: str
) -> None:
    kdir, sdir = dirs
    (sdir / "art.txt").write_text(article + ARTICLE, encoding="utf-8")
    edit(kdir, "alpha.md", '"The quick brown fox"', f"'{quote}'")
    assert load_knowledge(kdir, sdir).entries["alpha"].sources[0].speech is True


def test_straight_quotes_pair_up(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    (sdir / "art.txt").write_text('"One," he says, "two."\n' + ARTICLE, encoding="utf-8")
    edit(kdir, "alpha.md", '"The quick brown fox"', "'he says'")
    assert "not inside quotation marks" in only_problem(kdir, sdir).message


BETA_QUOTE = '    quote: "jumps'


@pytest.mark.parametrize(
    ("old", "new", "file", "field", "line", "message"),
    [
        ("    speech: true\n", "", "alpha.md", "sources[0]", 12, "missing 'speech': true if"),
        ("speech: true", "speech: maybe", "alpha.md", "sources[0].speech", 14, "true or false"),
        (
            BETA_QUOTE,
            "    speech: true\n" + BETA_QUOTE,
            "beta.md",
            "sources[0].speech",
            9,
            "a 'who'",
        ),
    ],
)
def test_speech_is_required_with_who_and_only_true_with_one(
    dirs: tuple[Path, Path], old: str, new: str, file: str, field: str, line: int, message: str
) -> None:
    kdir, sdir = dirs
    edit(kdir, file, old, new)
    problem = only_problem(kdir, sdir)
    assert (problem.file, problem.field, problem.line) == (f"knowledge/{file}", field, line)
    assert message in problem.message


def test_a_source_without_who_may_say_speech_false(dirs: tuple[Path, Path]) -> None:
    kdir, sdir = dirs
    edit(kdir, "beta.md", BETA_QUOTE, "    speech: false\n" + BETA_QUOTE)
    assert load_knowledge(kdir, sdir).entries["beta"].sources[0].speech is False


def test_speech_unchecked_without_a_source_dir(dirs: tuple[Path, Path]) -> None:
    kdir, _ = dirs
    edit(kdir, "alpha.md", '"The quick brown fox"', '"The dog should rest more"')
    assert load_knowledge(kdir).entries["alpha"].sources[0].speech is True
