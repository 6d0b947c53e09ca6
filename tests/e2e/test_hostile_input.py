"""Hostile input everywhere a member can type, through the real command layer.

The commands, options, choices, ranges and autocompletes are discovered from the bot's own
discord.py command tree (the one Discord and the console see), so a command added later is
fuzzed here without touching this file. Every reply must:

- fit Discord's limits (bot/core/limits.py),
- ping nobody: no raw @everyone/@here/<@id>/<@&id> anywhere a member sees text, and
  `mention_roles` only ever holds a role the admin deliberately chose in that same call,
- show user text escaped (markdown payloads never survive verbatim; the one exception is a
  reminder's message, the organiser's own words, which keeps its formatting in the post and its
  preview) and never evaluate it as a template,
- never be the router's "something went wrong" apology (an unhandled exception),

and the database must pass an integrity check and take writes afterwards. Admin commands and
buttons on admin-only replies, used by a member, must refuse and change nothing.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from discord import AppCommandOptionType
from discord import app_commands as ac
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from bot.app import App, open_app
from bot.console import build_console_bot
from bot.core import limits
from bot.core.bot import CoachBot
from bot.core.caller import Caller, ChannelRef, RoleRef
from bot.core.clock import FakeClock
from bot.core.replies import Modal, Reply
from bot.core.router import CUSTOM_ID_PREFIX
from bot.core.services import Services
from bot.core.settings import load_settings
from bot.features.about import AboutCog
from bot.features.faq import FaqCog
from bot.features.planner import PlannerCog
from bot.features.reminders import RemindersCog

EXAMPLES_PER_COMMAND = 25
BUTTON_EXAMPLES = 150
FORM_EXAMPLES = 100
COMPLETE_EXAMPLES = 25

GUILD_ID = 4242  # also the id of the guild's default role, as on Discord
MEMBER_ID, ADMIN_ID, OTHER_ID = 5001, 5002, 5003
CHANNEL_IDS = (10, 11, 789)
ROLE_IDS = (900001, 900002)  # never equal to an id inside the hostile strings below
DEFAULT_ROLE = RoleRef(GUILD_ID, "@everyone", is_default=True)
DISCORD_MAX_INT = 2**53  # Discord's integer options are JSON-safe integers
OPTION_TEXT_MAX = 6000  # the longest string option Discord delivers
CHOICE_TEXT_MAX = 100  # autocomplete choice name and value

HOSTILE = [
    "@everyone",
    "@here",
    "<@123>",
    "<@!123>",
    "<@&456>",
    "<#789>",
    "@everyone @here <@123> <@&456>",
    "\u200b",
    "\u200d\u200c\ufeff",
    "@\u200deveryone",
    "'; DROP TABLE reminders;--",
    "' OR '1'='1",
    "Robert'); DELETE FROM meta; --",
    "{{ 7*7 }}",
    "«{{ 7*7 }}»",
    "{{ 9999*7 }}",
    "{% for x in 'abc' %}ZQ{% endfor %}",
    "{{ config }}{{ self }}{{ ''.__class__.__mro__ }}",
    "{% raw %}",
    "**HOSTILE**",
    "[evil](https://evil.example)",
    "||SPOILER||",
    "~~STRIKE~~",
    "`TICK`",
    "```py\nimport os\n```",
    "> QUOTED",
    "# HEADING",
    "-# SUBTEXT",
    "\\",
    "\n\n\n",
    "\r\n",
    "\x00",
    "\U0001f3c3\u200d\u2640\ufe0f",
    "\u202eevil\u202c",
    "a" * 301,
]
# Values that pass validation, so success paths (which echo input back) are reached too.
PLAUSIBLE = [
    "monday",
    "Tue",
    "18:30",
    "07:05",
    "24:00",
    "7:5",
    "Europe/London",
    "UTC",
    "America/New_York",
    "2031-05-01",
    "2020-01-01",
    "1",
    "hills",
    "do hill sprints build muscle?",
    "calves",
]
# What a template engine would make of the template-like payloads if it ever evaluated them.
EVALUATED = ("«49»", "69993", "ZQZQZQ", "<Config", "TemplateReference")
# Markdown from input must be escaped, so these never appear verbatim in what we show.
MARKDOWN = ("**HOSTILE**", "[evil](https://evil.example)", "||SPOILER||", "~~STRIKE~~", "`TICK`")
RAW_BROADCAST = re.compile(r"@(everyone|here)", re.IGNORECASE)
MENTION_START = re.compile(r"<@(?!\u200b)")  # escape_discord breaks mentions with a ZWSP
ROLE_MENTION = re.compile(r"<@&(\d+)>")
# Every button prefix a feature routes, read from the cogs (the router's source too).
BUTTON_PREFIXES = sorted(
    {route.prefix for cog in (AboutCog, FaqCog, PlannerCog, RemindersCog) for route in cog.buttons}
)


def custom_id(prefix: str, *args: object) -> str:
    """A custom_id as a Discord client could send it: any arguments, valid or not."""
    return ":".join([CUSTOM_ID_PREFIX, prefix, *(str(a) for a in args)])


# -- the bot under test ---------------------------------------------------------------------------


@dataclass
class Subject:
    runner: asyncio.Runner
    app: App
    svc: Services
    bot: CoachBot
    commands: list[ac.Command[Any, ..., Any]]
    admin_commands: frozenset[str]
    suggestions: dict[tuple[str, str], list[str]]
    internal: Reply
    needs_admin: Reply
    tables: frozenset[str]
    # The forms (modals) the admin commands open, found by running each command whose options
    # are all integers with 1 (e.g. /kb add, /kb edit id:1).
    forms: tuple[Modal, ...] = ()

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro)


def leaf_commands(tree: ac.CommandTree) -> list[ac.Command[Any, ..., Any]]:
    found: list[ac.Command[Any, ..., Any]] = []
    for top in tree.get_commands():
        if isinstance(top, ac.Group):
            found.extend(c for c in top.walk_commands() if isinstance(c, ac.Command))
        elif isinstance(top, ac.Command):
            found.append(top)
        else:
            raise AssertionError(
                f"no fuzzing for {type(top).__name__} {top.name}: extend this file"
            )
    return sorted(found, key=lambda c: c.qualified_name)


async def _open(tmp_path: Path) -> tuple[App, CoachBot]:
    settings_ = load_settings(_env_file=None, database_path=tmp_path / "hostile.db")
    app = await open_app(settings_, clock=FakeClock(datetime(2030, 3, 6, 9, 0, tzinfo=UTC)))
    return app, await build_console_bot(app)


@pytest.fixture
def subject(tmp_path: Path) -> Iterator[Subject]:
    # One bot per test, on a loop the (synchronous) hypothesis examples drive step by step.
    with asyncio.Runner() as runner:
        app, bot = runner.run(_open(tmp_path))
        svc = app.services
        try:
            commands = leaf_commands(bot.tree)
            admin = Caller(ADMIN_ID, "admin", GUILD_ID, CHANNEL_IDS[0], can_manage_guild=True)
            suggestions: dict[tuple[str, str], list[str]] = {}
            for command in commands:
                for param in command.parameters:
                    if param.autocomplete:
                        key = (command.qualified_name, param.display_name)
                        values: list[str] = []
                        for prefix in ("", "eu", "lon", "new", "hill"):
                            choices = runner.run(bot.router.complete(*key, admin, prefix))
                            values += [c.value for c in choices]
                        suggestions[key] = values or [""]
            runner.run(_seed(app, bot, admin))
            tables = runner.run(_tables(svc))
            forms = runner.run(_forms(bot, commands, admin))
            yield Subject(
                runner=runner,
                app=app,
                svc=svc,
                bot=bot,
                commands=commands,
                admin_commands=frozenset(i.name for i in svc.catalog if i.admin),
                suggestions=suggestions,
                internal=bot.router.error("errors/internal.j2"),
                needs_admin=bot.router.error("errors/needs_manage_server.j2"),
                tables=tables,
                forms=forms,
            )
        finally:
            runner.run(bot.close())  # closes the services (and the database) too


# Saved data that echoes hostile text later (/reminder list, preview, edit): random options
# rarely line up into a valid reminder, so a few are stored up front through the router.
SEED_MESSAGES = (
    "@everyone **HOSTILE** <@&456> <@123> «{{ 7*7 }}» {% for x in 'abc' %}ZQ{% endfor %}",
    "[evil](https://evil.example) ||SPOILER|| @here `TICK` ~~STRIKE~~ " * 15,
)


async def _seed(app: App, bot: CoachBot, admin: Caller) -> None:
    hostile_channel = ChannelRef(CHANNEL_IDS[1], "@everyone <@&456> **HOSTILE**")
    hostile_role = RoleRef(ROLE_IDS[0], "@here <@123> ||SPOILER||")
    for i, message in enumerate(SEED_MESSAGES):
        options: dict[str, Any] = {
            "channel": hostile_channel,
            "weekday": "tue",
            "time": "18:30",
            "message": message[:1000],
        }
        if i == 0:
            options["role"] = hostile_role
        await bot.router.run("reminder add", admin, **options)
    assert await app.reminders.reminders.count_guild(GUILD_ID) == len(SEED_MESSAGES), (
        "seeding failed"
    )
    # Profiles for the member (so /profile delete offers its confirm buttons) and for the other
    # member who presses them (whose data a wrongly accepted press would touch).
    profile = {"level": "regular", "goal": "both", "hills": "steep", "days": 4}
    for user_id in (MEMBER_ID, OTHER_ID):
        someone = Caller(user_id, "@everyone", GUILD_ID, CHANNEL_IDS[0])
        await bot.router.run("profile set", someone, **profile)
        assert await app.planner.profiles.get(user_id) is not None, "seeding a profile failed"
    # A club entry in hostile words, which /faq, /kb list and /kb edit's form show again.
    form = (await bot.router.run("kb add", admin)).modal
    assert form is not None, "/kb add opened no form"
    hostile = {"question": SEED_MESSAGES[0][:120], "aliases": "\n".join(HOSTILE[:20])}
    await bot.router.submit(form.custom_id, admin, {**hostile, "answer": SEED_MESSAGES[1][:1500]})
    assert await app.faq.club.repository.count(GUILD_ID) == 1, "seeding a club entry failed"


async def _forms(
    bot: CoachBot, commands: list[ac.Command[Any, ..., Any]], admin: Caller
) -> tuple[Modal, ...]:
    found: dict[str, Modal] = {}
    for command in commands:
        if all(p.type is AppCommandOptionType.integer for p in command.parameters):
            options = {p.name: 1 for p in command.parameters}
            reply = await bot.router.run(command.qualified_name, admin, **options)
            if reply.modal is not None:
                found[reply.modal.custom_id] = reply.modal
    return tuple(found.values())


async def _tables(svc: Services) -> frozenset[str]:
    rows = await svc.db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return frozenset(str(r[0]) for r in rows)


async def _snapshot(svc: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a refused action changed nothing."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    for name in sorted(await _tables(svc)):
        rows = await svc.db.fetchall(f'SELECT * FROM "{name}"')  # names from sqlite_master
        dump[name] = sorted((tuple(r) for r in rows), key=repr)
    return dump


def _without_votes_of(
    dump: dict[str, list[tuple[Any, ...]]], user_id: int
) -> dict[str, list[tuple[Any, ...]]]:
    """The snapshot less the member's own votes (votes: answer_id, user_id, helpful, voted_at)."""
    if "votes" not in dump:
        return dump
    return {**dump, "votes": [row for row in dump["votes"] if row[1] != user_id]}


