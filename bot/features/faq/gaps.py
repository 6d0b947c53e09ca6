"""Unanswered questions grouped for organisers: near-identical wordings counted together.

Pure (no Discord, no database): `/kb gaps` and `coach kb gaps` give it the stored records.
Two wordings are near-identical when, after folding (case, accents, punctuation, emoji and links
go; see text.fold) and a light stem (plurals, -ing, ...), their words pair up, in any order, as
the same stem or within a typo (one edit, two in words of eight letters or more; one- and
two-letter words must match exactly), covering at least SIMILARITY of both questions' letters.
A long word counts for more than "a" or "per", so "how many hill sprints per week" joins
"How many hill-sprints a week??" while "do I need protein" stays apart from "how much protein
do I need".

Grouping is deterministic: wordings are taken most frequent first (ties: asked first), and each
joins the group whose first wording it is most like, if it is like it enough, else starts one.
Comparing with a group's first wording only (not with every member) keeps a chain of small
changes from drifting into an unrelated question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.features.faq import text

SIMILARITY = 0.85  # share of both questions' letters in paired words (a typo pair counts less)
TYPO_MIN_LENGTH = 3  # shorter words pair only when equal
TYPO_EDITS = ((8, 2), (3, 1))  # (longer word at least this long, edits allowed), first that fits
# Only the few groups whose first wording is closest as a whole string (rapidfuzz, in C) are
# compared word by word, so grouping stays fast with thousands of distinct wordings.
CANDIDATES = 5
PREFILTER = 40  # whole-string ratio (0-100) of the sorted stems below which nothing pairs
NEAREST = 3  # nearest entries kept per group

Word = tuple[str, str]  # (folded word, its stem)


@dataclass(frozen=True, slots=True)
class Asked:
    """One stored question /faq abstained on (no member id: none is stored)."""

    id: int
    question: str
    nearest: tuple[str, ...]  # entry refs, nearest first
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class Gap:
    """Near-identical unanswered questions counted together."""

    question: str  # the most frequent wording (ties: the one asked first)
    record_id: int  # the latest record with that wording (the "Add as club entry" button's)
    count: int  # how many times any of the wordings was asked
    wordings: int  # distinct wordings grouped
    first_asked: datetime
    last_asked: datetime
    nearest: tuple[str, ...]  # entry refs, most often nearest first


def tokens(question: str) -> tuple[Word, ...]:
    """The question's folded words with their stems, in order (empty for emoji only)."""
    return tuple((w, text.stem(w)) for w in text.words(question))


def _wording(question: str) -> str:
    """A wording as members typed it, whitespace aside (the representative is one of these)."""
    return " ".join(question.split())


def _typo_score(a: str, b: str) -> float:
    """For two words with different stems: 1 - edits / length when they are within a typo (a
    swap of two letters counts as one edit: "protien"), else 0."""
    longer = max(len(a), len(b))
    if longer < TYPO_MIN_LENGTH:
        return 0.0
    allowed = next(edits for length, edits in TYPO_EDITS if longer >= length)
    if abs(len(a) - len(b)) > allowed:
        return 0.0
    edits = OSA.distance(a, b, score_cutoff=allowed)
    return 1 - edits / longer if edits <= allowed else 0.0


def similarity(a: Sequence[Word], b: Sequence[Word]) -> float:
    """0..1: the share of both questions' letters in words that pair up, word order ignored.

    Words with the same stem ("shoes", "shoe") pair first, each with the first free one; then
    typo pairs, best first, ties by position, so the result is deterministic."""
    if not a or not b:
        return 1.0 if list(a) == list(b) else 0.0
    free_b: dict[str, list[int]] = {}
    for j, (_, stem) in enumerate(b):
        free_b.setdefault(stem, []).append(j)
    used_b: set[int] = set()
    left_a: list[int] = []
    matched = 0.0
    for i, (word, stem) in enumerate(a):
        same = free_b.get(stem)
        if same:
            j = same.pop(0)
            used_b.add(j)
            matched += len(word) + len(b[j][0])
        else:
            left_a.append(i)
    left_b = [j for j in range(len(b)) if j not in used_b]
    pairs = []
    for i in left_a:
        for j in left_b:
            score = _typo_score(a[i][0], b[j][0])
            if score:
                pairs.append((-score, i, j))
    pairs.sort()
    paired_a: set[int] = set()
    for negative, i, j in pairs:
        if i in paired_a or j in used_b:
            continue
        paired_a.add(i)
        used_b.add(j)
        matched += -negative * (len(a[i][0]) + len(b[j][0]))
    return matched / (_letters(a) + _letters(b))


