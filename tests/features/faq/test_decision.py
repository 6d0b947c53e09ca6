"""knowledge/decision.json: the generated decision weights load, match the matcher's features, and
any broken file (unknown or missing feature, non-finite number, duplicate key) is rejected."""

from __future__ import annotations

import json

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq.decision import (
    DECISION_FILE,
    NOTE,
    THRESHOLD,
    DecisionModel,
    Features,
    model_json,
    parse_model,
)
from tests.support.tuning import assert_rejected_on_line

REAL = PROJECT_ROOT / "knowledge" / DECISION_FILE


def real_text() -> str:
    return REAL.read_text(encoding="utf-8")


def test_the_real_file_holds_one_weight_per_feature_and_says_it_is_generated() -> None:
    model, issues = parse_model(real_text())
    assert issues == [] and model is not None
    data = json.loads(real_text())
    assert list(data["weights"]) == list(Features._fields)
    assert data["note"] == NOTE and "--fit" in NOTE
    assert model.weights == Features(**data["weights"])
    assert model.bias == data["bias"]


def test_written_model_reads_back_the_same() -> None:
    weights = Features(1.0, 2.0, 3.0, 4.0, 5.0, -1.0, -2.0, 0.5, -0.25)
    text = model_json(weights, -7.5, {"l2": 0.005, "sets": ["a.jsonl"]})
    assert parse_model(text) == (DecisionModel(weights, -7.5), [])


def test_probability_crosses_the_threshold_with_the_evidence() -> None:
    model = DecisionModel(Features(1, 0, 0, 0, 0, 0, 0, 0, 0), bias=-0.5)
    nothing, everything = Features(*[0.0] * 9), Features(1.0, *[0.0] * 8)
    assert model.probability(nothing) < THRESHOLD < model.probability(everything)
    assert not model.answers(nothing) and model.answers(everything)


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "on_line"),
    [
        ('"mass"', '"mas"', "weights.mas", "unknown feature", '"mas"'),
        ('"mass"', '"mas"', "weights.mass", "missing feature", '"weights"'),
        ('"bias": -8.913', '"bias": "high"', "bias", "must be a finite number", '"bias"'),
        ('"bias": -8.913', '"bias": true', "bias", "must be a finite number", '"bias"'),
        ('"score": 4.452', '"score": NaN', None, "NaN is not a finite number", "NaN"),
        ('"cue": -3.714', '"cue": -Infinity', None, "-Infinity is not a finite", "-Infinity"),
        ('"dice": 1.688', '"dice": 1.688,\n"dice": 2', None, "duplicate key 'dice'", '"dice": 2'),
        ('"note"', '"notes"', "notes", "unknown field", '"notes"'),
        ('"bias": -8.913,\n', "", "bias", "missing field", "{"),
        ('"weights": {', '"weights": [1], "w": {', "weights", "must be an object", '"weights"'),
        ('"bias": -8.913,', '"bias": -8.913', None, "invalid JSON: Expecting ','", '"weights"'),
    ],
)
def test_broken_file_is_rejected_with_its_line(
    old: str, new: str, field: str | None, message: str, on_line: str
) -> None:
    assert_rejected_on_line(
        parse_model, real_text(), old, new, field=field, message=message, on_line=on_line
    )
