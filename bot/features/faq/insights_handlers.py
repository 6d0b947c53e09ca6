"""What /faq learns for organisers (issue 12): `/kb gaps`, its "Add as club entry" buttons, and
the "Helpful" / "Not helpful" buttons on public answers. Transport-free, like handlers.py.

The /faq handler calls `note_unanswered` when it abstains and `answer_votes` when it answers in
public; both store nothing about who asked, and neither lets a storage problem spoil the reply.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import db as storage_db
from bot.core.caller import Caller, UserError, require_manage_guild
from bot.core.limits import truncate
from bot.core.replies import Button, ButtonStyle, Modal, Reply
from bot.core.router import ButtonRoute
from bot.core.services import FeatureContext
from bot.features.faq.gaps import Gap, group_unanswered
from bot.features.faq.insights_repository import AnswerGone, InsightsRepository, NotHelpful
from bot.features.faq.retention import RetentionCleaner

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
MAX_DAYS = 3650  # the most UNANSWERED_RETENTION_DAYS allows; nothing older is kept anyway
GAPS_SHOWN = 8  # numbered in the embed; `coach kb gaps` lists them all
ADD_BUTTONS = 5  # "Add as club entry" for the top gaps: one row of Discord's five
NOT_HELPFUL_SHOWN = 3
QUESTIONS_SHOWN = 2  # per "Not helpful" entry
NEAREST_SHOWN = 2
# Characters of a member's text shown in the embed, before escaping (which can double it): eight
# gaps and three "Not helpful" entries then fit Discord's 6000-character embed with room to spare.
QUESTION_SHOWN = 90
TITLE_SHOWN = 60
FORM_QUESTION = 120  # the club entry form's question box

HELPFUL, NOT_HELPFUL = "up", "down"
VOTE_LABELS = {HELPFUL: "Helpful", NOT_HELPFUL: "Not helpful"}
ADD_LABEL = "Add #{n} as club entry"

# (guild id, entry ref) -> the entry's title, or None when it no longer exists; plain or async
# (a club entry's title may have to be read from the database).
TitleOf = Callable[[int | None, str], "str | Awaitable[str | None] | None"]


@dataclass(frozen=True)
class InsightsContext(FeatureContext):
    """What these handlers need; the FAQ's context provides it (FaqContext extends this)."""

    insights: InsightsRepository
    # An entry's title from its ref (an article entry's id, or club:<n> for that server's club
    # entry); None when it no longer exists. A plain function or a coroutine function.
    title_of: TitleOf
    # The club entry form (`/kb add`'s modal), pre-filled: entry_form(question="...").
    entry_form: Callable[..., Modal]
    # Deletes what is past UNANSWERED_RETENTION_DAYS; the FAQ cog starts it when the bot serves.
    cleaner: RetentionCleaner

    @property
    def retention_days(self) -> int:
        return self.settings.unanswered_retention_days


# -- recording, called by /faq ---------------------------------------------------------------------


async def note_unanswered(
    ctx: InsightsContext, caller: Caller, question: str, nearest: Iterable[str]
) -> None:
    """/faq abstained: keep the question for the server's organisers with the nearest entries'
    refs and the time, never who asked. Nothing is kept from a DM (no server to show it to)."""
    if caller.guild_id is None or not question.strip():
        return
    try:
        await ctx.insights.record_unanswered(caller.guild_id, question, nearest, ctx.clock.now())
    except storage_db.UNAVAILABLE as exc:
        log.warning("could not record an unanswered question (guild %s): %s", caller.guild_id, exc)


async def answer_votes(
    ctx: InsightsContext, caller: Caller, entry_ref: str, question: str
) -> tuple[Button, ...]:
    """/faq answers in public: keep the answer (entry and question, not who asked) and return
    its "Helpful" / "Not helpful" buttons; none in a DM or when storage is unavailable."""
    if caller.guild_id is None:
        return ()
    try:
        answer_id = await ctx.insights.record_answer(
            caller.guild_id, entry_ref, question, ctx.clock.now()
        )
    except storage_db.UNAVAILABLE as exc:
        log.warning("could not record an answer (guild %s): %s", caller.guild_id, exc)
        return ()
    return vote_buttons(answer_id)


VOTE_ROW = 1  # the answer's own buttons (related entries, "Did you mean") fill row 0


def vote_buttons(answer_id: int) -> tuple[Button, Button]:
    """ "Helpful" / "Not helpful", on a row of their own under the answer's other buttons."""
    return (
        Button(VOTE.custom_id(HELPFUL, answer_id), VOTE_LABELS[HELPFUL], row=VOTE_ROW),
        Button(VOTE.custom_id(NOT_HELPFUL, answer_id), VOTE_LABELS[NOT_HELPFUL], row=VOTE_ROW),
    )


# -- votes -----------------------------------------------------------------------------------------


async def press_vote(ctx: InsightsContext, caller: Caller, vote: str, answer_id: int) -> Reply:
    """A member's vote on an answer: one per member per answer; pressing the other button changes
    it. Only members of the server the answer was given in can vote on it."""
    helpful = vote == HELPFUL
    answer = await ctx.insights.answer(answer_id)
    if answer is None or caller.guild_id is None or answer.guild_id != caller.guild_id:
        return _vote_reply(ctx, "gone", helpful)
    try:
        previous = await ctx.insights.vote(answer_id, caller.user_id, helpful, ctx.clock.now())
    except AnswerGone:
        return _vote_reply(ctx, "gone", helpful)
    if previous is None:
        outcome = "new"
    elif previous == helpful:
        outcome = "same"
    else:
        outcome = "changed"
    return _vote_reply(ctx, outcome, helpful)


