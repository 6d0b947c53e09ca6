"""Club entries: a server's own questions and answers, matched beside the article entries.

Organisers (Manage Server) write them in Discord or import a YAML file; each belongs to one
server and is shown as the club's information, never as an article claim. This module is the
pure part: the entry, its limits, validating what an organiser typed (a form's three boxes or a
YAML file, with line numbers), and `ClubIndex`, one server's entries ready to match.

How a question is matched (`answer`): the article matcher runs as always and hands back the
question's vector from its own run of the model; the club index compares that vector with every
title and alternative phrasing of the server's entries, adds lexical evidence, and takes over
only when the club entry is clearly the better reading of the question:

    score = cosine + dice_weight * dice - article_weight * article_cosine >= threshold

where `cosine` is the question's best cosine to one of the entry's phrasings, `dice` the weighted
overlap of their words, and `article_cosine` the question's best cosine to any article entry's
title or alias. When the article matcher answered, the club phrasing must also be at least as
close as the nearest article phrasing. A question naming a weekday never gets an entry about
other days (the model places weekdays almost on top of each other). With no club entries the
article matcher's verdict is returned untouched, so the FAQ eval sets score exactly as before.
The threshold and weights (and the autocomplete's bar) depend on the embedding model's cosines,
so they are tuning data: knowledge/club.yaml, read into a `ClubTuning` with the rest of the
knowledge and passed to each match rather than kept in the index, so `/kb reload` changes them
without rebuilding any server's index. `python -m bench.club_sweep` re-measures them on
tests/data/club_questions.jsonl against the 200 entries of tests/data/club_entries.yaml and every
committed eval set (figures: docs/faq-matcher.md, "Club entries").
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import yaml
from rapidfuzz import fuzz, process

from bot.core import yamlnodes
from bot.core.yamlnodes import line_of
from bot.features.faq import text
from bot.features.faq.club_tuning import ClubTuning
from bot.features.faq.loader import Problem
from bot.features.faq.matching import Embedded, Match, Matcher

# Limits (issue 12): per server, per entry.
ENTRIES_MAX = 200
QUESTION_MAX = 120  # the question and each other phrasing
ANSWER_MAX = 1500
ALIASES_MAX = 20
# The form's box for other phrasings: one per line.
ALIASES_BOX_MAX = ALIASES_MAX * (QUESTION_MAX + 1)

# Question words that say what a club question is after (a time, a place, a person, a price):
# stop words for the article matcher, evidence here.
INTENT_WORDS = frozenset({"when", "where", "time", "who", "much"})
_WEEKDAYS = {
    "monday": "monday",
    "mon": "monday",
    "tuesday": "tuesday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wednesday": "wednesday",
    "wed": "wednesday",
    "weds": "wednesday",
    "thursday": "thursday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "friday": "friday",
    "fri": "friday",
    "saturday": "saturday",
    "sunday": "sunday",
}
CHOICE_PREFIX = "club:"  # an autocomplete value naming a club entry: club:<id>
_CHOICE = re.compile(rf"{CHOICE_PREFIX}([0-9]{{1,18}})")
NAME_LIMIT = 100


# -- entries and their validation ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryText:
    """What an organiser wrote for one entry, validated (see `entry_text`)."""

    question: str
    aliases: tuple[str, ...]
    answer: str

    @property
    def key(self) -> str:
        return question_key(self.question)


@dataclass(frozen=True, slots=True)
class ClubEntry:
    """A stored club entry: one server's question, its other phrasings and the answer."""

    id: int
    guild_id: int
    question: str
    aliases: tuple[str, ...]
    answer: str

    @property
    def labels(self) -> tuple[str, ...]:
        """The question first, then each other phrasing."""
        return (self.question, *self.aliases)

    @property
    def text(self) -> EntryText:
        return EntryText(self.question, self.aliases, self.answer)


