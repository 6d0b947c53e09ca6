"""A post that asks two things: both answered when each part is answered on its own (issue 10,
point 2), never more than two, and the reply says so."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.router import Router
from bot.features.faq import text
from bot.features.faq.cli import answer_json

MEMBER = Caller(user_id=7, display_name="sam", guild_id=1, channel_id=10)
TWO_PARTS = "Which muscles does running work? And will it make my calves bigger?"
PAIR = {"muscles-worked", "calves"}


@pytest.fixture
async def app(make_app, tmp_path: Path) -> App:
    return await make_app(FakeClock(datetime(2026, 5, 1, tzinfo=UTC)))


@pytest.mark.parametrize(
    ("post", "pieces"),
    [
        (
            "do hills build muscle? also how much protein",
            ["do hills build muscle", "how much protein"],
        ),
        (
            "I want bigger quads. Do I need rest days?",
            ["I want bigger quads", "Do I need rest days"],
        ),
        ("sprints; hills too", []),  # pieces under three words are context, not questions
        (
            "is sprinting or easy running better for muscle",
            ["is sprinting or easy running better for muscle"],
        ),
    ],
)
def test_a_post_splits_at_sentence_ends_semicolons_and_also(post: str, pieces: list[str]) -> None:
    assert text.parts(post) == pieces


async def test_two_parts_answered_by_two_entries_get_both(app: App, router: Router) -> None:
    match = app.faq.knowledge.matcher.match(TWO_PARTS)
    assert match.entry is not None and match.also is not None
    assert {match.entry.id, match.also.id} == PAIR
    assert match.close != match.also  # not offered twice

    reply = await router.run("faq", MEMBER, question=TWO_PARTS)
    assert reply.embed is not None and not reply.ephemeral
    assert "asks two things" in reply.content
    assert match.also.title in reply.content and match.entry.title in reply.content
    assert match.also.body.split(".")[0] in reply.embed.description
    assert match.entry.body.split(".")[0] in reply.embed.description
    sources = next(f for f in reply.embed.fields if f.name == "Sources").value
    assert match.also.sources[0].quote[:40] in sources
    assert all(match.also.id not in b.custom_id for b in reply.buttons)


async def test_one_concern_gets_one_answer(app: App) -> None:
    matcher = app.faq.knowledge.matcher
    for question in ("which muscles does running work", "Will running make my calves bigger?"):
        match = matcher.match(question)
        assert match.entry is not None and match.also is None


def test_coach_ask_json_gives_the_second_part(app: App) -> None:
    store = app.faq.knowledge
    data = answer_json(app.faq.renderer, store, TWO_PARTS)
    assert {data["entry_id"], data["also"]} == PAIR
    assert json.dumps(data)  # still plain JSON
    none = answer_json(app.faq.renderer, store, "which muscles does running work")
    assert none["also"] is None


class _Model:
    """The embedding on its way, reporting itself still running (or done) whatever it is: which
    pieces the matcher ranks lexically while it waits, and which after."""

    def __init__(self, future, running: bool) -> None:  # type: ignore[no-untyped-def]
        self._future, self._running = future, running

    def done(self) -> bool:
        return not self._running

    def result(self):  # type: ignore[no-untyped-def]
        return self._future.result()


@pytest.mark.parametrize(
    "post",
    [
        TWO_PARTS,
        "I want bigger quads. Do I need rest days?",
        "do hills build muscle? also how much protein",
        "which muscles does running work",
    ],
)
def test_pieces_ranked_while_the_model_runs_give_the_verdict_ranked_after_it(
    matcher, post: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    semantic = matcher._semantic
    start = semantic.start_embedding
    ranked: list[str] = []
    evidence = matcher.question_evidence
    monkeypatch.setattr(matcher, "question_evidence", lambda q: ranked.append(q) or evidence(q))
    verdicts = []
    for running in (True, False):
        monkeypatch.setattr(
            semantic, "start_embedding", lambda q, s, r=running: _Model(start(q, s), r)
        )
        ranked.clear()
        matcher.forget()
        verdicts.append(matcher.match(post))
        if running:  # every piece ranked while waiting, none again after
            assert ranked == [post, *text.parts(post)] if len(text.parts(post)) > 1 else [post]
    assert verdicts[0] == verdicts[1]
    if post == TWO_PARTS:
        assert verdicts[0].also is not None
