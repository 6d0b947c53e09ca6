"""The matcher's vocabulary (knowledge/vocabulary.yaml) as one immutable, typed object.

It is tuning data curators edit beside the entries, so it is validated like them: every problem
comes back with its line (duplicate keys, unknown sections, words that can never match, broken
regexes, `zz` sentinel tokens used but not declared). Pure: text in, Vocabulary or issues out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from bot.core import yamlnodes
from bot.core.yamlnodes import line_of
from bot.features.faq.text import URL_TOKEN

VOCABULARY_FILE = "vocabulary.yaml"
SENTINEL_PREFIX = "zz"
MAX_LEADING_WORDS = 3  # the matcher looks at a question's first one to three words

# The C composer is the same safe parser as yaml.SafeLoader, just faster; both keep node marks.
_WORD = re.compile(r"[a-z0-9]+")
_SENTINEL = re.compile(rf"{SENTINEL_PREFIX}[a-z0-9]+")
_NULL_TAG = "tag:yaml.org,2002:null"
# Plain scalars are read as their text ("no" is a word, not False); explicit other tags are not.
_TEXT_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "float"))


class SentinelKind(StrEnum):
    OFF_TOPIC = "off_topic"  # weighs as an off-topic cue
    PERFORMANCE = "performance"  # a race or speed word
    FOREIGN = "foreign"  # weighs as a word the index has never seen
    # Asks who someone is: about a person the knowledge cites, a question about that expert;
    # about anyone else, trivia the articles never give (then an off-topic cue).
    WHO_QUESTION = "who_question"


@dataclass(frozen=True, slots=True)
class Sentinel:
    kind: SentinelKind
    why: str


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """Every word list and map the analyzer uses; see knowledge/vocabulary.yaml for each one."""

    sentinels: Mapping[str, Sentinel]
    stop_words: frozenset[str]
    phrases: Mapping[str, str]  # folded multi-word phrase -> canonical words ("" drops it)
    words: Mapping[str, str]  # folded word -> canonical words, in file order
    generic: frozenset[str]
    off_topic: frozenset[str]  # listed words plus off_topic and who_question sentinels
    performance: frozenset[str]  # listed words plus performance sentinels
    body_intent: frozenset[str]
    pain: frozenset[str]
    body_parts: frozenset[str]
    leading: Mapping[str, str]
    leading_filler: frozenset[str]
    injection: re.Pattern[str]
    who_questions: frozenset[str]  # who_question sentinels

    @property
    def max_phrase_words(self) -> int:
        return max((len(p.split()) for p in self.phrases), default=1)


class Issue(NamedTuple):
    """One problem in the file: its line (None when it has none), the field, what is wrong."""

    line: int | None
    field: str | None
    message: str


class _Scalar(NamedTuple):
    text: str
    line: int


class _Checker:
    """Walks the YAML nodes (which keep their line marks) and collects issues."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.sentinel_uses: list[tuple[str, str, int]] = []  # (token, field, line)
        self.sentinel_keys: dict[str, int] = {}  # every key under sentinels, valid or not

    def report(self, line: int | None, field: str | None, message: str) -> None:
        self.issues.append(Issue(line, field, message))

    def mapping(self, node: yaml.Node, field: str | None) -> list[tuple[_Scalar, yaml.Node]]:
        """The (key, value) pairs of a mapping node (`field` None: the file's top level);
        duplicate keys are reported and skipped."""
        if not isinstance(node, yaml.MappingNode):
            self.report(line_of(node), field, f"must be a mapping, not {_kind(node)}")
            return []
        pairs: list[tuple[_Scalar, yaml.Node]] = []
        first: dict[str, int] = {}
        for key_node, value in node.value:
            key = self.scalar(key_node, f"{field} key" if field else "section name")
            if key is None:
                continue
            if key.text in first:
                # PyYAML silently keeps the last one; a curator almost never means that.
                self.report(
                    key.line, field, f"duplicate key {key.text!r} (first at line {first[key.text]})"
                )
                continue
            first[key.text] = key.line
            pairs.append((key, value))
        return pairs

    def scalar(self, node: yaml.Node, field: str) -> _Scalar | None:
        if not isinstance(node, yaml.ScalarNode):
            self.report(line_of(node), field, f"must be text, not {_kind(node)}")
            return None
        if node.tag == _NULL_TAG:  # only a plain scalar (empty, ~ or null) resolves to null
            self.report(line_of(node), field, 'has no value (write "" for an empty one)')
            return None
        if node.tag not in _TEXT_TAGS:
            self.report(line_of(node), field, f"unsupported YAML tag {node.tag!r}")
            return None
        return _Scalar(node.value, line_of(node))

    def words(self, value: _Scalar, field: str, *, low: int, high: int | None) -> list[str]:
        """Space-separated folded words, `low` to `high` of them: anything else never matches."""
        found = value.text.split()
        bad = [w for w in found if not _WORD.fullmatch(w)]
        if bad:
            self.report(value.line, field, f"{bad[0]!r} is not a folded word (only a-z and 0-9)")
            return []
        if value.text != " ".join(found):
            self.report(value.line, field, f"{value.text!r} must be words with single spaces")
            return []
        if len(found) < low or (high is not None and len(found) > high):
            want = f"{low}" if low == high else f"{low} to {high}" if high else f"at least {low}"
            self.report(value.line, field, f"{value.text!r} must be {want} word(s)")
            return []
        return found

    def word_list(self, node: yaml.Node, section: str) -> frozenset[str]:
        if not isinstance(node, yaml.SequenceNode):
            self.report(line_of(node), section, f"must be a list of words, not {_kind(node)}")
            return frozenset()
        first: dict[str, int] = {}
        for item in node.value:
            value = self.scalar(item, section)
            if value is None or not self.words(value, section, low=1, high=1):
                continue
            if value.text in first:
                where = f"first at line {first[value.text]}"
                self.report(value.line, section, f"{value.text!r} is listed twice ({where})")
            elif value.text.startswith(SENTINEL_PREFIX):
                self.report(
                    value.line,
                    section,
                    f"{value.text!r} looks like a sentinel: declare it under sentinels with its"
                    " kind instead (words starting with 'zz' are reserved for sentinels)",
                )
            first.setdefault(value.text, value.line)
        return frozenset(first)

    def word_map(
        self, node: yaml.Node, section: str, *, low: int, high: int | None
    ) -> dict[str, str]:
        """Folded key words -> canonical words; `low`/`high` bound the key's word count."""
        out: dict[str, str] = {}
        for key, value_node in self.mapping(node, section):
            field = f"{section}.{key.text}"
            value = self.scalar(value_node, field)
            if value is None:
                continue
            # A use counts even when the key has a problem of its own (no "never used" echo).
            for word in value.text.split():
                if word.startswith(SENTINEL_PREFIX):
                    self.sentinel_uses.append((word, field, value.line))
            if not self.words(key, field, low=low, high=high):
                continue
            if value.text and not self.words(value, field, low=1, high=None):
                continue
            out[key.text] = value.text
        return out

    def sentinels(self, node: yaml.Node) -> dict[str, Sentinel]:
        out: dict[str, Sentinel] = {}
        kinds = ", ".join(k.value for k in SentinelKind)
        for key, value_node in self.mapping(node, "sentinels"):
            field = f"sentinels.{key.text}"
            self.sentinel_keys[key.text] = key.line
            if not _SENTINEL.fullmatch(key.text):
                self.report(key.line, field, f"a sentinel is 'zz' plus a-z/0-9 ({key.text!r})")
                continue
            details = {k.text: v for k, v in self.mapping(value_node, field)}
            for name in details.keys() - {"kind", "why"}:
                self.report(line_of(details[name]), f"{field}.{name}", "unknown field")
            kind = self._field_text(details, "kind", field, key.line)
            why = self._field_text(details, "why", field, key.line)
            if kind is not None and kind.text not in {k.value for k in SentinelKind}:
                msg = f"unknown kind {kind.text!r} (known: {kinds})"
                self.report(kind.line, f"{field}.kind", msg)
            elif kind is not None and why is not None:
                out[key.text] = Sentinel(SentinelKind(kind.text), why.text)
        return out

    def _field_text(
        self, details: dict[str, yaml.Node], name: str, field: str, line: int
    ) -> _Scalar | None:
        if name not in details:
            self.report(line, field, f"missing {name!r}")
            return None
        value = self.scalar(details[name], f"{field}.{name}")
        if value is not None and not value.text.strip():
            self.report(value.line, f"{field}.{name}", "must not be empty")
            return None
        return value

    def regex(self, node: yaml.Node, section: str) -> re.Pattern[str] | None:
        """One alternative per list item, each compiled alone so a bad one shows its line."""
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.report(line_of(node), section, "must be a non-empty list of regular expressions")
            return None
        parts: list[str] = []
        for i, item in enumerate(node.value):
            value = self.scalar(item, f"{section}[{i}]")
            if value is None:
                continue
            if not value.text:
                self.report(value.line, f"{section}[{i}]", "an empty pattern matches everything")
                continue
            try:
                re.compile(value.text)
            except re.error as exc:
                self.report(value.line, f"{section}[{i}]", f"invalid regular expression: {exc}")
                continue
            parts.append(value.text)
        if len(parts) < len(node.value):
            return None
        try:
            return re.compile("|".join(parts))
        except re.error as exc:
            self.report(line_of(node), section, f"the joined pattern is invalid: {exc}")
            return None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "text"


