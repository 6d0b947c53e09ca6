"""Issue 12 on real SQLite: unanswered questions kept without member ids and shown in /kb gaps,
"Add as club entry", votes on answers (one per member, changeable, forgotten), retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.core.caller import Caller, NeedsManageGuild, NotInGuild, UserError
from bot.core.clock import FakeClock
from bot.core.limits import EMBED_TOTAL, embed_length
from bot.core.members import MemberData
from bot.core.replies import Modal, TextInput
from bot.features.faq import insights_handlers as insights
from bot.features.faq.gaps import Gap
from bot.features.faq.insights_handlers import ADD_FROM_GAP, VOTE, InsightsContext
from bot.features.faq.insights_repository import AnswerGone, InsightsRepository
from bot.features.faq.retention import RetentionCleaner


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2
MEMBER = Caller(user_id=7, display_name="sam", guild_id=GUILD, channel_id=10)
OTHER = Caller(user_id=9, display_name="kim", guild_id=GUILD, channel_id=10)
ADMIN = Caller(8, "alex", guild_id=GUILD, channel_id=10, can_manage_guild=True)
ADMIN_ELSEWHERE = Caller(8, "alex", guild_id=OTHER_GUILD, channel_id=20, can_manage_guild=True)
DM = Caller(user_id=7, display_name="sam")
HILLS = "hill-sprints"  # an article entry's id (checked below)
CLUB_TITLES = {(GUILD, "club:1"): "Where do we meet on Tuesdays?"}


def entry_form(
    question: str = "", aliases: tuple[str, ...] = (), answer: str = "", entry_id: int | None = None
) -> Modal:
    """Stands in for the club entry form (bot/features/faq/club_handlers.py provides the real
    one): the same signature, the question in the first box."""
    return Modal(
        "rc:kbform:new",
        "New club entry",
        (
            TextInput("question", "Question", value=question, max_length=120),
            TextInput("answer", "Answer", value=answer),
        ),
    )


@pytest.fixture
async def app(make_app) -> App:
    return await make_app(FakeClock(T0))


@pytest.fixture
def clock(app: App) -> FakeClock:
    assert isinstance(app.services.clock, FakeClock)
    return app.services.clock


@pytest.fixture
def ctx(app: App) -> InsightsContext:
    repo = InsightsRepository(app.services.db)
    knowledge = app.faq.knowledge

    async def title_of(guild_id: int | None, ref: str) -> str | None:
        """Async, as the club store's lookup is; a plain function works too (tested below)."""
        if ref.startswith("club:"):
            return CLUB_TITLES.get((guild_id or 0, ref))
        entry = knowledge.kb.get(ref)
        return entry.title if entry else None

    cleaner = RetentionCleaner(repo, app.services.clock, app.services.settings.unanswered_retention)
    return InsightsContext(
        app.services, insights=repo, title_of=title_of, entry_form=entry_form, cleaner=cleaner
    )


async def rows(app: App, table: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await app.services.db.fetchall(f"SELECT * FROM {table}")]


async def columns(app: App, table: str) -> set[str]:
    return set(await app.services.db.columns(table))


async def abstain(ctx: InsightsContext, app: App, question: str, caller: Caller = MEMBER) -> None:
    """What /faq does when it abstains: the question and its nearest entries, as matched."""
    match = app.faq.knowledge.matcher.match(question)
    assert match.entry is None, f"the matcher answers {question!r}; pick another question"
    await insights.note_unanswered(ctx, caller, question, [e.id for e in match.suggestions])


# -- unanswered questions ---------------------------------------------------------------------


async def test_an_abstained_question_is_kept_without_any_member_id(
    app: App, ctx: InsightsContext
) -> None:
    await abstain(ctx, app, "best running shoes for flat feet")
    assert await columns(app, "unanswered") == {"id", "guild_id", "question", "nearest", "asked_at"}
    assert await columns(app, "answers") == {
        "id",
        "guild_id",
        "entry_ref",
        "question",
        "answered_at",
    }
    [row] = await rows(app, "unanswered")
    assert row["guild_id"] == GUILD and row["question"] == "best running shoes for flat feet"
    assert row["asked_at"] == "2026-05-01T12:00:00Z" and row["nearest"].startswith('["')
    assert MEMBER.user_id not in row.values() and str(MEMBER.user_id) not in row["nearest"]
    assert MEMBER.channel_id not in row.values()


