"""Faithful citations: a source's `speech` says its quote is `who`'s own words, inside quotation
marks in the article; otherwise the quote is the magazine's account of their view (or of a
study). `coach check` and `/kb reload` reject a paraphrase cited as speech, with file and line;
replies show the two differently; `coach ask --json` gives each source's `speech`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.render import Renderer
from bot.core.settings import PROJECT_ROOT, Settings
from bot.features.faq.cli import answer_json
from bot.features.faq.handlers import answer_reply
from bot.features.faq.loader import validate_knowledge
from bot.features.faq.store import KnowledgeStore

KNOWLEDGE = PROJECT_ROOT / "knowledge"
SOURCES = PROJECT_ROOT.parent / "shared" / "sources"
RENDERER = Renderer(PROJECT_ROOT / "templates")
needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(), reason=f"source articles not found at {SOURCES}"
)
EXPERTS = ("Mike Nelson", "Pat Davidson", "Percell Dugger")

# The 16 citations that presented the magazine's paraphrase as an expert's own words (issue 10):
# (entry, source index) -> the expert. They keep their quote and `who`, with speech: false.
PARAPHRASES = {
    ("aerobic-capacity-lifting", 1): "Mike Nelson",
    ("calves", 2): "Mike Nelson",
    ("downhill-running", 0): "Mike Nelson",
    ("downhill-running", 1): "Mike Nelson",
    ("hill-sprints", 1): "Mike Nelson",
    ("hill-sprints", 2): "Mike Nelson",
    ("hills-vs-flat-sprints", 0): "Mike Nelson",
    ("hills-vs-flat-sprints", 1): "Mike Nelson",
    ("impact-forces", 0): "Mike Nelson",
    ("quads", 1): "Pat Davidson",
    ("quads", 2): "Mike Nelson",
    ("running-for-lifters", 0): "Mike Nelson",
    ("running-for-lifters", 2): "Percell Dugger",
    ("running-makes-you-weaker", 0): "Percell Dugger",
    ("running-makes-you-weaker", 1): "Percell Dugger",
    ("time-under-tension", 1): "Mike Nelson",
}


@pytest.fixture(scope="module")
def store() -> KnowledgeStore:
    return KnowledgeStore.load(KNOWLEDGE, None)


@pytest.fixture
def knowledge_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(KNOWLEDGE, tmp_path / "knowledge"))


def cite_as_speech(knowledge: Path, entry_id: str, index: int) -> int:
    """Turn the entry's source `index` back into speech; returns the file line of its `speech`."""
    path = knowledge / f"{entry_id}.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    starts = [n for n, line in enumerate(lines) if line.startswith("  - article:")]
    n = next(n for n in range(starts[index], len(lines)) if lines[n].strip().startswith("speech:"))
    assert lines[n] == "    speech: false", lines[n]
    lines[n] = "    speech: true"
    path.write_text("\n".join(lines), encoding="utf-8")
    return n + 1


# -- the knowledge ------------------------------------------------------------------------------


def test_the_paraphrases_are_the_magazines_account(store: KnowledgeStore) -> None:
    kb = store.kb
    for (entry_id, index), expert in PARAPHRASES.items():
        source = kb.entries[entry_id].sources[index]
        assert source.who is not None and expert in source.who, (entry_id, index)
        assert source.speech is False, (entry_id, index)


def test_only_the_named_experts_speak(store: KnowledgeStore) -> None:
    speakers = {s.who for e in store.kb for s in e.sources if s.speech}
    assert speakers and all(any(name in who for name in EXPERTS) for who in speakers if who)
    for name in EXPERTS:
        assert any(name in who for who in speakers if who), f"{name} is quoted in the magazine"
    studies = [s for e in store.kb for s in e.sources if s.who and "stud" in s.who]
    assert studies and not any(s.speech for s in studies)


@needs_sources
@pytest.mark.parametrize(("entry_id", "index"), sorted(PARAPHRASES))
def test_each_paraphrase_cited_as_speech_is_rejected(
    knowledge_copy: Path, entry_id: str, index: int
) -> None:
    line = cite_as_speech(knowledge_copy, entry_id, index)
    kb, problems = validate_knowledge(knowledge_copy, SOURCES)
    assert kb is None
    assert [str(p).split(": ")[:2] for p in problems] == [
        [f"knowledge/{entry_id}.md:{line}", f"sources[{index}].speech"]
    ]
    assert "not inside quotation marks" in problems[0].message