async def _database_still_works(subject: Subject, probe: str) -> None:
    db = subject.svc.db
    row = await db.fetchone("PRAGMA integrity_check")
    assert row is not None and row[0] == "ok"
    assert subject.tables <= await _tables(subject.svc), "a table disappeared"
    await subject.svc.meta.set("hostile-probe", probe)
    assert await subject.svc.meta.get("hostile-probe") == probe


# -- strategies -----------------------------------------------------------------------------------


def hostile_text(max_size: int = OPTION_TEXT_MAX) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(PLAUSIBLE), st.text(max_size=12))
    very_long = st.tuples(st.sampled_from(HOSTILE[:20]), st.integers(50, 700)).map(
        lambda t: (t[0] + " ") * t[1]
    )
    return st.one_of(
        st.sampled_from(HOSTILE + PLAUSIBLE),
        st.text(max_size=40),
        st.lists(piece, min_size=1, max_size=6).map(" ".join),
        very_long,
    ).map(lambda s: s[:max_size])


def integers_for(param: ac.Parameter) -> st.SearchStrategy[int]:
    low = int(param.min_value) if param.min_value is not None else -DISCORD_MAX_INT
    high = int(param.max_value) if param.max_value is not None else DISCORD_MAX_INT
    edges = [low - 1, low, high, high + 1, 0, -1, DISCORD_MAX_INT, -DISCORD_MAX_INT]
    return st.one_of(
        st.integers(low, high),
        st.integers(1, 6),  # ids that likely exist, e.g. reminders added earlier in the run
        st.sampled_from([e for e in edges if abs(e) <= DISCORD_MAX_INT]),
        st.integers(-DISCORD_MAX_INT, DISCORD_MAX_INT),
    )


