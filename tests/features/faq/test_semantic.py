"""The semantic index's per-entry evidence, against its definition computed row by row: the best
label cosine, the second-best, the best over labels and examples, and the nearest-neighbour vote.
The index computes them with segment reductions over runs of rows; this checks them on entries
with several, one or no examples, given in no particular order."""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Future

import numpy as np

from bot.features.faq.knowledge import Entry
from bot.features.faq.matching import LexicalEvidence
from bot.features.faq.ranker import DecisionFeatures, PairFeatures, RankerModel
from bot.features.faq.semantic import SemanticIndex

DIMENSIONS = 16
VOTE_T = 0.05  # not the shipped 0.03: the index must use the model's own temperature


class SeededEmbedder:
    """A unit vector per text, the same every time (its hash seeds the generator)."""

    def encode_one(self, text: str) -> np.ndarray:
        seed = sum(ord(c) * 31**i for i, c in enumerate(text)) % 2**32
        vector = np.random.default_rng(seed).normal(size=DIMENSIONS)
        return (vector / np.linalg.norm(vector)).astype(np.float32)

    def label_matrix(self, labels: Sequence[str]) -> np.ndarray:
        if not labels:
            return np.zeros((0, DIMENSIONS), np.float32)
        return np.stack([self.encode_one(t) for t in labels])

    def submit_parts(
        self, text: str, spans: Sequence[tuple[int, int]]
    ) -> Future[tuple[np.ndarray, list[np.ndarray]]]:
        raise NotImplementedError


def entry(entry_id: str, *labels: str) -> Entry:
    return Entry(entry_id, labels[0], labels[1:], "basics", (), (), "body")


ENTRIES = [
    entry("a", "title a", "alias a1", "alias a2"),
    entry("b", "title b"),  # one label, no examples
    entry("c", "title c", "alias c1"),
    entry("d", "title d", "alias d1", "alias d2", "alias d3"),
]
# Given out of entry order, one for an entry that no longer exists.
EXAMPLES = {
    "d": ("question d1", "question d2"),
    "gone": ("question for a removed entry",),
    "a": ("question a1",),
    "c": ("question c1", "question c2", "question c3"),
}


def lexical(n: int) -> LexicalEvidence:
    zeros = np.zeros(n)
    return LexicalEvidence(zeros, zeros, zeros, -1, 0.0, 0.0, 0.0, 0.0)


def semantic_index(embedder: SeededEmbedder, off_topic: tuple[str, ...]) -> SemanticIndex:
    """ENTRIES with EXAMPLES and these off-topic questions; the ranker's weights play no part."""
    model = RankerModel(
        np.zeros(len(PairFeatures._fields)),
        np.zeros(len(DecisionFeatures._fields)),
        0.0,
        0.5,
        0.0,
        VOTE_T,
        EXAMPLES,
        off_topic,
    )
    return SemanticIndex(ENTRIES, embedder, model)


def test_pair_features_match_their_row_by_row_definition() -> None:
    embedder = SeededEmbedder()
    index = semantic_index(embedder, ("off topic",))
    for question in ("question one", "title b", "alias d2", "question c2"):
        vector = embedder.encode_one(question)
        got = index.pair_features(index.cosines(vector), lexical(len(ENTRIES)))
        weights, best, second, example = [], [], [], []
        for e in ENTRIES:
            labels = sorted(float(embedder.encode_one(t) @ vector) for t in (e.title, *e.aliases))
            examples = [float(embedder.encode_one(q) @ vector) for q in EXAMPLES.get(e.id, ())]
            best.append(labels[-1])
            below = [c for c in labels if c < labels[-1]]
            second.append(below[-1] if below else labels[-1])
            example.append(max([labels[-1], *examples]))
            weights.append(sum(math.exp((c - 1.0) / VOTE_T) for c in labels + examples))
        vote = [w / sum(weights) for w in weights]
        column = {name: got[:, k] for k, name in enumerate(PairFeatures._fields)}
        np.testing.assert_allclose(column["cosine"], best, atol=1e-6)
        np.testing.assert_allclose(column["cosine_gap"], np.array(best) - max(best), atol=1e-6)
        np.testing.assert_allclose(column["cosine2"], second, atol=1e-6)
        np.testing.assert_allclose(column["example"], example, atol=1e-6)
        np.testing.assert_allclose(
            column["example_gap"], np.array(example) - max(example), atol=1e-6
        )
        # float32 cosines, divided by the vote temperature: relative error ~1e-5
        np.testing.assert_allclose(column["vote"], vote, rtol=1e-4, atol=1e-12)


def test_a_posts_pieces_share_one_product_with_the_same_cosines() -> None:
    """cosines() of several vectors at once (a post's pieces) gives each the row it gets alone,
    and rank_pairs reads the off-topic cosine off the same row."""
    embedder = SeededEmbedder()
    index = semantic_index(embedder, ("off topic", "another off topic"))
    questions = ("question one", "alias d2", "another off topic")
    vectors = np.stack([embedder.encode_one(q) for q in questions])
    together = index.cosines(vectors)
    for question, vector, row in zip(questions, vectors, together, strict=True):
        alone = index.cosines(vector)
        np.testing.assert_allclose(row, alone, atol=1e-6)
        off_topic = max(
            float(embedder.encode_one(t) @ vector) for t in ("off topic", "another off topic")
        )
        _, _, features = index.rank(row, lexical(len(ENTRIES)))
        assert math.isclose(features.off_topic, off_topic, abs_tol=1e-6), question
