"""knowledge/club.yaml: the real file loads; every kind of broken file is reported with its line
(directly, through `coach check` and through `/kb reload`, which keeps the old tuning live); and
the club matcher, /faq and its autocomplete really use the tuning they are given."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.main import main
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.replies import Reply
from bot.core.router import Router
from bot.core.settings import PROJECT_ROOT
from bot.features.faq import FaqContext, club
from bot.features.faq.club import ClubEntry, ClubIndex, EntryText
from bot.features.faq.club_tuning import CLUB_TUNING_FILE, ClubTuning, parse_club_tuning
from bot.features.faq.embedding import Encoder
from bot.features.faq.loader import Knowledge, load_folder, validate_folder
from bot.features.faq.matching import Matcher
from bot.features.faq.store import KnowledgeStore
from tests.support.cli import isolate_settings

REAL = PROJECT_ROOT / "knowledge" / CLUB_TUNING_FILE

# Every field. Line numbers in the tests below refer to this text.
MINIMAL = """\
# How club entries are matched.
threshold: 0.65
dice_weight: 0.3
article_weight: 0.5
autocomplete_min: 0.8
"""

SATURDAY = EntryText(
    "What time is the Saturday run?",
    ("When does the Saturday club run start?",),
    "8:30am sharp from the park gates on Ashley Road.",
)
# Not one of its wordings: the club answers it by the question's vector, under the tuning.
LOOSE = "what time do we meet for the saturday run"


def parsed(text: str) -> ClubTuning:
    tuning, issues = parse_club_tuning(text)
    assert issues == [] and tuning is not None
    return tuning


def with_value(text: str, field: str, value: str) -> tuple[str, int]:
    """`text` with `field` set to `value`, and the line it is on."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    lines[index] = f"{field}: {value}"
    return "\n".join(lines) + "\n", index + 1


# -- the file ----------------------------------------------------------------------------------


def test_the_real_file_loads_with_the_knowledge() -> None:
    tuning = parsed(REAL.read_text(encoding="utf-8"))
    assert load_folder(PROJECT_ROOT / "knowledge").club_tuning == tuning


def test_every_field_is_read() -> None:
    assert parsed(MINIMAL) == ClubTuning(
        threshold=0.65, dice_weight=0.3, article_weight=0.5, autocomplete_min=0.8
    )
    assert parsed(MINIMAL.replace("threshold: 0.65", "threshold: 1")).threshold == 1.0


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("dice_weight: 0.3\n", "", 2, "dice_weight", "missing field"),
        (
            "dice_weight: 0.3\n",
            "dice_weight: 0.3\ndice_wieght: 0.3\n",
            4,
            "dice_wieght",
            "unknown field (known: threshold, dice_weight, article_weight, autocomplete_min)",
        ),
        ("0.65", '"0.65"', 2, "threshold", "must be a number from 0.0 to 2.0, not '0.65'"),
        ("0.65", "high", 2, "threshold", "must be a number from 0.0 to 2.0, not 'high'"),
        ("0.5", "yes", 4, "article_weight", "must be a number from 0.0 to 1.0, not 'yes'"),
        ("0.5", "", 4, "article_weight", "must be a number from 0.0 to 1.0, not ''"),
        ("0.5", ".nan", 4, "article_weight", "must be a number from 0.0 to 1.0, not '.nan'"),
        ("0.8", "[0.8]", 5, "autocomplete_min", "must be a number from 0.0 to 1.5, not a list"),
        ("0.65", "6.5", 2, "threshold", "must be a number from 0.0 to 2.0, not 6.5"),
        ("0.3", "-0.3", 3, "dice_weight", "must be a number from 0.0 to 1.0, not -0.3"),
        ("0.8", "1.6", 5, "autocomplete_min", "must be a number from 0.0 to 1.5, not 1.6"),
        (
            "autocomplete_min: 0.8\n",
            "autocomplete_min: 0.8\nthreshold: 0.7\n",
            6,
            "threshold",
            "given twice (first at line 2)",
        ),
    ],
)
def test_each_bad_value_is_reported_on_its_line(
    old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in MINIMAL
    tuning, issues = parse_club_tuning(MINIMAL.replace(old, new, 1))
    assert tuning is None
    assert [(i.line, i.field, i.message) for i in issues] == [(line, field, message)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("threshold: [0.65\n", 2, "invalid YAML"),
        ("- threshold: 0.65\n", 1, "must be a mapping of threshold, dice_weight"),
        ("# nothing yet\n", None, "must be a mapping of threshold, dice_weight"),
    ],
)
def test_a_file_that_is_not_a_mapping_of_fields(text: str, line: int | None, message: str) -> None:
    tuning, issues = parse_club_tuning(text)
    assert tuning is None and len(issues) == 1
    assert issues[0].line == line and issues[0].message.startswith(message), issues


def test_every_problem_comes_back_at_once_with_file_and_line(tmp_path: Path) -> None:
    knowledge = Path(shutil.copytree(PROJECT_ROOT / "knowledge", tmp_path / "knowledge"))
    text, threshold_line = with_value(REAL.read_text(encoding="utf-8"), "threshold", "6.5")
    text, dice_line = with_value(text, "dice_weight", "lots")
    (knowledge / CLUB_TUNING_FILE).write_text(text, encoding="utf-8")
    found, problems = validate_folder(knowledge, None)
    assert found is None
    file = str(knowledge / CLUB_TUNING_FILE)
    assert [str(p) for p in problems] == [
        f"{file}:{threshold_line}: threshold: must be a number from 0.0 to 2.0, not 6.5",
        f"{file}:{dice_line}: dice_weight: must be a number from 0.0 to 1.0, not 'lots'",
    ]


# -- coach check and /kb reload ----------------------------------------------------------------


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECT_ROOT / "knowledge", tmp_path / "knowledge"))