class EntryProblem(ValueError):
    """An entry an organiser must fix: `kind` names the message (templates/faq/club_error.j2 in
    Discord, MESSAGES in files), `context` its details (the limit, the length)."""

    def __init__(self, kind: str, **context: Any) -> None:
        super().__init__(kind)
        self.kind = kind
        self.context = context

    def __str__(self) -> str:
        return MESSAGES[self.kind].format(**self.context)

    @property
    def field(self) -> str:
        """The field at fault: question, aliases or answer."""
        if self.kind.startswith("answer"):
            return "answer"
        return "aliases" if "alias" in self.kind else "question"


# One line each, for the CLI and file problems (Discord replies use templates/faq/club_error.j2).
MESSAGES = {
    "question_empty": "the question is empty",
    "question_no_words": "the question needs some words",
    "question_too_long": "the question is {length} characters; the limit is {limit}",
    "answer_empty": "the answer is empty",
    "answer_too_long": "the answer is {length} characters; the limit is {limit}",
    "alias_too_long": "other wording {number} is {length} characters; the limit is {limit}",
    "too_many_aliases": "{count} other wordings; the limit is {limit}",
}


def question_key(question: str) -> str:
    """What makes two questions the same entry: their folded words ("What time?" = "what time")."""
    return text.fold(question)


def split_aliases(box: str) -> list[str]:
    """The other phrasings typed in the form's box, one per line (blank lines ignored)."""
    return [line.strip() for line in box.splitlines() if line.strip()]


def _one_line(value: str) -> str:
    return " ".join(value.split())


def entry_text(question: str, aliases: Iterable[str], answer: str) -> EntryText:
    """Validate and tidy one entry; raises EntryProblem. Whitespace is trimmed (and squeezed in
    the question and phrasings); a phrasing repeating the question or another one is dropped."""
    question = _one_line(question)
    if not question:
        raise EntryProblem("question_empty")
    if len(question) > QUESTION_MAX:
        raise EntryProblem("question_too_long", length=len(question), limit=QUESTION_MAX)
    if not question_key(question):
        raise EntryProblem("question_no_words")
    kept: list[str] = []
    seen = {question_key(question)}
    given = [_one_line(a) for a in aliases]
    given = [a for a in given if a]
    for number, alias in enumerate(given, 1):
        if len(alias) > QUESTION_MAX:
            raise EntryProblem(
                "alias_too_long", number=number, length=len(alias), limit=QUESTION_MAX
            )
        key = question_key(alias)
        if key and key not in seen:
            seen.add(key)
            kept.append(alias)
    if len(kept) > ALIASES_MAX:
        raise EntryProblem("too_many_aliases", count=len(kept), limit=ALIASES_MAX)
    answer = answer.strip()
    if not answer:
        raise EntryProblem("answer_empty")
    if len(answer) > ANSWER_MAX:
        raise EntryProblem("answer_too_long", length=len(answer), limit=ANSWER_MAX)
    return EntryText(question, tuple(kept), answer)


# -- the YAML file organisers import and export -----------------------------------------------

_FIELDS = ("question", "aliases", "answer")


