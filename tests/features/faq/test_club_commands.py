"""/kb add|edit|remove|list and the entry form, through the real router on real SQLite; /faq and
its suggestions with club entries, per server."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.core.caller import Caller
from bot.core.clock import FakeClock
from bot.core.replies import Reply, TextStyle
from bot.core.router import Router
from bot.core.settings import PROJECT_ROOT
from bot.features.faq import FaqContext, entry_form
from bot.features.faq.club import ANSWER_MAX, ENTRIES_MAX, QUESTION_MAX, EntryText, parse_file
from bot.features.faq.club_repository import ClubRepository
from bot.features.faq.club_store import REVISION_SECONDS


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


CLUB, OTHER_CLUB = 1, 2
ADMIN = Caller(8, "alex", CLUB, 10, can_manage_guild=True)
MEMBER = Caller(7, "sam", CLUB, 10)
MEMBER_ELSEWHERE = Caller(9, "kim", OTHER_CLUB, 20)
ADMIN_ELSEWHERE = Caller(5, "jo", OTHER_CLUB, 20, can_manage_guild=True)
DM = Caller(7, "sam")
T0 = datetime(2026, 5, 1, 9, tzinfo=UTC)
SATURDAY = {
    "question": "What time is the Saturday run?",
    "aliases": "When does the Saturday club run start?\nsaturday morning run time",
    "answer": "8:30am sharp from the park gates on Ashley Road.",
}


@pytest.fixture
async def app(make_app) -> App:
    return await make_app(FakeClock(T0))


@pytest.fixture
def svc(app: App) -> FaqContext:
    return app.faq


async def add(router: Router, values: dict[str, str], caller: Caller = ADMIN) -> Reply:
    """/kb add, then the form it opens, submitted with `values`."""
    form = await router.run("kb add", caller)
    assert form.modal is not None, form
    return await router.submit(form.modal.custom_id, caller, values)


async def ask(router: Router, question: str, caller: Caller = MEMBER) -> Reply:
    return await router.run("faq", caller, question=question)


def without_votes(reply: Reply) -> Reply:
    """The reply without its vote buttons, whose answer ids differ from one answer to the next."""
    kept = tuple(b for b in reply.buttons if not b.custom_id.startswith("rc:vote:"))
    return dataclasses.replace(reply, buttons=kept)


def is_club_answer(reply: Reply, question: str) -> bool:
    embed = reply.embed
    return (
        embed is not None
        and embed.title == question
        and "From the club's organisers" in embed.footer
        and not any(f.name == "Sources" for f in embed.fields)
    )


async def test_added_through_the_form_and_live_at_once(router: Router, svc: FaqContext) -> None:
    form = await router.run("kb add", ADMIN)
    assert form.modal is not None and form.modal.custom_id == "rc:club:add"
    boxes = {box.custom_id: box for box in form.modal.inputs}
    assert list(boxes) == ["question", "aliases", "answer"]
    assert boxes["question"].max_length == QUESTION_MAX
    assert boxes["answer"].max_length == ANSWER_MAX
    assert boxes["aliases"].style is TextStyle.PARAGRAPH and not boxes["aliases"].required

    saved = await router.submit(form.modal.custom_id, ADMIN, SATURDAY)
    assert saved.ephemeral and "Club answer **#1** added" in saved.content
    assert saved.embed is not None and saved.embed.title == SATURDAY["question"]

    # No reload, no restart: the next question in the server gets it, publicly.
    reply = await ask(router, "what time do we meet for the saturday run")
    assert is_club_answer(reply, SATURDAY["question"]) and not reply.ephemeral
    assert reply.embed is not None and "park gates" in reply.embed.description
    assert [b.label for b in reply.buttons] == ["Helpful", "Not helpful"]  # only the votes
    # Its other wordings were kept, one per line.
    entry = (await svc.club.repository.list_guild(CLUB))[0]
    assert entry.aliases == ("When does the Saturday club run start?", "saturday morning run time")


async def test_a_club_entry_stays_in_its_server(router: Router) -> None:
    await add(router, SATURDAY)
    assert is_club_answer(await ask(router, "saturday run start time?"), SATURDAY["question"])
    for caller in (MEMBER_ELSEWHERE, DM):
        reply = await ask(router, "saturday run start time?", caller)
        assert reply.embed is None or "From the club's organisers" not in reply.embed.footer
        exact = await ask(router, SATURDAY["question"], caller)
        assert exact.embed is None or "From the club's organisers" not in exact.embed.footer
        # The suggestion's value names the entry; another server can't use it.
        assert not is_club_answer(await ask(router, "club:1", caller), SATURDAY["question"])
    # Nor can another server's organiser see, edit or remove it.
    for command in ("kb edit", "kb remove"):
        refused = await router.run(command, ADMIN_ELSEWHERE, id=1)
        assert refused.ephemeral and "no club answer #1 in this server" in refused.content
    listed = await router.run("kb list", ADMIN_ELSEWHERE)
    assert "No club answers yet" in listed.content


async def test_club_entries_never_change_another_servers_answers(
    router: Router, svc: FaqContext, app: App
) -> None:
    questions = [
        "do hill sprints build muscle",
        "hill sprints?",
        "what time is the saturday run",
        "when does the club do hill sprints",
        "how much is club membership",
    ]
    before = [without_votes(await ask(router, q, MEMBER_ELSEWHERE)) for q in questions]
    content = (PROJECT_ROOT / "tests" / "data" / "club_entries.yaml").read_text(encoding="utf-8")
    await svc.club.import_entries(CLUB, parse_file(content, "club_entries.yaml"))
    assert isinstance(app.services.clock, FakeClock)
    app.services.clock.advance(timedelta(minutes=5))  # past the repeat cooldown
    assert [without_votes(await ask(router, q, MEMBER_ELSEWHERE)) for q in questions] == before
    here = await ask(router, "when does the club do hill sprints")
    assert is_club_answer(here, "When is the hill sprint session?")


async def test_suggestions_show_club_entries_in_their_server_only(router: Router) -> None:
    await add(router, SATURDAY)
    here = await router.complete("faq", "question", MEMBER, "saturday run")
    assert here[0].name == SATURDAY["question"] and here[0].value == "club:1"
    assert len(here) <= 25
    chosen = await ask(router, here[0].value)
    assert is_club_answer(chosen, SATURDAY["question"])
    for caller in (MEMBER_ELSEWHERE, DM):
        elsewhere = await router.complete("faq", "question", caller, "saturday run")
        assert all(not c.value.startswith("club:") for c in elsewhere)
    # Nothing typed yet: the server's own entries come first, then the articles'.
    first = await router.complete("faq", "question", MEMBER, "")
    assert first[0].value == "club:1" and len(first) == 25


async def test_article_questions_keep_article_answers(router: Router) -> None:
    await add(router, SATURDAY)
    await add(
        router,
        {
            "question": "When is the hill sprint session?",
            "aliases": "Hill sprints with the club",
            "answer": "Every other Saturday after the club run, on Bell Hill.",
        },
    )
    reply = await ask(router, "do hill sprints build muscle")
    assert (
        reply.embed is not None and reply.embed.title == "How do I do hill sprints to build muscle?"
    )
    assert any(f.name == "Sources" for f in reply.embed.fields)
    club = await ask(router, "when does the club do hill sprints")
    assert is_club_answer(club, "When is the hill sprint session?")


async def test_an_answer_with_mentions_and_markdown_pings_nobody(router: Router) -> None:
    hostile = {
        "question": "Who do I ask @everyone about **kit**?",
        "aliases": "<@123> kit\n@here kit",
        "answer": "Ask @everyone or <@&456> or <@123>: **now** [here](https://evil.example)",
    }
    saved = await add(router, hostile)
    reply = await ask(router, "Who do I ask @everyone about **kit**?")
    for shown in (saved, reply):
        assert shown.mention_roles == ()
        assert shown.embed is not None
        texts = [shown.content, shown.embed.title, shown.embed.description]
        texts += [f.value for f in shown.embed.fields]
        for text in texts:
            assert "@everyone" not in text and "@here" not in text
            assert "<@123>" not in text and "<@&456>" not in text
            assert "**now**" not in text and "[here](" not in text
    assert reply.embed is not None and "@\u200beveryone" in reply.embed.description


async def test_the_same_club_answer_twice_in_a_minute_goes_private(
    router: Router, app: App
) -> None:
    await add(router, SATURDAY)
    first = await ask(router, "saturday run start time?")
    again = await ask(router, "What time is the Saturday run?", ADMIN)
    assert not first.ephemeral and again.ephemeral and "a moment ago" in again.content
    assert isinstance(app.services.clock, FakeClock)
    app.services.clock.advance(timedelta(minutes=2))
    assert not (await ask(router, "saturday run start time?")).ephemeral


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({**SATURDAY, "question": "q" * (QUESTION_MAX + 1)}, "the question is 121 characters"),
        ({**SATURDAY, "answer": "a" * (ANSWER_MAX + 1)}, "the answer is 1501 characters"),
        ({**SATURDAY, "answer": "   "}, "the answer is empty"),
        ({**SATURDAY, "question": " "}, "the question is empty"),
        ({**SATURDAY, "aliases": "ok\n" + "w" * (QUESTION_MAX + 1)}, "other wording number 2"),
        ({**SATURDAY, "aliases": "\n".join(f"w{i}" for i in range(21))}, "21 other wordings"),
    ],
)
async def test_past_a_limit_is_refused_kindly_and_saves_nothing(
    router: Router, svc: FaqContext, values: dict[str, str], says: str
) -> None:
    reply = await add(router, values)
    assert reply.ephemeral and reply.content.startswith("Nothing saved")
    assert says in reply.content
    assert await svc.club.repository.count(CLUB) == 0


async def test_the_same_question_twice_is_refused(router: Router) -> None:
    await add(router, SATURDAY)
    again = await add(router, {**SATURDAY, "question": "what time is the SATURDAY run"})
    assert "already has that question as club answer **#1**" in again.content


async def test_the_201st_entry_is_refused(router: Router, svc: FaqContext) -> None:
    entries = [EntryText(f"Question number {i}?", (), "Answer.") for i in range(ENTRIES_MAX)]
    await svc.club.import_entries(CLUB, entries)
    refused = await router.run("kb add", ADMIN)
    assert refused.modal is None and refused.ephemeral
    assert "already has 200 club answers" in refused.content
    # A form opened before the server filled up is refused on submit, too.
    late = await router.submit("rc:club:add", ADMIN, {**SATURDAY})
    assert "already has 200 club answers" in late.content
    assert await svc.club.repository.count(CLUB) == ENTRIES_MAX
    # Other servers have their own 200.
    assert (await add(router, SATURDAY, ADMIN_ELSEWHERE)).content.startswith("Club answer")


async def test_edit_opens_the_form_filled_in_and_changes_are_live(router: Router) -> None:
    await add(router, SATURDAY)
    form = (await router.run("kb edit", ADMIN, id=1)).modal
    assert form is not None and form.custom_id == "rc:club:edit:1"
    assert [box.value for box in form.inputs] == [
        SATURDAY["question"],
        SATURDAY["aliases"],
        SATURDAY["answer"],
    ]
    changed = {**SATURDAY, "answer": "9am from the leisure centre this month.", "aliases": ""}
    saved = await router.submit(form.custom_id, ADMIN, changed)
    assert "Club answer **#1** updated" in saved.content
    reply = await ask(router, "saturday run start time?")
    assert reply.embed is not None and "leisure centre" in reply.embed.description
    # The dropped wording no longer answers exactly (it may still match by meaning).
    assert (await router.run("kb edit", ADMIN, id=1)).modal.inputs[1].value == ""


async def test_remove_asks_first_then_removes(router: Router, svc: FaqContext) -> None:
    await add(router, SATURDAY)
    confirm = await router.run("kb remove", ADMIN, id=1)
    assert confirm.ephemeral and "Remove club answer **#1**" in confirm.content
    remove, keep = confirm.buttons
    kept = await router.press(keep.custom_id, ADMIN)
    assert kept.edit_original and "Kept club answer" in kept.content
    assert await svc.club.repository.count(CLUB) == 1
    # Another member can't press it, nor can a member of the server without Manage Server.
    for caller in (MEMBER, MEMBER_ELSEWHERE):
        refused = await router.press(remove.custom_id, caller)
        assert refused.ephemeral and refused.content
    assert await svc.club.repository.count(CLUB) == 1
    removed = await router.press(remove.custom_id, ADMIN)
    assert "Club answer **#1** removed" in removed.content
    assert not is_club_answer(await ask(router, "saturday run start time?"), SATURDAY["question"])
    again = await router.press(remove.custom_id, ADMIN)
    assert "no club answer #1 in this server" in again.content


async def test_list_pages_through_the_entries(router: Router, svc: FaqContext) -> None:
    entries = [EntryText(f"Question number {i}?", ("other",), "Answer.") for i in range(40)]
    await svc.club.import_entries(CLUB, entries)
    first = await router.run("kb list", ADMIN)
    assert first.embed is not None and "(40 of at most 200) · page 1/3" in first.embed.title
    assert "**#1** Question number 0?" in first.embed.description
    assert "(+1 other wording)" in first.embed.description
    following = await router.press(first.buttons[1].custom_id, ADMIN)
    assert following.edit_original and following.embed is not None
    assert "page 2/3" in following.embed.title and "**#16**" in following.embed.description
    assert (await router.press(first.buttons[1].custom_id, MEMBER)).embed is None


async def test_members_and_dms_are_refused_everything(router: Router, svc: FaqContext) -> None:
    await add(router, SATURDAY)
    for command, options in (("kb add", {}), ("kb list", {}), ("kb edit", {"id": 1})):
        refused = await router.run(command, MEMBER, **options)
        assert refused.modal is None and "Manage Server" in refused.content
        in_dm = await router.run(command, DM, **options)
        assert in_dm.modal is None and in_dm.ephemeral
    for form in ("rc:club:add", "rc:club:edit:1"):
        refused = await router.submit(form, MEMBER, {**SATURDAY, "question": "Mine?"})
        assert "Manage Server" in refused.content
    assert [e.question for e in await svc.club.repository.list_guild(CLUB)] == [
        SATURDAY["question"]
    ]


async def test_a_stale_or_forged_form_changes_nothing(router: Router, svc: FaqContext) -> None:
    await add(router, SATURDAY)
    for custom_id in ("rc:club:edit:99", "rc:club:nope", "rc:club:edit:1:2", "rc:club:add:1"):
        reply = await router.submit(custom_id, ADMIN, SATURDAY)
        assert reply.ephemeral and reply.content
    # Missing boxes read as empty: refused, not a crash.
    assert (await router.submit("rc:club:add", ADMIN, {})).content.startswith("Nothing saved")
    assert await svc.club.repository.count(CLUB) == 1


async def test_entries_survive_a_restart(make_app, router: Router, app: App) -> None:
    await add(router, SATURDAY)
    await app.close()
    again = await make_app(FakeClock(T0))
    verdict = await again.faq.club.index(CLUB)
    assert verdict is not None and [e.question for e in verdict.entries] == [SATURDAY["question"]]


class Ticker:
    """A monotonic clock the test moves (the club store's REVISION_SECONDS)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_change_from_another_process_is_live_within_a_second(
    router: Router, app: App, make_app
) -> None:
    """`coach kb import` writes with its own connection while the bot runs."""
    ticker = Ticker()
    app.faq.club.monotonic = ticker
    await add(router, SATURDAY)
    assert is_club_answer(await ask(router, "saturday run start time?"), SATURDAY["question"])
    other = await make_app(FakeClock(T0))  # a second connection to the same file
    await ClubRepository(other.services.db).import_entries(
        CLUB,
        [EntryText(SATURDAY["question"], (), "Cancelled this week: ice.")],
        T0,
    )
    ticker.now += REVISION_SECONDS - 0.01
    reply = await ask(router, "saturday run start time?")  # still the entries read just now
    assert reply.embed is not None and "Cancelled this week" not in reply.embed.description
    ticker.now += 0.01
    reply = await ask(router, "saturday run start time?")
    assert reply.embed is not None and "Cancelled this week" in reply.embed.description


