"""The semantic half of the matcher: question vectors against entry labels and examples.

Built once per knowledge snapshot from an `Embedder` (the real one is embedding.Encoder; tests
may pass any) and the RankerModel's labelled questions: the label, example and off-topic
matrices are fixed, so matching a question is one embedding and one matrix product (the pieces
of a post share a second). Pure: numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from typing import Protocol

import numpy as np

from bot.features.faq.knowledge import Entry
from bot.features.faq.ranker import DecisionFeatures, PairFeatures, RankerModel


class Embedder(Protocol):
    def encode_one(self, text: str) -> np.ndarray: ...

    def submit_parts(
        self, text: str, spans: Sequence[tuple[int, int]]
    ) -> Future[tuple[np.ndarray, list[np.ndarray]]]: ...

    def label_matrix(self, labels: Sequence[str]) -> np.ndarray: ...


class Lexical(Protocol):
    """What the lexical matcher knows of a question, per entry (arrays in entry order)."""

    score: np.ndarray
    dice: np.ndarray
    coverage: np.ndarray
    top: int  # the lexical best entry, -1 when nothing matched
    probability: float  # the lexical decision's probability for its best entry
    foreign: float
    cue: float
    mass: float


class SemanticIndex:
    def __init__(self, entries: Sequence[Entry], embedder: Embedder, model: RankerModel) -> None:
        self._embedder = embedder
        self.model = model
        self.size = n = len(entries)
        labels = [(i, label) for i, e in enumerate(entries) for label in (e.title, *e.aliases)]
        self._label_owner = np.array([i for i, _ in labels], dtype=np.int64)
        position = {e.id: i for i, e in enumerate(entries)}
        # Examples of entries that no longer exist are skipped: they only widen the net.
        examples = sorted(
            (
                (position[eid], q)
                for eid, qs in model.examples.items()
                if eid in position
                for q in qs
            ),
            key=lambda owned: owned[0],
        )
        self._example_owner = np.array([i for i, _ in examples], dtype=np.int64).reshape(-1)
        # Labels, examples and off-topic questions, one matrix asked for at once (no copies
        # left behind): one product per question gives every cosine the ranker weighs, and the
        # pieces of a post share one pass over it.
        self._rows = embedder.label_matrix(
            [label for _, label in labels] + [q for _, q in examples] + list(model.abstain)
        )
        self._label_count = len(labels)
        self._bank_size = len(labels) + len(examples)
        self._bank_owner = np.concatenate([self._label_owner, self._example_owner])
        # Each entry's labels, and its examples, are contiguous runs: per-entry maxima are one
        # reduceat over the run starts (np.maximum.at costs ~0.6 ms a question on 4,000 rows).
        self._label_starts = _starts(self._label_owner, n)
        self._has_examples = np.bincount(self._example_owner, minlength=n) > 0
        self._example_starts = _starts(self._example_owner, n)[self._has_examples]

    def start_embedding(
        self, question: str, spans: Sequence[tuple[int, int]]
    ) -> Future[tuple[np.ndarray, list[np.ndarray]]]:
        """The question's vector and its pieces' (one run of the model), on its way."""
        return self._embedder.submit_parts(question, spans)

    def cosines(self, vectors: np.ndarray) -> np.ndarray:
        """Each vector's cosine with every label, example and off-topic question (a row per
        vector, or one row for a single vector): what pair_features and rank_pairs read."""
        return vectors @ self._rows.T if vectors.ndim == 2 else self._rows @ vectors

    def label_cosine(self, pairs: np.ndarray) -> float:
        """The question's best cosine to any entry's title or alias (-1 with no entries), read
        off its pair features: no second pass over the labels."""
        return float(pairs[:, _COSINE].max()) if len(pairs) else -1.0

    def pair_features(self, cosines: np.ndarray, lexical: Lexical) -> np.ndarray:
        """One row of PairFeatures per entry, from the question's `cosines`."""
        bank = cosines[: self._bank_size]
        sims, example_sims = bank[: self._label_count], bank[self._label_count :]
        best = np.maximum.reduceat(sims, self._label_starts).astype(np.float64)
        # The second-best label: mask each entry's best (and its ties), take the max again.
        is_best = sims >= best[self._label_owner]
        second = np.maximum.reduceat(np.where(is_best, -1.0, sims), self._label_starts)
        second = np.where(second < -0.5, best, second)
        example = best.copy()
        if len(self._example_starts):
            by_example = np.maximum.reduceat(example_sims, self._example_starts)
            example[self._has_examples] = np.maximum(example[self._has_examples], by_example)
        # A soft nearest-neighbour vote over every label and example.
        weights = np.exp((bank - 1.0) / self.model.vote_temperature)
        vote = np.bincount(self._bank_owner, weights=weights, minlength=self.size)
        vote /= max(float(vote.sum()), 1e-12)
        lex = lexical.score
        top = np.zeros(self.size)
        if lexical.top >= 0:
            top[lexical.top] = 1.0
        columns = (
            lex,
            lex - lex.max(),
            lexical.dice,
            lexical.coverage,
            best,
            best - best.max(),
            second,
            top,
            example,
            example - example.max(),
            vote,
        )
        return np.stack(columns, axis=1)

    def rank(
        self, cosines: np.ndarray, lexical: Lexical
    ) -> tuple[np.ndarray, np.ndarray, DecisionFeatures]:
        """(entry order best first, scores, the decision's features for the best entry)."""
        return self.rank_pairs(self.pair_features(cosines, lexical), cosines, lexical)

    def rank_pairs(
        self, pairs: np.ndarray, cosines: np.ndarray, lexical: Lexical
    ) -> tuple[np.ndarray, np.ndarray, DecisionFeatures]:
        scores = self.model.scores(pairs)
        order = np.argsort(-scores, kind="stable")
        t, u = int(order[0]), int(order[1]) if self.size > 1 else int(order[0])
        shares = np.exp(scores - scores[t])
        shares /= shares.sum()
        column = {name: pairs[:, k] for k, name in enumerate(PairFeatures._fields)}
        rest = cosines[self._bank_size :]
        off_topic = float(rest.max()) if len(rest) else 0.0
        features = DecisionFeatures(
            share=float(shares[t]),
            share_lead=float(shares[t] - shares[u]),
            lead=float(scores[t] - scores[u]),
            cosine=float(column["cosine"][t]),
            cosine_lead=float(column["cosine"][t] - column["cosine"][u]),
            lexical=float(column["lexical"][t]),
            lexical_probability=lexical.probability,
            agree=float(t == lexical.top),
            foreign=lexical.foreign,
            cue=lexical.cue,
            mass=lexical.mass,
            example=float(column["example"][t]),
            off_topic=off_topic,
            off_topic_lead=float(column["example"][t]) - off_topic,
        )
        return order, scores, features


_COSINE = PairFeatures._fields.index("cosine")


def _starts(owner: np.ndarray, n: int) -> np.ndarray:
    """Where each of n owners' run begins in a non-decreasing owner array (an owner without
    rows gets the next owner's start; callers keep only owners that have rows)."""
    return np.searchsorted(owner, np.arange(n), side="left")
