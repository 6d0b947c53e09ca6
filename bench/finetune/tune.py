"""Fine-tune MiniLM on the labelled questions: the shipped model, or one fold's.

`python -m bench.finetune.tune --fold K --out DIR` trains (two epochs by default) on the entry
titles, the aliases and every committed set's answerable questions (FIT_FILES), except: with
--fold k (0 <= k < --folds) the k-th fold of them (folds as bench.faq_fit.folds assigns them;
-1, the default, leaves none out: the shipped model), with --hold SET that set, with --without
SET that set as well. Writes DIR/weights_<hold or "all">_<k>.npz: the weights and the recipe.
Loss: in-batch contrastive (each question against another text of its entry, other entries'
texts in the batch as negatives). Seeded: reproducible up to PyTorch's CPU arithmetic.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from bench.faq_fit import folds
from bench.finetune.graph import RECIPE, packaged_weights
from bench.finetune.labelled import labelled
from bench.finetune.minilm import MiniLM, batch
from bot.features.faq.model_build import TOKENIZER_PACKAGE, TOKENIZER_SHA256, package_file

BATCH, LEARNING_RATE, WARMUP, SCALE = 32, 3e-5, 10, 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", help="a set's file name, left out (default: none)")
    parser.add_argument("--fold", type=int, default=-1)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True, help="a folder for the weights")
    parser.add_argument(
        "--without", action="append", default=[], help="a set's file name, in no part of the fit"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rnd = random.Random(0)
    titles, rows, groups = labelled(frozenset(args.without))
    fold_of = folds(groups, [r.group for r in rows], args.hold, args.folds)
    train = [
        r
        for r, f in zip(rows, fold_of, strict=True)
        if f not in (-2, args.fold) and r.in_scope and r.right
    ]
    bank = [(t, i) for i, t in enumerate(titles)] + [
        (r.question, e) for r in train for e in r.right
    ]
    by_entry: dict[int, list[int]] = {}
    for k, (_, e) in enumerate(bank):
        by_entry.setdefault(e, []).append(k)
    tokenizer = Tokenizer.from_file(str(package_file(*TOKENIZER_PACKAGE, TOKENIZER_SHA256)))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=128)
    model = MiniLM(packaged_weights())
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    anchors = [(r.question, r.right) for r in train] + [(t, (i,)) for i, t in enumerate(titles)]
    steps, started, order = int(args.epochs * len(anchors) / BATCH), time.time(), list[int]()
    for step in range(steps):
        if len(order) < BATCH:
            order += rnd.sample(range(len(anchors)), len(anchors))
        chosen = [anchors[order.pop()] for _ in range(BATCH)]
        positives = []
        for question, right in chosen:
            others = [k for k in by_entry[right[0]] if bank[k][0] != question]
            positives.append(bank[rnd.choice(others)][0] if others else titles[right[0]])
        model.train()
        sims = (
            model(*batch(tokenizer, [q for q, _ in chosen])) @ model(*batch(tokenizer, positives)).T
        )
        shared = torch.tensor(
            [
                [j != i and bool(set(a[1]) & set(b[1])) for j, b in enumerate(chosen)]
                for i, a in enumerate(chosen)
            ]
        )
        loss = torch.nn.functional.cross_entropy(
            (sims * SCALE).masked_fill(shared, -1e4), torch.arange(BATCH)
        )
        for group in optimizer.param_groups:
            group["lr"] = LEARNING_RATE * min(1.0, (step + 1) / WARMUP)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"{args.hold or 'all'} fold {args.fold}: {steps} steps in {time.time() - started:.0f} s")
    recipe = {
        "sets": [g for g in groups if g != args.hold],
        "held_out": args.hold,
        "left_out": sorted(args.without),
        "fold": args.fold,
        "folds": args.folds,
        "epochs": args.epochs,
        "steps": steps,
        "batch": BATCH,
        "learning_rate": LEARNING_RATE,
        "warmup_steps": WARMUP,
        "scale": SCALE,
        "seed": 0,
        "threads": args.threads,
        "torch": torch.__version__,
    }
    weights = {k.replace("__", "."): v.detach().numpy() for k, v in model.p.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"weights_{args.hold or 'all'}_{args.fold}.npz"
    np.savez(target, **weights, **{RECIPE: np.array(json.dumps(recipe))})
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
