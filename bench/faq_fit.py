"""Fit the learned ranker (knowledge/ranker.json) from the aliases and the labelled questions.

Run from the repository root: `.venv/bin/python -m bench.faq_fit [--loo] [--threshold P]`.
Training rows: every question of the committed sets in tests/data/ (never tests/data/unseen/)
and every alias asked as a question with itself left out of the index (leave-one-alias-out: a
new wording the lexical index has not seen). Example features are cross-fitted: a row never
sees the examples of its own set. `--loo` writes nothing and prints, for each set held out
(the aliases as one more), the figures of a model fit on the others. The ranker is a softmax
over entries; the decision a logistic regression (numpy, L2). Reproducible: no randomness.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.faq import FIT_FILES, KNOWLEDGE, ROOT
from bot.core.settings import Settings
from bot.features.faq.embedding import Encoder
from bot.features.faq.loader import load_folder
from bot.features.faq.matching import LexicalEvidence, Matcher
from bot.features.faq.model_build import build
from bot.features.faq.ranker import (
    RANKER_FILE,
    DecisionFeatures,
    PairFeatures,
    RankerModel,
    ranker_json,
)
from bot.features.faq.semantic import SemanticIndex

ALIASES = "aliases"
RANKER_L2 = 1e-3
DECISION_L2 = 1e-2
CLOSE_SHARE = 0.05  # share of right answers that may carry a "Did you mean" button
# The nearest-neighbour vote's temperature (a pair feature): 0.03 ranked best leave-one-set-out
# among 0.02-0.05 (docs/faq-matcher.md). Written into ranker.json, which the bot reads.
VOTE_TEMPERATURE = 0.03


@dataclass(frozen=True)
class Row:
    group: str  # the set's file name, or ALIASES
    question: str
    right: tuple[int, ...]  # entry positions that answer it (empty: abstain)
    in_scope: bool
    exact: bool  # an exact title/alias: answered before any ranking
    lexical: LexicalEvidence
    vector: np.ndarray
    index_key: str | None  # an alias row: the label left out of the index


def _model(examples: dict[str, list[str]], abstain: list[str]) -> RankerModel:
    zeros_p, zeros_d = np.zeros(len(PairFeatures._fields)), np.zeros(len(DecisionFeatures._fields))
    return RankerModel(zeros_p, zeros_d, 0.0, 0.5, 0.0, VOTE_TEMPERATURE, examples, tuple(abstain))


class Data:
    def __init__(self, encoder: Encoder) -> None:
        knowledge = load_folder(KNOWLEDGE, _sources(), with_ranker=False)
        self.kb, self.vocabulary, self.decision = (
            knowledge.kb,
            knowledge.vocabulary,
            knowledge.decision,
        )
        self.encoder = encoder
        self.matcher = Matcher(self.kb, self.vocabulary, self.decision)
        self.entries = list(self.kb)
        self.ids = [e.id for e in self.entries]
        self.rows: list[Row] = []
        for path in FIT_FILES:
            for raw in _read(path):
                right = tuple(
                    self.ids.index(x) for x in (raw["id"], *raw.get("alt", ())) if x in self.ids
                )
                in_scope = bool(raw.get("answerable", raw["id"] is not None))
                exact = self.matcher._resolve_exact(raw["q"]) is not None
                self.rows.append(
                    Row(
                        path.name,
                        raw["q"],
                        right,
                        in_scope,
                        exact,
                        self.matcher.question_evidence(raw["q"]),
                        encoder.encode_one(raw["q"]),
                        None,
                    )
                )
        for i, entry in enumerate(self.entries):
            for alias in entry.aliases:
                matcher = Matcher(self._without(alias, entry), self.vocabulary, self.decision)
                self.rows.append(
                    Row(
                        ALIASES,
                        alias,
                        (i,),
                        True,
                        False,
                        matcher.question_evidence(alias),
                        encoder.encode_one(alias),
                        alias,
                    )
                )
        self.groups = [p.name for p in FIT_FILES] + [ALIASES]
        # Sets that teach the ranker's weights but lend no nearest-neighbour examples
        # (--bank-without): every row then sees the bank the bot will carry.
        self.bank_without: frozenset[str] = frozenset()

    def _without(self, alias: str, entry):  # type: ignore[no-untyped-def]
        trimmed = replace(entry, aliases=tuple(a for a in entry.aliases if a != alias))
        return replace(self.kb, entries={**self.kb.entries, entry.id: trimmed})

    def bank(self, groups: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
        examples: dict[str, list[str]] = {}
        abstain: list[str] = []
        for row in self.rows:
            if row.group not in groups or row.group in (ALIASES, *self.bank_without):
                continue
            if row.in_scope:
                for i in row.right:
                    examples.setdefault(self.ids[i], []).append(row.question)
            else:
                abstain.append(row.question)
        return examples, abstain

    def evidence(
        self, rows: list[Row], bank_groups: Iterable[str], weights: np.ndarray | None = None
    ) -> list[tuple[np.ndarray, DecisionFeatures, int, float]]:
        """Per row: (pair matrix, decision features, top entry, its score lead), computed by
        SemanticIndex as the bot does, with the examples of bank_groups minus the row's own set.
        """
        groups = set(bank_groups)
        ranker = np.zeros(len(PairFeatures._fields)) if weights is None else weights
        indexes: dict[str, SemanticIndex] = {}
        out = []
        for row in rows:
            if row.index_key is None:
                index = indexes.get(row.group)
                if index is None:
                    index = indexes[row.group] = self._index(
                        self.entries, groups - {row.group}, ranker
                    )
            else:
                entries = list(self._without(row.index_key, self.entries[row.right[0]]))
                index = self._index(entries, groups, ranker)
            cosines = index.cosines(row.vector)
            pairs = index.pair_features(cosines, row.lexical)
            order, scores, features = index.rank_pairs(pairs, cosines, row.lexical)
            top = int(order[0])
            out.append((pairs, features, top, float(scores[top] - scores[order[1]])))
        return out

    def _index(self, entries, groups: set[str], ranker: np.ndarray) -> SemanticIndex:  # type: ignore[no-untyped-def]
        examples, abstain = self.bank(groups)
        decision = np.zeros(len(DecisionFeatures._fields))
        model = RankerModel(
            ranker, decision, 0.0, 0.5, 0.0, VOTE_TEMPERATURE, examples, tuple(abstain)
        )
        return SemanticIndex(entries, self.encoder, model)


Evidence = list[tuple[np.ndarray, DecisionFeatures, int, float]]


class Vectors:
    """Precomputed vectors of one tuned model (bench.finetune.tune's file), as an encoder."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as data:
            self.by_text = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def encode_one(self, text: str) -> np.ndarray:
        return self.by_text[text]

    def label_matrix(self, labels: list[str]) -> np.ndarray:
        if not labels:
            return np.zeros((0, 384), np.float32)
        return np.stack([self.by_text[t] for t in labels])


def folds(groups: list[str], rows: list[str], hold: str | None, k: int) -> list[int]:
    """Per row (named by its group): -2 for the held set, else its fold of k. Sets fall into
    folds by their order; aliases one by one, so each fold keeps some of every entry's."""
    others = [g for g in groups if g != hold]
    out, alias = [], 0
    for group in rows:
        if group == hold:
            out.append(-2)
        elif group == ALIASES:
            out.append(alias % k)
            alias += 1
        else:
            out.append(others.index(group) % k)
    return out


class CrossFit:
    """Evidence from fine-tuned embeddings, cross-fitted: each row's from the fold model that
    never trained on it (bench/finetune: one model per fold of the sets and aliases), so the
    ranker learns how far to trust the embedding on wording the model has not seen."""

    def __init__(self, data: Data, folder: Path, n: int, hold: str | None = None) -> None:
        name = hold or "all"
        self.views: dict[int, Data] = {}
        for k in (-1, *range(n)):
            view = copy.copy(data)
            view.encoder = Vectors(folder / f"vectors_{name}_{k}.npz")  # type: ignore[assignment]
            self.views[k] = view
        fold_of = folds(data.groups, [r.group for r in data.rows], hold, n)
        self.fold_of = dict(zip(map(id, data.rows), fold_of, strict=True))

    def evidence(
        self, rows: list[Row], groups: Iterable[str], weights: np.ndarray | None = None
    ) -> Evidence:
        """As Data.evidence; a held row's from the model that saw every other set."""
        groups = list(groups)
        out: list = [None] * len(rows)  # type: ignore[type-arg]
        for k, view in self.views.items():
            mine = [i for i, r in enumerate(rows) if max(self.fold_of[id(r)], -1) == k]
            vectors = view.encoder
            moved = [replace(rows[i], vector=vectors.encode_one(rows[i].question)) for i in mine]
            for i, found in zip(mine, view.evidence(moved, groups, weights), strict=True):
                out[i] = found
        return out


def _sources() -> Path | None:
    path = ROOT.parent / "shared" / "sources"
    return path if path.is_dir() else None


def _read(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def fit_softmax(
    pairs: list[np.ndarray], rights: list[tuple[int, ...]], steps: int = 500
) -> np.ndarray:
    stack = np.stack(pairs)
    k = stack.shape[2]
    target = np.zeros(stack.shape[:2])
    for i, right in enumerate(rights):
        target[i, list(right)] = 1.0 / len(right)
    mean, sd = stack.reshape(-1, k).mean(0), stack.reshape(-1, k).std(0) + 1e-6
    z = (stack - mean) / sd
    w = np.zeros(k)
    for _ in range(steps):
        s = z @ w
        p = np.exp(s - s.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        w -= 0.5 * (np.einsum("mn,mnk->k", p - target, z) / len(pairs) + RANKER_L2 * w)
    return w / sd  # a constant shift does not change a softmax: no bias


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 3000) -> tuple[np.ndarray, float]:
    mean, sd = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        err = 1 / (1 + np.exp(-(z @ w + b))) - y
        w -= 0.5 * (z.T @ err / len(y) + DECISION_L2 * w)
        b -= 0.5 * float(err.mean())
    return w / sd, b - float((w / sd) @ mean)


@dataclass(frozen=True)
class Fitted:
    ranker: np.ndarray
    decision: np.ndarray
    bias: float
    close_gap: float


def fit(
    data: Data, groups: list[str], evidence_of: Callable[..., Evidence] | None = None
) -> Fitted:
    """Ranker on every in-scope row of `groups` (aliases included); decision on the sets' rows.
    `evidence_of`: Data.evidence (the installed model) unless given (a CrossFit's)."""
    evidence_of = evidence_of or data.evidence
    rows = [r for r in data.rows if r.group in groups]
    ranked = [r for r in rows if r.in_scope and r.right]
    pairs = [p for p, *_ in evidence_of(ranked, groups)]
    ranker = fit_softmax(pairs, [r.right for r in ranked])
    decided = [r for r in rows if r.group != ALIASES and not r.exact]
    evidence = evidence_of(decided, groups, ranker)
    x = np.array([list(f) for _, f, _, _ in evidence])
    y = np.array(
        [
            float(r.in_scope and top in r.right)
            for r, (_, _, top, _) in zip(decided, evidence, strict=True)
        ]
    )
    weights, bias = fit_logistic(x, y)
    leads = [lead for (_, _, _, lead), ok in zip(evidence, y, strict=True) if ok]
    return Fitted(ranker, weights, bias, float(np.quantile(leads, CLOSE_SHARE)))


def figures(
    data: Data,
    fitted: Fitted,
    group: str,
    bank: list[str],
    thresholds: list[float],
    evidence_of: Callable[..., Evidence] | None = None,
) -> list[str]:
    rows = [r for r in data.rows if r.group == group]
    evidence = (evidence_of or data.evidence)(rows, bank, fitted.ranker)
    lines = []
    for threshold in thresholds:
        right = wrong = n_in = abstained = n_out = first = 0
        for row, (_, features, top, _) in zip(rows, evidence, strict=True):
            first += row.in_scope and top in row.right
            p = 1 / (1 + np.exp(-(fitted.bias + float(np.dot(fitted.decision, features)))))
            answered = row.exact or p >= threshold
            if row.in_scope:
                n_in += 1
                ok = row.exact or top in row.right
                right += answered and ok
                wrong += answered and not ok
            else:
                n_out += 1
                abstained += not answered
        lines.append(
            f"  {group:<28} th {threshold:.2f}: right {right}/{n_in}  wrong {wrong}  "
            f"abstained {abstained}/{n_out}  (ranked first: {first})"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loo", action="store_true", help="leave-one-set-out; writes nothing")
    parser.add_argument("--threshold", type=float, default=0.6, help="answer at or above")
    parser.add_argument("--hold", action="append", help="with --loo: only these sets held out")
    parser.add_argument(
        "--vectors",
        type=Path,
        help="cross-fit on bench.finetune.tune's vectors in this folder (bench/finetune/README.md)",
    )
    parser.add_argument("--folds", type=int, default=3, help="with --vectors: as tune's")
    parser.add_argument(
        "--without", action="append", default=[], help="a set left out of everything (as tune's)"
    )
    parser.add_argument(
        "--bank-without",
        action="append",
        default=[],
        help="a set fit on but kept out of the ranker's example bank (ranker.json's examples)",
    )
    args = parser.parse_args()
    encoder = Encoder(build(Settings(_env_file=None).embedding_dir))  # type: ignore[call-arg]
    data = Data(encoder)
    data.rows = [r for r in data.rows if r.group not in args.without]
    data.groups = [g for g in data.groups if g not in args.without]
    unknown = set(args.bank_without) - set(data.groups)
    if unknown:
        parser.error(f"--bank-without names no fit set: {', '.join(sorted(unknown))}")
    data.bank_without = frozenset(args.bank_without)

    def evidence_of(hold: str | None) -> Callable[..., Evidence] | None:
        if args.vectors is None:
            return None
        return CrossFit(data, args.vectors, args.folds, hold).evidence

    if args.loo:
        thresholds = sorted({0.5, 0.6, 0.7, args.threshold})
        for held in args.hold or data.groups:
            others = [g for g in data.groups if g != held]
            crossed = evidence_of(held)
            fitted = fit(data, others, crossed)
            print("\n".join(figures(data, fitted, held, others, thresholds, crossed)))
        return
    crossed = evidence_of(None)
    fitted = fit(data, data.groups, crossed)
    examples, abstain = data.bank(data.groups)
    target = KNOWLEDGE / RANKER_FILE
    target.write_text(
        ranker_json(
            fitted.ranker,
            fitted.decision,
            fitted.bias,
            threshold=args.threshold,
            close_gap=fitted.close_gap,
            vote_temperature=VOTE_TEMPERATURE,
            examples=examples,
            abstain=abstain,
            fit={
                "sets": data.groups,
                "ranker_l2": RANKER_L2,
                "decision_l2": DECISION_L2,
                "close_share": CLOSE_SHARE,
                "model": encoder.model_sha256,
                "cross_fitted_folds": args.folds if args.vectors else 0,
                "bank_without": sorted(args.bank_without),
            },
        )
    )
    print(f"wrote {target.relative_to(ROOT)}")
    for group in data.groups:
        print("\n".join(figures(data, fitted, group, data.groups, [args.threshold], crossed)))


if __name__ == "__main__":
    main()
