"""/faq, /topics and /kb reload: curated answers with their sources, or an honest "no answer"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.caller import Caller, UserError, require_manage_guild
from bot.core.router import custom_id
from bot.features.faq.knowledge import Entry, KnowledgeBase
from bot.features.faq.matching import Match
from bot.core.render import Renderer
from bot.core.replies import Button, ButtonStyle, Choice, Reply
from bot.core.services import Services

RELATED_BUTTONS = 3
TOPICS_PER_PAGE = 4


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source as shown to members: the article's citation and the expert or study."""

    cite: str
    article_title: str
    who: str | None
    quote: str


def sources_of(kb: KnowledgeBase, entry: Entry) -> list[SourceView]:
    views = []
    for source in entry.sources:
        article = kb.articles[source.article]
        views.append(SourceView(article.cite, article.title, source.who, source.quote))
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
) -> Reply:
    related = related_of(kb, entry)
    buttons = [
        Button(custom_id("faq", e.id), e.title, ButtonStyle.SECONDARY)
        for e in related[:RELATED_BUTTONS]
    ]
    return renderer.reply(
        "faq/answer.j2",
        ephemeral=ephemeral,
        buttons=buttons,
        entry=entry,
        topic=kb.topic(entry.topic),
        sources=sources_of(kb, entry),
        related=related,
        repeated=repeated,
    )


def no_answer_reply(renderer: Renderer, kb: KnowledgeBase, question: str, match: Match) -> Reply:
    suggestions = list(match.suggestions[:3])
    return renderer.reply(
        "faq/no_answer.j2",
        ephemeral=True,
        buttons=[Button(custom_id("faq", e.id), e.title) for e in suggestions],
        question=question,
        suggestions=[(e, kb.topic(e.topic)) for e in suggestions],
    )


def reply_for(renderer: Renderer, kb: KnowledgeBase, question: str, match: Match) -> Reply:
    """The reply a question gets, without channel context (CLI and console share this)."""
    if match.entry is None:
        return no_answer_reply(renderer, kb, question, match)
    return answer_reply(renderer, kb, match.entry, ephemeral=False)


async def faq(svc: Services, caller: Caller, question: str) -> Reply:
    kb, matcher = svc.knowledge.kb, svc.knowledge.matcher
    if not question.strip():
        raise UserError("faq/empty_question.j2")
    match = matcher.match(question)
    if match.entry is None:
        return no_answer_reply(svc.renderer, kb, question, match)
    entry = match.entry
    if svc.faq_cooldown.recently_posted(caller.channel_id, entry.id):
        return answer_reply(svc.renderer, kb, entry, ephemeral=True, repeated=True)
    svc.faq_cooldown.record(caller.channel_id, entry.id)
    return answer_reply(svc.renderer, kb, entry, ephemeral=False)


async def complete_question(svc: Services, caller: Caller, text: str) -> list[Choice]:
    return [Choice(c.name, c.value) for c in svc.knowledge.matcher.autocomplete(text, 25)]


async def press_entry(svc: Services, caller: Caller, args: list[str]) -> Reply:
    """A related-entry or suggestion button: that answer, just for the presser."""
    kb = svc.knowledge.kb
    entry = kb.get(args[0]) if args else None
    if entry is None:
        raise UserError("faq/entry_gone.j2")
    return answer_reply(svc.renderer, kb, entry, ephemeral=True)


def topics_pages(kb: KnowledgeBase) -> list[list[tuple[object, list[Entry]]]]:
    grouped = kb.by_topic()
    return [grouped[i : i + TOPICS_PER_PAGE] for i in range(0, len(grouped), TOPICS_PER_PAGE)]


def topics_reply(svc: Services, page: int, *, edit: bool) -> Reply:
    pages = topics_pages(svc.knowledge.kb)
    page = min(max(page, 0), max(len(pages) - 1, 0))
    buttons = []
    if len(pages) > 1:
        buttons = [
            Button(custom_id("topics", page - 1), "◀ Previous", disabled=page == 0),
            Button(custom_id("topics", page + 1), "Next ▶", disabled=page >= len(pages) - 1),
        ]
    return svc.renderer.reply(
        "faq/topics.j2",
        ephemeral=True,
        edit_original=edit,
        buttons=buttons,
        groups=pages[page] if pages else [],
        page=page + 1,
        pages=len(pages),
        entry_count=len(svc.knowledge.kb),
    )


async def topics(svc: Services, caller: Caller) -> Reply:
    return topics_reply(svc, 0, edit=False)


async def press_topics(svc: Services, caller: Caller, args: list[str]) -> Reply:
    # custom_ids arrive from Discord clients: accept only a short ASCII page number.
    page = int(args[0]) if args and re.fullmatch(r"-?[0-9]{1,3}", args[0]) else 0
    return topics_reply(svc, page, edit=True)


async def kb_reload(svc: Services, caller: Caller) -> Reply:
    require_manage_guild(caller)
    problems = svc.knowledge.reload()
    return svc.renderer.reply(
        "faq/reload.j2", ephemeral=True, problems=problems, entry_count=len(svc.knowledge.kb)
    )