# Every section, in file order, and how it is read. Keys of `phrases` need two or more words
# (one-word keys belong in `words`); `leading` is matched on a question's first 1-3 words.
_SECTIONS: dict[str, Callable[[_Checker, yaml.Node, str], Any]] = {
    "sentinels": lambda c, node, _: c.sentinels(node),
    "stop_words": _Checker.word_list,
    "phrases": lambda c, node, name: c.word_map(node, name, low=2, high=None),
    "words": lambda c, node, name: c.word_map(node, name, low=1, high=1),
    "generic": _Checker.word_list,
    "off_topic": _Checker.word_list,
    "performance": _Checker.word_list,
    "body_intent": _Checker.word_list,
    "pain": _Checker.word_list,
    "body_parts": _Checker.word_list,
    "leading": lambda c, node, name: c.word_map(node, name, low=1, high=MAX_LEADING_WORDS),
    "leading_filler": _Checker.word_list,
    "injection": lambda c, node, name: c.regex(node, name),
}


def parse_vocabulary(text: str) -> tuple[Vocabulary | None, list[Issue]]:
    """The Vocabulary, or None and every issue found (sorted by line)."""
    checker = _Checker()
    try:
        root = yamlnodes.compose(text)
    except yamlnodes.YamlSyntaxError as exc:
        return None, [Issue(exc.line, None, exc.message)]
    if root is None:
        return None, [Issue(None, None, f"empty: it needs the sections {', '.join(_SECTIONS)}")]
    if not isinstance(root, yaml.MappingNode):
        return None, [
            Issue(line_of(root), None, f"must be a mapping of sections, not {_kind(root)}")
        ]
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, node in checker.mapping(root, None):
        read = _SECTIONS.get(key.text)
        if read is None:
            known = ", ".join(_SECTIONS)
            checker.report(key.line, key.text, f"unknown section (known: {known})")
            continue
        values[key.text] = read(checker, node, key.text)
        lines[key.text] = key.line
    for name in _SECTIONS.keys() - values.keys():
        checker.report(line_of(root), name, "missing section")
    if "sentinels" in values:
        _check_sentinels(checker, values["sentinels"], lines["sentinels"])
    issues = sorted(checker.issues, key=lambda i: (i.line or 0, i.field or ""))
    if issues:
        return None, issues
    return _build(values), []


