"""YAML as nodes: lines survive, syntax errors name their file line."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from bot.core.yamlnodes import YamlSyntaxError, compose, line_of, load


def test_nodes_keep_their_file_lines_from_where_the_text_starts() -> None:
    root = compose("a: 1\nb:\n  - x\n", first_line=10)
    assert isinstance(root, yaml.MappingNode)
    (key_a, _), (key_b, items) = root.value
    assert line_of(key_a, 10) == 10 and line_of(key_b, 10) == 11
    assert line_of(items.value[0], 10) == 12


def test_load_gives_safe_data_and_empty_text_gives_none() -> None:
    node, data = load("when: 2026-05-04\nyes_word: no\n")
    assert node is not None and data == {"when": date(2026, 5, 4), "yes_word": False}
    assert compose("") is None
    with pytest.raises(YamlSyntaxError):
        load("!!python/object:os.system {}\n")  # never constructs arbitrary objects


def test_a_syntax_error_names_the_file_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        compose("a: [1, 2\nb: 3\n", first_line=5)
    assert caught.value.line is not None and caught.value.line >= 5
    assert caught.value.message.startswith("invalid YAML: ")
