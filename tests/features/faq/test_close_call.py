"""A close call between two entries: the better one, plus "Did you mean ...?" for the other."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.limits import BUTTON_LABEL, BUTTONS
from bot.core.replies import ButtonStyle, Reply
from bot.core.router import Router
from bot.core.settings import PROJECT_ROOT
from bot.features.faq import handlers as faq
from tests.support.cli import run_coach, without_discord_env

ROOT = PROJECT_ROOT
MEMBER = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
# Whether a given question is a close call depends on the fitted ranker, which every refit moves;
# the mechanism is tested on a copy of the knowledge whose ranker.json widens `close_gap` so that
# every ranked answer is a close call (its runner-up offered), and on the real file for questions
# that must never carry one (exact titles and aliases, abstentions).
CLOSE = "is sprinting the best running for building muscle"  # answered by ranking, not exact
CLEAR = "How do I do hill sprints to build muscle?"  # hill-sprints' own title: an exact match


def widened_knowledge(tmp_path: Path) -> Path:
    """A copy of the knowledge folder whose ranker calls every ranked answer a close call."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    ranker = knowledge / "ranker.json"
    text, count = re.subn(r'"close_gap": [0-9.]+', '"close_gap": 100.0', ranker.read_text())
    assert count == 1
    ranker.write_text(text)
    return knowledge


@pytest.fixture
async def app(make_app, tmp_path: Path) -> App:
    return await make_app(
        FakeClock(datetime(2026, 5, 1, tzinfo=UTC)), knowledge_dir=widened_knowledge(tmp_path)
    )


@pytest.fixture
async def real_app(make_app) -> App:
    return await make_app(FakeClock(datetime(2026, 5, 1, tzinfo=UTC)))


def _did_you_mean(reply: Reply) -> list[str]:
    return [b.custom_id for b in reply.buttons if b.label.startswith("Did you mean")]


async def test_close_call_answers_one_and_offers_the_other(app: App, router: Router) -> None:
    match = app.faq.knowledge.matcher.match(CLOSE)
    assert match.entry is not None and match.close is not None
    assert match.close != match.entry
    # The runner-up is the first suggestion: the close call changes nothing about the answer.
    assert match.suggestions[0] == match.close

    reply = await router.run("faq", MEMBER, question=CLOSE)
    assert not reply.ephemeral and reply.embed is not None
    assert reply.embed.title == match.entry.title
    assert f"could also mean **{match.close.title}**" in reply.content

    first = reply.buttons[0]
    assert first.style is ButtonStyle.PRIMARY
    assert first.label == f"Did you mean: {match.close.title.rstrip('?')}?"
    assert first.custom_id == faq.ENTRY.custom_id(match.close.id)
    # The related entries' buttons follow, none of them the runner-up again; then the votes.
    own = [b for b in reply.buttons if not b.custom_id.startswith("rc:vote:")]
    ids = [b.custom_id for b in own]
    assert len(ids) == len(set(ids)) and len(ids) <= faq.RELATED_BUTTONS + 1
    assert all(b.style is ButtonStyle.SECONDARY for b in reply.buttons[1:])
    assert len(reply.buttons) == len(own) + 2

    pressed = await router.press(first.custom_id, MEMBER)
    assert pressed.ephemeral and pressed.embed is not None
    assert pressed.embed.title == match.close.title
    assert not _did_you_mean(pressed)  # a pressed answer is no longer a guess


async def test_close_call_survives_the_repeat_cooldown(router: Router) -> None:
    await router.run("faq", MEMBER, question=CLOSE)
    again = await router.run("faq", MEMBER, question=CLOSE)
    assert again.ephemeral and "a moment ago" in again.content
    assert len(_did_you_mean(again)) == 1


@pytest.mark.parametrize(
    "question", [CLEAR, "Can running build muscle?", "Do runners need protein?"]
)
async def test_an_exact_title_or_alias_gets_no_did_you_mean(
    app: App, router: Router, question: str
) -> None:
    """Even with every ranked answer a close call, an exact title or alias is not a guess."""
    assert app.faq.knowledge.matcher.match(question).close is None
    reply = await router.run("faq", MEMBER, question=question)
    assert reply.embed is not None and reply.buttons
    assert not _did_you_mean(reply) and "could also mean" not in reply.content
    assert all(b.style is ButtonStyle.SECONDARY for b in reply.buttons)


async def test_close_calls_are_rare_with_the_real_ranker(real_app: App) -> None:
    """The fitted close_gap is the lead under which 5 % of right training answers fall
    (docs/faq-matcher.md): positive, and flagging few answers on the newest labelled set."""
    matcher = real_app.faq.knowledge.matcher
    assert json.loads((ROOT / "knowledge" / "ranker.json").read_text())["close_gap"] > 0
    newest = ROOT / "tests" / "data" / "faq_questions_issue10e.jsonl"
    rows = [json.loads(line) for line in newest.read_text().splitlines() if line.strip()]
    answered = [m for m in (matcher.match(r["q"]) for r in rows) if m.entry is not None]
    assert sum(m.close is not None for m in answered) <= 0.15 * len(answered)


async def test_abstention_has_no_close_call(app: App) -> None:
    match = app.faq.knowledge.matcher.match("best running shoes for flat feet")
    assert match.entry is None and match.close is None


async def test_runner_up_also_related_gets_one_button(app: App) -> None:
    kb = app.faq.knowledge.kb
    entry = max(kb, key=lambda e: len(e.related))  # four: as many as it lists
    close = kb.get(entry.related[1])
    assert close is not None
    reply = faq.answer_reply(app.faq.renderer, kb, entry, ephemeral=False, close=close)
    ids = [b.custom_id for b in reply.buttons]
    assert ids[0] == faq.ENTRY.custom_id(close.id)
    assert ids.count(faq.ENTRY.custom_id(close.id)) == 1
    # The other related entries' buttons after it, in one row of Discord's 5.
    assert len(ids) == len(entry.related) <= faq.RELATED_BUTTONS + 1 <= 5 <= BUTTONS


async def test_did_you_mean_label_fits_and_keeps_one_question_mark(app: App) -> None:
    for entry in app.faq.knowledge.kb:
        label = faq.did_you_mean_button(entry).label
        assert len(label) <= BUTTON_LABEL and label.endswith("?") and "??" not in label
    longest = max(app.faq.knowledge.kb, key=lambda e: len(e.title))
    assert len(longest.title) > BUTTON_LABEL - len("Did you mean: ?")  # the cut is exercised
    assert faq.did_you_mean_button(longest).label.endswith("…?")


def test_coach_ask_json_reports_the_close_call(tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text(f"{CLOSE}\n{CLEAR}\nbest running shoes for flat feet\n")
    env = without_discord_env(KNOWLEDGE_DIR=str(widened_knowledge(tmp_path)))
    result = run_coach("ask", "--json", "--batch", str(batch), env=env)
    assert result.returncode == 0, result.stderr
    close, clear, none = (json.loads(line) for line in result.stdout.splitlines())
    assert close["close"] is not None and close["close"] != close["entry_id"]
    assert close["close"] == close["suggestions"][0]
    assert "could also mean" in close["text"]
    assert clear["entry_id"] == "hill-sprints" and clear["close"] is None
    assert none["answered"] is False and none["close"] is None
    assert {"answered", "entry_id", "title", "text", "sources", "score", "suggestions"} <= set(
        close
    )
