"""Answer or abstain: a tiny logistic model over the matcher's evidence for its best entry.

One threshold on one score could not tell "new wording of a known question" from "our words,
someone else's question": both score alike. Several features together can (a strong title
anchor with little foreign content answers; a high score made of cue words does not).
Weights are fit by `bench/faq.py --fit 0.005` on all five committed eval sets (round 4; L2
chosen by `--fit L2 --loo`, leave-one-set-out, among 0.002-0.05: 0.002-0.005 held out best);
they are plain numbers here so the bot needs no learning library at run time. Refit whenever the
matcher's scoring or vocabulary changes.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Features(NamedTuple):
    score: float  # the best entry's score, scaled into [0, 1]
    coverage: float  # share of the question's weight that entry covers
    margin: float  # lead over the runner-up entry
    dice: float  # best weighted Dice with the entry's title or an alias
    titled: float  # share of the question's weight found in the title
    foreign: float  # share of the weight in words the index has never seen
    cue: float  # share of the weight in off-topic cue words
    mass: float  # log(1 + matched weight): long questions show topic in absolute terms
    anchor: float  # the most specific matched title/alias term, relative to the rarest term


WEIGHTS = Features(3.433, 2.318, 5.136, 1.813, 3.351, -0.638, -3.509, 2.799, -0.311)
BIAS = -10.062
THRESHOLD = 0.5


def probability(f: Features) -> float:
    """Estimated chance that answering with the best entry is right."""
    z = BIAS + sum(w * x for w, x in zip(WEIGHTS, f, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def answers(f: Features) -> bool:
    return probability(f) >= THRESHOLD
