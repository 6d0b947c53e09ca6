"""Fixtures shared by the FAQ tests: the shipped knowledge and the matcher as the bot runs it.

A test module that needs other knowledge (a copy with a changed file, the lexical matcher alone)
defines its own fixture of the same name, which wins over these.
"""

from __future__ import annotations

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq.embedding import Encoder
from bot.features.faq.loader import Knowledge, load_folder
from bot.features.faq.matching import Matcher


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_folder(PROJECT_ROOT / "knowledge")


@pytest.fixture(scope="module")
def matcher(knowledge: Knowledge, encoder: Encoder) -> Matcher:
    """The matcher as the bot runs it: lexical and semantic evidence, the learned ranker."""
    return Matcher(
        knowledge.kb, knowledge.vocabulary, knowledge.decision, (encoder, knowledge.ranker)
    )
