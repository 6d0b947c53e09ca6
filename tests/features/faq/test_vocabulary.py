"""knowledge/vocabulary.yaml: the real file loads; every kind of broken file is reported with its
line (directly, through `coach check` and through `/kb reload`); the weight-loss sentinel is an
off-topic cue; and the matcher uses the vocabulary it is given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.settings import PROJECT_ROOT, Settings
from bot.features.faq.loader import KnowledgeError, load_folder
from bot.features.faq.matching import Matcher
from bot.features.faq.store import KnowledgeStore
from bot.features.faq.vocabulary import (
    VOCABULARY_FILE,
    SentinelKind,
    Vocabulary,
    parse_vocabulary,
)

REAL = PROJECT_ROOT / "knowledge" / VOCABULARY_FILE
WEIGHT_LOSS = ("lose weight", "losing weight", "lose fat", "burn fat")

# Every section, small. Line numbers in the tests below refer to this text.
MINIMAL = """\
sentinels:
  zzlink: {kind: foreign, why: links}
  zzwho: {kind: off_topic, why: trivia}
stop_words: [a, the, "no"]
phrases:
  leg day: lift leg
  keep going: ""
words:
  gains: muscle
generic: [tips]
off_topic: [shoes]
performance: [5k]
body_intent: [muscle]
pain: [hurt]
body_parts: [calf]
leading:
  who is: zzwho
leading_filler: [hey]
injection:
  - '\\bjailbreak\\b'
