"""/reminder and /settings handlers on real SQLite, with a fixed clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.core.caller import Caller, ChannelRef, NeedsManageGuild, RoleRef, UserError
from bot.core.clock import FakeClock
from bot.core.router import Router
from bot.features.reminders import RemindersContext
from bot.features.reminders import handlers as reminders
from bot.features.reminders import settings_handlers as server_settings
from bot.features.reminders.ports import ChannelCheck
from bot.features.reminders.repository import MAX_PER_GUILD, NewReminder, Status
from bot.features.reminders.schedule import Weekday
from tests.support.reminders import GUILD, MemorySender, dispatcher, utc


@pytest.fixture
def backend(both_backends: str) -> str:
    """This file's SQL runs on both stores: SQLite and PostgreSQL."""
    return both_backends


ADMIN = Caller(1, "coach-alex", GUILD, 10, can_manage_guild=True)
MEMBER = Caller(2, "runner-sam", GUILD, 10)
OTHER_ADMIN = Caller(3, "elsewhere", GUILD + 1, 99, can_manage_guild=True)
TRAINING = ChannelRef(11, "training")
RUNNERS = RoleRef(20, "runners")


@pytest.fixture
async def app(make_app) -> App:
    return await make_app(FakeClock(utc("2026-03-16T12:00:00Z")))


@pytest.fixture
def svc(app: App) -> RemindersContext:
    return app.reminders


async def _add(svc, **options):
    opts = {"channel": TRAINING, "weekday": "tue", "time": "18:30", "timezone": "europe/london"}
    return await reminders.reminder_add(svc, ADMIN, **{**opts, **options})


async def test_add_saves_and_shows_first_post(svc) -> None:
    reply = await _add(svc, message="Hill *session*", role=RUNNERS, ends_on="2026-09-30")
    assert reply.ephemeral
    assert "Reminder **#1** saved" in reply.content
    assert "<t:1773772200:F>" in reply.content  # Tue 17 March 18:30 GMT
    (r,) = await svc.reminders.list_guild(GUILD)
    assert (r.tz, r.time, r.role_id, r.message) == ("Europe/London", "18:30", 20, "Hill *session*")
    assert r.ends_on is not None and r.ends_on.isoformat() == "2026-09-30"


async def test_admin_only_even_if_discord_shows_the_command(svc, router: Router) -> None:
    with pytest.raises(NeedsManageGuild):
        await reminders.reminder_add(svc, MEMBER, TRAINING, "tue", "18:30")
    reply = await router.run("reminder list", MEMBER)
    assert "Manage Server" in reply.content and reply.ephemeral


@pytest.mark.parametrize(
    ("channel", "words"),
    [
        (ChannelRef(11, "training", bot_can_view=False), "can't see"),
        (ChannelRef(11, "training", bot_can_send=False), "can't post"),
        (ChannelRef(11, "training", bot_can_embed=False), "Embed Links"),
    ],
)
async def test_channel_permissions_checked_before_saving(
    svc, router: Router, channel, words
) -> None:
    reply = await router.run("reminder add", ADMIN, channel=channel, weekday="tue", time="18:30")
    assert words in reply.content
    assert await svc.reminders.count_guild(GUILD) == 0


async def test_everyone_role_is_refused(svc) -> None:
    with pytest.raises(UserError) as caught:
        await _add(svc, role=RoleRef(GUILD, "@everyone", is_default=True))
    assert caught.value.context["kind"] == "role_everyone"


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"time": "25:00"}, "time"),
        ({"weekday": "funday"}, "weekday"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"ends_on": "2026-02-30"}, "ends_on"),
    ],
)
async def test_bad_options_name_the_option(svc, router: Router, options, option) -> None:
    reply = await router.run(
        "reminder add", ADMIN, **{"channel": TRAINING, "weekday": "tue", "time": "18:30", **options}
    )
    assert f"**{option}**" in reply.content


async def test_ends_on_in_the_past_is_refused(svc) -> None:
    with pytest.raises(UserError) as caught:
        await _add(svc, ends_on="2026-03-01")
    assert caught.value.context["kind"] == "ends_in_past"


