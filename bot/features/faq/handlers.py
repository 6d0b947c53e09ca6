"""/faq, /topics and /kb reload: curated answers with their sources, or an honest "no answer".

In a server, /faq and its suggestions also cover that server's club entries (club.py; managed
with /kb add|edit|remove|list in club_handlers.py); in a DM, the articles only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.core.caller import Caller, UserError, require_manage_guild
from bot.core.limits import BUTTON_LABEL, truncate
from bot.core.memo import Recent
from bot.core.render import Renderer
from bot.core.replies import Button, ButtonStyle, Choice, Reply
from bot.core.router import ButtonRoute
from bot.features.faq import club
from bot.features.faq.club import ClubEntry, Verdict
from bot.features.faq.club_store import ClubStore
from bot.features.faq.cooldown import RepeatCooldown
from bot.features.faq.insights_handlers import InsightsContext, answer_votes, note_unanswered
from bot.features.faq.knowledge import Entry, KnowledgeBase
from bot.features.faq.matching import Match
from bot.features.faq.store import KnowledgeStore

# Related entries an answer lists, each with its button: with a close call's "Did you mean", at
# most five, one row of Discord's five (the "Helpful" / "Not helpful" votes have row 1).
RELATED_BUTTONS = 4
DID_YOU_MEAN = "Did you mean: {title}?"
# /topics: a button per question on the page, in rows 0-3 (four rows of five), and the page
# turns on row 4; whole topics go on a page while they fit, a bigger one is split.
TOPIC_QUESTIONS_PER_PAGE = 20
TOPICS_PAGE_ROW = 4
FIELD_QUESTIONS = 10
CLUB_CHOICES = 10  # at most this many of the 25 suggestions are club entries
# Private answers kept (an answer repeated in its channel, a related-entry button's): each is a
# pure function of the knowledge snapshot, the entry, its close call and second part.
PRIVATE_ANSWERS = 1024

# (entry id, repeated, close call's id, second part's id) -> (the snapshot, its reply)
AnswerKey = tuple[str, bool, str | None, str | None]


@dataclass(frozen=True)
class FaqContext(InsightsContext):
    knowledge: KnowledgeStore
    cooldown: RepeatCooldown
    club: ClubStore
    answers: Recent[AnswerKey, tuple[KnowledgeBase, Reply]] = field(
        default_factory=lambda: Recent(PRIVATE_ANSWERS)
    )


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source as shown to members: the article's citation, the expert or study, and whether
    the quote is that person's own words (speech) or the article's account of them."""

    cite: str
    article_title: str
    who: str | None
    quote: str
    speech: bool = False


def sources_of(kb: KnowledgeBase, entry: Entry) -> list[SourceView]:
    views = []
    for source in entry.sources:
        article = kb.articles[source.article]
        views.append(
            SourceView(article.cite, article.title, source.who, source.quote, source.speech)
        )
    return views


def related_of(kb: KnowledgeBase, entry: Entry) -> list[Entry]:
    return [e for e in (kb.get(i) for i in entry.related) if e is not None]


def answer_reply(
    renderer: Renderer,
    kb: KnowledgeBase,
    entry: Entry,
    *,
    ephemeral: bool,
    repeated: bool = False,
    close: Entry | None = None,
    also: Entry | None = None,
    votes: tuple[Button, ...] = (),
) -> Reply:
    """`entry`'s answer; `close` (a close call's runner-up) adds a line and a first button;
    `also` (the other part of a two-part post) is answered below it, with its sources.

    "Related" lists exactly the entries that get a button, in the same order (the runner-up,
    when related, is offered by "Did you mean" instead, so it is not listed twice)."""
    related = [
        e for e in related_of(kb, entry) if e != also and (close is None or e.id != close.id)
    ][:RELATED_BUTTONS]
    buttons = [entry_button(e, ButtonStyle.SECONDARY) for e in related]
    if close is not None:
        buttons.insert(0, did_you_mean_button(close))
    return renderer.reply(
        "faq/answer.j2",
        ephemeral=ephemeral,
        buttons=[*buttons, *votes],
        entry=entry,
        topic=kb.topic(entry.topic),
        sources=sources_of(kb, entry),
        related=related,
        repeated=repeated,
        close=close,
        also=also,
        also_sources=sources_of(kb, also) if also else [],
    )


