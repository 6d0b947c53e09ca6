"""Generated tuning files (decision.json, ranker.json): strict JSON, a common header, lines.

Both files are written by a fit script and read back at start-up, `coach check` and
`/kb reload`; every problem is reported with its line, though json keeps no positions.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bot.features.faq.vocabulary import Issue


def load_json(text: str) -> tuple[Any, list[Issue]]:
    """Strict JSON for generated tuning files: no duplicate keys, no NaN or Infinity."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant), []
    except json.JSONDecodeError as exc:
        return None, [Issue(exc.lineno, None, f"invalid JSON: {exc.msg}")]
    except _Rejected as exc:
        return None, [Issue(_line_at(text, exc.found(text)), None, str(exc))]


def parse_object(text: str, fields: tuple[str, ...]) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The file's object and the problems with its common fields; None when it is not even a
    JSON object (the issues then say why)."""
    data, issues = load_json(text)
    if issues:
        return None, issues
    header = header_issues(data, text, fields)
    if header is None:
        return None, [Issue(1, None, f"must be an object with {', '.join(fields)}")]
    return data, header


def header_issues(data: Any, text: str, fields: tuple[str, ...]) -> list[Issue] | None:
    """Problems with the fields every tuning file has (an object of exactly `fields`, a `note`
    saying how it is made, a `fit` object); None when `data` is not even an object."""
    if not isinstance(data, dict):
        return None
    issues = [
        Issue(line_of(text, name), name, "unknown field") for name in data.keys() - set(fields)
    ]
    issues += [Issue(1, name, "missing field") for name in fields if name not in data]
    if "note" in data and not (isinstance(data["note"], str) and data["note"].strip()):
        issues.append(Issue(line_of(text, "note"), "note", "must say how the file is made"))
    if "fit" in data and not isinstance(data["fit"], dict):
        issues.append(Issue(line_of(text, "fit"), "fit", "must be an object (how it was fit)"))
    return issues


def weight_issues(
    weights: Any, where: str, fields: tuple[str, ...], text: str, *, anchor: str
) -> list[Issue]:
    """Problems with an object of one finite weight per feature name in `fields`; `where` names
    it in messages ("weights", "ranker.weights"), `anchor` is the key whose line it starts on."""
    if not isinstance(weights, dict):
        return [Issue(line_of(text, anchor), where, "must be an object of feature: weight")]
    issues = []
    for name in fields:
        if name not in weights:
            issues.append(Issue(line_of(text, anchor), f"{where}.{name}", "missing feature"))
        elif not finite(weights[name]):
            issues.append(Issue(line_of(text, name), f"{where}.{name}", "must be a finite number"))
    known = ", ".join(fields)
    for name in weights.keys() - set(fields):
        message = f"unknown feature (the matcher computes: {known})"
        issues.append(Issue(line_of(text, name), f"{where}.{name}", message))
    return issues


def finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Rejected(ValueError):
    """Raised from inside json.loads; `needle` finds the offending text for its line."""

    def __init__(self, message: str, needle: str, *, last: bool) -> None:
        super().__init__(message)
        self.needle, self.last = needle, last

    def found(self, text: str) -> int:
        return text.rfind(self.needle) if self.last else text.find(self.needle)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads silently keeps the last of two equal keys; a generated file never has them."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Rejected(f"duplicate key {key!r}", f'"{key}"', last=True)
        out[key] = value
    return out


def _no_constant(name: str) -> float:
    raise _Rejected(f"{name} is not a finite number", name, last=False)


def line_of(text: str, key: str) -> int | None:
    """The first line holding `"key"` (json keeps no positions after parsing)."""
    return _line_at(text, text.find(f'"{key}"'))


def _line_at(text: str, offset: int) -> int | None:
    return text.count("\n", 0, offset) + 1 if offset >= 0 else None