async def test_default_timezone_comes_from_server_settings(svc) -> None:
    reply = await server_settings.settings_timezone(svc, ADMIN, "america/new_york")
    assert "America/New_York" in reply.content
    await reminders.reminder_add(svc, ADMIN, TRAINING, "tue", "18:30")
    (r,) = await svc.reminders.list_guild(GUILD)
    assert r.tz == "America/New_York"


async def test_at_most_25_per_server(svc) -> None:
    for _ in range(MAX_PER_GUILD):
        await _add(svc)
    with pytest.raises(UserError) as caught:
        await _add(svc)
    assert caught.value.context["kind"] == "too_many"
    await reminders.reminder_add(
        svc, OTHER_ADMIN, TRAINING, "tue", "18:30"
    )  # another server is fine


async def test_list_shows_next_post_status_and_last_delivery(svc) -> None:
    await _add(svc)
    await _add(svc, weekday="wed")
    await reminders.reminder_pause(svc, ADMIN, 2)
    sender = MemorySender()
    d = dispatcher(svc, sender)
    svc.clock.set(utc("2026-03-17T18:30:00Z"))
    await d.run_due()
    reply = await reminders.reminder_list(svc, ADMIN)
    assert reply.embed is not None
    fields = {f.name: f.value for f in reply.embed.fields}
    assert set(fields) == {"#1 · active", "#2 · paused"}
    assert "Next: <t:1774377000:F>" in fields["#1 · active"]  # 24 March 18:30 GMT
    assert "Last: sent <t:" in fields["#1 · active"]
    assert "Paused: paused by an admin" in fields["#2 · paused"]


async def test_list_puts_automatic_pauses_at_the_top(svc) -> None:
    r = await _add(svc)
    del r
    await svc.reminders.pause(1, "channel_gone", svc.clock.now(), notice_pending=True)
    reply = await reminders.reminder_list(svc, ADMIN)
    assert reply.content.startswith("⚠️ Reminder **#1** was paused automatically: the channel")


async def test_other_servers_reminders_are_invisible(svc, router: Router) -> None:
    await _add(svc)
    for name in ("pause", "resume", "remove", "preview"):
        reply = await router.run(f"reminder {name}", OTHER_ADMIN, id=1)
        assert "no reminder #1" in reply.content
    assert (await svc.reminders.get(1)).status is Status.ACTIVE


async def test_pause_resume_does_not_replay_paused_weeks(svc) -> None:
    await _add(svc)
    await reminders.reminder_pause(svc, ADMIN, 1)
    svc.clock.set(utc("2026-04-01T12:00:00Z"))
    reply = await reminders.reminder_resume(svc, ADMIN, 1)
    assert "running again" in reply.content
    sender = MemorySender()
    await dispatcher(svc, sender).run_due()
    assert sender.posts == [] and await svc.reminders.history([1]) == {}


async def test_edit_changes_the_schedule(svc) -> None:
    await _add(svc)
    reply = await reminders.reminder_edit(
        svc, ADMIN, 1, weekday="thu", time="07:00", message="Track"
    )
    assert "Thursdays at 07:00" in reply.content
    r = await svc.reminders.get(1)
    assert r is not None and (r.weekday.label, r.time, r.message) == ("Thursday", "07:00", "Track")
    with pytest.raises(UserError):
        await reminders.reminder_edit(svc, ADMIN, 1)


async def test_edit_clear_removes_message_role_or_end_date(svc) -> None:
    await _add(svc, message="Hills", role=RUNNERS, ends_on="2026-09-30")
    await reminders.reminder_edit(svc, ADMIN, 1, clear="message")
    await reminders.reminder_edit(svc, ADMIN, 1, clear="role")
    r = await svc.reminders.get(1)
    assert r is not None and (r.message, r.role_id) == (None, None)
    assert r.ends_on is not None
    reply = await reminders.reminder_edit(svc, ADMIN, 1, clear="ends_on")
    r = await svc.reminders.get(1)
    assert r is not None and r.ends_on is None and (r.time, r.tz) == ("18:30", "Europe/London")
    assert "pinging" not in reply.content