def private_answer(
    ctx: FaqContext,
    kb: KnowledgeBase,
    entry: Entry,
    *,
    repeated: bool = False,
    close: Entry | None = None,
    also: Entry | None = None,
) -> Reply:
    """answer_reply for just the asker (no votes): the same one again is not rendered again
    while the knowledge is the same snapshot (`/kb reload` makes a new one)."""
    key = (entry.id, repeated, close.id if close else None, also.id if also else None)
    found = ctx.answers.get(key)
    if found is not None and found[0] is kb:
        return found[1]
    reply = answer_reply(
        ctx.renderer, kb, entry, ephemeral=True, repeated=repeated, close=close, also=also
    )
    ctx.answers.put(key, (kb, reply))
    return reply


def no_answer_reply(renderer: Renderer, kb: KnowledgeBase, question: str, match: Match) -> Reply:
    suggestions = list(match.suggestions[:3])
    return renderer.reply(
        "faq/no_answer.j2",
        ephemeral=True,
        buttons=[entry_button(e) for e in suggestions],
        question=question,
        suggestions=[(e, kb.topic(e.topic)) for e in suggestions],
    )


def club_reply(
    renderer: Renderer,
    entry: ClubEntry,
    *,
    ephemeral: bool,
    repeated: bool = False,
    votes: tuple[Button, ...] = (),
) -> Reply:
    """A club entry's answer: the organisers' words, shown as theirs (no sources)."""
    return renderer.reply(
        "faq/club_answer.j2", ephemeral=ephemeral, buttons=votes, entry=entry, repeated=repeated
    )


def reply_for(renderer: Renderer, kb: KnowledgeBase, question: str, match: Match) -> Reply:
    """The reply a question gets, without channel context (CLI and console share this)."""
    if match.entry is None:
        return no_answer_reply(renderer, kb, question, match)
    return answer_reply(
        renderer, kb, match.entry, ephemeral=False, close=match.close, also=match.also
    )


def verdict_reply(renderer: Renderer, kb: KnowledgeBase, question: str, verdict: Verdict) -> Reply:
    """reply_for, when the question was asked in a server with club entries (`coach ask`)."""
    if verdict.club is not None:
        return club_reply(renderer, verdict.club.entry, ephemeral=False)
    return reply_for(renderer, kb, question, verdict.match)


async def faq(ctx: FaqContext, caller: Caller, question: str) -> Reply:
    kb, matcher, tuning = ctx.knowledge.kb, ctx.knowledge.matcher, ctx.knowledge.club_tuning
    if not question.strip():
        raise UserError("faq/empty_question.j2")
    verdict = club.answer(matcher, await ctx.club.index(caller.guild_id), question, tuning)
    if verdict.club is not None:
        entry = verdict.club.entry
        key = f"{club.CHOICE_PREFIX}{entry.id}"  # never an article entry's id (a slug)
        repeated = ctx.cooldown.recently_posted(caller.channel_id, key)
        votes: tuple[Button, ...] = ()
        if not repeated:
            ctx.cooldown.record(caller.channel_id, key)
            votes = await answer_votes(ctx, caller, key, question)
        return club_reply(ctx.renderer, entry, ephemeral=repeated, repeated=repeated, votes=votes)
    match = verdict.match
    if match.entry is None:
        await note_unanswered(ctx, caller, question, [e.id for e in match.suggestions])
        return no_answer_reply(ctx.renderer, kb, question, match)
    entry = match.entry
    if ctx.cooldown.recently_posted(caller.channel_id, entry.id):
        return private_answer(ctx, kb, entry, repeated=True, close=match.close, also=match.also)
    ctx.cooldown.record(caller.channel_id, entry.id)
    votes = await answer_votes(ctx, caller, entry.id, question)
    return answer_reply(
        ctx.renderer, kb, entry, ephemeral=False, close=match.close, also=match.also, votes=votes
    )


async def complete_question(ctx: FaqContext, caller: Caller, text: str) -> list[Choice]:
    """The server's club entries that resemble the text first (their value names the entry,
    `club:<id>`, which /faq resolves in that server only), then the articles' questions."""
    index = await ctx.club.index(caller.guild_id)
    tuning = ctx.knowledge.club_tuning
    found = index.autocomplete(text, CLUB_CHOICES, tuning) if index is not None else []
    choices = [Choice(c.name, c.value) for c in found]
    articles = ctx.knowledge.matcher.autocomplete(text, 25 - len(choices))
    return choices + [Choice(c.name, c.value) for c in articles]


