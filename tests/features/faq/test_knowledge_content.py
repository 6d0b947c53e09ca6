"""The real knowledge base: loads cleanly, covers the contract, and quotes its sources exactly."""

from __future__ import annotations

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq.knowledge import KnowledgeBase
from bot.features.faq.loader import validate_knowledge

ROOT = PROJECT_ROOT
KNOWLEDGE = ROOT / "knowledge"
SOURCES = PROJECT_ROOT.parent / "shared" / "sources"

REQUIRED_IDS = {
    "can-running-build-muscle": "basics",
    "muscles-worked": "basics",
    "best-running-for-muscle": "basics",
    "beginners-gain-muscle": "basics",
    "trained-runners-need-intensity": "basics",
    "calves": "basics",
    "quads": "basics",
    "functional-strength": "basics",
    "running-makes-you-weaker": "basics",
    "how-muscles-grow": "science",
    "progressive-overload": "science",
    "time-under-tension": "science",
    "impact-forces": "science",
    "aerobic-capacity-lifting": "science",
    "capillarization": "science",
    "study-2017-intervals": "studies",
    "study-older-men": "studies",
    "concurrent-training-review": "studies",
    "hill-running-muscle": "hills",
    "hill-sprints": "hills",
    "hill-sprints-sled-push": "hills",
    "hills-vs-flat-sprints": "hills",
    "downhill-running": "hills",
    "trail-running-muscle": "trail",
    "trail-runners-muscle-size": "trail",
    "sprinting-vs-easy-running": "sprints",
    "sprinting-hypertrophy": "sprints",
    "high-intensity-intervals": "sprints",
    "plyometrics": "sprints",
    "long-distance-running": "endurance",
    "lean-marathoners": "endurance",
    "endurance-runner-strength-work": "endurance",
    "preserving-muscle": "endurance",
    "strength-endurance-tradeoff": "endurance",
    "nutrition-for-muscle": "nutrition",
    "protein": "nutrition",
    "running-vs-lifting": "strength",
    "strength-training-for-runners": "strength",
    "running-for-lifters": "strength",
    "recovery": "recovery",
    "neglecting-recovery": "recovery",
    "consistency": "training",
    "common-mistakes": "training",
}

# The trail-running article's FAQ lost its questions; the contract maps each answer (by its
# opening words) to the entry that must quote it.
FAQ_ANSWERS = {
    "Primarily the glutes": "muscles-worked",
    "No. Resistance training": "running-vs-lifting",
    "Often yes": "trail-running-muscle",
    "Sprinting provides": "sprinting-vs-easy-running",
    "Many beginners": "beginners-gain-muscle",
    "It can help maintain": "long-distance-running",
    "Absolutely. Adequate protein": "protein",
    "Yes, particularly when": "can-running-build-muscle",
}


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    # Quotes are checked separately (and skipped without the sources), so load without them.
    kb, problems = validate_knowledge(KNOWLEDGE, None)
    assert problems == [], "\n".join(map(str, problems))
    assert kb is not None
    return kb


@pytest.fixture(scope="module")
def articles(kb: KnowledgeBase) -> dict[str, str]:
    if not SOURCES.is_dir():
        pytest.skip(f"source articles not found at {SOURCES}: cannot check quotes verbatim")
    return {
        a.id: squash((SOURCES / a.file).read_text(encoding="utf-8")) for a in kb.articles.values()
    }


def test_loads_with_sources_checked_and_no_problems() -> None:
    if not SOURCES.is_dir():
        pytest.skip(f"source articles not found at {SOURCES}: cannot check quotes verbatim")
    kb, problems = validate_knowledge(KNOWLEDGE, SOURCES)
    assert problems == [], "\n".join(map(str, problems))
    assert kb is not None and kb.source_dir == SOURCES


def test_has_every_contract_entry_under_its_topic(kb: KnowledgeBase) -> None:
    assert len(kb) >= 40
    missing = sorted(set(REQUIRED_IDS) - set(kb.entries))
    assert missing == []
    wrong = {i: kb.entries[i].topic for i, t in REQUIRED_IDS.items() if kb.entries[i].topic != t}
    assert wrong == {}


def test_entry_shape(kb: KnowledgeBase) -> None:
    for e in kb:
        assert len(e.aliases) >= 3, e.id
        assert 1 <= len(e.sources) <= 3, e.id
        assert 2 <= len(e.related) <= 4, e.id
        assert len(e.body) < 700, f"{e.id}: body is {len(e.body)} chars"
        for s in e.sources:
            assert len(s.quote) <= 200, f"{e.id}: quote too long to be a short quote"


def test_every_topic_has_entries(kb: KnowledgeBase) -> None:
    assert [t.id for t, _ in kb.by_topic()] == [t.id for t in kb.topics]


def test_every_quote_is_verbatim(kb: KnowledgeBase, articles: dict[str, str]) -> None:
    wrong = [
        f"{e.id}: {s.quote!r}"
        for e in kb
        for s in e.sources
        if squash(s.quote) not in articles[s.article]
    ]
    assert wrong == []


def test_faq_answers_are_quoted_by_their_entries(
    kb: KnowledgeBase, articles: dict[str, str]
) -> None:
    text = (SOURCES / kb.articles["trail-running"].file).read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines()]
    faq = [ln for ln in lines[lines.index("FAQs") + 1 :] if ln]
    assert len(faq) == len(FAQ_ANSWERS) == 8
    for opening, entry_id in FAQ_ANSWERS.items():
        answer = next(a for a in faq if a.startswith(opening))
        quotes = [s.quote for s in kb.entries[entry_id].sources if s.article == "trail-running"]
        assert answer in quotes, f"{entry_id} should quote the FAQ answer {answer!r}"


def test_magazine_experts_are_named(kb: KnowledgeBase) -> None:
    # Quoted experts must be credited; the magazine's own narration has no `who`.
    credited = {s.who for e in kb for s in e.sources if s.who}
    for name in ("Mike Nelson", "Pat Davidson", "Percell Dugger", "2017 study", "2021"):
        assert any(name in who for who in credited), name