def _vote_reply(ctx: InsightsContext, outcome: str, helpful: bool) -> Reply:
    return ctx.renderer.reply(
        "faq/vote.j2",
        ephemeral=True,
        outcome=outcome,
        helpful=helpful,
        retention_days=ctx.retention_days,
    )


# -- /kb gaps --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapView:
    number: int
    question: str  # cut to QUESTION_SHOWN; the template escapes it
    count: int
    wordings: int
    last_asked: datetime
    nearest: tuple[str, ...]  # titles, cut


@dataclass(frozen=True, slots=True)
class NotHelpfulView:
    number: int
    ref: str
    title: str | None  # None: the entry was removed since
    not_helpful: int
    helpful: int
    questions: tuple[str, ...]


def _since(ctx: InsightsContext, days: int) -> datetime:
    """The start of the window: never before the retention (nothing older is promised kept)."""
    return ctx.clock.now() - timedelta(days=min(days, ctx.retention_days))


async def _title(title_of: TitleOf, guild_id: int, ref: str) -> str | None:
    title = title_of(guild_id, ref)
    if inspect.isawaitable(title):
        title = await title
    return truncate(title, TITLE_SHOWN) if isinstance(title, str) and title else None


async def gap_views(title_of: TitleOf, guild_id: int, gaps: Iterable[Gap]) -> list[GapView]:
    views = []
    for number, gap in enumerate(gaps, 1):
        titles = [await _title(title_of, guild_id, ref) for ref in gap.nearest]
        views.append(
            GapView(
                number=number,
                question=truncate(gap.question, QUESTION_SHOWN),
                count=gap.count,
                wordings=gap.wordings,
                last_asked=gap.last_asked,
                nearest=tuple(t for t in titles if t)[:NEAREST_SHOWN],
            )
        )
    return views


async def not_helpful_views(
    title_of: TitleOf, guild_id: int, items: Iterable[NotHelpful]
) -> list[NotHelpfulView]:
    return [
        NotHelpfulView(
            number=number,
            ref=truncate(item.entry_ref, TITLE_SHOWN),
            title=await _title(title_of, guild_id, item.entry_ref),
            not_helpful=item.not_helpful,
            helpful=item.helpful,
            questions=tuple(truncate(q, QUESTION_SHOWN) for q in item.questions),
        )
        for number, item in enumerate(items, 1)
    ]


async def kb_gaps(ctx: InsightsContext, caller: Caller, days: int | None = None) -> Reply:
    """The most frequent unanswered questions of the last `days` (default 30), each of the top
    five with an "Add as club entry" button, and the answers most often marked "Not helpful"."""
    guild_id = require_manage_guild(caller)
    days = DEFAULT_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise UserError("faq/gaps_error.j2", kind="days", max_days=MAX_DAYS)
    since = _since(ctx, days)
    records = await ctx.insights.unanswered_since(guild_id, since)
    # Grouping is pure CPU (up to a second for thousands of wordings): off the event loop.
    gaps = await asyncio.to_thread(group_unanswered, records)
    flops = await ctx.insights.not_helpful(
        guild_id, since, limit=NOT_HELPFUL_SHOWN, questions=QUESTIONS_SHOWN
    )
    shown = gaps[:GAPS_SHOWN]
    buttons = [
        Button(ADD_FROM_GAP.custom_id(gap.record_id), ADD_LABEL.format(n=n), ButtonStyle.PRIMARY)
        for n, gap in enumerate(shown[:ADD_BUTTONS], 1)
    ]
    return ctx.renderer.reply(
        "faq/gaps.j2",
        ephemeral=True,
        buttons=buttons,
        days=days,
        retention_days=ctx.retention_days,
        guild_id=guild_id,
        total=len(records),
        gaps=await gap_views(ctx.title_of, guild_id, shown),
        more=len(gaps) - len(shown),
        not_helpful=await not_helpful_views(ctx.title_of, guild_id, flops),
    )


def form_question(question: str) -> str:
    """The question as the club entry form's first box takes it: one line, at most
    FORM_QUESTION characters, cut at a word boundary when one is near (no ellipsis: it is
    the admin's text to edit)."""
    line = " ".join(question.split())
    if len(line) <= FORM_QUESTION:
        return line
    cut = line[:FORM_QUESTION]
    space = cut.rfind(" ")
    return (cut[:space] if space > FORM_QUESTION * 0.8 else cut).rstrip()


async def press_add_from_gap(ctx: InsightsContext, caller: Caller, record_id: int) -> Reply:
    """ "Add as club entry" on /kb gaps: the club entry form, pre-filled with that question
    (admins only; re-read from the database, so only this server's records)."""
    guild_id = require_manage_guild(caller)
    record = await ctx.insights.unanswered(record_id, guild_id)
    if record is None:
        raise UserError("faq/gaps_error.j2", kind="gone", retention_days=ctx.retention_days)
    return Reply(modal=ctx.entry_form(question=form_question(record.question)))


# custom_ids come from Discord clients, so the patterns are the whole validation: ASCII digits,
# at most 18 (below SQLite's integer limit).
VOTE = ButtonRoute(
    "vote", rf"(?P<vote>{HELPFUL}|{NOT_HELPFUL}):(?P<answer_id>[0-9]{{1,18}})", press_vote
)
ADD_FROM_GAP = ButtonRoute("gap", r"(?P<record_id>[0-9]{1,18})", press_add_from_gap)
