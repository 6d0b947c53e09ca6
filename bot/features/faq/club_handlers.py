"""/kb add|edit|remove|list: a server's own club entries, managed by its organisers.

Manage Server only (Discord hides the commands from others; each handler checks again). Adding
and editing open a form (`entry_form`); its submission comes back through the router as a
modal (`ADD_FORM`, `EDIT_FORM`), stateless like the buttons, so it works across a restart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.caller import Caller, UserError, require_manage_guild
from bot.core.replies import Button, ButtonStyle, Modal, Reply, TextInput, TextStyle
from bot.core.router import ButtonRoute, ModalRoute
from bot.features.faq.club import (
    ALIASES_BOX_MAX,
    ANSWER_MAX,
    ENTRIES_MAX,
    QUESTION_MAX,
    ClubEntry,
    EntryProblem,
    EntryText,
    entry_text,
    split_aliases,
)
from bot.features.faq.club_repository import ClubConflict, ClubFull
from bot.features.faq.handlers import FaqContext

LIST_PAGE_SIZE = 15
# The form's text boxes (their custom_ids key the submitted text).
QUESTION, ALIASES, ANSWER = "question", "aliases", "answer"


def problem(kind: str, **context: Any) -> UserError:
    return UserError("faq/club_error.j2", kind=kind, **context)


def entry_form(
    question: str = "",
    aliases: Sequence[str] = (),
    answer: str = "",
    entry_id: int | None = None,
) -> Modal:
    """The form that adds a club entry (or, with `entry_id`, edits that one), pre-filled with
    the text given (cut to the limits, which Discord enforces on pre-filled text too). Any
    feature may open it: `Reply(modal=entry_form(question=...))`."""
    title = "Add a club answer" if entry_id is None else f"Edit club answer #{entry_id}"
    custom_id = (
        ADD_FORM.custom_id("add") if entry_id is None else EDIT_FORM.custom_id("edit", entry_id)
    )
    return Modal(
        custom_id=custom_id,
        title=title,
        inputs=(
            TextInput(
                QUESTION,
                "Question, as members would ask it",
                value=" ".join(question.split())[:QUESTION_MAX],
                max_length=QUESTION_MAX,
                placeholder="What time is the Saturday run?",
            ),
            TextInput(
                ALIASES,
                "Other ways members ask it (one per line)",
                TextStyle.PARAGRAPH,
                value="\n".join(aliases)[:ALIASES_BOX_MAX],
                required=False,
                max_length=ALIASES_BOX_MAX,
                placeholder="when does the saturday run start\nsaturday club run time",
            ),
            TextInput(
                ANSWER,
                "Answer",
                TextStyle.PARAGRAPH,
                value=answer[:ANSWER_MAX],
                max_length=ANSWER_MAX,
                placeholder="8:30am from the park gates; three pace groups, 5 to 8 miles.",
            ),
        ),
    )


async def _own(ctx: FaqContext, guild_id: int, entry_id: int) -> ClubEntry:
    entry = await ctx.club.repository.get(guild_id, entry_id)
    if entry is None:
        raise problem("unknown_id", id=entry_id)
    return entry


async def kb_add(ctx: FaqContext, caller: Caller) -> Reply:
    guild_id = require_manage_guild(caller)
    if await ctx.club.repository.count(guild_id) >= ENTRIES_MAX:
        raise problem("too_many", limit=ENTRIES_MAX)
    return Reply(modal=entry_form())


async def kb_edit(ctx: FaqContext, caller: Caller, id: int) -> Reply:
    guild_id = require_manage_guild(caller)
    entry = await _own(ctx, guild_id, id)
    return Reply(modal=entry_form(entry.question, entry.aliases, entry.answer, entry.id))


def _submitted(values: Mapping[str, str]) -> EntryText:
    try:
        return entry_text(
            values.get(QUESTION, ""), split_aliases(values.get(ALIASES, "")), values.get(ANSWER, "")
        )
    except EntryProblem as exc:
        raise problem(exc.kind, **exc.context) from None


async def _saved(ctx: FaqContext, guild_id: int, entry: ClubEntry, *, added: bool) -> Reply:
    return ctx.renderer.reply(
        "faq/club_saved.j2",
        ephemeral=True,
        entry=entry,
        added=added,
        count=await ctx.club.repository.count(guild_id),
        limit=ENTRIES_MAX,
    )


async def submit_add(ctx: FaqContext, caller: Caller, values: Mapping[str, str]) -> Reply:
    """The add form, submitted."""
    guild_id = require_manage_guild(caller)
    text = _submitted(values)
    try:
        entry = await ctx.club.add(guild_id, text)
    except ClubFull:
        raise problem("too_many", limit=ENTRIES_MAX) from None
    except ClubConflict as exc:
        raise problem("duplicate", id=exc.existing_id) from None
    return await _saved(ctx, guild_id, entry, added=True)


async def submit_edit(
    ctx: FaqContext, caller: Caller, values: Mapping[str, str], entry_id: int
) -> Reply:
    """The edit form, submitted."""
    guild_id = require_manage_guild(caller)
    text = _submitted(values)
    try:
        entry = await ctx.club.update(guild_id, entry_id, text)
    except ClubConflict as exc:
        raise problem("duplicate", id=exc.existing_id) from None
    if entry is None:
        raise problem("unknown_id", id=entry_id)
    return await _saved(ctx, guild_id, entry, added=False)


async def kb_remove(ctx: FaqContext, caller: Caller, id: int) -> Reply:
    guild_id = require_manage_guild(caller)
    entry = await _own(ctx, guild_id, id)
    buttons = (
        Button(REMOVE.custom_id("remove", entry.id), "Remove it", ButtonStyle.DANGER),
        Button(REMOVE.custom_id("keep", entry.id), "Keep it", ButtonStyle.SECONDARY),
    )
    return ctx.renderer.reply(
        "faq/club_remove_confirm.j2", ephemeral=True, buttons=buttons, entry=entry
    )


async def press_remove(ctx: FaqContext, caller: Caller, action: str, entry_id: int) -> Reply:
    """The confirm/keep buttons under /kb remove."""
    guild_id = require_manage_guild(caller)
    entry = await _own(ctx, guild_id, entry_id)
    removed = action == "remove" and await ctx.club.remove(guild_id, entry.id)
    return ctx.renderer.reply(
        "faq/club_removed.j2",
        ephemeral=True,
        edit_original=True,
        entry=entry,
        removed=removed,
        gone=action == "remove" and not removed,
    )


async def _list(ctx: FaqContext, guild_id: int, page: int, *, edit: bool) -> Reply:
    entries = await ctx.club.repository.list_guild(guild_id)
    pages = max(1, -(-len(entries) // LIST_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    buttons = []
    if pages > 1:
        buttons = [
            Button(LIST_PAGE.custom_id("list", max(page - 1, 0)), "◀ Previous", disabled=page == 0),
            Button(
                LIST_PAGE.custom_id("list", min(page + 1, pages - 1)),
                "Next ▶",
                disabled=page >= pages - 1,
            ),
        ]
    return ctx.renderer.reply(
        "faq/club_list.j2",
        ephemeral=True,
        edit_original=edit,
        buttons=buttons,
        rows=entries[page * LIST_PAGE_SIZE : (page + 1) * LIST_PAGE_SIZE],
        count=len(entries),
        limit=ENTRIES_MAX,
        page=page + 1,
        pages=pages,
    )


async def kb_list(ctx: FaqContext, caller: Caller) -> Reply:
    return await _list(ctx, require_manage_guild(caller), 0, edit=False)


async def press_list(ctx: FaqContext, caller: Caller, page: int) -> Reply:
    """A page turn of /kb list."""
    return await _list(ctx, require_manage_guild(caller), page, edit=True)


# Entry ids are SQLite row ids; custom_ids arrive from Discord clients, so the patterns are the
# whole validation (at most 18 digits: always inside SQLite's integer range).
ADD_FORM = ModalRoute("club", r"add", submit_add)
EDIT_FORM = ModalRoute("club", r"edit:(?P<entry_id>[0-9]{1,18})", submit_edit)
REMOVE = ButtonRoute("club", r"(?P<action>remove|keep):(?P<entry_id>[0-9]{1,18})", press_remove)
LIST_PAGE = ButtonRoute("club", r"list:(?P<page>[0-9]{1,3})", press_list)