def channels() -> st.SearchStrategy[ChannelRef]:
    mostly = st.sampled_from([True] * 7 + [False])
    names = st.one_of(st.sampled_from(["general", "training"]), hostile_text(100))
    return st.builds(
        ChannelRef,
        id=st.sampled_from(CHANNEL_IDS),
        name=names,
        bot_can_view=mostly,
        bot_can_send=mostly,
        bot_can_embed=mostly,
    )


def roles() -> st.SearchStrategy[RoleRef]:
    # Role names are admin-chosen text on Discord: hostile too. Plus the default role.
    named = st.builds(RoleRef, id=st.sampled_from(ROLE_IDS), name=hostile_text(100))
    return st.one_of(st.just(DEFAULT_ROLE), named)


def option_strategy(subject: Subject, command: str, param: ac.Parameter) -> st.SearchStrategy[Any]:
    if param.choices:
        return st.sampled_from([c.value for c in param.choices])
    kind = param.type
    if kind is AppCommandOptionType.string:
        branches = [hostile_text()]
        low, high = param.min_value or 0, param.max_value or OPTION_TEXT_MAX
        # Valid-looking values of the declared length reach the success paths that echo input.
        fitting = [p for p in PLAUSIBLE if low <= len(p) <= high]
        if fitting:  # twice: weighs the branch so multi-option commands succeed now and then
            branches += [st.sampled_from(fitting)] * 2
        if param.autocomplete:
            branches.append(st.sampled_from(subject.suggestions[(command, param.display_name)]))
        return st.one_of(branches)
    if kind is AppCommandOptionType.integer:
        return integers_for(param)
    if kind is AppCommandOptionType.number:
        return st.floats(-DISCORD_MAX_INT, DISCORD_MAX_INT, allow_nan=False)
    if kind is AppCommandOptionType.boolean:
        return st.booleans()
    if kind is AppCommandOptionType.channel:
        return channels()
    if kind is AppCommandOptionType.role:
        return roles()
    raise AssertionError(f"/{command} {param.display_name}: no strategy for {kind}: extend me")