class ClubFileError(ValueError):
    """A club file that can't be imported: every problem, each with its line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def parse_file(content: str, file: str) -> list[EntryText]:
    """The entries of a club file: a YAML list of mappings with `question`, `answer` and optional
    `aliases` (a list of strings). Raises ClubFileError naming every problem with its line."""
    problems: list[Problem] = []
    try:
        root = yamlnodes.compose(content)
    except yamlnodes.YamlSyntaxError as exc:
        raise ClubFileError([Problem(file, exc.line, None, exc.message)]) from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise ClubFileError(
            [Problem(file, line_of(root), None, "expected a list of entries (each `- question:`)")]
        )
    entries: list[EntryText] = []
    first_line: dict[str, int] = {}
    for item in root.value:
        found = _entry_of(item, file, problems)
        if found is None:
            continue
        line = line_of(item)
        if found.key in first_line:
            problems.append(
                Problem(
                    file,
                    line,
                    "question",
                    f"the same question as the entry on line {first_line[found.key]}",
                )
            )
            continue
        first_line[found.key] = line
        entries.append(found)
    if len(entries) > ENTRIES_MAX and not problems:
        problems.append(
            Problem(file, line_of(root), None, f"{len(entries)} entries; at most {ENTRIES_MAX}")
        )
    if problems:
        raise ClubFileError(problems)
    return entries


def _entry_of(node: yaml.Node, file: str, problems: list[Problem]) -> EntryText | None:
    line = line_of(node)
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(file, line, None, "an entry is a mapping: question, answer"))
        return None
    fields: dict[str, yaml.Node] = {}
    ok = True
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in _FIELDS:
            problems.append(
                Problem(
                    file,
                    line_of(key_node),
                    str(key),
                    "unknown field (an entry has question, aliases and answer)",
                )
            )
            ok = False
        elif key in fields:
            problems.append(Problem(file, line_of(key_node), key, "given twice"))
            ok = False
        else:
            fields[key] = value_node
    values: dict[str, Any] = {}
    for name in ("question", "answer"):
        value = fields.get(name)
        if value is None:
            if ok:
                problems.append(Problem(file, line, name, "missing"))
            ok = False
        elif not _is_text(value):
            problems.append(Problem(file, line_of(value), name, "must be text"))
            ok = False
        else:
            values[name] = value.value
    aliases_node = fields.get("aliases")
    aliases: list[str] = []
    if aliases_node is not None and not _is_null(aliases_node):
        if not isinstance(aliases_node, yaml.SequenceNode):
            problems.append(
                Problem(file, line_of(aliases_node), "aliases", "must be a list of strings")
            )
            ok = False
        else:
            for alias in aliases_node.value:
                if not _is_text(alias):
                    problems.append(
                        Problem(file, line_of(alias), "aliases", "each one must be text")
                    )
                    ok = False
                elif len(_one_line(alias.value)) > QUESTION_MAX:
                    length = len(_one_line(alias.value))
                    problems.append(
                        Problem(
                            file,
                            line_of(alias),
                            "aliases",
                            f"this one is {length} characters; the limit is {QUESTION_MAX}",
                        )
                    )
                    ok = False
                else:
                    aliases.append(alias.value)
    if not ok:
        return None
    try:
        return entry_text(values["question"], aliases, values["answer"])
    except EntryProblem as exc:
        at = fields.get(exc.field) or node
        problems.append(Problem(file, line_of(at), exc.field, str(exc)))
        return None


def _is_text(node: yaml.Node) -> bool:
    """A scalar other than null: a number or yes/no reads as the text written."""
    return isinstance(node, yaml.ScalarNode) and not _is_null(node)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


class _Dumper(yaml.SafeDumper):
    """Answers over several lines as literal blocks (readable, editable); text with a character
    YAML would read as a line break (CR, NEL, LS, PS) double-quoted, so it reads back the same."""


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if any(c in data for c in "\r\x85\u2028\u2029") else "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_file(entries: Iterable[EntryText | ClubEntry]) -> str:
    """The YAML file `parse_file` reads back to the same entries."""
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row: dict[str, Any] = {"question": entry.question}
        if entry.aliases:
            row["aliases"] = list(entry.aliases)
        row["answer"] = entry.answer
        rows.append(row)
    if not rows:
        return "[]\n"
    return yaml.dump(
        rows,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


# -- matching ------------------------------------------------------------------------------


class Encodes(Protocol):
    """The embedding model as the club index needs it (embedding.Encoder)."""

    def encode_one(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class ClubHit:
    """A club entry answering a question, with its score (1.0 for its exact wording)."""

    entry: ClubEntry
    score: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """What /faq answers in a server: the article matcher's verdict, unless `club` is set, in
    which case that club entry answers instead."""

    match: Match
    club: ClubHit | None = None

    @property
    def answered(self) -> bool:
        return self.club is not None or self.match.entry is not None


def weekdays(value: str) -> frozenset[str]:
    """The weekdays a text names, short forms and plurals included ("thurs", "tuesdays"); "sat"
    and "sun" are left out: they are words too."""
    found = set()
    for word in text.words(value):
        day = _WEEKDAYS.get(word) or (_WEEKDAYS.get(word[:-1]) if word.endswith("s") else None)
        if day:
            found.add(day)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class _Choice:
    name: str
    value: str


@dataclass(eq=False)
class ClubIndex:
    """One server's entries, ready to match: a vector per phrasing and a small lexical index.

    Immutable once built; a change builds a new one (`build(..., reuse=old)` embeds only the
    phrasings that are new). Building embeds text, so callers run it off the event loop.
    """

    entries: tuple[ClubEntry, ...]
    stop_words: frozenset[str]
    _vectors: Mapping[str, np.ndarray] = field(repr=False)
    _by_id: dict[int, ClubEntry] = field(init=False, repr=False)
    _exact: dict[str, ClubEntry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}
        self._exact = {}
        for entry in self.entries:
            for label in entry.labels:
                self._exact.setdefault(question_key(label), entry)
        labels = [(i, label) for i, e in enumerate(self.entries) for label in e.labels]
        self._owner = np.array([i for i, _ in labels], dtype=np.int64)
        # Without vectors (no embedding model: tools) entries answer to their exact wording only.
        self._matrix: np.ndarray | None = (
            np.stack([self._vectors[label] for _, label in labels])
            if labels and all(label in self._vectors for _, label in labels)
            else None
        )
        # Lexical: IDF over the entries (an entry's phrasings are one document).
        label_terms = [self._terms(label) for _, label in labels]
        documents: dict[int, set[str]] = defaultdict(set)
        for (i, _), terms in zip(labels, label_terms, strict=True):
            documents[i] |= terms
        frequency: dict[str, int] = defaultdict(int)
        for terms in documents.values():
            for term in terms:
                frequency[term] += 1
        n = max(len(self.entries), 1)
        self._idf = {t: math.log(1 + n / d) for t, d in frequency.items()}
        # A word no phrasing uses weighs like the rarest one: it is what the question is about.
        self._unknown = max(self._idf.values(), default=1.0)
        self._label_mass = np.array(
            [sum(self._idf[t] for t in terms) for terms in label_terms], dtype=np.float64
        )
        postings: dict[str, list[int]] = defaultdict(list)
        for j, terms in enumerate(label_terms):
            for term in terms:
                postings[term].append(j)
        self._postings = {t: np.array(js, dtype=np.int64) for t, js in postings.items()}
        self._entry_days = [weekdays(" ".join(e.labels)) for e in self.entries]
        self._folded_labels = [text.fold(label) for _, label in labels]

    @classmethod
    def build(
        cls,
        entries: Sequence[ClubEntry],
        encoder: Encodes | None,
        stop_words: frozenset[str],
        reuse: ClubIndex | None = None,
    ) -> ClubIndex:
        """Embed each phrasing (reusing `reuse`'s vectors for unchanged text); without an
        encoder, an index that matches exact wording only."""
        known = dict(reuse._vectors) if reuse is not None else {}
        vectors: dict[str, np.ndarray] = {}
        if encoder is None:
            return cls(tuple(entries), stop_words, vectors)
        for entry in entries:
            for label in entry.labels:
                if label not in vectors:
                    found = known.get(label)
                    vectors[label] = found if found is not None else encoder.encode_one(label)
        return cls(tuple(entries), stop_words, vectors)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: int) -> ClubEntry | None:
        return self._by_id.get(entry_id)

    def _terms(self, value: str) -> set[str]:
        return {
            text.stem(w) for w in text.words(value) if w not in self.stop_words or w in INTENT_WORDS
        }

    def exact(self, question: str) -> ClubEntry | None:
        """The entry whose question or other phrasing this is (folded), or that an autocomplete
        choice names (`club:<id>`)."""
        choice = _CHOICE.fullmatch(question.strip())
        if choice is not None:
            return self._by_id.get(int(choice[1]))
        key = question_key(question)
        return self._exact.get(key) if key else None

    def match(
        self,
        question: str,
        vector: np.ndarray,
        *,
        article_cosine: float,
        article_answered: bool,
        tuning: ClubTuning,
    ) -> ClubHit | None:
        """The club entry that answers `question` (whose vector and best article-label cosine
        the article matcher measured) under `tuning`, or None."""
        exact = self.exact(question)
        if exact is not None:
            return ClubHit(exact, 1.0)
        if self._matrix is None:
            return None
        cosine = self._matrix @ vector
        score = cosine + tuning.dice_weight * self._dice(question)
        days = weekdays(question)
        if days:
            other_days = np.array([bool(d) and not d & days for d in self._entry_days])
            score = np.where(other_days[self._owner], -np.inf, score)
        best = int(np.argmax(score))
        if not np.isfinite(score[best]):
            return None
        total = float(score[best]) - tuning.article_weight * article_cosine
        if total < tuning.threshold:
            return None
        if article_answered and float(cosine[best]) < article_cosine:
            return None
        return ClubHit(self.entries[int(self._owner[best])], round(min(total, 1.0), 4))

    def _dice(self, question: str) -> np.ndarray:
        """Weighted Dice overlap of the question's words with each phrasing's."""
        terms = self._terms(question)
        shared = np.zeros(len(self._label_mass))
        mass = 0.0
        for term in terms:
            weight = self._idf.get(term)
            if weight is None:
                mass += self._unknown
                continue
            mass += weight
            shared[self._postings[term]] += weight
        return 2 * shared / np.maximum(mass + self._label_mass, 1e-9)

    def autocomplete(self, typed: str, limit: int, tuning: ClubTuning) -> list[_Choice]:
        """Entries whose question or phrasing resembles what is typed, by `tuning`'s bar (all,
        in order, when nothing is typed); the value names the entry (`club:<id>`)."""
        limit = max(0, limit)
        if not limit or not self.entries:
            return []
        folded = text.fold(typed)
        if not folded:
            return [_choice(e) for e in self.entries[:limit]]
        best: dict[int, tuple[float, int]] = {}
        for _, similarity, position in process.extract(
            folded, self._folded_labels, scorer=fuzz.partial_ratio, limit=None
        ):
            label = self._folded_labels[position]
            score = similarity / 100 + (0.5 if label.startswith(folded) else 0.0)
            i = int(self._owner[position])
            if score >= tuning.autocomplete_min and score > best.get(i, (0.0, 0))[0]:
                best[i] = (score, position)
        order = sorted(best.items(), key=lambda kv: (-kv[1][0], self.entries[kv[0]].id))
        return [_choice(self.entries[i]) for i, _ in order[:limit]]


def _choice(entry: ClubEntry) -> _Choice:
    name = entry.question
    name = name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"
    return _Choice(name, f"{CHOICE_PREFIX}{entry.id}")


def answer(matcher: Matcher, club: ClubIndex | None, question: str, tuning: ClubTuning) -> Verdict:
    """/faq's verdict in a server with these club entries (None or empty: the article matcher's,
    untouched). An exact club phrasing always answers; otherwise the club entry must win on the
    question's own vector by `tuning` (see the module docstring); without the embedding model (a
    lexical matcher, in tools) club entries answer only to their exact wording."""
    if club is None or not len(club):
        return Verdict(matcher.match(question))
    exact = club.exact(question)
    if exact is not None:
        return Verdict(Match(None, 0.0, ()), ClubHit(exact, 1.0))
    match, embedded = matcher.match_embedded(question)
    return Verdict(match, answer_embedded(club, question, match, embedded, tuning))


def answer_embedded(
    club: ClubIndex, question: str, match: Match, embedded: Embedded | None, tuning: ClubTuning
) -> ClubHit | None:
    """The club half of `answer`, given the article matcher's verdict and the question's vector
    from it (`Matcher.match_embedded`)."""
    exact = club.exact(question)
    if exact is not None:
        return ClubHit(exact, 1.0)
    if embedded is None:
        return None
    return club.match(
        question,
        embedded.vector,
        article_cosine=embedded.label_cosine,
        article_answered=match.entry is not None,
        tuning=tuning,
    )