async def test_unpingable_role_is_saved_with_a_warning(svc) -> None:
    quiet = RoleRef(21, "*quiet* @everyone", pingable=False)
    reply = await _add(svc, role=quiet)
    assert "isn't mentionable" in reply.content
    assert "*quiet*" not in reply.content and "@everyone" not in reply.content  # escaped
    (r,) = await svc.reminders.list_guild(GUILD)
    assert r.role_id == 21
    assert "mentionable" not in (await _add(svc, role=RUNNERS)).content


async def test_remove_asks_first_and_the_button_confirms(svc, router: Router) -> None:
    await _add(svc)
    reply = await router.run("reminder remove", ADMIN, id=1)
    assert [b.custom_id for b in reply.buttons] == ["rc:reminder:remove:1", "rc:reminder:keep:1"]
    assert await svc.reminders.get(1) is not None  # nothing deleted yet
    kept = await router.press("rc:reminder:keep:1", ADMIN)
    assert "Kept" in kept.content and await svc.reminders.get(1) is not None
    refused = await router.press("rc:reminder:remove:1", MEMBER)
    assert "Manage Server" in refused.content and await svc.reminders.get(1) is not None
    done = await router.press("rc:reminder:remove:1", ADMIN)
    assert done.edit_original and "removed" in done.content
    assert await svc.reminders.get(1) is None


async def test_preview_renders_the_post_and_next_four_times(svc) -> None:
    await _add(svc, message="@everyone hills <@&20>", role=RUNNERS)
    reply = await reminders.reminder_preview(svc, ADMIN, 1)
    assert reply.ephemeral and reply.buttons == () and reply.mention_roles == ()
    assert reply.content.count("<t:") == 4
    assert "(Tue 2026-03-31 18:30 BST)" in reply.content  # after the clocks change
    assert "@\u200beveryone" in reply.content  # the admin's text can't ping anyone
    assert reply.embed is not None and reply.embed.title.startswith("This week's focus:")
    assert reply.embed.fields[0].name == "Source"


async def test_test_post_needs_the_dispatcher_and_uses_it(svc, router: Router) -> None:
    await _add(svc)
    reply = await router.run("reminder test", ADMIN, id=1)
    assert "not connected" in reply.content
    sender = MemorySender()
    svc.dispatcher.start(sender)
    try:
        reply = await reminders.reminder_test(svc, ADMIN, 1)
    finally:
        await svc.dispatcher.stop()
    assert "Posted reminder **#1**" in reply.content
    (post,) = sender.posts
    assert post.channel_id == TRAINING.id and "Test post" in post.reply.content


async def test_timezone_autocomplete_uses_the_shared_index(svc, router: Router) -> None:
    choices = await router.complete("reminder add", "timezone", ADMIN, "lond")
    assert choices[0].value == "Europe/London"
    common = await reminders.complete_timezone(svc, ADMIN, "")
    assert common[0].value == "Europe/London" and len(common) <= 25


async def test_admin_channel_setting(svc) -> None:
    reply = await server_settings.settings_admin_channel(svc, ADMIN, ChannelRef(88, "admins"))
    assert "#admins" in reply.content
    assert (await svc.guild_settings.get(GUILD)).admin_channel_id == 88
    # Issue 13: without a channel it shows the current one instead of silently clearing it.
    shown = await server_settings.settings_admin_channel(svc, ADMIN)
    assert "<#88>" in shown.content and "clear:true" in shown.content
    assert (await svc.guild_settings.get(GUILD)).admin_channel_id == 88
    shown = await server_settings.settings_admin_channel(svc, ADMIN, clear=False)
    assert (await svc.guild_settings.get(GUILD)).admin_channel_id == 88
    with pytest.raises(UserError) as caught:
        await server_settings.settings_admin_channel(svc, ADMIN, ChannelRef(89, "x"), clear=True)
    assert caught.value.context["kind"] == "admin_channel_set_and_clear"
    assert (await svc.guild_settings.get(GUILD)).admin_channel_id == 88
    cleared = await server_settings.settings_admin_channel(svc, ADMIN, clear=True)
    assert "No admin channel" in cleared.content
    assert (await svc.guild_settings.get(GUILD)).admin_channel_id is None
    shown = await server_settings.settings_admin_channel(svc, ADMIN)
    assert "none" in shown.content and "Set one" in shown.content


