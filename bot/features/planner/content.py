"""The planner's member-facing text: content.yaml (package data) loaded into a frozen PlannerText.

The wording lives in a file so it can be edited without touching the planner's logic. Each text
declares the exact {placeholders} it must use, and the loader reports every problem (YAML syntax,
duplicate, unknown or missing keys, placeholders not allowed, missing or malformed) as
"file:line: message" in one pass: `check_content` for `coach check`, `load_content` to use a file.
Pure: reads one file, imports neither discord nor the database.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Formatter
from types import MappingProxyType
from typing import Annotated, TypeVar, get_args, get_origin, get_type_hints

import yaml

from bot.core import yamlnodes
from bot.core.yamlnodes import line_of

__all__ = [
    "ContentError",
    "PlannerText",
    "Text",
    "bundled_content",
    "check_content",
    "load_content",
    "parse_content",
]

CONTENT_FILE = "content.yaml"
_NULL_TAG = "tag:yaml.org,2002:null"
# Stand-in values, by placeholder type, to try each text's format specs (e.g. {distance:g}).
_SAMPLES: Mapping[type, object] = MappingProxyType({int: 1, float: 1.5, str: "text"})


class ContentError(ValueError):
    """Raised by `load_content`; `problems` holds one "file:line: message" string per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Text:
    """One text and the placeholder names it uses; `format` fills in exactly those."""

    template: str
    placeholders: frozenset[str]

    def format(self, **values: object) -> str:
        # As many values as placeholders, and str.format finds each by name: so exactly those.
        if len(values) == len(self.placeholders):
            try:
                return self.template.format(**values)
            except KeyError:
                pass
        raise TypeError(
            f"text {self.template[:40]!r}... takes {sorted(self.placeholders)}, "
            f"got {sorted(values)}"
        )


class Uses:
    """Marks a Text field: its text must use exactly these placeholders (name=type).

    A text without placeholders is a plain `str` field, with {{ and }} already undone.
    """

    __slots__ = ("placeholders",)

    def __init__(self, **placeholders: type) -> None:
        self.placeholders: Mapping[str, type] = MappingProxyType(placeholders)


# --- the shape of content.yaml: a frozen dataclass per mapping, a str or Text per text ---------
@dataclass(frozen=True, slots=True)
class Titles:
    """One field per SessionKind value (looked up by it), plus the lifters' strength title."""

    hill_sprints: str
    hill_repeats: str
    stair_sprints: str
    treadmill_hills: str
    flat_sprints: str
    strides: str
    plyometrics: str
    easy_run: str
    long_run: str
    strength: str
    race: str
    lifting: str


@dataclass(frozen=True, slots=True)
class Grades:
    steep: str
    gentle: str


@dataclass(frozen=True, slots=True)
class ByUnits:
    km: str
    mi: str


@dataclass(frozen=True, slots=True)
class DistanceByUnits:
    km: Annotated[Text, Uses(distance=float)]
    mi: Annotated[Text, Uses(distance=float)]


@dataclass(frozen=True, slots=True)
class NewOrOther:
    new: str
    other: str


@dataclass(frozen=True, slots=True)
class Hops:
    two_footed: str
    other: str


@dataclass(frozen=True, slots=True)
class Intervals:
    session: Annotated[Text, Uses(warm_up=str, main=str, cool_down=str)]
    warm_up: Annotated[Text, Uses(minutes=int)]
    cool_down: str
    no_downhill: str
    grade: Grades
    stretch: ByUnits
    hill_sprints: Annotated[
        Text, Uses(reps=int, work=int, grade=str, stretch=str, effort=str, no_downhill=str)
    ]
    hill_sprints_effort: NewOrOther
    hill_repeats: Annotated[Text, Uses(reps=int, work=int, grade=str, no_downhill=str)]
    stair_sprints: Annotated[Text, Uses(reps=int, work=int)]
    treadmill_hills: Annotated[Text, Uses(reps=int, work=int, incline=int)]
    flat_sprints: Annotated[Text, Uses(reps=int, work=int)]
    plyometrics: Annotated[Text, Uses(reps=int, work=int, hops=str)]
    hops: Hops
    plyometrics_older: str
    strides: Annotated[Text, Uses(reps=int, work=int)]


@dataclass(frozen=True, slots=True)
class Runs:
    easy: Annotated[Text, Uses(minutes=int, distance=str, walk_breaks=str)]
    long: Annotated[Text, Uses(minutes=int, distance=str, walk_breaks=str)]
    walk_breaks: NewOrOther
    distance: DistanceByUnits
    with_strides: Annotated[Text, Uses(run=str, strides=str)]
    race: Annotated[Text, Uses(warm_up=str)]


@dataclass(frozen=True, slots=True)
class Loads:
    easing_in: str
    lifts: str
    new: str
    other: str


@dataclass(frozen=True, slots=True)
class Sets:
    recovery: str
    build: str


@dataclass(frozen=True, slots=True)
class Efforts:
    easing_in: str
    light: str
    build: str


