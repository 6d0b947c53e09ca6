"""Every labelled text's vector from a tuned model as the bot will run it (int8, onnxruntime).

`python -m bench.finetune.embed --weights DIR/weights_<name>_<k>.npz` (tune's) writes
DIR/vectors_<name>_<k>.npz: every question, alias and title, for bench.faq_fit's cross-fitting.
The ranker must learn from the vectors the quantized model gives, not PyTorch's fp32 ones (int8
moves a tuned model's vectors further than the base model's: docs/faq-matcher.md, round 9).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from bench.finetune.graph import blend, read_weights, write_int8
from bench.finetune.labelled import labelled
from bot.features.faq.embedding import Encoder
from bot.features.faq.model_build import (
    TOKENIZER_PACKAGE,
    TOKENIZER_SHA256,
    BuiltModel,
    package_file,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True, help="tune's weights_<name>_<k>.npz")
    parser.add_argument("--without", action="append", default=[], help="as tune's")
    args = parser.parse_args()
    if not args.weights.name.startswith("weights_"):
        parser.error("--weights must be tune's weights_<name>_<fold>.npz")
    weights, _ = read_weights(args.weights)
    titles, rows, _ = labelled(frozenset(args.without))
    texts = sorted({r.question for r in rows} | set(titles))
    tokenizer = package_file(*TOKENIZER_PACKAGE, TOKENIZER_SHA256)
    with tempfile.TemporaryDirectory() as work:
        model = write_int8(blend(weights), Path(work) / "model.onnx")
        encoder = Encoder(BuiltModel(Path(work), model, tokenizer, "fit"))
        vectors = np.stack([encoder.encode_one(t) for t in texts])
    target = args.weights.with_name(args.weights.name.replace("weights_", "vectors_", 1))
    np.savez(target, texts=np.array(texts), vectors=vectors)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
