"""Fine-tune MiniLM on the labelled questions, leaving out one set (and one fold of the rest).

`python -m bench.finetune_spike.tune --hold faq_questions_issue10h.jsonl --fold K --out DIR`
trains on every committed set's answerable questions and the aliases (sets named by --without
left out altogether), except the held set and,
with --fold k (0 <= k < --folds), the k-th fold of the rest (folds as evaluate.py assigns them;
-1: no fold left out), then writes DIR/vectors_<hold>_<k>.npz: the tuned model's vector for
every question, alias and title. Loss: in-batch contrastive (each question against another
text of its entry, other entries' texts in the batch as negatives). Seeded: reproducible on
one machine.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from bench.faq import FIT_FILES, KNOWLEDGE, ROOT
from bench.finetune_spike.minilm import MiniLM, batch, packaged_weights
from bot.features.faq.loader import load_folder
from bot.features.faq.model_build import TOKENIZER_PACKAGE, TOKENIZER_SHA256, _package_file

ALIASES = "aliases"
BATCH, LEARNING_RATE, WARMUP, SCALE = 32, 3e-5, 10, 20.0


@dataclass(frozen=True)
class Labelled:
    group: str
    question: str
    right: tuple[int, ...]
    in_scope: bool


def labelled(without: frozenset[str] = frozenset()) -> tuple[list[str], list[Labelled], list[str]]:
    """(entry titles, rows in bench.faq_fit.Data's order, groups), leaving out the sets named."""
    sources = ROOT.parent / "shared" / "sources"
    kb = load_folder(KNOWLEDGE, sources if sources.is_dir() else None, with_ranker=False).kb
    entries = list(kb)
    ids = [e.id for e in entries]
    rows = []
    files = [p for p in FIT_FILES if p.name not in without]
    for path in files:
        for line in path.read_text().splitlines():
            if line.strip():
                raw = json.loads(line)
                right = tuple(ids.index(x) for x in (raw["id"], *raw.get("alt", ())) if x in ids)
                in_scope = bool(raw.get("answerable", raw["id"] is not None))
                rows.append(Labelled(path.name, raw["q"], right, in_scope))
    for i, entry in enumerate(entries):
        rows.extend(Labelled(ALIASES, alias, (i,), True) for alias in entry.aliases)
    return [e.title for e in entries], rows, [p.name for p in files] + [ALIASES]


def folds(rows: list[Labelled], groups: list[str], hold: str, k: int) -> list[int]:
    """Per row: -2 for the held set, else its fold (sets by their order, aliases one by one)."""
    others = [g for g in groups if g != hold]
    out, alias = [], 0
    for row in rows:
        if row.group == hold:
            out.append(-2)
        elif row.group == ALIASES:
            out.append(alias % k)
            alias += 1
        else:
            out.append(others.index(row.group) % k)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", required=True, help="a set's file name, left out")
    parser.add_argument("--fold", type=int, default=-1)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--without", action="append", default=[], help="a set's file name, in no part of the fit"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rnd = random.Random(0)
    titles, rows, groups = labelled(frozenset(args.without))
    fold_of = folds(rows, groups, args.hold, args.folds)
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
    tokenizer = Tokenizer.from_file(str(_package_file(*TOKENIZER_PACKAGE, TOKENIZER_SHA256)))
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
    print(f"{args.hold} fold {args.fold}: {steps} steps in {time.time() - started:.0f} s")
    texts = sorted({r.question for r in rows} | set(titles))
    model.eval()
    vectors = np.zeros((len(texts), 384), np.float32)
    by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.no_grad():
        for s in range(0, len(texts), 64):
            part = by_length[s : s + 64]
            vectors[part] = model(*batch(tokenizer, [texts[i] for i in part])).numpy()
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"vectors_{args.hold}_{args.fold}.npz"
    np.savez(target, texts=np.array(texts), vectors=vectors)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
