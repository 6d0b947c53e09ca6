"""The ranker and decision refit on fine-tuned vectors, cross-fitted, and scored on the held set.

`python -m bench.finetune_spike.evaluate --hold faq_questions_issue10h.jsonl --vectors DIR`
reads DIR/vectors_<hold>_<k>.npz from tune.py (k = -1, 0 .. folds-1). Each training row's
evidence comes from the model that never saw its fold (as bench.faq_fit keeps a row from its
own set's examples), the held set's from the model that saw every other set; then the same
softmax ranker and logistic decision as bench.faq_fit, scored at several thresholds.
"""

from __future__ import annotations

import argparse
import copy
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.faq_fit import ALIASES, Data, fit_logistic, fit_softmax
from bench.finetune_spike.tune import folds
from bot.core.settings import Settings
from bot.features.faq.embedding import Encoder
from bot.features.faq.model_build import build


class Vectors:
    """An Embedder over precomputed vectors (every text the fit asks for is in them)."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as data:
            self.by_text = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def encode_one(self, text: str) -> np.ndarray:
        return self.by_text[text]

    def label_matrix(self, labels: list[str]) -> np.ndarray:
        if not labels:
            return np.zeros((0, 384), np.float32)
        return np.stack([self.by_text[t] for t in labels])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", required=True)
    parser.add_argument("--vectors", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--without", action="append", default=[], help="as tune.py's")
    args = parser.parse_args()
    data = Data(Encoder(build(Settings(_env_file=None).embedding_dir)))  # type: ignore[call-arg]
    data.rows = [r for r in data.rows if r.group not in args.without]
    data.groups = [g for g in data.groups if g not in args.without]
    models = {
        k: Vectors(args.vectors / f"vectors_{args.hold}_{k}.npz") for k in (-1, *range(args.folds))
    }
    groups = [g for g in data.groups if g != args.hold]
    fold_of = dict(
        zip(map(id, data.rows), folds(data.rows, data.groups, args.hold, args.folds), strict=True)  # type: ignore[arg-type]
    )

    def evidence(rows, weights, k):  # type: ignore[no-untyped-def]
        tuned = copy.copy(data)
        tuned.encoder = models[k]  # type: ignore[assignment]
        moved = [replace(r, vector=models[k].encode_one(r.question)) for r in rows]
        return tuned.evidence(moved, groups, weights)

    def by_fold(rows, weights):  # type: ignore[no-untyped-def]
        out: list = [None] * len(rows)  # type: ignore[type-arg]
        for k in range(args.folds):
            mine = [i for i, r in enumerate(rows) if fold_of[id(r)] == k]
            for i, e in zip(mine, evidence([rows[i] for i in mine], weights, k), strict=True):
                out[i] = e
        return out

    train = [r for r in data.rows if r.group in groups]
    ranked = [r for r in train if r.in_scope and r.right]
    ranker = fit_softmax([p for p, *_ in by_fold(ranked, None)], [r.right for r in ranked])
    decided = [r for r in train if r.group != ALIASES and not r.exact]
    found = by_fold(decided, ranker)
    x = np.array([list(f) for _, f, _, _ in found])
    y = np.array(
        [
            float(r.in_scope and top in r.right)
            for r, (_, _, top, _) in zip(decided, found, strict=True)
        ]
    )
    weights, bias = fit_logistic(x, y)
    held = [r for r in data.rows if r.group == args.hold]
    scored = evidence(held, ranker, -1)
    for threshold in (0.5, 0.6, 0.7, 0.8):
        right = wrong = abstained = first = 0
        for row, (_, features, top, _) in zip(held, scored, strict=True):
            first += row.in_scope and top in row.right
            p = 1 / (1 + np.exp(-(bias + float(np.dot(weights, features)))))
            answered = row.exact or p >= threshold
            if row.in_scope:
                ok = row.exact or top in row.right
                right += answered and ok
                wrong += answered and not ok
            else:
                abstained += not answered
        n_in = sum(r.in_scope for r in held)
        print(
            f"{args.hold} th {threshold:.2f}: right {right}/{n_in}  wrong {wrong}  "
            f"abstained {abstained}/{len(held) - n_in}  (ranked first: {first})"
        )


if __name__ == "__main__":
    main()