@dataclass(frozen=True, slots=True)
class Progress:
    build: str
    hold: str


@dataclass(frozen=True, slots=True)
class Strength:
    session: Annotated[Text, Uses(load=str, sets=str, effort=str, progress=str)]
    effort: Efforts
    progress: Progress
    load: Loads
    sets: Sets


@dataclass(frozen=True, slots=True)
class GoalNotes:
    """One field per Goal value (looked up by it)."""

    muscle: str
    both: str
    endurance: str


@dataclass(frozen=True, slots=True)
class HillsNotes:
    """One field per Hills value (looked up by it)."""

    steep: str
    gentle: str
    stairs: str
    treadmill: str
    flat: str


@dataclass(frozen=True, slots=True)
class Notes:
    goal: GoalNotes
    long_run: str
    eat: str
    sleep: str
    lifter: str
    hills: HillsNotes
    new_runner: str
    trained: str
    older: str
    easing_in: Annotated[Text, Uses(weeks=str)]
    recovery_week: str
    progression: str
    days_too_close: Annotated[Text, Uses(days=str, count=int)]
    race_ahead: Annotated[Text, Uses(race_date=str)]
    race_week: Annotated[Text, Uses(race_date=str)]
    race_after: Annotated[Text, Uses(race_date=str)]
    race_past: Annotated[Text, Uses(race_date=str)]
    rest_days: Annotated[Text, Uses(rest_days=str)]
    rest_days_room: Annotated[Text, Uses(days=int, sessions=int)]


_PURPOSE = Annotated[Text, Uses(purpose=str)]


@dataclass(frozen=True, slots=True)
class WhatReasons:
    """One field per SessionKind value (looked up by it)."""

    hill_sprints: _PURPOSE
    hill_repeats: _PURPOSE
    stair_sprints: _PURPOSE
    treadmill_hills: _PURPOSE
    flat_sprints: _PURPOSE
    plyometrics: _PURPOSE
    strides: str
    easy_run: str
    long_run: str
    strength: _PURPOSE
    race: str


@dataclass(frozen=True, slots=True)
class Purposes:
    """One field per Goal value (looked up by it)."""

    muscle: str
    both: str
    endurance: str


@dataclass(frozen=True, slots=True)
class WhenReasons:
    taper: Annotated[Text, Uses(days=int, race_date=str)]
    eve: Annotated[Text, Uses(race_date=str)]
    after_race: Annotated[Text, Uses(days=int)]
    easing_in: Annotated[Text, Uses(week=int, weeks=int)]
    back_from_break: str
    recovery: str
    long_grows: Annotated[Text, Uses(minutes=int, change=int)]
    long_holds: Annotated[Text, Uses(minutes=int)]
    long_first: Annotated[Text, Uses(minutes=int)]
    kept_easy: Annotated[Text, Uses(day=str)]
    hard_spaced: Annotated[Text, Uses(gap=int, before=str)]
    hard_first: Annotated[Text, Uses(before=str)]
    strength_spaced: str
    strength_spaced_cautious: str
    easy_between: str
    new_runner: str
    older: str


@dataclass(frozen=True, slots=True)
class BeforeDay:
    rest: str
    easy: str
    long: str
    strength: str


@dataclass(frozen=True, slots=True)
class Reasons:
    what: WhatReasons
    purpose: Purposes
    strength_purpose: Purposes
    when: WhenReasons
    before: BeforeDay


@dataclass(frozen=True, slots=True)
class PlannerText:
    """Every text the planner shows, as laid out in content.yaml."""

    titles: Titles
    intervals: Intervals
    runs: Runs
    strength: Strength
    notes: Notes
    reasons: Reasons
    safety: str


# --- loading -------------------------------------------------------------------------------------
T = TypeVar("T")