async def test_limit_holds_when_two_admins_add_at_once(svc) -> None:
    for _ in range(MAX_PER_GUILD - 1):
        await _add(svc)
    results = await asyncio.gather(_add(svc), _add(svc), return_exceptions=True)
    assert sum(isinstance(r, UserError) for r in results) == 1
    assert await svc.reminders.count_guild(GUILD) == MAX_PER_GUILD


# --- issue 13 ----------------------------------------------------------------------------------


class Lookup:
    """Stands in for Discord's channel cache."""

    def __init__(self, **channels: ChannelCheck) -> None:
        self.channels = {int(k.removeprefix("c")): v for k, v in channels.items()}

    def check(self, guild_id: int, channel_id: int) -> ChannelCheck | None:
        return self.channels.get(channel_id, ChannelCheck(exists=False))


async def _saved_in(svc, tz: str) -> int:
    """A reminder saved before zones had to be places (written straight to the database)."""
    saved = await svc.reminders.add(
        NewReminder(
            guild_id=GUILD,
            channel_id=TRAINING.id,
            weekday=Weekday.FRI,
            time="06:00",
            tz=tz,
            message=None,
            role_id=None,
            ends_on=None,
            created_by=ADMIN.user_id,
        ),
        svc.clock.now(),
        limit=MAX_PER_GUILD,
    )
    return saved.id


@pytest.mark.parametrize("zone", ["EST", "mst", "HST", "PST8PDT", "Etc/GMT+5", "GMT"])
async def test_zones_without_daylight_saving_are_refused_with_a_place(
    svc, router: Router, zone: str
) -> None:
    add = await router.run(
        "reminder add", ADMIN, channel=TRAINING, weekday="fri", time="06:00", timezone=zone
    )
    assert "**timezone**" in add.content and "did you mean" in add.content
    assert await svc.reminders.count_guild(GUILD) == 0
    setting = await router.run("settings timezone", ADMIN, timezone=zone)
    assert "did you mean" in setting.content
    assert (await svc.guild_settings.get(GUILD)).timezone is None
    choices = await router.complete("settings timezone", "timezone", ADMIN, zone)
    assert all("/" in c.value or c.value == "UTC" for c in choices)
    assert not any(c.value.startswith("Etc/") for c in choices)


async def test_est_names_new_york_and_autocomplete_offers_it_first(svc, router: Router) -> None:
    reply = await router.run("settings timezone", ADMIN, timezone="EST")
    assert "EST has no daylight saving" in reply.content
    assert "did you mean America/New\\_York?" in reply.content  # escaped for Discord
    choices = await router.complete("reminder add", "timezone", ADMIN, "EST")
    assert choices[0].value == "America/New_York"


async def test_a_reminder_saved_in_est_keeps_working(svc) -> None:
    rid = await _saved_in(svc, "EST")
    edited = await reminders.reminder_edit(svc, ADMIN, rid, time="06:30", message="Hills")
    r = await svc.reminders.get(rid)
    assert r is not None and (r.tz, r.time, r.message) == ("EST", "06:30", "Hills")
    assert "Fridays at 06:30 (EST)" in edited.content
    preview = await reminders.reminder_preview(svc, ADMIN, rid)
    assert preview.content.count("<t:") == 4
    # Changing its zone goes through the check like any new one.
    with pytest.raises(UserError):
        await reminders.reminder_edit(svc, ADMIN, rid, timezone="EST5EDT")
    await reminders.reminder_edit(svc, ADMIN, rid, timezone="America/New_York")
    r = await svc.reminders.get(rid)
    assert r is not None and r.tz == "America/New_York"


async def test_a_server_timezone_saved_as_est_is_not_used_for_new_reminders(svc) -> None:
    await svc.guild_settings.set_timezone(GUILD, "EST")
    with pytest.raises(UserError) as caught:
        await reminders.reminder_add(svc, ADMIN, TRAINING, "fri", "06:00")
    assert caught.value.context["kind"] == "server_timezone"
    assert "America/New_York" in caught.value.context["detail"]
    await reminders.reminder_add(svc, ADMIN, TRAINING, "fri", "06:00", timezone="America/Chicago")
    shown = await server_settings.settings_show(svc, ADMIN)
    assert "EST" in shown.content and "did you mean America/New\\_York?" in shown.content


