"""The planner's wording file, content.yaml: the bundled copy loads, is what plans are built from,
and keeps every placeholder; an edited copy gets each kind of mistake reported with file and line.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

import pytest

from bot.features.planner import content as content_module
from bot.features.planner.content import (
    ContentError,
    PlannerText,
    Text,
    bundled_content,
    check_content,
    load_content,
)
from bot.features.planner.planner import SessionKind, plan_week
from bot.features.planner.profile import Goal, Hills, Profile

PLANNER_DIR = Path(content_module.__file__).parent
BUNDLED = PLANNER_DIR / "content.yaml"

# Every text that takes values, restated here rather than read from content.py, so dropping a
# placeholder from content.yaml (or from its declaration) fails a test. Other texts take none.
PURPOSE_KINDS = ("hill_sprints", "hill_repeats", "stair_sprints", "treadmill_hills", "flat_sprints",
                 "plyometrics", "strength")  # fmt: skip
PLACEHOLDERS: dict[str, set[str]] = {
    "intervals.session": {"warm_up", "main", "cool_down"},
    "intervals.warm_up": {"minutes"},
    "intervals.hill_sprints": {"reps", "work", "grade", "stretch", "effort", "no_downhill"},
    "intervals.hill_repeats": {"reps", "work", "grade", "no_downhill"},
    "intervals.stair_sprints": {"reps", "work"},
    "intervals.treadmill_hills": {"reps", "work", "incline"},
    "intervals.flat_sprints": {"reps", "work"},
    "intervals.plyometrics": {"reps", "work", "hops"},
    "intervals.strides": {"reps", "work"},
    "runs.easy": {"minutes", "distance", "walk_breaks"},
    "runs.long": {"minutes", "distance", "walk_breaks"},
    "runs.distance.km": {"distance"},
    "runs.distance.mi": {"distance"},
    "runs.with_strides": {"run", "strides"},
    "runs.race": {"warm_up"},
    "strength.session": {"load", "sets", "effort", "progress"},
    "notes.easing_in": {"weeks"},
    "notes.days_too_close": {"days", "count"},
    "notes.race_ahead": {"race_date"},
    "notes.race_week": {"race_date"},
    "notes.race_after": {"race_date"},
    "notes.race_past": {"race_date"},
    "notes.rest_days": {"rest_days"},
    "notes.rest_days_room": {"days", "sessions"},
    **{
        f"reasons.what.{kind}": {"purpose"}
        for kind in (
            "hill_sprints",
            "hill_repeats",
            "stair_sprints",
            "treadmill_hills",
            "flat_sprints",
            "plyometrics",
            "strength",
        )
    },
    "reasons.when.taper": {"days", "race_date"},
    "reasons.when.eve": {"race_date"},
    "reasons.when.after_race": {"days"},
    "reasons.when.easing_in": {"week", "weeks"},
    "reasons.when.long_grows": {"minutes", "change"},
    "reasons.when.long_holds": {"minutes"},
    "reasons.when.long_first": {"minutes"},
    "reasons.when.kept_easy": {"day"},
    "reasons.when.hard_spaced": {"gap", "before"},
    "reasons.when.hard_first": {"before"},
}


def texts(node: object, path: str = "") -> Iterator[tuple[str, Text | str]]:
    """Every text in the content, by dotted path: a Text with placeholders or a plain str."""
    assert dataclasses.is_dataclass(node)
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        dotted = f"{path}.{f.name}" if path else f.name
        if isinstance(value, Text | str):
            yield dotted, value
        else:
            yield from texts(value, dotted)


def used_names(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


# --- the bundled file ----------------------------------------------------------------------------
def test_bundled_content_loads_cleanly_and_once() -> None:
    assert check_content() == []
    assert check_content(BUNDLED) == []
    content = bundled_content()
    assert isinstance(content, PlannerText)
    assert bundled_content() is content  # read once
    assert load_content(BUNDLED) == content


def test_every_text_keeps_exactly_its_placeholders() -> None:
    found = dict(texts(bundled_content()))
    assert set(PLACEHOLDERS) <= set(found)
    for path, text in found.items():
        expected = PLACEHOLDERS.get(path, set())
        if isinstance(text, str):
            assert not expected, f"{path} lost its placeholders {expected}"
            assert "{" not in text and "}" not in text, path
            template = text
        else:
            assert text.placeholders == expected, path
            template = text.template
        assert used_names(template) == expected, path
        assert template.strip() == template and template, path


def test_texts_looked_up_by_enum_value_cover_every_value() -> None:
    c = bundled_content()
    names = {f.name for f in dataclasses.fields(c.titles)}
    assert {kind.value for kind in SessionKind} | {"lifting"} == names
    assert {f.name for f in dataclasses.fields(c.notes.goal)} == {g.value for g in Goal}
    assert {f.name for f in dataclasses.fields(c.notes.hills)} == {h.value for h in Hills}


def test_plans_use_the_content_they_are_given() -> None:
    profile = Profile.from_values(level="regular", goal="both", hills="steep", days="5")
    default = plan_week(profile, 2)
    assert plan_week(profile, 2, bundled_content()) == default
    c = bundled_content()
    edited = dataclasses.replace(
        c,
        titles=dataclasses.replace(c.titles, hill_sprints="Hill blasts"),
        safety="Be careful.",
    )
    plan = plan_week(profile, 2, content=edited)
    assert "Hill blasts" in [s.title for s in plan.sessions]
    assert plan.safety == "Be careful."
    assert "Hill blasts" not in [s.title for s in plan_week(profile, 2).sessions]


def test_text_format_takes_exactly_its_placeholders() -> None:
    text = bundled_content().intervals.stair_sprints
    assert text.format(reps=4, work=10).startswith("4 x 10 s running up stairs")
    with pytest.raises(TypeError):
        text.format(reps=4)
    with pytest.raises(TypeError):
        text.format(reps=4, work=10, extra=1)


def test_planner_modules_stay_pure() -> None:
    for name in ("content.py", "sessions.py", "planner.py", "profile.py", "calendar.py"):
        tree = ast.parse((PLANNER_DIR / name).read_text(encoding="utf-8"))
        imported = {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }  # fmt: skip
        roots = {module.split(".")[0] for module in imported}
        assert not roots & {"discord", "aiosqlite"}, name


# --- mistakes in an edited copy ------------------------------------------------------------------
def edited_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> str:
    """Write content.yaml with `old` replaced once by `new` into the current (temporary) directory;
    returns the edited text."""
    text = BUNDLED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content.yaml").write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    (index,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return index


# (what is wrong, text replaced, replacement, a snippet of the reported line, expected message)
MISTAKES = [
    (
        "yaml syntax",
        "  lifting: Your lifting session\n",
        "   lifting: Your lifting session\n",
        "   lifting:",
        "invalid YAML: did not find expected key",
    ),
    (
        "duplicate key",
        "  hill_repeats: Hill repeats\n",
        "  hill_repeats: Hill repeats\n  hill_repeats: Hill climbs\n",
        "Hill climbs",
        "duplicate key 'titles.hill_repeats' (first at line",
    ),
    (
        "unknown key",
        "  lifting: Your lifting session\n",
        "  lifting: Your lifting session\n  liftin: Lifting\n",
        "liftin: Lifting",
        "unknown key 'titles.liftin'; did you mean 'lifting'?",
    ),
    (
        "missing key",
        '  cool_down: "Cool-down: 5-10 min easy jog or walk on the flat."\n',
        "",
        "intervals:",
        "missing key 'intervals.cool_down'",
    ),
    (
        "placeholder not allowed",
        "{reps} x {work} s strides on flat ground",
        "{reps} x {work} s {pace} strides on flat ground",
        "  strides: >-",
        "intervals.strides: placeholder {pace} is not allowed here; allowed: {reps}, {work}",
    ),
    (
        "placeholder lost",
        "{reps} x {work} s running up stairs",
        "{work} s running up stairs",
        "  stair_sprints: >-",
        "intervals.stair_sprints: placeholder {reps} is missing",
    ),
    (
        "unclosed brace",
        "Warm-up: {minutes} min",
        "Warm-up: {minutes min",
        "  warm_up:",
        "intervals.warm_up: unparseable format string",
    ),
    (
        "stray closing brace",
        "walk on the flat.",
        "walk on the flat.}",
        "  cool_down:",
        "intervals.cool_down: unparseable format string: Single '}'",
    ),
    (
        "positional placeholder",
        "{run} Then {strides}",
        "{run} Then {}",
        "  with_strides:",
        "runs.with_strides: positional placeholder {}",
    ),
    (
        "attribute access",
        "Then {strides}",
        "Then {strides.upper}",
        "  with_strides:",
        "runs.with_strides: placeholder {strides.upper}: only a plain name",
    ),
    (
        "conversion",
        "Then {strides}",
        "Then {strides!r}",
        "  with_strides:",
        "runs.with_strides: placeholder {strides!r}: conversions",
    ),
    (
        "bad format spec",
        '    km: "about {distance:g} km"',
        '    km: "about {distance:d} km"',
        "about {distance:d} km",
        "runs.distance.km: unusable format spec: Unknown format code 'd'",
    ),
    (
        "empty text",
        "  plyometrics_older: Keep the jumps low.\n",
        "  plyometrics_older:\n",
        "  plyometrics_older:",
        "intervals.plyometrics_older: the text is empty",
    ),
    (
        "list instead of text",
        "  easy_run: Easy run\n",
        "  easy_run: [Easy, run]\n",
        "  easy_run: [",
        "titles.easy_run: expected a text, not a list",
    ),
    (
        "text instead of mapping",
        "  hops:\n    two_footed: two-footed hops\n    other: hops\n",
        "  hops: hops\n",
        "  hops: hops",
        "intervals.hops: expected a mapping with keys two_footed, other",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [m[1:] for m in MISTAKES],
    ids=[m[0] for m in MISTAKES],
)
def test_each_mistake_is_reported_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, where: str, message: str
) -> None:
    text = edited_copy(tmp_path, monkeypatch, old, new)
    problems = check_content("content.yaml")
    prefix = f"content.yaml:{line_of(text, where)}: "
    assert any(p.startswith(prefix) and message in p for p in problems), problems
    with pytest.raises(ContentError) as raised:
        load_content(tmp_path / "content.yaml")
    assert raised.value.problems == problems


def test_unknown_key_also_reports_the_key_it_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = edited_copy(
        tmp_path, monkeypatch, "  lifting: Your lifting session\n", "  liftin: Lifting\n"
    )
    assert check_content("content.yaml") == [
        f"content.yaml:{line_of(text, 'titles:')}: missing key 'titles.lifting'",
        f"content.yaml:{line_of(text, 'liftin:')}: unknown key 'titles.liftin'; "
        "did you mean 'lifting'?",
    ]


def test_every_problem_is_reported_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    text = text.replace("{reps} x {work} s running up stairs", "{work} s running up stairs")
    text = text.replace("Then {strides}", "Then {stride}")
    (tmp_path / "content.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    problems = check_content(tmp_path / "content.yaml")
    assert len(problems) == 3, problems  # {reps} missing; {stride} not allowed, {strides} missing
    assert all(p.startswith("content.yaml:") for p in problems)
    assert [int(p.split(":")[1]) for p in problems] == sorted(
        int(p.split(":")[1]) for p in problems
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "content.yaml: empty file"),
        (b"just a sentence\n", "content.yaml:1: expected a mapping with keys titles, intervals"),
        (b"titles: {}\n\xff\n", "content.yaml: not valid UTF-8"),
    ],
    ids=["empty", "not a mapping", "not utf-8"],
)
def test_unusable_files_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes, message: str
) -> None:
    (tmp_path / "content.yaml").write_bytes(body)
    monkeypatch.chdir(tmp_path)
    problems = check_content("content.yaml")
    assert problems and problems[0].startswith(message), problems


def test_a_missing_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert check_content("nowhere.yaml") == [
        "nowhere.yaml: cannot read file: No such file or directory"
    ]
