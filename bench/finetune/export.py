"""Ship a tuned model: its weights into the base graph, int8, with a model card, for the bot.

`python -m bench.finetune.export --weights DIR/weights_all_-1.npz` (tune.py's fold -1 model:
trained on every set) blends it with the base model (graph.BLEND), then writes
bot/features/faq/model/minilm-l6-runclub-int8.onnx and model.json (its sha256, the base
model's, and the recipe), which model_build.py installs.
Byte-identical for the same weights. Refit the ranker on the same run's vectors afterwards:
`python -m bench.faq_fit --vectors DIR --threshold 0.7`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench.finetune.graph import BASE_PACKAGE, BASE_SHA256, BLEND, blend, read_weights, write_int8
from bot.features.faq.model_build import MODEL_CARD, MODEL_FILE, SHIPPED, sha256_of


def export(weights: dict[str, np.ndarray], recipe: dict[str, object], folder: Path) -> Path:
    """Write the int8 model and its card into `folder`; returns the model's path."""
    target = write_int8(weights, folder / MODEL_FILE)
    card = {
        "note": "Made by `python -m bench.finetune.export` (bench/finetune/README.md); never "
        "edit by hand: make it again.",
        "file": MODEL_FILE,
        "sha256": sha256_of(target),
        "base": {"package": BASE_PACKAGE[0], "file": BASE_PACKAGE[1], "sha256": BASE_SHA256},
        "tuning": recipe,
        "quantization": "onnxruntime quantize_dynamic: QInt8 weights per channel, reduce_range",
    }
    (folder / MODEL_CARD).write_text(json.dumps(card, indent=2) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True, help="tune's weights_<name>_<k>.npz")
    parser.add_argument("--to", type=Path, default=SHIPPED, help="the folder to write")
    args = parser.parse_args()
    weights, recipe = read_weights(args.weights)
    target = export(blend(weights), {**recipe, "blend": BLEND}, args.to)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB) and {args.to / MODEL_CARD}")


if __name__ == "__main__":
    main()
