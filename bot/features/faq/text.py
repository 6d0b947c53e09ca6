"""Text normalisation for question matching: folding, tokens and a light stemmer.

Pure functions only; the matcher applies the same pipeline to entries and to member questions so
both sides meet on identical terms. Word lists (stop words included) are vocabulary: see
vocabulary.py.
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(https?://\S+|www\.\S+|\S+\.(?:com|net|org|gg|ly|io|co)\S*)")
_MENTION = re.compile(r"<[@#:][^>]*>|@\w+")
_APOSTROPHE = re.compile(r"[\u2018\u2019\u02bc'`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# The sentinel put in place of a link; knowledge/vocabulary.yaml must declare it (and its kind).
URL_TOKEN = "zzlink"

_DOUBLE_KEEP = frozenset("lsz")
# Where one post turns to a second concern: a sentence end, a semicolon, or "also"/"plus".
_PART_BREAK = re.compile(
    r"(?:[.?!;]+\s*|\s+)(?:and also|also|plus)\b,?\s*|[.?!;]+(?:\s+|$)", re.IGNORECASE
)
PART_MIN_WORDS = 3  # shorter pieces ("and hills") are context, not a question of their own


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, replace links; keep only [a-z0-9 ] words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _URL.sub(f" {URL_TOKEN} ", text)
    text = _MENTION.sub(" ", text)
    text = _APOSTROPHE.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def part_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each piece of a post that could be a question of its own (PART_MIN_WORDS
    words or more), in order; a post with one concern gives one piece or none."""
    spans, start = [], 0
    for brk in [*_PART_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        piece = text[start:end]
        if len(words(piece)) >= PART_MIN_WORDS:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = brk.end() if brk else start
    return spans


def parts(text: str) -> list[str]:
    """The pieces of part_spans as text."""
    return [text[a:b] for a, b in part_spans(text)]


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (phrases need them)."""
    folded = fold(text)
    return folded.split() if folded else []


def _undouble(stem: str) -> str:
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _DOUBLE_KEEP:
        return stem[:-1]
    return stem


def stem(word: str) -> str:
    """A deliberately light suffix stripper (plural, -ing, -ed, -er, -est, -ly, final e).

    Porter-style over-stemming merged words we need apart (e.g. trained/training are kept apart
    by the synonym map before this runs); this keeps stems readable and predictable.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "est", "ed", "er", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = _undouble(w[: -len(suffix)])
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w