async def test_nothing_is_kept_from_a_dm_or_an_empty_question(
    app: App, ctx: InsightsContext
) -> None:
    await insights.note_unanswered(ctx, DM, "best running shoes", ["x"])
    await insights.note_unanswered(ctx, MEMBER, "   ", ["x"])
    assert await rows(app, "unanswered") == []
    assert await insights.answer_votes(ctx, DM, HILLS, "hill sprints?") == ()
    assert await rows(app, "answers") == []


async def test_kb_gaps_shows_grouped_questions_with_counts_and_add_buttons(
    app: App, ctx: InsightsContext, clock: FakeClock
) -> None:
    for question in (
        "best running shoes for flat feet",
        "Best running shoes for flat feet??",
        "best runing shoes for flat feet 👟",
        "can I run with a cold",
    ):
        await abstain(ctx, app, question)
        clock.advance(timedelta(hours=1))
    await abstain(ctx, app, "can I run with a cold", caller=ADMIN_ELSEWHERE)  # another server
    reply = await insights.kb_gaps(ctx, ADMIN)
    assert reply.ephemeral and reply.embed is not None
    assert reply.embed.title == "Knowledge gaps: the last 30 days"
    text = reply.embed.description
    assert '**1.** "best running shoes for flat feet" ×3 (3 wordings)' in text
    assert '**2.** "can I run with a cold" ×1' in text
    assert "(4 questions in all)" in text and "Nearest: " in text
    assert [b.label for b in reply.buttons] == ["Add #1 as club entry", "Add #2 as club entry"]
    assert ADD_FROM_GAP.parse(reply.buttons[0].custom_id.split(":", 2)[2]) == {"record_id": 1}
    fields = {f.name: f.value for f in reply.embed.fields}
    assert fields == {'Answers marked "Not helpful"': "None in the last 30 days."}


async def test_kb_gaps_window_and_empty(app: App, ctx: InsightsContext, clock: FakeClock) -> None:
    await abstain(ctx, app, "best running shoes for flat feet")
    clock.advance(timedelta(days=10))
    assert "×1" in (await insights.kb_gaps(ctx, ADMIN, days=11)).embed.description
    empty = await insights.kb_gaps(ctx, ADMIN, days=7)
    assert empty.embed.description.startswith("No unanswered questions in the last 7 days")
    assert empty.buttons == ()
    for bad in (0, -1, 3651):
        with pytest.raises(UserError) as info:
            await insights.kb_gaps(ctx, ADMIN, days=bad)
        assert info.value.context["kind"] == "days"


async def test_kb_gaps_and_its_buttons_are_for_admins_in_a_server(
    app: App, ctx: InsightsContext
) -> None:
    await abstain(ctx, app, "best running shoes for flat feet")
    with pytest.raises(NeedsManageGuild):
        await insights.kb_gaps(ctx, MEMBER)
    with pytest.raises(NotInGuild):
        await insights.kb_gaps(ctx, DM)
    with pytest.raises(NeedsManageGuild):
        await insights.press_add_from_gap(ctx, MEMBER, 1)


async def test_add_as_club_entry_opens_the_form_pre_filled(app: App, ctx: InsightsContext) -> None:
    await abstain(ctx, app, "  best running shoes\nfor flat feet  ")
    gaps = await insights.kb_gaps(ctx, ADMIN)
    record_id = ADD_FROM_GAP.parse(gaps.buttons[0].custom_id.split(":", 2)[2])["record_id"]
    reply = await insights.press_add_from_gap(ctx, ADMIN, record_id)
    assert reply.modal is not None and reply.modal.custom_id == "rc:kbform:new"
    assert reply.modal.inputs[0].value == "best running shoes for flat feet"
    # Another server's admin can't read it by guessing the id; a gone record says so.
    for caller, rid in ((ADMIN_ELSEWHERE, record_id), (ADMIN, record_id + 1)):
        with pytest.raises(UserError) as info:
            await insights.press_add_from_gap(ctx, caller, rid)
        assert info.value.context["kind"] == "gone"


