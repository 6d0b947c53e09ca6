"""The learned ranker: its tuning file (validated with lines, like every tuning file), the model
it runs on (built from pinned package files only), and how the matcher uses both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.core.settings import PROJECT_ROOT
from bot.features.faq import text
from bot.features.faq.embedding import Encoder
from bot.features.faq.knowledge import KnowledgeBase
from bot.features.faq.loader import Knowledge, load_folder, validate_folder
from bot.features.faq.matching import Matcher
from bot.features.faq.model_build import (
    MODEL_CARD,
    MODEL_FILE,
    SHIPPED,
    ModelBuildError,
    build,
    existing,
    pinned_sha256,
    sha256_of,
)
from bot.features.faq.ranker import (
    RANKER_FILE,
    DecisionFeatures,
    PairFeatures,
    parse_ranker,
    ranker_json,
)
from bot.features.faq.store import KnowledgeStore
from tests.features.faq.test_matching import ALIASES_BEFORE_THE_QUESTION
from tests.support.tuning import assert_rejected_on_line

KNOWLEDGE = PROJECT_ROOT / "knowledge"
DATA = PROJECT_ROOT / "tests" / "data"


def real_text() -> str:
    return (KNOWLEDGE / RANKER_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_folder(KNOWLEDGE)


def test_the_real_file_is_generated_and_names_every_feature() -> None:
    data = json.loads(real_text())
    assert "bench.faq_fit" in data["note"]
    assert list(data["ranker"]["weights"]) == list(PairFeatures._fields)
    assert list(data["decision"]["weights"]) == list(DecisionFeatures._fields)
    model, issues = parse_ranker(real_text())
    assert model is not None and not issues
    assert 0.5 <= model.threshold < 1


def test_written_model_reads_back_the_same() -> None:
    model, _ = parse_ranker(real_text())
    assert model is not None
    again, issues = parse_ranker(
        ranker_json(
            model.pair_weights,
            model.decision_weights,
            model.decision_bias,
            threshold=model.threshold,
            close_gap=model.close_gap,
            vote_temperature=model.vote_temperature,
            examples={k: list(v) for k, v in model.examples.items()},
            abstain=list(model.abstain),
            fit={},
        )
    )
    assert again is not None and not issues
    assert np.allclose(again.pair_weights, model.pair_weights)
    assert again.vote_temperature == model.vote_temperature
    assert again.examples == model.examples and again.abstain == model.abstain


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "on_line"),
    [
        ('"cosine2": ', '"cosine3": ', "ranker.weights.cosine3", "unknown feature", '"cosine3"'),
        ('"threshold": 0.7', '"threshold": 7', "threshold", "from 0.0 to 1.0", '"threshold"'),
        ('"off_topic": ', '"off_topic": "high", "y": ', "decision.weights.off_topic", "finite", ""),
        ('"abstain": [', '"abstain": [3, ', "abstain", "list of questions", '"abstain"'),
        ('"note": ', '"notes": ', "notes", "unknown field", '"notes"'),
        ('"threshold": 0.7', '"threshold": NaN', None, "NaN is not a finite number", "NaN"),
        (
            '"vote_temperature": 0.03',
            '"vote_temperature": 0',
            "vote_temperature",
            "from 0.001 to 1.0",
            '"vote_temperature"',
        ),
    ],
)
def test_broken_file_is_rejected_with_its_line(
    old: str, new: str, field: str | None, message: str, on_line: str
) -> None:
    assert_rejected_on_line(
        parse_ranker, real_text(), old, new, field=field, message=message, on_line=on_line
    )


def test_coach_check_reports_a_broken_ranker_file_with_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    (folder / RANKER_FILE).write_text(real_text().replace('"lead": ', '"leed": ', 1))
    knowledge, problems = validate_folder(folder, None)
    assert knowledge is None
    assert any(p.file.endswith(RANKER_FILE) and p.line and "leed" in str(p) for p in problems)


def test_examples_are_labelled_questions_of_the_committed_sets(kb: KnowledgeBase) -> None:
    """The ranker learns from tests/data only; an example naming an entry is labelled so there,
    and no alias is an example (that would be an eval question copied into an alias)."""
    model, _ = parse_ranker(real_text())
    assert model is not None
    labelled: dict[str, set[str | None]] = {}
    for path in DATA.glob("faq_questions*.jsonl"):
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                ids = {row["id"], *row.get("alt", ())} if row.get("id") else {None}
                labelled.setdefault(row["q"], set()).update(ids)
    for entry_id, questions in model.examples.items():
        assert entry_id in kb.entries
        for q in questions:
            assert entry_id in labelled.get(q, set()), q
    assert all(None in labelled.get(q, set()) for q in model.abstain)
    aliases = {text.fold(a) for e in kb for a in e.aliases}
    copied = aliases & {text.fold(q) for qs in model.examples.values() for q in qs}
    assert copied <= set(ALIASES_BEFORE_THE_QUESTION)


@pytest.fixture(scope="module")
def kb(knowledge: Knowledge) -> KnowledgeBase:
    return knowledge.kb


def test_the_shipped_model_is_installed_checked_and_reused(encoder: Encoder) -> None:
    folder = PROJECT_ROOT / "data" / "models"
    built = existing(folder)
    pinned = pinned_sha256()
    assert built is not None and built.sha256 == encoder.model_sha256 == pinned
    assert sha256_of(built.model) == sha256_of(SHIPPED / MODEL_FILE) == pinned
    assert build(folder) == built  # already there: nothing copied again


def test_a_stale_install_is_redone_and_a_tampered_or_missing_model_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"build": 1, "sha256": pinned_sha256()}))
    assert existing(tmp_path) is None  # an older install: done again
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    with pytest.raises(ModelBuildError, match="missing or unreadable"):
        build(tmp_path / "one", shipped)
    (shipped / MODEL_CARD).write_text(json.dumps({"sha256": "0" * 64}))
    with pytest.raises(ModelBuildError, match="missing"):
        build(tmp_path / "two", shipped)
    (shipped / MODEL_FILE).write_bytes(b"not the model")
    with pytest.raises(ModelBuildError, match="not the pinned file"):
        build(tmp_path / "three", shipped)
    from bot.features.faq import model_build

    monkeypatch.setattr(model_build, "TOKENIZER_PACKAGE", ("no-such-package-here", "t.json"))
    with pytest.raises(ModelBuildError, match="not installed"):
        build(tmp_path / "four")
    assert not (tmp_path / "four").exists()  # nothing half-written


def test_questions_and_labels_embed_alike(encoder: Encoder) -> None:
    """Label vectors (kept in a file) equal what a question of the same text gets."""
    label = "Does running build muscle?"
    (row,) = encoder.label_matrix([label])
    assert np.allclose(row, encoder.encode_one(label), atol=1e-6)
    assert abs(float(np.linalg.norm(row)) - 1) < 1e-5


def test_the_label_cosine_is_the_best_cosine_to_any_title_or_alias(
    knowledge: Knowledge, encoder: Encoder
) -> None:
    """What a club's entries are weighed against (club.py): read off the pair features, it is
    still the question's best cosine to every entry's title and aliases."""
    matcher = Matcher(
        knowledge.kb, knowledge.vocabulary, knowledge.decision, (encoder, knowledge.ranker)
    )
    labels = [label for e in knowledge.kb for label in (e.title, *e.aliases)]
    for question in ("do hill sprints build muscle", "what shoes for a muddy trail race"):
        _, embedded = matcher.match_embedded(question)
        assert embedded is not None
        direct = float((encoder.label_matrix(labels) @ embedded.vector).max())
        assert embedded.label_cosine == pytest.approx(direct, abs=1e-6)


def test_semantic_evidence_answers_wording_the_lexical_index_never_saw(
    knowledge: Knowledge, encoder: Encoder
) -> None:
    """Reworded beyond the lexical index's reach: the ranker still finds the entry."""
    lexical = Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision)
    learned = Matcher(
        knowledge.kb, knowledge.vocabulary, knowledge.decision, (encoder, knowledge.ranker)
    )
    question = "which bits of my legs get a workout when i jog"
    assert learned.semantic and not lexical.semantic
    found = learned.match(question)
    assert found.entry is not None and found.entry.id == "muscles-worked"
    wrong = lexical.match(question).entry  # the lexical half alone gets it wrong
    assert wrong is not None and wrong.id != "muscles-worked"


def test_reload_keeps_the_old_knowledge_and_ranker_live_on_a_broken_ranker_file(
    tmp_path: Path, encoder: Encoder
) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    store = KnowledgeStore.load(folder, None, encoder)
    before = store.matcher
    (folder / RANKER_FILE).write_text(real_text().replace('"threshold"', '"treshold"', 1))
    problems = store.reload()
    assert problems and any(RANKER_FILE in p.file for p in problems)
    assert store.matcher is before and store.matcher.semantic
    assert store.matcher.match("which bits of my legs get a workout when i jog").answered