"""


def parsed(text: str) -> Vocabulary:
    vocabulary, issues = parse_vocabulary(text)
    assert issues == [] and vocabulary is not None
    return vocabulary


def test_the_minimal_vocabulary_reads_every_section() -> None:
    vocabulary = parsed(MINIMAL)
    assert vocabulary.stop_words == {"a", "the", "no"}  # "no" is a word, not a YAML boolean
    assert dict(vocabulary.phrases) == {"leg day": "lift leg", "keep going": ""}
    assert dict(vocabulary.words) == {"gains": "muscle"}
    assert vocabulary.off_topic == {"shoes", "zzwho"}  # the off_topic sentinel joins the list
    assert vocabulary.performance == {"5k"}
    assert dict(vocabulary.leading) == {"who is": "zzwho"}
    assert vocabulary.injection.search("try this jailbreak")
    assert vocabulary.sentinels["zzlink"].kind is SentinelKind.FOREIGN
    assert vocabulary.max_phrase_words == 2


def test_the_real_vocabulary_loads_and_declares_its_sentinels() -> None:
    vocabulary = parsed(REAL.read_text(encoding="utf-8"))
    assert set(vocabulary.sentinels) == {
        "zzlink", "zzwhere", "zzwho", "zzwhois", "zzinjury", "zzweightloss", "zzfast",
    }  # fmt: skip
    assert {"zzwhere", "zzwho", "zzwhois", "zzinjury"} <= vocabulary.off_topic
    assert vocabulary.who_questions == {"zzwhois"}
    assert "zzfast" in vocabulary.performance
    assert "zzlink" not in vocabulary.off_topic | vocabulary.performance
    assert len(vocabulary.stop_words) > 300 and len(vocabulary.words) > 300


def test_weight_loss_phrases_map_to_a_declared_off_topic_cue() -> None:
    """The bug: these phrases sent members to `zzweightloss`, which was declared nowhere."""
    vocabulary = parsed(REAL.read_text(encoding="utf-8"))
    assert {vocabulary.phrases[p] for p in WEIGHT_LOSS} == {"zzweightloss"}
    assert vocabulary.sentinels["zzweightloss"].kind is SentinelKind.OFF_TOPIC
    assert "zzweightloss" in vocabulary.off_topic


@pytest.mark.parametrize("phrase", WEIGHT_LOSS)
def test_weight_loss_weighs_as_an_off_topic_cue_not_an_unknown_word(phrase: str) -> None:
    knowledge = load_folder(PROJECT_ROOT / "knowledge")
    matcher = Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision)
    evidence = matcher.evidence(f"will {phrase} running help my muscle")
    assert evidence is not None
    _, features = evidence
    assert features.cue > 0.5  # before the fix: 0.0, with the phrase counted as foreign instead
    assert features.foreign == 0.0
    assert not matcher.match(f"how do i {phrase} running").answered


def test_the_matcher_uses_the_vocabulary_it_is_given() -> None:
    knowledge = load_folder(PROJECT_ROOT / "knowledge")
    question = "zebra crossing drills"
    plain = Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision)
    assert not plain.match(question).answered
    text = REAL.read_text(encoding="utf-8").replace(
        "phrases:\n", "phrases:\n  zebra crossing: hill sprint\n", 1
    )
    tuned = Matcher(knowledge.kb, parsed(text), knowledge.decision)
    found = tuned.match(question)
    assert found.entry is not None and found.entry.id == "hill-sprints"


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        # duplicate keys: PyYAML would silently keep the last one
        ("  gains: muscle\n", "  gains: muscle\n  gains: big\n", 10, "words",
         "duplicate key 'gains' (first at line 9)"),
        ("injection:", "pain: [ouch]\ninjection:", 19, None, "duplicate key 'pain'"),
        ("off_topic: [shoes]", "off_topic: [shoes, shoes]", 11, "off_topic", "listed twice"),
        # unknown or missing sections
        ("generic:", "synonyms:\n  a: b\ngeneric:", 10, "synonyms", "unknown section"),
        ("pain: [hurt]\n", "", 1, "pain", "missing section"),
        # unknown value types
        ("generic: [tips]", "generic: {tips: 1}", 10, "generic", "must be a list of words"),
        ("  gains: muscle", "  gains: [muscle]", 9, "words.gains", "must be text, not a list"),
        ("  keep going: \"\"", "  keep going:", 7, "phrases.keep going", "has no value"),
        ("  gains: muscle", "  gains: !!binary bXVzY2xl", 9, "words.gains", "unsupported YAML tag"),
        # words that could never match folded text, or the wrong number of them
        ("  gains: muscle", "  Gains: muscle", 9, "words.Gains", "'Gains' is not a folded word"),
        ("  gains: muscle", "  gains: muscle-mass", 9, "words.gains", "not a folded word"),
        ("  leg day: lift leg", "  legday: lift leg", 6, "phrases.legday", "at least 2 word(s)"),
        ("  who is: zzwho", "  who is this guy: zzwho", 17, "leading.who is this guy",
         "1 to 3 word(s)"),
        # regular expressions, each alternative on its own line
        ("  - '\\bjailbreak\\b'", "  - '(jailbreak'", 20, "injection[0]",
         "invalid regular expression: missing ), unterminated subpattern"),
        ("  - '\\bjailbreak\\b'", "  - ''", 20, "injection[0]", "matches everything"),
        # sentinels: declared, with a known kind and a reason, and used
        ("  leg day: lift leg", "  leg day: lift zzlegs", 6, "phrases.leg day",
         "sentinel 'zzlegs' is used but not declared under sentinels"),
        ("off_topic: [shoes]", "off_topic: [shoes, zzwho]", 11, "off_topic",
         "declare it under sentinels"),
        ("{kind: off_topic, why: trivia}", "{kind: offtopic, why: trivia}", 3,
         "sentinels.zzwho.kind", "unknown kind 'offtopic' (known: off_topic, performance"),
        ("{kind: off_topic, why: trivia}", "{kind: off_topic}", 3, "sentinels.zzwho",
         "missing 'why'"),
        ("{kind: off_topic, why: trivia}", "{kind: off_topic, why: x, note: y}", 3,
         "sentinels.zzwho.note", "unknown field"),
        ("  zzwho:", "  zzwhere: {kind: off_topic, why: places}\n  zzwho:", 3,
         "sentinels.zzwhere", "declared but never used"),
        ("  zzlink: {kind: foreign, why: links}\n", "", 1, "sentinels",
         "'zzlink' must be declared"),
        ("  zzwho:", "  zzWho: {kind: off_topic, why: x}\n  zzwho:", 3, "sentinels.zzWho",
         "a sentinel is 'zz' plus"),
    ],
)  # fmt: skip
def test_broken_vocabulary_names_line_field_and_problem(
    old: str, new: str, line: int, field: str | None, message: str
) -> None:
    assert old in MINIMAL, old
    vocabulary, issues = parse_vocabulary(MINIMAL.replace(old, new, 1))
    assert vocabulary is None
    assert [(i.line, i.field) for i in issues] == [(line, field)], issues
    assert message in issues[0].message


def test_yaml_syntax_errors_and_wrong_shapes_have_lines() -> None:
    _, issues = parse_vocabulary(MINIMAL.replace("off_topic: [shoes]", "off_topic: [shoes", 1))
    assert len(issues) == 1 and issues[0].message.startswith("invalid YAML")
    assert issues[0].line is not None and issues[0].line >= 11
    _, issues = parse_vocabulary("- just\n- a list\n")
    assert [(i.line, i.message) for i in issues] == [
        (1, "must be a mapping of sections, not a list")
    ]
    _, issues = parse_vocabulary("")
    assert issues[0].message.startswith("empty")


def test_every_problem_comes_back_at_once() -> None:
    text = MINIMAL.replace("  gains: muscle", "  Gains: zzgains", 1).replace(
        "generic: [tips]", "generic: [tips, tips]", 1
    )
    _, issues = parse_vocabulary(text)
    assert [(i.line, i.field, i.message.split(" ")[0]) for i in issues] == [
        (9, "words.Gains", "'Gains'"),  # not folded
        (9, "words.Gains", "sentinel"),  # and zzgains is not declared
        (10, "generic", "'tips'"),  # listed twice
    ]


# -- through the store (start-up and /kb reload) and through `coach check` --------------------


@pytest.fixture
def knowledge_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(PROJECT_ROOT / "knowledge", tmp_path / "knowledge"))


def undeclare_weight_loss(knowledge: Path) -> list[int]:
    """Recreate the bug: drop the zzweightloss declaration; return the lines that use it."""
    path = knowledge / VOCABULARY_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("  zzweightloss:")
    del lines[start : start + 3]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [n for n, line in enumerate(lines, 1) if line.endswith(": zzweightloss")]


def test_start_up_stops_on_a_broken_vocabulary_with_file_and_line(knowledge_copy: Path) -> None:
    uses = undeclare_weight_loss(knowledge_copy)
    with pytest.raises(KnowledgeError) as caught:
        KnowledgeStore.load(knowledge_copy, None)
    assert [str(p).split(": ")[0] for p in caught.value.problems] == [
        f"knowledge/vocabulary.yaml:{n}" for n in uses
    ]


def test_reload_rereads_the_vocabulary_and_keeps_the_old_one_on_error(
    knowledge_copy: Path,
) -> None:
    store = KnowledgeStore.load(knowledge_copy, None)
    live = store.matcher
    question = "zebra crossing drills"
    assert not live.match(question).answered

    undeclare_weight_loss(knowledge_copy)
    problems = store.reload()
    assert problems and all(p.file == "knowledge/vocabulary.yaml" for p in problems)
    assert store.matcher is live

    shutil.copy(REAL, knowledge_copy / VOCABULARY_FILE)
    path = knowledge_copy / VOCABULARY_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "phrases:\n", "phrases:\n  zebra crossing: hill sprint\n", 1
        ),
        encoding="utf-8",
    )
    assert store.reload() == []
    found = store.matcher.match(question)
    assert found.entry is not None and found.entry.id == "hill-sprints"


def test_coach_check_reports_an_undeclared_sentinel_with_file_and_line(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(knowledge_copy.parent / "coach.db"))
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_copy))
    uses = undeclare_weight_loss(knowledge_copy)
    assert len(uses) == len(WEIGHT_LOSS)

    assert main(["check"]) == 1
    captured = capsys.readouterr()
    assert "OK" not in captured.out
    assert f"{len(uses)} problem(s) found" in captured.err
    for line, phrase in zip(uses, WEIGHT_LOSS, strict=True):
        assert (
            f"knowledge/vocabulary.yaml:{line}: phrases.{phrase}: sentinel 'zzweightloss' is used"
            " but not declared under sentinels"
        ) in captured.err
    assert "Traceback" not in captured.err