def callers(admin: bool) -> st.SearchStrategy[Caller]:
    return st.builds(
        Caller,
        user_id=st.just(ADMIN_ID if admin else MEMBER_ID),
        display_name=hostile_text(32),  # display names are member-chosen text
        guild_id=st.just(GUILD_ID),
        channel_id=st.sampled_from(CHANNEL_IDS),
        can_manage_guild=st.just(admin),
    )


# -- what every reply must satisfy ----------------------------------------------------------------


def visible_texts(reply: Reply) -> list[str]:
    texts = [reply.content]
    if reply.embed is not None:
        texts += [reply.embed.title, reply.embed.description, reply.embed.footer]
        for fld in reply.embed.fields:
            texts += [fld.name, fld.value]
    texts += [b.label for b in reply.buttons]
    return texts


# Discord's limits on a form (modal); its text boxes' values are plain text, never rendered.
MODAL_TITLE, MODAL_INPUTS, INPUT_LABEL, INPUT_VALUE = 45, 5, 45, 4000


def check_limits(reply: Reply) -> None:
    if reply.modal is not None:  # a form opens instead of a message
        form = reply.modal
        assert 0 < len(form.title) <= MODAL_TITLE and 0 < len(form.custom_id) <= limits.CUSTOM_ID
        assert 0 < len(form.inputs) <= MODAL_INPUTS
        for box in form.inputs:
            assert 0 < len(box.label) <= INPUT_LABEL
            assert len(box.value) <= (box.max_length or INPUT_VALUE) <= INPUT_VALUE
        return
    assert reply.content or reply.embed is not None, "Discord rejects an empty message"
    assert len(reply.content) <= limits.CONTENT
    if reply.embed is not None:
        embed = reply.embed
        assert len(embed.title) <= limits.TITLE
        assert len(embed.description) <= limits.DESCRIPTION
        assert len(embed.footer) <= limits.FOOTER
        assert len(embed.fields) <= limits.FIELDS
        for fld in embed.fields:
            assert 0 < len(fld.name) <= limits.FIELD_NAME
            assert 0 < len(fld.value) <= limits.FIELD_VALUE
        assert limits.embed_length(embed) <= limits.EMBED_TOTAL
    assert len(reply.buttons) <= limits.BUTTONS
    for button in reply.buttons:
        assert 0 < len(button.label) <= limits.BUTTON_LABEL
        assert 0 < len(button.custom_id) <= limits.CUSTOM_ID


