"""A close call between two entries: the better one, plus "Did you mean ...?" for the other."""

from __future__ import annotations

import json
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
from tests.support.cli import run_coach

ROOT = PROJECT_ROOT
MEMBER = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
# Sprinting for muscle vs sprinting against easy running: the learned ranker scores the two
# entries within its close_gap (knowledge/ranker.json); either answers it, so neither is a coin
# toss. Not a labelled question: those are the ranker's examples, and no longer close.
CLOSE = "are sprints the best running for size"
CLOSE_PAIR = {"sprinting-hypertrophy", "sprinting-vs-easy-running"}
CLEAR = "do hill sprints build muscle"  # hill-sprints, far ahead of anything else


@pytest.fixture
async def app(make_app, tmp_path: Path) -> App:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return await make_app(FakeClock(datetime(2026, 5, 1, tzinfo=UTC)), knowledge_dir=knowledge)


def _did_you_mean(reply: Reply) -> list[str]:
    return [b.custom_id for b in reply.buttons if b.label.startswith("Did you mean")]


async def test_close_call_answers_one_and_offers_the_other(app: App, router: Router) -> None:
    match = app.faq.knowledge.matcher.match(CLOSE)
    assert match.entry is not None and match.close is not None
    assert {match.entry.id, match.close.id} == CLOSE_PAIR
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
    # The related entries' buttons follow, none of them the runner-up again.
    ids = [b.custom_id for b in reply.buttons]
    assert len(ids) == len(set(ids)) and len(ids) <= faq.RELATED_BUTTONS + 1
    assert all(b.style is ButtonStyle.SECONDARY for b in reply.buttons[1:])

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
    "question", [CLEAR, "protein?", "How do I do hill sprints to build muscle?"]
)
async def test_a_clear_question_gets_no_did_you_mean(
    app: App, router: Router, question: str
) -> None:
    assert app.faq.knowledge.matcher.match(question).close is None
    reply = await router.run("faq", MEMBER, question=question)
    assert reply.embed is not None and reply.buttons
    assert not _did_you_mean(reply) and "could also mean" not in reply.content
    assert all(b.style is ButtonStyle.SECONDARY for b in reply.buttons)


async def test_abstention_has_no_close_call(app: App) -> None:
    match = app.faq.knowledge.matcher.match("best running shoes for flat feet")
    assert match.entry is None and match.close is None


async def test_runner_up_also_related_gets_one_button(app: App) -> None:
    kb = app.faq.knowledge.kb
    entry = next(e for e in kb if len(e.related) > faq.RELATED_BUTTONS)
    close = kb.get(entry.related[1])
    assert close is not None
    reply = faq.answer_reply(app.faq.renderer, kb, entry, ephemeral=False, close=close)
    ids = [b.custom_id for b in reply.buttons]
    assert ids[0] == faq.ENTRY.custom_id(close.id)
    assert ids.count(faq.ENTRY.custom_id(close.id)) == 1
    # Still three related buttons after it (the next related entry moves up), in one row of 5.
    assert len(ids) == faq.RELATED_BUTTONS + 1 <= 5 <= BUTTONS


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
    result = run_coach("ask", "--json", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    close, clear, none = (json.loads(line) for line in result.stdout.splitlines())
    assert {close["entry_id"], close["close"]} == CLOSE_PAIR
    assert close["close"] == close["suggestions"][0]
    assert "could also mean" in close["text"]
    assert clear["entry_id"] == "hill-sprints" and clear["close"] is None
    assert none["answered"] is False and none["close"] is None
    assert {"answered", "entry_id", "title", "text", "sources", "score", "suggestions"} <= set(
        close
    )
