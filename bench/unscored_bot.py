"""The coach with the FAQ matcher's scoring replaced by a constant: `bench.load --bare`'s third bot.

Run by `bench.load` as `python -m bench.unscored_bot`, with the environment the real bot gets. It
patches `bot.features.faq.matching.Matcher.match` and `match_embedded` to answer every question
with the same entry (the knowledge base's first, score 1.0, no suggestions, no vector: what an
exact title match returns, minus the related-entry lookup), then runs `coach run` unchanged.
Everything else (gateway, command tree, database, templates, autocomplete, /plan) is the coach's
own, so coach minus this bot is what scoring a question costs under load, and this bot minus
`bench.bare_bot` is what the rest of the coach costs over bare discord.py.
"""

from __future__ import annotations

import sys

from bot.cli.main import main
from bot.features.faq.matching import Embedded, Match, Matcher


def _match_embedded(self: Matcher, question: str) -> tuple[Match, Embedded | None]:
    return Match(self._entries[0].entry, 1.0, ()), None


def _match(self: Matcher, question: str) -> Match:
    return _match_embedded(self, question)[0]


def patch() -> None:
    Matcher.match_embedded = _match_embedded  # type: ignore[method-assign]
    Matcher.match = _match  # type: ignore[method-assign]


if __name__ == "__main__":
    patch()
    sys.exit(main(["run"]))