# -- coach check and /kb reload ------------------------------------------------------------------


@needs_sources
def test_coach_check_fails_on_a_paraphrase_cited_as_speech(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(knowledge_copy.parent / "coach.db"))
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_copy))
    monkeypatch.setenv("SOURCES_DIR", str(SOURCES))

    assert main(["check"]) == 0  # the fixed knowledge passes, with its quotes checked
    assert "quotes checked against the articles" in capsys.readouterr().out

    line = cite_as_speech(knowledge_copy, "running-makes-you-weaker", 0)
    assert main(["check"]) == 1
    captured = capsys.readouterr()
    assert "OK" not in captured.out
    assert "1 problem(s) found" in captured.err
    assert (
        f"knowledge/running-makes-you-weaker.md:{line}: sources[0].speech: cited as the own words"
        " of 'Percell Dugger, running coach, founder of Fit for Us', but the quote is not inside"
        " quotation marks in magazine-can-you-build-muscle-by-running.txt"
    ) in captured.err
    assert "Traceback" not in captured.err


@needs_sources
def test_kb_reload_rejects_a_paraphrase_cited_as_speech(knowledge_copy: Path) -> None:
    store = KnowledgeStore.load(knowledge_copy, SOURCES)
    live = store.kb
    line = cite_as_speech(knowledge_copy, "hill-sprints", 2)
    problems = store.reload()
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("knowledge/hill-sprints.md", line, "sources[2].speech")
    ]
    assert store.kb is live


# -- what members see ------------------------------------------------------------------------


def sources_field(store: KnowledgeStore, entry_id: str) -> list[str]:
    entry = store.kb.entries[entry_id]
    reply = answer_reply(RENDERER, store.kb, entry, ephemeral=False)
    assert reply.embed is not None
    (field,) = [f for f in reply.embed.fields if f.name == "Sources"]
    return [line.strip() for line in field.value.splitlines()]


def test_speech_is_shown_as_the_persons_words_and_a_paraphrase_as_the_magazines(
    store: KnowledgeStore,
) -> None:
    lines = sources_field(store, "hill-sprints")
    assert lines == [
        "• *“go find a steep hill, and run up it as fast as you can”*",
        "— Percell Dugger, running coach, founder of Fit for Us, in the magazine article"
        ' (Hearst), "Can you build muscle by running?"',
        "• *“choose a steep hill to run up a few times each week”*",
        '— the magazine article (Hearst), "Can you build muscle by running?", summarising'
        " Mike Nelson, Ph.D., C.S.C.S., Carrick Institute",
        "• *“Walk back down the hill before sprinting again.”*",
        '— the magazine article (Hearst), "Can you build muscle by running?", summarising'
        " Mike Nelson, Ph.D., C.S.C.S., Carrick Institute",
    ]
    # Dugger's paraphrased view never reads as his words.
    weaker = sources_field(store, "running-makes-you-weaker")
    assert not any(line.startswith("— Percell Dugger") for line in weaker)
    assert sum("summarising Percell Dugger" in line for line in weaker) == 2
    # the article's own words name nobody
    assert sources_field(store, "protein")[1] == (
        '— the trail-running article, "Can running build muscle?"'
    )


def test_ask_json_gives_each_source_its_speech(store: KnowledgeStore) -> None:
    data = answer_json(RENDERER, store, "do hill sprints build muscle")
    assert data["entry_id"] == "hill-sprints"
    assert [set(s) for s in data["sources"]] == [{"article", "cite", "who", "quote", "speech"}] * 3
    assert [(s["who"].split(",")[0], s["speech"]) for s in data["sources"]] == [
        ("Percell Dugger", True),
        ("Mike Nelson", False),
        ("Mike Nelson", False),
    ]
    unsourced = answer_json(RENDERER, store, "what is protein for runners")
    assert all(s["speech"] is False for s in unsourced["sources"] if s["who"] is None)