async def press_entry(ctx: FaqContext, caller: Caller, entry_id: str) -> Reply:
    """A related-entry or suggestion button: that answer, just for the presser."""
    kb = ctx.knowledge.kb
    entry = kb.get(entry_id)
    if entry is None:
        raise UserError("faq/entry_gone.j2")
    return private_answer(ctx, kb, entry)


TopicsPage = list[tuple[object, list[Entry]]]


def topics_pages(kb: KnowledgeBase, per_page: int = TOPIC_QUESTIONS_PER_PAGE) -> list[TopicsPage]:
    """The topics in order, as pages of at most `per_page` questions: a topic goes whole onto
    the current page if it fits, else starts a new one; a bigger topic is split across pages,
    and into fields of at most FIELD_QUESTIONS titles (a field holds 1,024 characters)."""
    pages: list[TopicsPage] = []
    page: TopicsPage = []
    count = 0
    field = min(FIELD_QUESTIONS, per_page)
    for topic, entries in kb.by_topic():
        if count and count + len(entries) > per_page:
            pages.append(page)
            page, count = [], 0
        for i in range(0, len(entries), field):
            part = list(entries[i : i + field])
            if count and count + len(part) > per_page:
                pages.append(page)
                page, count = [], 0
            page.append((topic, part))
            count += len(part)
    if page:
        pages.append(page)
    return pages


def topics_buttons(groups: TopicsPage) -> list[Button]:
    """A button per question on the page, in the order listed: pressing one shows its answer,
    just for the presser (the page stays for further browsing)."""
    entries = [e for _, es in groups for e in es]
    return [
        replace(entry_button(e, label=truncate(e.title, BUTTON_LABEL)), row=i // 5)
        for i, e in enumerate(entries)
    ]


def topics_reply(ctx: FaqContext, page: int, *, edit: bool) -> Reply:
    pages = topics_pages(ctx.knowledge.kb)
    page = min(max(page, 0), max(len(pages) - 1, 0))
    buttons = topics_buttons(pages[page]) if pages else []
    if len(pages) > 1:
        buttons += [
            Button(TOPICS_PAGE.custom_id(page - 1), "◀ Previous", disabled=page == 0,
                   row=TOPICS_PAGE_ROW),
            Button(TOPICS_PAGE.custom_id(page + 1), "Next ▶", disabled=page >= len(pages) - 1,
                   row=TOPICS_PAGE_ROW),
        ]  # fmt: skip
    return ctx.renderer.reply(
        "faq/topics.j2",
        ephemeral=True,
        edit_original=edit,
        buttons=buttons,
        groups=pages[page] if pages else [],
        page=page + 1,
        pages=len(pages),
        entry_count=len(ctx.knowledge.kb),
    )


async def topics(ctx: FaqContext, caller: Caller) -> Reply:
    return topics_reply(ctx, 0, edit=False)


async def press_topics(ctx: FaqContext, caller: Caller, page: int = 0) -> Reply:
    """A page turn of /topics; an unreadable page number shows the first page."""
    return topics_reply(ctx, page, edit=True)


async def kb_reload(ctx: FaqContext, caller: Caller) -> Reply:
    require_manage_guild(caller)
    problems = ctx.knowledge.reload()
    return ctx.renderer.reply(
        "faq/reload.j2", ephemeral=True, problems=problems, entry_count=len(ctx.knowledge.kb)
    )


def entry_button(
    entry: Entry, style: ButtonStyle = ButtonStyle.SECONDARY, label: str | None = None
) -> Button:
    """A button that shows `entry`'s answer to whoever presses it (used by other features too);
    labelled with the entry's title unless `label` is given."""
    return Button(ENTRY.custom_id(entry.id), entry.title if label is None else label, style)


def did_you_mean_button(entry: Entry) -> Button:
    """The close call's runner-up: "Did you mean: <title>?", the title cut to fit the label."""
    room = BUTTON_LABEL - len(DID_YOU_MEAN.format(title=""))
    title = truncate(entry.title.rstrip("?").rstrip(), room)
    return entry_button(entry, ButtonStyle.PRIMARY, DID_YOU_MEAN.format(title=title))


# Entry ids are slugs (see loader.py); a page number is short and ASCII. custom_ids arrive from
# Discord clients, so the patterns are the whole validation.
ENTRY = ButtonRoute("faq", r"(?P<entry_id>[a-z0-9-]{1,90})", press_entry)
TOPICS_PAGE = ButtonRoute("topics", r"(?P<page>-?[0-9]{1,3})|.*", press_topics)
