"""/faq, /topics, /kb reload through the command layer on real services, and `coach ask`."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.router import Router
from bot.core.settings import PROJECT_ROOT
from bot.features.faq import FaqContext
from bot.features.faq import handlers as faq
from tests.support.cli import run_coach

ROOT = PROJECT_ROOT
MEMBER = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
ADMIN = Caller(user_id=8, display_name="alex", guild_id=1, channel_id=10, can_manage_guild=True)


@pytest.fixture
async def app(make_app, tmp_path: Path) -> App:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return await make_app(FakeClock(datetime(2026, 5, 1, tzinfo=UTC)), knowledge_dir=knowledge)


@pytest.fixture
def svc(app: App) -> FaqContext:
    return app.faq


async def test_answer_is_public_embed_with_sources_and_related(svc: FaqContext) -> None:
    reply = await faq.faq(svc, MEMBER, question="do hill sprints build muscle")
    assert not reply.ephemeral and reply.embed is not None
    assert reply.embed.title == "How do I do hill sprints to build muscle?"
    fields = {f.name: f.value for f in reply.embed.fields}
    assert "Percell Dugger" in fields["Sources"] and "magazine article" in fields["Sources"]
    assert "Can hill sprints replace sled pushes?" in fields["Related"]
    assert "/plan" in reply.embed.description  # the entry suggests action
    *related, helpful, not_helpful = reply.buttons
    assert related and all(b.custom_id.startswith("rc:faq:") for b in related)
    assert (helpful.label, not_helpful.label) == ("Helpful", "Not helpful")
    assert helpful.row == not_helpful.row == 1 and all(b.row is None for b in related)


async def test_no_answer_is_ephemeral_with_suggestions_and_escaped(svc: FaqContext) -> None:
    reply = await faq.faq(svc, MEMBER, question="best running shoes for flat feet")
    assert reply.ephemeral and reply.embed is None
    assert reply.content.startswith("I don't have an answer for that")
    assert "/topics" in reply.content
    assert 1 <= len(reply.buttons) <= 3
    assert all(b.label in reply.content for b in reply.buttons)

    hostile = await faq.faq(svc, MEMBER, question="shoes for @everyone **now** <@&123>")
    assert hostile.ephemeral and "I don't have an answer" in hostile.content
    for raw in ("@everyone", "**now**", "<@&123>"):
        assert raw not in hostile.content


async def test_same_entry_within_a_minute_in_a_channel_goes_ephemeral(svc: FaqContext) -> None:
    first = await faq.faq(svc, MEMBER, question="do runners need protein")
    again = await faq.faq(svc, MEMBER, question="protein?")
    other_channel = await faq.faq(
        svc, Caller(9, "kim", guild_id=1, channel_id=11), question="protein?"
    )
    assert not first.ephemeral and again.ephemeral and not other_channel.ephemeral
    assert "a moment ago" in again.content
    svc.clock.advance(timedelta(seconds=61))
    assert not (await faq.faq(svc, MEMBER, question="protein?")).ephemeral


async def test_autocomplete_choice_resolves_to_that_entry(svc: FaqContext) -> None:
    choices = await faq.complete_question(svc, MEMBER, "hil")
    assert 1 <= len(choices) <= 25
    assert all(len(c.name) <= 100 for c in choices)
    chosen = choices[0]
    reply = await faq.faq(svc, MEMBER, question=chosen.value)
    entry = svc.knowledge.kb.get(chosen.value)
    assert entry is not None and reply.embed is not None and reply.embed.title == entry.title


async def test_topics_pages_cover_every_entry(svc: FaqContext) -> None:
    seen: set[str] = set()
    page, pages = 0, len(faq.topics_pages(svc.knowledge.kb))
    assert pages > 1
    reply = await faq.topics(svc, MEMBER)
    while True:
        assert reply.embed is not None
        for field in reply.embed.fields:
            seen.update(line.removeprefix("• ") for line in field.value.splitlines())
        page += 1
        if page >= pages:
            assert reply.buttons[1].disabled
            break
        reply = await faq.press_topics(svc, MEMBER, page=page)
        assert reply.edit_original
    assert seen == {e.title for e in svc.knowledge.kb}


async def test_kb_reload_needs_manage_server_and_keeps_old_on_error(
    svc: FaqContext, router: Router
) -> None:
    refused = await router.run("kb reload", MEMBER)
    assert refused.ephemeral and "Manage Server" in refused.content

    before = len(svc.knowledge.kb)
    broken = svc.settings.knowledge_dir / "protein.md"
    broken.write_text(broken.read_text().replace("topic: nutrition", "topic: astrology"))
    reply = await router.run("kb reload", ADMIN)
    assert "rejected" in reply.content and "protein.md" in reply.content
    assert "topic" in reply.content
    assert len(svc.knowledge.kb) == before
    assert (await faq.faq(svc, MEMBER, question="protein?")).embed is not None

    (svc.settings.knowledge_dir / "protein.md").write_text(
        broken.read_text().replace("topic: astrology", "topic: nutrition")
    )
    ok = await router.run("kb reload", ADMIN)
    assert "reloaded" in ok.content


def test_coach_ask_json_contract() -> None:
    result = run_coach("ask", "--json", "best running shoes for flat feet")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answered"] is False and data["entry_id"] is None
    assert {"answered", "entry_id", "title", "text", "sources", "score"} <= set(data)

    result = run_coach("ask", "--json", "do hill sprints build muscle")
    data = json.loads(result.stdout)
    assert data["answered"] is True and data["entry_id"] == "hill-sprints"
    assert data["sources"] and "Percell Dugger" in data["text"]
    assert all(isinstance(s["speech"], bool) for s in data["sources"])


def test_coach_ask_batch_one_object_per_line_in_order(tmp_path: Path) -> None:
    questions = ["protein?", "what's the weather tomorrow", "do calves grow from running"]
    batch = tmp_path / "q.txt"
    batch.write_text("\n".join(questions) + "\n")
    result = run_coach("ask", "--json", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert [r["answered"] for r in rows] == [True, False, True]


def test_console_faq_prints_answer_with_source() -> None:
    result = run_coach("console", stdin="/faq do hill sprints build muscle\n")
    assert result.returncode == 0, result.stderr
    assert "How do I do hill sprints to build muscle?" in result.stdout
    assert "Percell Dugger" in result.stdout and "magazine article" in result.stdout


async def test_admin_command_in_a_dm_says_servers_only(svc: FaqContext, router: Router) -> None:
    dm = Caller(user_id=8, display_name="alex", guild_id=None, channel_id=99)
    reply = await router.run("kb reload", dm)
    assert reply.ephemeral and "only works inside a server" in reply.content
