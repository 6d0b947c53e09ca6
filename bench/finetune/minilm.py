"""all-MiniLM-L6-v2 as a PyTorch module, with fp32 weights taken from the packaged model.

The fp32 weights come from the packaged ONNX graph folded at the basic level (graph.py); the
forward pass is the one that graph computes, so tuned weights can be put back into it.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HIDDEN, HEADS, LAYERS = 384, 12, 6


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
