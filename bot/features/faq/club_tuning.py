"""How club entries are matched (knowledge/club.yaml) as one immutable, typed object.

The threshold and weights that decide when a club entry takes over from the article matcher
depend on the embedding model's cosines, so they are tuning data measured for the model in use
(`python -m bench.club_sweep` prints the figures to choose them by), not constants in club.py.
A curator edits the file by hand, so it is validated like the vocabulary: every problem (a
missing or unknown field, a value that is not a number or is out of range) comes back with its
line. Pure: text in, ClubTuning or issues out.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from bot.core import yamlnodes
from bot.core.yamlnodes import line_of
from bot.features.faq.tuning import finite
from bot.features.faq.vocabulary import Issue

CLUB_TUNING_FILE = "club.yaml"


@dataclass(frozen=True, slots=True)
class ClubTuning:
    """A club entry answers when, for its best phrasing,
    cosine + dice_weight * dice - article_weight * article_cosine >= threshold;
    `autocomplete_min` is the club autocomplete's bar (see knowledge/club.yaml)."""

    threshold: float
    dice_weight: float
    article_weight: float
    autocomplete_min: float


# What each value may be: outside these it is a slip (a misplaced digit), never a choice. The
# score is a cosine plus weighted Dice (each at most 1) minus a weighted cosine; the autocomplete
# scores a fuzzy similarity (at most 1) plus 0.5 when a phrasing starts with what is typed.
RANGES: dict[str, tuple[float, float]] = {
    "threshold": (0.0, 2.0),
    "dice_weight": (0.0, 1.0),
    "article_weight": (0.0, 1.0),
    "autocomplete_min": (0.0, 1.5),
}
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


def parse_club_tuning(text: str) -> tuple[ClubTuning | None, list[Issue]]:
    """The tuning, or None and every issue found (sorted by line)."""
    known = ", ".join(RANGES)
    try:
        root = yamlnodes.compose(text)
    except yamlnodes.YamlSyntaxError as exc:
        return None, [Issue(exc.line, None, exc.message)]
    if not isinstance(root, yaml.MappingNode):
        line = line_of(root) if root is not None else None
        return None, [Issue(line, None, f"must be a mapping of {known}")]
    issues: list[Issue] = []
    values: dict[str, float] = {}
    first: dict[str, int] = {}
    for key_node, value_node in root.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        line = line_of(key_node)
        if key not in RANGES:
            issues.append(Issue(line, key, f"unknown field (known: {known})"))
        elif key in first:
            # The YAML loader silently keeps the last one; a curator almost never means that.
            issues.append(Issue(line, key, f"given twice (first at line {first[key]})"))
        else:
            first[key] = line
            value, problem = _number(value_node, *RANGES[key])
            if value is None:
                issues.append(Issue(line_of(value_node), key, problem))
            else:
                values[key] = value
    issues += [Issue(line_of(root), name, "missing field") for name in RANGES if name not in first]
    if issues:
        return None, sorted(issues, key=lambda i: (i.line or 0, i.field or ""))
    return ClubTuning(**values), []


def _number(node: yaml.Node, low: float, high: float) -> tuple[float | None, str]:
    """The node's number when it is one within [low, high], else None and what is wrong."""
    want = f"must be a number from {low} to {high}"
    if not isinstance(node, yaml.ScalarNode):
        return None, f"{want}, not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}"
    # Only a plain 0.65 or 1 is a number: "0.65" (quoted), yes, ~ and .nan are not.
    value = yaml.safe_load(node.value) if node.tag in _NUMBER_TAGS else None
    if not finite(value):
        return None, f"{want}, not {node.value!r}"
    if not low <= value <= high:
        return None, f"{want}, not {node.value}"
    return float(value), ""