class CountingRevisions(ClubRepository):
    def __init__(self, repository: ClubRepository) -> None:
        super().__init__(repository._db)  # type: ignore[attr-defined]
        self.revisions = 0

    async def revision(self, guild_id: int) -> int:
        self.revisions += 1
        return await super().revision(guild_id)


async def test_questions_in_a_row_read_the_revision_once_a_second(
    router: Router, svc: FaqContext
) -> None:
    ticker = Ticker()
    svc.club.monotonic = ticker
    svc.club.repository = counting = CountingRevisions(svc.club.repository)
    await add(router, SATURDAY)
    after_add = counting.revisions
    for _ in range(3):
        assert is_club_answer(await ask(router, "saturday run start time?"), SATURDAY["question"])
        await svc.club.index(CLUB)  # as each autocomplete keystroke asks
    assert counting.revisions == after_add  # all within a second of the add's own check
    ticker.now += REVISION_SECONDS
    await ask(router, "saturday run start time?")
    assert counting.revisions == after_add + 1


async def test_a_change_made_here_is_live_at_once_even_within_the_second(
    router: Router, svc: FaqContext
) -> None:
    svc.club.monotonic = Ticker()  # never moves: only changes made here can show
    await add(router, SATURDAY)
    assert is_club_answer(await ask(router, "saturday run start time?"), SATURDAY["question"])
    (entry,) = (await svc.club.index(CLUB)).entries  # type: ignore[union-attr]
    await svc.club.update(CLUB, entry.id, EntryText(SATURDAY["question"], (), "Moved to 9:00."))
    reply = await ask(router, "saturday run start time?")
    assert reply.embed is not None and "Moved to 9:00." in reply.embed.description
    await svc.club.remove(CLUB, entry.id)
    assert not is_club_answer(await ask(router, "saturday run start time?"), SATURDAY["question"])


def test_the_entry_form_fits_discords_limits_whatever_it_is_given() -> None:
    form = entry_form(question="q " * 200, aliases=["a" * 300] * 30, answer="x" * 5000)
    question, aliases, answer = form.inputs
    assert len(question.value) <= QUESTION_MAX and len(answer.value) <= ANSWER_MAX
    assert len(aliases.value) <= (aliases.max_length or 0) <= 4000
    assert len(form.title) <= 45 and all(len(box.label) <= 45 for box in form.inputs)
    assert entry_form(entry_id=123456789012345678).custom_id == "rc:club:edit:123456789012345678"