def break_threshold(knowledge: Path) -> int:
    """An out-of-range threshold in the copy's club.yaml; returns its line."""
    path = knowledge / CLUB_TUNING_FILE
    text, line = with_value(path.read_text(encoding="utf-8"), "threshold", "6.5")
    path.write_text(text, encoding="utf-8")
    return line


def test_coach_check_passes_on_the_real_file_and_fails_on_a_broken_one(
    knowledge_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    isolate_settings(
        monkeypatch,
        tmp_path,
        DATABASE_PATH=str(tmp_path / "data" / "coach.db"),
        KNOWLEDGE_DIR=str(knowledge_copy),
    )
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("OK")

    line = break_threshold(knowledge_copy)
    assert main(["check"]) == 1
    captured = capsys.readouterr()
    assert "OK" not in captured.out
    assert "1 problem(s) found" in captured.err
    assert (
        f"knowledge/club.yaml:{line}: threshold: must be a number from 0.0 to 2.0, not 6.5"
        in captured.err
    )


def test_reload_keeps_the_old_tuning_live_on_a_broken_file(knowledge_copy: Path) -> None:
    store = KnowledgeStore.load(knowledge_copy, None)
    live, matcher = store.club_tuning, store.matcher
    line = break_threshold(knowledge_copy)
    problems = store.reload()
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(knowledge_copy / CLUB_TUNING_FILE), line, "threshold")
    ]
    assert store.club_tuning is live and store.matcher is matcher

    path = knowledge_copy / CLUB_TUNING_FILE
    path.write_text(with_value(REAL.read_text(encoding="utf-8"), "threshold", "0.9")[0])
    assert store.reload() == []
    assert store.club_tuning == dataclasses.replace(live, threshold=0.9)


CLUB = 1
ADMIN = Caller(8, "alex", CLUB, 10, can_manage_guild=True)
MEMBER = Caller(7, "sam", CLUB, 10)


@pytest.fixture
async def app(make_app, knowledge_copy: Path) -> App:
    start = datetime(2026, 5, 1, 9, tzinfo=UTC)
    return await make_app(FakeClock(start), knowledge_dir=knowledge_copy)


def is_club_answer(reply: Reply) -> bool:
    return reply.embed is not None and "From the club's organisers" in reply.embed.footer


async def test_faq_uses_the_live_tuning_and_a_broken_reload_keeps_it(
    router: Router, app: App, knowledge_copy: Path
) -> None:
    svc: FaqContext = app.faq
    await svc.club.add(CLUB, SATURDAY)
    assert is_club_answer(await router.run("faq", MEMBER, question=LOOSE))

    line = break_threshold(knowledge_copy)
    rejected = await router.run("kb reload", ADMIN)
    assert "rejected" in rejected.content and f":{line}: threshold" in rejected.content
    assert is_club_answer(await router.run("faq", MEMBER, question=LOOSE))

    # A bar no loose wording reaches: live at the next question, no entry rebuilt.
    path = knowledge_copy / CLUB_TUNING_FILE
    path.write_text(with_value(REAL.read_text(encoding="utf-8"), "threshold", "2.0")[0])
    assert "reloaded" in (await router.run("kb reload", ADMIN)).content
    assert not is_club_answer(await router.run("faq", MEMBER, question=LOOSE))
    assert is_club_answer(await router.run("faq", MEMBER, question=SATURDAY.question))


# -- the matcher uses what it is given ---------------------------------------------------------


@pytest.fixture(scope="module")
def saturday(matcher: Matcher, encoder: Encoder) -> ClubIndex:
    entry = ClubEntry(1, CLUB, SATURDAY.question, SATURDAY.aliases, SATURDAY.answer)
    return ClubIndex.build([entry], encoder, matcher.stop_words)


def test_the_threshold_decides_the_club_verdict(
    matcher: Matcher, knowledge: Knowledge, saturday: ClubIndex
) -> None:
    tuning = knowledge.club_tuning
    hit = club.answer(matcher, saturday, LOOSE, tuning).club
    assert hit is not None and hit.score < 1.0  # by its vector, not its wording
    higher = dataclasses.replace(tuning, threshold=hit.score + 0.01)
    assert club.answer(matcher, saturday, LOOSE, higher).club is None
    assert club.answer(matcher, saturday, SATURDAY.question, higher).club is not None  # exact


def test_the_weights_move_the_score(
    matcher: Matcher, knowledge: Knowledge, saturday: ClubIndex
) -> None:
    """The score is cosine + dice_weight * dice - article_weight * article_cosine: less weight on
    the (shared) words lowers it, less on the article side raises it."""
    tuning = dataclasses.replace(knowledge.club_tuning, threshold=0.0)
    score = club.answer(matcher, saturday, LOOSE, tuning).club.score
    less_dice = dataclasses.replace(tuning, dice_weight=tuning.dice_weight - 0.1)
    assert club.answer(matcher, saturday, LOOSE, less_dice).club.score < score
    less_article = dataclasses.replace(tuning, article_weight=tuning.article_weight - 0.1)
    assert club.answer(matcher, saturday, LOOSE, less_article).club.score > score


def test_the_autocomplete_bar_is_the_tunings(knowledge: Knowledge, saturday: ClubIndex) -> None:
    """ "saturday run" is inside the question (similarity 1.0) but does not start it (no 0.5)."""
    tuning = knowledge.club_tuning
    assert [c.value for c in saturday.autocomplete("saturday run", 25, tuning)] == ["club:1"]
    above = dataclasses.replace(tuning, autocomplete_min=1.01)
    assert saturday.autocomplete("saturday run", 25, above) == []
    assert [c.value for c in saturday.autocomplete("what time", 25, above)] == ["club:1"]
