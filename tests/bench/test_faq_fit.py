"""bench/faq_fit.py's example bank: which labelled questions become the ranker's examples."""

from __future__ import annotations

import numpy as np

from bench.faq_fit import ALIASES, Data, Row


def _row(group: str, question: str, right: tuple[int, ...], in_scope: bool = True) -> Row:
    return Row(group, question, right, in_scope, False, None, np.zeros(3), None)  # type: ignore[arg-type]


def _data(rows: list[Row]) -> Data:
    data = Data.__new__(Data)  # the bank needs rows and entry ids, not an encoder
    data.rows, data.ids, data.bank_without = rows, ["hills", "sprints"], frozenset()
    return data


def test_the_bank_holds_the_named_sets_questions_by_entry_and_never_an_alias() -> None:
    data = _data(
        [
            _row("old.jsonl", "do hills help", (0,)),
            _row("old.jsonl", "best pizza in town", (), in_scope=False),
            _row("new.jsonl", "sprints or hills", (1, 0)),
            _row("other.jsonl", "are strides sprints", (1,)),
            _row(ALIASES, "hill repeats", (0,)),
        ]
    )
    examples, abstain = data.bank(["old.jsonl", "new.jsonl", ALIASES])
    assert examples == {
        "hills": ["do hills help", "sprints or hills"],
        "sprints": ["sprints or hills"],
    }
    assert abstain == ["best pizza in town"]


def test_a_set_kept_out_of_the_bank_lends_no_examples_and_no_off_topic_questions() -> None:
    data = _data(
        [
            _row("old.jsonl", "do hills help", (0,)),
            _row("new.jsonl", "sprints or hills", (1,)),
            _row("new.jsonl", "what shoes", (), in_scope=False),
        ]
    )
    data.bank_without = frozenset({"new.jsonl"})
    assert data.bank(["old.jsonl", "new.jsonl"]) == ({"hills": ["do hills help"]}, [])