async def test_titles_come_from_a_plain_function_too() -> None:
    gap = Gap("shoes?", 1, 2, 1, T0, T0, nearest=(HILLS, "club:1", "gone"))
    titles = {HILLS: "Hill sprints", "club:1": "x" * 200}
    [view] = await insights.gap_views(lambda g, ref: titles.get(ref), GUILD, [gap])
    assert view.nearest == ("Hill sprints", "x" * (insights.TITLE_SHOWN - 1) + "…")


def test_the_form_question_is_one_line_cut_to_120_characters() -> None:
    long = "why " + "really " * 30 + "do my calves hurt"
    cut = insights.form_question(long)
    assert len(cut) <= 120 and cut.startswith("why really") and not cut.endswith(" ")
    assert not cut.endswith("…") and insights.form_question("a\n b\t c") == "a b c"
    assert len(insights.form_question("x" * 300)) == 120


async def test_members_text_is_escaped_and_the_embed_fits(
    app: App, ctx: InsightsContext, clock: FakeClock
) -> None:
    """Eight gaps and three "Not helpful" entries with the longest texts fit Discord whole."""
    words = [letter * 5 for letter in "abcdefghijkl"]  # twelve different questions
    for i, word in enumerate(words):
        hostile = f"@everyone **{i}** <@&123> " + " ".join(f"_{word}{j}_" for j in range(40))
        for _ in range(12 - i):
            await ctx.insights.record_unanswered(GUILD, hostile, [HILLS, "club:1"], clock.now())
    long_title = {(GUILD, f"club:{n}"): "**T**" * 40 for n in range(2, 6)}
    CLUB_TITLES.update(long_title)
    try:
        for n in range(2, 6):
            answer_id = await ctx.insights.record_answer(GUILD, f"club:{n}", "@here " * 60, T0)
            await ctx.insights.vote(answer_id, MEMBER.user_id, False, T0)
        reply = await insights.kb_gaps(ctx, ADMIN)
    finally:
        for key in long_title:
            del CLUB_TITLES[key]
    embed = reply.embed
    assert embed is not None and embed_length(embed) <= EMBED_TOTAL
    assert embed.description.count("×") == insights.GAPS_SHOWN
    assert "…and 4 more: `coach kb gaps --guild 1`" in embed.description
    assert [f.name.split(":")[0] for f in embed.fields] == ["👎 #1", "👎 #2", "👎 #3"]
    everything = embed.description + "".join(f.name + f.value for f in embed.fields)
    for raw in ("@everyone", "@here", "**0**", "<@&123>", "**T**"):
        assert raw not in everything
    assert len(reply.buttons) == insights.ADD_BUTTONS


# -- votes ------------------------------------------------------------------------------------


async def vote(ctx: InsightsContext, caller: Caller, custom_id: str) -> str:
    prefix, args = custom_id.split(":", 2)[1:]
    assert prefix == "vote"
    parsed = VOTE.parse(args)
    assert parsed is not None
    reply = await insights.press_vote(ctx, caller, **parsed)
    assert reply.ephemeral
    return reply.content


async def test_one_vote_per_member_per_answer_and_it_can_change(
    app: App, ctx: InsightsContext
) -> None:
    up, down = await insights.answer_votes(ctx, MEMBER, HILLS, "do hill sprints build muscle")
    assert (up.label, down.label) == ("Helpful", "Not helpful")
    [answer] = await rows(app, "answers")
    assert answer["entry_ref"] == HILLS and answer["question"] == "do hill sprints build muscle"
    assert MEMBER.user_id not in answer.values()

    assert (await vote(ctx, MEMBER, up.custom_id)).startswith("Thanks! Noted")
    assert "already marked" in await vote(ctx, MEMBER, up.custom_id)
    assert "Changed your vote" in await vote(ctx, MEMBER, down.custom_id)
    assert [(v["user_id"], v["helpful"]) for v in await rows(app, "votes")] == [(7, 0)]
    assert (await vote(ctx, OTHER, down.custom_id)).startswith("Thanks!")
    assert len(await rows(app, "votes")) == 2