def _letters(words: Sequence[Word]) -> int:
    return sum(len(w) for w, _ in words)


def _key(words: Sequence[Word]) -> str:
    return " ".join(sorted(s for _, s in words))


def _candidates(key: str, keys: list[str]) -> list[int]:
    """The indexes of the groups worth comparing word by word, in group order: those whose
    first wording's sorted stems are closest to `key` as a whole string."""
    found = process.extract(key, keys, scorer=fuzz.ratio, limit=CANDIDATES, score_cutoff=PREFILTER)
    return sorted(index for _, _, index in found)


@dataclass
class _Wording:
    text: str
    count: int
    first: datetime
    first_id: int
    last: datetime
    last_id: int


@dataclass
class _Group:
    tokens: tuple[Word, ...]  # its first wording's; empty for a question with no words
    key: str  # the tokens sorted and joined, or the folded text when there are none
    records: list[Asked]


def group_unanswered(records: Iterable[Asked]) -> list[Gap]:
    """The records' gaps, most asked first (ties: asked most recently, then alphabetically)."""
    ordered = sorted(records, key=lambda r: (r.asked_at, r.id))
    by_key: dict[tuple[tuple[Word, ...], str], list[Asked]] = {}
    for record in ordered:
        toks = tokens(record.question)
        # A question with no words (emoji only) groups only with the very same text.
        key = _key(toks) if toks else _wording(record.question).casefold()
        by_key.setdefault((toks, key), []).append(record)
    # Most asked first, ties by first asked: the same input always gives the same groups.
    distinct = sorted(by_key.items(), key=lambda kv: (-len(kv[1]), kv[1][0].asked_at, kv[1][0].id))
    groups: list[_Group] = []
    keys: list[str] = []  # each group's key, for the candidate search (empty: no words)
    for (toks, key), members in distinct:
        best, best_score = None, 0.0
        for index in _candidates(key, keys) if toks else ():
            group = groups[index]
            score = similarity(toks, group.tokens) if group.tokens else 0.0
            if score >= SIMILARITY and score > best_score:
                best, best_score = group, score
        if best is None:
            groups.append(_Group(toks, key, list(members)))
            keys.append(key if toks else "")
        else:
            best.records.extend(members)
    gaps = [_gap(group.records) for group in groups]
    gaps.sort(key=lambda g: (-g.count, -g.last_asked.timestamp(), g.question, g.record_id))
    return gaps


def _gap(records: list[Asked]) -> Gap:
    records = sorted(records, key=lambda r: (r.asked_at, r.id))
    wordings: dict[str, _Wording] = {}
    for r in records:
        w = _wording(r.question)
        seen = wordings.get(w)
        if seen is None:
            wordings[w] = _Wording(w, 1, r.asked_at, r.id, r.asked_at, r.id)
        else:
            seen.count += 1
            seen.last, seen.last_id = r.asked_at, r.id
    top = min(wordings.values(), key=lambda w: (-w.count, w.first, w.first_id))
    return Gap(
        question=top.text,
        record_id=top.last_id,
        count=len(records),
        wordings=len(wordings),
        first_asked=records[0].asked_at,
        last_asked=records[-1].asked_at,
        nearest=_nearest(records),
    )


def _nearest(records: list[Asked]) -> tuple[str, ...]:
    """The entries most often nearest across the group; ties: nearer (by rank), then seen first."""
    votes: Counter[str] = Counter()
    rank: dict[str, tuple[int, int]] = {}
    for order, r in enumerate(records):
        for position, ref in enumerate(r.nearest):
            votes[ref] += 1
            rank[ref] = min(rank.get(ref, (position, order)), (position, order))
    ranked = sorted(votes, key=lambda ref: (-votes[ref], rank[ref]))
    return tuple(ranked[:NEAREST])