# Replies showing a reminder post to the admin: its message keeps the organiser's formatting
# (issue 13); mentions in it are still broken.
ORGANISER_FORMATTED = frozenset({"reminder preview", "reminder test"})


def check_reply(
    subject: Subject,
    reply: Reply,
    chosen_roles: frozenset[int] = frozenset(),
    *,
    markdown_ok: bool = False,
) -> None:
    try:
        _check_reply(subject, reply, chosen_roles, markdown_ok=markdown_ok)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nreply: {reply!r}") from None


def _check_reply(
    subject: Subject,
    reply: Reply,
    chosen_roles: frozenset[int] = frozenset(),
    *,
    markdown_ok: bool = False,
) -> None:
    assert reply != subject.internal, "an unhandled exception (the router's apology)"
    check_limits(reply)
    assert set(reply.mention_roles) <= chosen_roles, "pings a role nobody chose for this post"
    assert GUILD_ID not in reply.mention_roles, "pings @everyone via the default role"
    for text in visible_texts(reply):
        assert not RAW_BROADCAST.search(text), f"unescaped @everyone/@here in {text!r}"
        for start in MENTION_START.finditer(text):
            role = ROLE_MENTION.match(text, start.start())
            # Only a role an admin picked for a reminder may be shown as a mention.
            assert role is not None and int(role[1]) in ROLE_IDS, f"raw mention in {text!r}"
        for evaluated in EVALUATED:
            assert evaluated not in text, f"template syntax from input evaluated: {text!r}"
        for payload in () if markdown_ok else MARKDOWN:
            assert payload not in text, f"unescaped markdown {payload!r} in {text!r}"


def _chosen_roles(options: dict[str, Any]) -> frozenset[int]:
    return frozenset(v.id for v in options.values() if isinstance(v, RoleRef) and not v.is_default)


# -- the tests ------------------------------------------------------------------------------------


def test_the_tree_is_discovered(subject: Subject) -> None:
    """Guard against a vacuous fuzz: the walk finds leaf commands, groups and their options."""
    names = {c.qualified_name for c in subject.commands}
    assert {"faq", "about", "topics", "kb reload", "reminder add"} <= names
    assert names == {info.name for info in subject.svc.catalog}
    assert subject.admin_commands >= {"kb reload", "reminder add"}
    assert ("reminder add", "timezone") in subject.suggestions