async def test_a_vote_on_an_unknown_or_another_servers_answer_counts_nothing(
    app: App, ctx: InsightsContext
) -> None:
    up, _ = await insights.answer_votes(ctx, MEMBER, HILLS, "hill sprints?")
    elsewhere = Caller(7, "sam", guild_id=OTHER_GUILD, channel_id=20)
    assert "no longer on record" in await vote(ctx, elsewhere, up.custom_id)
    assert "no longer on record" in await vote(ctx, MEMBER, "rc:vote:up:999999999999999999")
    assert "no longer on record" in await vote(ctx, DM, up.custom_id)
    assert await rows(app, "votes") == []
    with pytest.raises(AnswerGone):
        await ctx.insights.vote(12345, 7, True, T0)


def test_vote_and_gap_buttons_accept_only_their_own_arguments() -> None:
    up, down = insights.vote_buttons(42)
    assert (up.custom_id, down.custom_id) == ("rc:vote:up:42", "rc:vote:down:42")
    assert ADD_FROM_GAP.custom_id(7) == "rc:gap:7"
    for bad in ("up:-1", "up:", "sideways:1", "up:1:2", "up:²", "up:" + "9" * 19, "UP:1"):
        assert VOTE.parse(bad) is None, bad
    for bad in ("", "x", "-3", "9" * 19, "add:1", "1:2", "٣"):
        assert ADD_FROM_GAP.parse(bad) is None, bad


async def test_kb_gaps_lists_the_entries_most_often_not_helpful_with_their_questions(
    app: App, ctx: InsightsContext
) -> None:
    first = await insights.answer_votes(ctx, MEMBER, HILLS, "do hill sprints build muscle")
    second = await insights.answer_votes(ctx, OTHER, HILLS, "hill sprints = big legs?")
    club = await insights.answer_votes(ctx, MEMBER, "club:1", "where do we meet")
    gone = await insights.answer_votes(ctx, MEMBER, "club:99", "parking?")
    await vote(ctx, MEMBER, first[1].custom_id)
    await vote(ctx, OTHER, first[1].custom_id)
    await vote(ctx, MEMBER, second[1].custom_id)
    await vote(ctx, OTHER, second[0].custom_id)
    await vote(ctx, OTHER, club[1].custom_id)
    await vote(ctx, MEMBER, club[0].custom_id)
    await vote(ctx, OTHER, gone[1].custom_id)

    listed = await ctx.insights.not_helpful(GUILD, T0 - timedelta(days=1))
    assert [(n.entry_ref, n.not_helpful, n.helpful) for n in listed] == [
        (HILLS, 3, 1),
        ("club:99", 1, 0),  # as many "Not helpful": fewer "Helpful" first
        ("club:1", 1, 1),
    ]
    assert listed[0].questions == ("do hill sprints build muscle", "hill sprints = big legs?")

    reply = await insights.kb_gaps(ctx, ADMIN)
    fields = [(f.name, f.value) for f in reply.embed.fields]
    hills_title = app.faq.knowledge.kb.get(HILLS).title
    assert fields[0][0] == "👎 #1: 3 not helpful, 1 helpful"
    assert fields[0][1].startswith(f"**{hills_title}**")
    assert '• asked as "do hill sprints build muscle"' in fields[0][1]
    assert fields[1][1].startswith("**a removed entry** (club:99)")
    assert fields[2][1].startswith("**Where do we meet on Tuesdays?**")

    # Changing a vote moves the list; a member forgotten takes their votes along.
    await vote(ctx, MEMBER, first[0].custom_id)
    listed = await ctx.insights.not_helpful(GUILD, T0 - timedelta(days=1))
    assert (listed[0].not_helpful, listed[0].helpful) == (2, 2)
    assert await ctx.insights.forget_member(OTHER.user_id) == 4
    listed = await ctx.insights.not_helpful(GUILD, T0 - timedelta(days=1))
    assert [(n.entry_ref, n.not_helpful, n.helpful) for n in listed] == [(HILLS, 1, 1)]


