"""YAML read as nodes, so every hand-edited file can say which line a problem is on.

Knowledge front matter, the matcher's vocabulary and the planner's texts are edited by hand.
Plain `yaml.safe_load` forgets lines and silently keeps the last of two equal keys; composing to
nodes keeps the lines, and each loader walks the nodes to report with `line_of`.
"""

from __future__ import annotations

from typing import Any

import yaml

# The C loader is the same safe constructor as yaml.safe_load, just faster; it keeps line marks.
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    """Text that is not YAML: the file line (None when unknown) and a one-line message."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def line_of(node: yaml.Node, first_line: int = 1) -> int:
    """The file line a node starts on; `first_line` is the line the YAML text starts at."""
    return first_line + int(node.start_mark.line)


def compose(text: str, first_line: int = 1) -> yaml.Node | None:
    """The node tree of `text` (None when it is empty), or YamlSyntaxError."""
    return _read(text, first_line, construct=False)[0]


def load(text: str, first_line: int = 1) -> tuple[yaml.Node | None, Any]:
    """The node tree of `text` and its plain Python data (safe types only), or YamlSyntaxError."""
    return _read(text, first_line, construct=True)


def _read(text: str, first_line: int, *, construct: bool) -> tuple[yaml.Node | None, Any]:
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if construct and node is not None else None
        return node, data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(exc.problem or exc.context or "syntax error").split())
        context = exc.context_mark
        if exc.context and context is not None and mark is not None and context.line != mark.line:
            detail += f" ({exc.context} at line {first_line + context.line})"
        line = first_line + mark.line if mark is not None else None
        raise YamlSyntaxError(line, f"invalid YAML: {detail}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"invalid YAML: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