def test_every_command_and_option_survives_hostile_input(
    subject: Subject, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    for command in subject.commands:
        _fuzz_command(subject, command, caplog)


def _fuzz_command(
    subject: Subject, command: ac.Command[Any, ..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    name = command.qualified_name
    params = list(command.parameters)
    is_admin = name in subject.admin_commands

    @settings(
        # Without options only the callers' names vary: a few examples cover that.
        max_examples=EXAMPLES_PER_COMMAND if params else 4,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        caplog.clear()
        options: dict[str, Any] = {}
        for param in params:
            # Discord leaves out an optional option the member skipped (the cogs drop None).
            if param.required or data.draw(st.booleans(), label=f"give {param.display_name}"):
                strategy = option_strategy(subject, name, param)
                options[param.name] = data.draw(strategy, label=param.display_name)
        member = data.draw(callers(admin=False), label="member")
        admin = data.draw(callers(admin=True), label="admin")
        note(f"/{name} {options!r}")
        try:
            subject.run(_exercise(subject, name, is_admin, options, member, admin))
        except AssertionError as exc:
            raise AssertionError(f"/{name}: {exc}\nlog:\n{caplog.text}") from exc

    fuzz()


async def _exercise(
    subject: Subject,
    name: str,
    is_admin: bool,
    options: dict[str, Any],
    member: Caller,
    admin: Caller,
) -> None:
    router = subject.bot.router
    chosen = _chosen_roles(options)
    other = Caller(OTHER_ID, "someone else", GUILD_ID, member.channel_id)
    before = await _snapshot(subject.svc)
    as_member = await router.run(name, member, **options)
    check_reply(subject, as_member, chosen)
    if is_admin:
        assert as_member == subject.needs_admin, "an admin command answered a member"
        assert await _snapshot(subject.svc) == before, "a member's admin command wrote data"
    for button in as_member.buttons:
        if button.disabled:
            continue
        # Someone else pressing a member's buttons (e.g. "delete my profile") changes nothing,
        # but for a vote on a public answer, which is anyone's to cast: then only their own vote.
        before = await _snapshot(subject.svc)
        check_reply(subject, await router.press(button.custom_id, other))
        after = await _snapshot(subject.svc)
        if button.custom_id.startswith("rc:vote:"):
            before, after = _without_votes_of(before, OTHER_ID), _without_votes_of(after, OTHER_ID)
        assert after == before, f"{button.custom_id} by another member"
        check_reply(subject, await router.press(button.custom_id, member))

    as_admin = await router.run(name, admin, **options)
    check_reply(subject, as_admin, chosen, markdown_ok=name in ORGANISER_FORMATTED)
    assert as_admin != router.error("errors/unknown_command.j2", name=name), "not in the registry"
    for button in as_admin.buttons:
        if button.disabled:
            continue  # Discord won't deliver a press on a disabled button
        if is_admin:
            # A member pressing a button on an admin-only message (e.g. forwarded or shared).
            before = await _snapshot(subject.svc)
            pressed = await router.press(button.custom_id, member)
            check_reply(subject, pressed)
            assert pressed == subject.needs_admin, f"member pressed {button.custom_id}"
            assert await _snapshot(subject.svc) == before, "a member's press wrote data"
        check_reply(subject, await router.press(button.custom_id, admin))

    dm = Caller(MEMBER_ID, member.display_name, guild_id=None, channel_id=None)
    check_reply(subject, await router.run(name, dm, **options), chosen)
    await _database_still_works(subject, repr(options)[:500])


# Button arguments that look numeric to str.isdigit() or are out of SQLite's integer range.
TRICKY_NUMBERS = ("²", "٣", "--5", "-0", "1e9", " 1", "9" * 20, "9" * 40, "-1", "0", "")
BUTTON_WORDS = ("remove", "keep", "show", "week", "why", "delete", "yes", "no", "x")


@pytest.mark.parametrize("feature", [*BUTTON_PREFIXES, "no-such-feature"])
def test_button_args_grid(subject: Subject, feature: str) -> None:
    """Every button kind with each tricky number in each argument position, as both callers."""
    crashed: list[str] = []
    shapes = [[t] for t in TRICKY_NUMBERS]
    shapes += [[w, t] for w in BUTTON_WORDS for t in TRICKY_NUMBERS]
    shapes += [["delete", yes, t] for yes in ("yes", "no") for t in TRICKY_NUMBERS]
    member = Caller(MEMBER_ID, "m", GUILD_ID, CHANNEL_IDS[0])
    admin = Caller(ADMIN_ID, "a", GUILD_ID, CHANNEL_IDS[0], can_manage_guild=True)
    for args in shapes:
        value = custom_id(feature, *args)
        for caller in (member, admin):
            reply = subject.run(subject.bot.router.press(value, caller))
            if reply == subject.internal:
                crashed.append(value)
                continue
            check_reply(subject, reply)
    assert not crashed, f"unhandled exceptions pressing {crashed}"
    subject.run(_database_still_works(subject, feature))


def test_every_button_survives_garbage_args(
    subject: Subject, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    features = [*sorted(subject.bot.router.buttons), "no-such-feature"]
    arg = st.one_of(
        st.text(max_size=20),
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(
            ["", "remove", "keep", "show", "delete", "confirm", "0", "-1", "--5", "²", "٣", "1e9"]
        ),
        st.sampled_from(HOSTILE),
    )

    @settings(max_examples=BUTTON_EXAMPLES, deadline=None, database=None)
    @given(
        feature=st.sampled_from(features),
        args=st.lists(arg, max_size=4),
        member=callers(admin=False),
        admin=callers(admin=True),
    )
    def press(feature: str, args: list[str], member: Caller, admin: Caller) -> None:
        caplog.clear()
        # Discord caps custom_id at 100 characters, so nothing longer ever arrives.
        value = custom_id(feature, *args)[: limits.CUSTOM_ID]
        note(f"custom_id: {value!r}")

        async def go() -> None:
            for caller in (member, admin):
                check_reply(subject, await subject.bot.router.press(value, caller))
            await _database_still_works(subject, value)

        try:
            subject.run(go())
        except AssertionError as exc:
            raise AssertionError(f"press {value!r}: {exc}\nlog:\n{caplog.text}") from exc

    press()


def test_every_autocomplete_survives_hostile_text(
    subject: Subject, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    keys = sorted(subject.suggestions)
    assert keys, "no autocomplete options found"

    @settings(max_examples=COMPLETE_EXAMPLES * len(keys), deadline=None, database=None)
    @given(key=st.sampled_from(keys), text=hostile_text(), member=callers(admin=False))
    def complete(key: tuple[str, str], text: str, member: Caller) -> None:
        caplog.clear()
        choices = subject.run(subject.bot.router.complete(*key, member, text))
        assert not caplog.records, f"autocomplete {key} failed:\n{caplog.text}"
        assert len(choices) <= 25
        for choice in choices:
            assert 0 < len(choice.name) <= CHOICE_TEXT_MAX, choice
            assert len(choice.value) <= CHOICE_TEXT_MAX, choice

    complete()


def test_every_form_survives_hostile_text(
    subject: Subject, caplog: pytest.LogCaptureFixture
) -> None:
    """Every form an admin command opens, submitted with hostile text in its boxes (or boxes
    missing, or ones it never had) and under forged custom_ids: a member is refused and changes
    nothing; an admin's reply shows the text escaped; the database still works."""
    caplog.set_level(logging.ERROR)
    forms = subject.forms
    assert forms, "no admin command opened a form"
    boxes = sorted({box.custom_id for form in forms for box in form.inputs})
    prefixes = sorted(subject.bot.router.modals)
    forged = st.builds(
        lambda prefix, args: custom_id(prefix, *args)[: limits.CUSTOM_ID],
        st.sampled_from([*prefixes, "no-such-form"]),
        st.lists(
            st.one_of(st.sampled_from(["add", "edit", *TRICKY_NUMBERS]), st.text()), max_size=3
        ),
    )
    values = st.dictionaries(
        st.one_of(st.sampled_from(boxes), st.text(max_size=10)),
        hostile_text(limits.CONTENT * 2),
        max_size=len(boxes) + 1,
    )

    @settings(max_examples=FORM_EXAMPLES, deadline=None, database=None)
    @given(
        form=st.sampled_from(forms),
        other_id=forged,
        values=values,
        member=callers(admin=False),
        admin=callers(admin=True),
    )
    def submit(
        form: Modal, other_id: str, values: dict[str, str], member: Caller, admin: Caller
    ) -> None:
        caplog.clear()
        note(f"form {form.custom_id!r} / {other_id!r}: {values!r}")

        async def go() -> None:
            router = subject.bot.router
            before = await _snapshot(subject.svc)
            refused = await router.submit(form.custom_id, member, values)
            check_reply(subject, refused)
            assert refused == subject.needs_admin, "a member's form was accepted"
            assert await _snapshot(subject.svc) == before, "a member's form wrote data"
            check_reply(subject, await router.submit(form.custom_id, admin, values))
            for caller in (member, admin):
                check_reply(subject, await router.submit(other_id, caller, values))
            await _database_still_works(subject, form.custom_id)

        try:
            subject.run(go())
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nlog:\n{caplog.text}") from exc

    submit()