async def test_profile_delete_erases_votes_through_member_data(
    app: App, ctx: InsightsContext
) -> None:
    """The repository's forgetter inside MemberData's one transaction, as /profile delete runs
    it (bot/app.py registers it for the real bot; tests/core/test_members.py checks that)."""
    up, down = await insights.answer_votes(ctx, MEMBER, HILLS, "hill sprints?")
    await vote(ctx, MEMBER, up.custom_id)
    await vote(ctx, OTHER, down.custom_id)
    members = MemberData(app.services.db)
    members.register("faq", ctx.insights.forget_member)
    assert await members.forget(MEMBER.user_id) == 1
    assert [v["user_id"] for v in await rows(app, "votes")] == [OTHER.user_id]
    assert len(await rows(app, "answers")) == 1  # the answer is the club's, not the member's


def test_the_article_entry_used_here_exists(app: App) -> None:
    assert app.faq.knowledge.kb.get(HILLS) is not None


# -- retention --------------------------------------------------------------------------------


async def seed(ctx: InsightsContext) -> None:
    await ctx.insights.record_unanswered(
        GUILD, "best shoes for flat feet", [HILLS], ctx.clock.now()
    )
    answer_id = await ctx.insights.record_answer(GUILD, HILLS, "hill sprints?", ctx.clock.now())
    await ctx.insights.vote(answer_id, MEMBER.user_id, False, ctx.clock.now())


async def test_records_past_retention_are_deleted_with_their_votes(
    app: App, ctx: InsightsContext, clock: FakeClock
) -> None:
    assert ctx.retention_days == 90  # the default
    await seed(ctx)
    clock.advance(timedelta(days=45))
    await seed(ctx)
    clock.advance(timedelta(days=45))  # the first seed is exactly 90 days old: kept
    assert (await ctx.cleaner.run_once()).total == 0
    clock.advance(timedelta(seconds=1))
    pruned = await ctx.cleaner.run_once()
    assert (pruned.unanswered, pruned.answers, pruned.votes) == (1, 1, 1)
    for table in ("unanswered", "answers", "votes"):
        assert len(await rows(app, table)) == 1, table
    clock.advance(timedelta(days=46))
    await ctx.cleaner.run_once()
    for table in ("unanswered", "answers", "votes"):
        assert await rows(app, table) == [], table


async def test_the_cleanup_task_runs_at_start_and_when_poked(
    app: App, ctx: InsightsContext, clock: FakeClock
) -> None:
    await seed(ctx)
    clock.advance(timedelta(days=91))
    cleaner = ctx.cleaner
    with pytest.raises(RuntimeError):
        await cleaner.poke()
    cleaner.start()
    try:
        await cleaner.poke()
        assert cleaner.running and cleaner.passes >= 1
        assert await rows(app, "unanswered") == [] and await rows(app, "votes") == []
        await seed(ctx)
        clock.advance(timedelta(days=100))
        await cleaner.poke()
        assert await rows(app, "answers") == []
    finally:
        await cleaner.stop()
    assert not cleaner.running
    await cleaner.stop()  # twice is harmless


async def test_a_failed_pass_does_not_end_the_task(
    app: App, ctx: InsightsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    async def broken(cutoff: datetime) -> Any:
        nonlocal calls
        calls += 1
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ctx.insights, "delete_older_than", broken)
    ctx.cleaner.start()
    try:
        await ctx.cleaner.poke()
        await ctx.cleaner.poke()
        assert ctx.cleaner.running and calls >= 2
    finally:
        await ctx.cleaner.stop()


async def test_kb_gaps_never_shows_more_than_the_retention(
    make_app, clock: FakeClock, app: App
) -> None:
    short = await make_app(clock, unanswered_retention_days=5)
    repo = InsightsRepository(short.services.db)
    ctx = InsightsContext(
        short.services,
        insights=repo,
        title_of=lambda g, r: None,
        entry_form=entry_form,
        cleaner=RetentionCleaner(repo, clock, short.services.settings.unanswered_retention),
    )
    await repo.record_unanswered(GUILD, "best shoes for flat feet", [], clock.now())
    clock.advance(timedelta(days=6))  # not yet cleaned up, but past the promise
    reply = await insights.kb_gaps(ctx, ADMIN, days=30)
    assert reply.embed.description.startswith("No unanswered questions")
    assert "kept 5 days" in reply.embed.footer