class _Report:
    """Collects "file:line: message" problems for one file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[tuple[int, str]] = []

    def at(self, line: int | None, message: str) -> None:
        where = self.source if line is None else f"{self.source}:{line}"
        self.problems.append((line or 0, f"{where}: {message}"))

    def sorted(self) -> list[str]:
        return [message for _, message in sorted(self.problems, key=lambda p: p[0])]


def parse_content(text: str, source: str) -> tuple[PlannerText | None, list[str]]:
    """The content in `text` (read from `source`, named in messages), or None and the problems."""
    report = _Report(source)
    try:
        root = yamlnodes.compose(text)
    except yamlnodes.YamlSyntaxError as exc:
        report.at(exc.line, exc.message)
        return None, report.sorted()
    if root is None:
        report.at(None, "empty file: expected the planner texts")
        return None, report.sorted()
    content = _section(PlannerText, root, "", 1, report)
    problems = report.sorted()
    return (None if problems else content), problems


def _section(cls: type[T], node: yaml.Node, path: str, line: int, report: _Report) -> T | None:
    """Build the frozen dataclass `cls` from a mapping node; `line` is where its key is."""
    names = [f.name for f in dataclasses.fields(cls)]
    where = f"{path}: " if path else ""
    if not isinstance(node, yaml.MappingNode):
        report.at(line_of(node), f"{where}expected a mapping with keys {', '.join(names)}")
        return None
    found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            report.at(line_of(key), f"{where}a key must be a plain name")
            continue
        name = str(key.value)
        dotted = f"{path}.{name}" if path else name
        if name in found:
            # PyYAML keeps the last of two equal keys without a word; an editor never means that.
            first = line_of(found[name][0])
            report.at(line_of(key), f"duplicate key {dotted!r} (first at line {first})")
        elif name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {names}"
            report.at(line_of(key), f"unknown key {dotted!r}{hint}")
        else:
            found[name] = (key, value)
    hints = get_type_hints(cls, include_extras=True)
    values: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        dotted = f"{path}.{f.name}" if path else f.name
        if f.name not in found:
            report.at(line if path else line_of(node), f"missing key {dotted!r}")
            continue
        key, value = found[f.name]
        kind = hints[f.name]
        if kind is str:
            text = _leaf(value, dotted, MappingProxyType({}), report)
            values[f.name] = None if text is None else text.format()
        elif get_origin(kind) is Annotated:
            values[f.name] = _leaf(value, dotted, _placeholders(kind), report)
        else:
            values[f.name] = _section(kind, value, dotted, line_of(key), report)
    if len(values) < len(names) or any(v is None for v in values.values()):
        return None
    return cls(**values)


def _placeholders(hint: object) -> Mapping[str, type]:
    """The placeholders an `Annotated[Text, Uses(...)]` field allows."""
    (mark,) = [m for m in get_args(hint)[1:] if isinstance(m, Uses)]
    return mark.placeholders


def _leaf(node: yaml.Node, path: str, allowed: Mapping[str, type], report: _Report) -> Text | None:
    """One text: a string whose {placeholders} are exactly those `allowed` for it."""
    line = line_of(node)
    if not isinstance(node, yaml.ScalarNode):
        report.at(line, f"{path}: expected a text, not a {_shape(node)}")
        return None
    template = str(node.value)
    if node.tag == _NULL_TAG or not template.strip():
        report.at(line, f"{path}: the text is empty")
        return None
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        hint = "write {{ or }} for a literal brace"
        report.at(line, f"{path}: unparseable format string: {exc} ({hint})")
        return None
    allowed_list = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
    used: set[str] = set()
    ok = True
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        shown += "}"
        if not name or name.isdigit():
            problem = f"positional placeholder {shown}: give it a name ({allowed_list})"
        elif not name.isidentifier():
            problem = f"placeholder {shown}: only a plain name, no attributes or indexing"
        elif name not in allowed:
            problem = f"placeholder {shown} is not allowed here; allowed: {allowed_list}"
        elif conversion:
            problem = f"placeholder {shown}: conversions (!r, !s, !a) are not allowed"
        elif spec and "{" in spec:
            problem = f"placeholder {shown}: no placeholders inside a format spec"
        else:
            used.add(name)
            continue
        report.at(line, f"{path}: {problem}")
        ok = False
    for name in sorted(allowed.keys() - used):
        report.at(line, f"{path}: placeholder {{{name}}} is missing; this text must show it")
        ok = False
    if not ok:
        return None
    try:
        template.format(**{name: _SAMPLES[kind] for name, kind in allowed.items()})
    except (ValueError, TypeError) as exc:
        report.at(line, f"{path}: unusable format spec: {exc}")
        return None
    return Text(template=template, placeholders=frozenset(allowed))


def _shape(node: yaml.Node) -> str:
    return "mapping" if isinstance(node, yaml.MappingNode) else "list"


# --- the bundled file, other files, and `coach check` --------------------------------------------
def _show(path: Path) -> str:
    """Relative to the current directory when the file is under it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _bundled() -> Traversable:
    return resources.files("bot.features.planner").joinpath(CONTENT_FILE)


def _read(file: Traversable) -> tuple[PlannerText | None, list[str]]:
    source = _show(Path(str(file)))
    try:
        text = file.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        return None, [f"{source}: not valid UTF-8 ({exc.reason} at byte {exc.start})"]
    except OSError as exc:
        return None, [f"{source}: cannot read file: {exc.strerror or exc}"]
    return parse_content(text, source)


def _load(file: Traversable) -> PlannerText:
    content, problems = _read(file)
    if content is None:
        raise ContentError(problems)
    return content


def load_content(path: str | os.PathLike[str]) -> PlannerText:
    """The planner text in the file at `path`; raises ContentError listing every problem."""
    return _load(Path(path))


@functools.cache
def bundled_content() -> PlannerText:
    """The content.yaml shipped with the planner, read once (it never changes while running)."""
    return _load(_bundled())


def check_content(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Problems in the planner content file (the bundled one when `path` is None), or []."""
    return _read(_bundled() if path is None else Path(path))[1]
