"""The fit tools' graph surgery (bench/finetune/graph.py, export.py): weights out, back in, int8.

No PyTorch here: the base model's weights are taken out of its graph and put back, which must
give the very file the untouched graph gives. A weight put back in the wrong place (a query
matrix for a key, a transposed FFN) changes the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.finetune.export import export
from bench.finetune.graph import packaged_weights, write_int8
from bot.features.faq.model_build import MODEL_CARD, ModelBuildError, sha256_of

LINEARS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


@pytest.fixture(scope="module")
def weights() -> dict[str, np.ndarray]:
    return packaged_weights()


def test_every_weight_of_the_encoder_is_named(weights: dict[str, np.ndarray]) -> None:
    for layer in range(6):
        for linear in LINEARS:
            for part in ("weight", "bias"):
                assert f"encoder.layer.{layer}.{linear}.{part}" in weights
    assert weights["encoder.layer.0.intermediate.dense.weight"].shape == (384, 1536)
    assert weights["encoder.layer.5.output.dense.weight"].shape == (1536, 384)
    assert weights["embeddings.word_embeddings.weight"].shape == (30522, 384)
    assert len(weights) == 101  # 6 layers x 16, the embeddings' 3 tables and their LayerNorm


def test_weights_put_back_give_the_untouched_model_byte_for_byte(
    weights: dict[str, np.ndarray], tmp_path: Path
) -> None:
    recipe = {"epochs": 0}
    model = export(weights, recipe, tmp_path / "exported")
    untouched = write_int8(None, tmp_path / "untouched.onnx")
    assert sha256_of(model) == sha256_of(untouched)
    card = json.loads((tmp_path / "exported" / MODEL_CARD).read_text())
    assert card["sha256"] == sha256_of(model) and card["tuning"] == recipe

    moved = dict(weights)  # query and key swapped in the first layer: a different model
    moved["encoder.layer.0.attention.self.query.weight"] = weights[
        "encoder.layer.0.attention.self.key.weight"
    ]
    assert sha256_of(write_int8(moved, tmp_path / "moved.onnx")) != sha256_of(untouched)


def test_weights_that_do_not_name_the_base_model_are_refused(
    weights: dict[str, np.ndarray], tmp_path: Path
) -> None:
    renamed = {k.replace("query", "q"): v for k, v in weights.items()}
    with pytest.raises(ModelBuildError, match="do not name"):
        write_int8(renamed, tmp_path / "model.onnx")
