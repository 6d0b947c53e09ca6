"""/faq, /topics, /kb reload through the command layer on real services, and `coach ask`."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.limits import BUTTON_LABEL, BUTTONS, truncate
from bot.core.replies import Button, ButtonStyle, Reply
from bot.core.router import Router
from bot.core.settings import PROJECT_ROOT
from bot.features.faq import FaqContext
from bot.features.faq import handlers as faq
from bot.features.faq.insights_handlers import vote_buttons
from bot.features.faq.knowledge import Entry, KnowledgeBase
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
        turns = [b for b in reply.buttons if b.custom_id.startswith("rc:topics:")]
        if page >= pages:
            assert turns[1].disabled
            break
        reply = await faq.press_topics(svc, MEMBER, page=page)
        assert reply.edit_original
    assert seen == {e.title for e in svc.knowledge.kb}


def _rows_fit(buttons: tuple[Button, ...]) -> bool:
    """Discord's component limits: at most 25 buttons, rows 0-4, five a row."""
    rows = Counter(b.row for b in buttons)
    return (
        len(buttons) <= BUTTONS
        and all(r is not None and 0 <= r <= 4 for r in rows)
        and all(n <= 5 for n in rows.values())
    )


async def test_every_question_on_a_topics_page_opens_its_answer(
    svc: FaqContext, router: Router
) -> None:
    """Issue 13: /topics listed questions nobody could open. Each page has a button per
    question it lists, in the same order, and pressing one shows that answer (just for the
    presser); the page turns stay, on a row of their own."""
    kb = svc.knowledge.kb
    pages = len(faq.topics_pages(kb))
    for page in range(pages):
        reply = await router.press(faq.TOPICS_PAGE.custom_id(page), MEMBER)
        assert reply.embed is not None
        listed = [
            line.removeprefix("• ") for f in reply.embed.fields for line in f.value.splitlines()
        ]
        questions = [b for b in reply.buttons if b.custom_id.startswith("rc:faq:")]
        turns = [b for b in reply.buttons if b.custom_id.startswith("rc:topics:")]
        assert [b.label for b in questions] == [truncate(t, BUTTON_LABEL) for t in listed]
        assert len(turns) == 2 and {b.row for b in turns} == {faq.TOPICS_PAGE_ROW}
        assert faq.TOPICS_PAGE_ROW not in {b.row for b in questions}
        assert _rows_fit(reply.buttons)
        for button in questions:
            answer = await router.press(button.custom_id, MEMBER)
            assert answer.ephemeral and answer.embed is not None
            assert answer.embed.title == _entry_of(kb, button).title


def test_topics_pages_hold_whole_topics_and_split_a_big_one(svc: FaqContext) -> None:
    kb = svc.knowledge.kb
    biggest = max(len(entries) for _, entries in kb.by_topic())
    for per_page in (biggest - 1, biggest, faq.TOPIC_QUESTIONS_PER_PAGE):
        pages = faq.topics_pages(kb, per_page)
        assert all(sum(len(es) for _, es in p) <= per_page for p in pages)
        flat = [e for p in pages for _, es in p for e in es]
        assert flat == [e for _, es in kb.by_topic() for e in es]
        assert all(len(es) <= faq.FIELD_QUESTIONS for p in pages for _, es in p)
    default = faq.topics_pages(kb)
    assert len(default) > 1
    assert max(sum(len(es) for _, es in p) for p in default) <= faq.TOPIC_QUESTIONS_PER_PAGE


def _entry_of(kb: KnowledgeBase, button: Button) -> Entry:
    entry = kb.get(button.custom_id.removeprefix("rc:faq:"))
    assert entry is not None, button
    return entry


def _related_listed(reply: Reply) -> list[str]:
    assert reply.embed is not None
    field = next((f for f in reply.embed.fields if f.name == "Related"), None)
    return [] if field is None else [line.removeprefix("• ") for line in field.value.splitlines()]


async def test_an_answer_lists_exactly_the_related_entries_it_has_buttons_for(
    svc: FaqContext,
) -> None:
    """Issue 13: an answer listed 4 related titles under 3 buttons. Every listed title now has
    its button and every related button its title, in the same order, with a close call's
    "Did you mean" too and the votes on row 1: all within Discord's five a row."""
    kb = svc.knowledge.kb
    assert any(len(e.related) > 3 for e in kb)  # the case that used to disagree
    for entry in kb:
        runner_up = kb.get(entry.related[0]) if entry.related else None
        unrelated = next(e for e in kb if e != entry and e.id not in entry.related)
        for close in (None, runner_up, unrelated):
            reply = faq.answer_reply(
                svc.renderer, kb, entry, ephemeral=False, close=close,
                votes=vote_buttons(1),
            )  # fmt: skip
            related = [
                b
                for b in reply.buttons
                if b.custom_id.startswith("rc:faq:") and b.style is ButtonStyle.SECONDARY
            ]
            titles = [_entry_of(kb, b).title for b in related]
            assert _related_listed(reply) == titles, (entry.id, close)
            assert all(
                b.label == truncate(t, BUTTON_LABEL) for b, t in zip(related, titles, strict=True)
            )
            own = [b for b in reply.buttons if b.row is None]
            assert len(own) <= 5 and len(reply.buttons) <= BUTTONS
            if close is not None:
                assert close.title not in _related_listed(reply)  # offered once, by "Did you mean"


async def test_public_answer_related_titles_match_buttons_through_the_router(
    svc: FaqContext, router: Router
) -> None:
    entry = next(e for e in svc.knowledge.kb if len(e.related) == 4)
    reply = await router.run("faq", MEMBER, question=entry.title)
    assert reply.embed is not None and reply.embed.title == entry.title
    kb = svc.knowledge.kb
    related = [_entry_of(kb, b).title for b in reply.buttons if b.custom_id.startswith("rc:faq:")]
    assert _related_listed(reply) == related and len(related) == 4
    assert [b.label for b in reply.buttons if b.row == 1] == ["Helpful", "Not helpful"]


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