def _check_sentinels(checker: _Checker, declared: dict[str, Sentinel], section_line: int) -> None:
    """Every zz token used is declared (and the URL token too); every declared one is used."""
    kinds = ", ".join(k.value for k in SentinelKind)
    for token, field, line in checker.sentinel_uses:
        # A declaration with problems of its own is already reported; do not repeat each use.
        if token not in checker.sentinel_keys:
            msg = f"sentinel {token!r} is used but not declared under sentinels (kinds: {kinds})"
            checker.report(line, field, msg)
    if URL_TOKEN not in checker.sentinel_keys:
        msg = f"{URL_TOKEN!r} must be declared: text folding puts it in place of every link"
        checker.report(section_line, "sentinels", msg)
    used = {token for token, _, _ in checker.sentinel_uses} | {URL_TOKEN}
    for token in sorted(declared.keys() - used):
        line = checker.sentinel_keys[token]
        checker.report(line, f"sentinels.{token}", "declared but never used")


def _build(values: dict[str, Any]) -> Vocabulary:
    sentinels: dict[str, Sentinel] = values["sentinels"]

    def of_kind(kind: SentinelKind) -> frozenset[str]:
        return frozenset(t for t, s in sentinels.items() if s.kind is kind)

    return Vocabulary(
        sentinels=MappingProxyType(sentinels),
        stop_words=values["stop_words"],
        phrases=MappingProxyType(values["phrases"]),
        words=MappingProxyType(values["words"]),
        generic=values["generic"],
        off_topic=(
            values["off_topic"]
            | of_kind(SentinelKind.OFF_TOPIC)
            | of_kind(SentinelKind.WHO_QUESTION)
        ),
        performance=values["performance"] | of_kind(SentinelKind.PERFORMANCE),
        body_intent=values["body_intent"],
        pain=values["pain"],
        body_parts=values["body_parts"],
        leading=MappingProxyType(values["leading"]),
        leading_filler=values["leading_filler"],
        injection=values["injection"],
        who_questions=of_kind(SentinelKind.WHO_QUESTION),
    )
