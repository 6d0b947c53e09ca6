"""A question asked again is answered from the matcher's memory: the same verdict, no ranking;
a reload (a new matcher) ranks afresh."""

from __future__ import annotations

import json

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq import matching
from bot.features.faq.embedding import Encoder
from bot.features.faq.loader import Knowledge, load_folder
from bot.features.faq.matching import Matcher
from bot.features.faq.store import KnowledgeStore

KNOWLEDGE = PROJECT_ROOT / "knowledge"
QUESTIONS = [
    json.loads(line)["q"]
    for line in (PROJECT_ROOT / "tests" / "data" / "faq_questions.jsonl").read_text().splitlines()
    if line
][::10]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_folder(KNOWLEDGE)


@pytest.fixture
def ranked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions any matcher actually ranks (lexically or with the model), in order."""
    asked: list[str] = []
    lexical, learned = Matcher._lexical, Matcher._learned

    def count_lexical(self: Matcher, question: str) -> matching.Match:
        asked.append(question)
        return lexical(self, question)

    def count_learned(self: Matcher, question: str) -> tuple[matching.Match, matching.Embedded]:
        asked.append(question)
        return learned(self, question)

    monkeypatch.setattr(Matcher, "_lexical", count_lexical)
    monkeypatch.setattr(Matcher, "_learned", count_learned)
    return asked


def lexical(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision)


def test_a_question_asked_again_is_not_ranked_again(knowledge: Knowledge, ranked) -> None:  # type: ignore[no-untyped-def]
    matcher = lexical(knowledge)
    question = "do hill sprints build muscle in the legs"
    first = matcher.match(question)
    assert matcher.match(question) == first
    assert matcher.match_embedded(question)[0] == first
    assert ranked == [question]
    matcher.match(question + "?")  # another wording is another question
    assert ranked == [question, question + "?"]


def test_forget_makes_the_next_ask_rank_afresh(knowledge: Knowledge, ranked) -> None:  # type: ignore[no-untyped-def]
    """What bench/faq.py relies on to time the ranking, not the memory, on each repeat."""
    matcher = lexical(knowledge)
    question = "do hill sprints build muscle in the legs"
    first = matcher.match(question)
    matcher.forget()
    assert matcher.match(question) == first
    assert ranked == [question, question]


def test_the_least_recently_asked_question_is_forgotten_first(
    knowledge: Knowledge,
    ranked,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matching, "MATCH_CACHE", 2)
    matcher = lexical(knowledge)
    for question in ("hill sprints", "protein for runners", "hill sprints", "calf pain"):
        matcher.match(question)  # "hill sprints" asked again: "protein" is now the oldest
    assert ranked == ["hill sprints", "protein for runners", "calf pain"]
    matcher.match("hill sprints")
    assert ranked[-1] == "calf pain"  # still remembered
    matcher.match("protein for runners")
    assert ranked[-1] == "protein for runners"  # forgotten, so ranked again


def test_a_reload_ranks_again(ranked) -> None:  # type: ignore[no-untyped-def]
    store = KnowledgeStore.load(KNOWLEDGE, None)
    question = "how often should i do hill repeats"
    before = store.matcher.match(question)
    store.matcher.match(question)
    assert store.reload() == []
    assert store.matcher.match(question) == before
    assert ranked == [question, question]  # the new knowledge's matcher ranked it itself


def test_remembered_verdicts_are_the_ranked_ones(knowledge: Knowledge, encoder: Encoder) -> None:
    """With the model (as the bot runs): every remembered answer, close call, second part and
    vector is the one ranking gives, and the shared vector cannot be changed in place."""
    semantic = (encoder, knowledge.ranker)
    remembering = Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision, semantic)
    for question in QUESTIONS:
        remembering.match_embedded(question)
    for question in QUESTIONS:
        match, embedded = remembering.match_embedded(question)
        fresh, fresh_embedded = remembering._match_embedded(question)
        assert match == fresh, question
        if embedded is None:
            assert fresh_embedded is None
            continue
        assert fresh_embedded is not None
        assert embedded.vector.tolist() == pytest.approx(fresh_embedded.vector.tolist())
        assert not embedded.vector.flags.writeable