@pytest.mark.parametrize(
    "options",
    [
        {"role": RUNNERS, "clear": "role"},
        {"message": "Hills", "clear": "message"},
        {"ends_on": "2026-10-31", "clear": "ends_on"},
    ],
)
async def test_edit_refuses_setting_and_clearing_the_same_option(svc, router, options) -> None:
    await _add(svc, message="Track", role=RoleRef(21, "sprinters"), ends_on="2026-09-30")
    with pytest.raises(UserError) as caught:
        await reminders.reminder_edit(svc, ADMIN, 1, **options)
    assert caught.value.context == {"kind": "set_and_clear", "option": options["clear"]}
    reply = await router.run("reminder edit", ADMIN, id=1, **options)
    assert f"clear:{options['clear']}" in reply.content
    r = await svc.reminders.get(1)
    assert r is not None and (r.message, r.role_id) == ("Track", 21)
    assert r.ends_on is not None and r.ends_on.isoformat() == "2026-09-30"


async def test_settings_show(svc, router: Router) -> None:
    empty = await router.run("settings show", ADMIN)
    assert empty.ephemeral
    assert "**Timezone:** UTC" in empty.content and "bot's default" in empty.content
    assert "**Admin channel:** none" in empty.content
    assert "**Reminders:** 0 of 25" in empty.content and "**Paused:** none" in empty.content
    refused = await router.run("settings show", MEMBER)
    assert "Manage Server" in refused.content

    await server_settings.settings_timezone(svc, ADMIN, "Europe/London")
    await server_settings.settings_admin_channel(svc, ADMIN, ChannelRef(88, "admins"))
    await _add(svc)
    await _add(svc)
    await reminders.reminder_pause(svc, ADMIN, 2)
    shown = await server_settings.settings_show(svc, ADMIN)
    assert "**Timezone:** Europe/London (it's 12:00 there now)." in shown.content
    assert "<#88>: I can't check" in shown.content  # no Discord attached here
    assert "**Reminders:** 2 of 25" in shown.content
    assert "**Paused:** #2 in <#11> (paused by an admin)" in shown.content

    svc.channels.attach(Lookup(c88=ChannelCheck(True, ChannelRef(88, "admins"))))
    try:
        assert "<#88>: I can post there." in (await router.run("settings show", ADMIN)).content
        svc.channels.attach(
            Lookup(c88=ChannelCheck(True, ChannelRef(88, "admins", bot_can_send=False)))
        )
        assert "can't post there" in (await router.run("settings show", ADMIN)).content
        svc.channels.attach(Lookup())
        shown = await router.run("settings admin_channel", ADMIN)
        assert "no longer exists" in shown.content
    finally:
        svc.channels.attach(None)


async def test_the_organiser_s_message_keeps_its_formatting_but_pings_nobody(svc) -> None:
    text = "**Hill reps** tonight, meet at [the park](https://example.org/park)\n_Bring lights_"
    await _add(svc, message=f"{text} @everyone @here <@&20> <@&456> <@123>", role=RUNNERS)
    preview = await reminders.reminder_preview(svc, ADMIN, 1)
    # The chosen role's mention stays a mention; any other is broken like @everyone.
    assert "<@&20> <@\u200b&456> <@\u200b123>" in preview.content
    assert text in preview.content  # not \\*\\*Hill reps\\*\\*, not \\[the park\\]
    assert "@\u200beveryone @\u200bhere" in preview.content
    assert preview.mention_roles == ()
    sender = MemorySender()
    svc.dispatcher.start(sender)
    try:
        await reminders.reminder_test(svc, ADMIN, 1)
    finally:
        await svc.dispatcher.stop()
    (post,) = sender.posts
    assert post.reply.content.startswith(f"<@&{RUNNERS.id}> {text} @\u200beveryone")
    assert post.reply.mention_roles == (RUNNERS.id,)
