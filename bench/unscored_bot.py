"""The coach with the FAQ matcher's scoring taken out of the load: `bench.load --bare`'s third bot.

Run by `bench.load` as `python -m bench.unscored_bot`, with the environment the real bot gets. It
patches `bot.features.faq.matching.Matcher` so that every matcher built (at start-up, on a
reload) ranks the load's questions (tests/data/faq_questions.jsonl, all `bench.load` asks) once,
there and then, with the real scoring, and answers them from that table afterwards; any other
question is scored as usual. So this bot gives exactly the coach's answers (the same entries,
close calls, abstentions, hence the same replies, channel cooldowns, stored answers and vote
buttons), and the only thing it leaves out under load is the scoring itself. Everything else
(gateway, command tree, database, templates, autocomplete, /plan) is the coach's own, so coach
minus this bot is what scoring a question costs under load, and this bot minus `bench.bare_bot`
is what the rest of the coach costs over bare discord.py.

(An earlier version answered every question with the same entry: after the first, each answer
was then a "repeated" one, ephemeral, without votes and without storing the answer, which made
this bot cheaper than the coach for reasons other than scoring.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.main import main
from bot.features.faq.matching import Embedded, Match, Matcher

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "faq_questions.jsonl"

_real_init = Matcher.__init__
_real_match_embedded = Matcher.match_embedded
_ranked: dict[int, dict[str, tuple[Match, Embedded | None]]] = {}  # id(matcher) -> table


def _questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS_FILE.read_text().splitlines() if line]


def _init(self: Matcher, *args: Any, **kwargs: Any) -> None:
    _real_init(self, *args, **kwargs)
    _ranked[id(self)] = {q: _real_match_embedded(self, q) for q in _questions()}


def _match_embedded(self: Matcher, question: str) -> tuple[Match, Embedded | None]:
    found = _ranked.get(id(self), {}).get(question)
    return found if found is not None else _real_match_embedded(self, question)


def _match(self: Matcher, question: str) -> Match:
    return _match_embedded(self, question)[0]


def patch() -> None:
    Matcher.__init__ = _init  # type: ignore[method-assign]
    Matcher.match_embedded = _match_embedded  # type: ignore[method-assign]
    Matcher.match = _match  # type: ignore[method-assign]


if __name__ == "__main__":
    patch()
    sys.exit(main(["run"]))
