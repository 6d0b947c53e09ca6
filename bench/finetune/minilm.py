"""all-MiniLM-L6-v2 as a PyTorch module, with fp32 weights taken from the packaged model.

The packaged ONNX graph is folded at the basic level (as model_build.py does before quantizing),
which leaves fp32 initializers; each MatMul weight is named after the bias its Add then uses.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from bot.features.faq.model_build import fold_packaged

HIDDEN, HEADS, LAYERS = 384, 12, 6


def packaged_weights() -> dict[str, np.ndarray]:
    """Name -> fp32 array (linear weights as [in, out]) of the model the bot is built from."""
    import onnx
    from onnx import numpy_helper

    with tempfile.TemporaryDirectory() as work:
        graph = onnx.load(str(fold_packaged(Path(work) / "folded.onnx"))).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    named = {
        k.removeprefix("inner."): v
        for k, v in arrays.items()
        if k.startswith("inner.") and "position_ids" not in k
    }
    for node in graph.node:
        if node.op_type == "MatMul" and node.input[1] in arrays:
            (add,) = [c for c in consumers[node.output[0]] if c.op_type == "Add"]
            (bias,) = [i for i in add.input if i.startswith("inner.")]
            named[bias.removeprefix("inner.").replace(".bias", ".weight")] = arrays[node.input[1]]
    return named


class MiniLM(nn.Module):
    """BERT encoder, mean-pooled and L2-normalised (as sentence-transformers does)."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.p = nn.ParameterDict(
            {k.replace(".", "__"): nn.Parameter(torch.tensor(v)) for k, v in weights.items()}
        )

    def _w(self, name: str) -> torch.Tensor:
        return self.p[name.replace(".", "__")]

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, (HIDDEN,), self._w(name + ".weight"), self._w(name + ".bias"), 1e-12)

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return x @ self._w(name + ".weight") + self._w(name + ".bias")

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, length = ids.shape
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[:length][None]
            + self._w("embeddings.token_type_embeddings.weight")[0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        masked = (1.0 - mask[:, None, None, :].float()) * -1e4
        width = HIDDEN // HEADS
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."

            q, k, v = (
                self._linear(x, p + f"attention.self.{name}")
                .view(b, length, HEADS, width)
                .transpose(1, 2)
                for name in ("query", "key", "value")
            )
            attention = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(width) + masked, -1)
            context = (attention @ v).transpose(1, 2).reshape(b, length, HIDDEN)
            x = self._norm(
                x + self._linear(context, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            inner = F.gelu(self._linear(x, p + "intermediate.dense"))
            x = self._norm(x + self._linear(inner, p + "output.dense"), p + "output.LayerNorm")
        m = mask[..., None].float()
        return F.normalize((x * m).sum(1) / m.sum(1), dim=-1)


def batch(tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:  # type: ignore[no-untyped-def]
    """Padded token ids and attention mask (the tokenizer truncates as the bot's does)."""
    encoded = tokenizer.encode_batch(texts)
    width = max(len(e.ids) for e in encoded)
    ids = torch.zeros(len(texts), width, dtype=torch.long)
    mask = torch.zeros(len(texts), width, dtype=torch.long)
    for i, e in enumerate(encoded):
        ids[i, : len(e.ids)] = torch.tensor(e.ids)
        mask[i, : len(e.ids)] = 1
    return ids, mask
