"""The fake Discord itself, driven by the real discord.py client over real HTTP + websocket."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.support.fakediscord import FakeDiscord, RateLimitConfig, running
from tests.support.fakediscord.interactions import InteractionHandle
from tests.support.fakediscord.pytest_plugin import fake_discord  # noqa: F401 (fixture)

NONE = discord.AllowedMentions.none()


class ProbeBot(commands.Bot):
    """A minimal slash-command bot recording what discord.py delivered to it."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            allowed_mentions=NONE,
        )
        self.events: list[str] = []
        self.clicks: list[str] = []
        self.resumed = asyncio.Event()
        self.channel_deleted = asyncio.Event()
        self.guild_removed = asyncio.Event()
        self._add_commands()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        pass  # discord.py sleeps 5 s before re-IDENTIFY; nothing to protect against here

    async def on_ready(self) -> None:
        self.events.append("ready")

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        self.channel_deleted.set()

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.guild_removed.set()

    def _add_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Say hello")
        async def hello(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"Hello {name}", allowed_mentions=NONE)

        @tree.command(description="Slow answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("first", ephemeral=True)
            await interaction.followup.send("second", ephemeral=True)
            await interaction.edit_original_response(content="edited")

        async def topics(interaction: discord.Interaction, current: str) -> list[Any]:
            words = ["hills", "hill sprints", "sprints", "strength"]
            return [app_commands.Choice(name=w, value=w) for w in words if current in w]

        @tree.command(description="Ask a question")
        @app_commands.autocomplete(question=topics)
        async def faq(interaction: discord.Interaction, question: str) -> None:
            await interaction.response.send_message(question)

        reminder = app_commands.Group(name="reminder", description="Reminders")

        @reminder.command(name="add", description="Add a reminder")
        async def reminder_add(
            interaction: discord.Interaction,
            time: str,
            channel: discord.TextChannel,
            role: discord.Role | None = None,
        ) -> None:
            # Resolved channel data must carry the bot's permissions in it.
            perms = channel.permissions_for(interaction.guild.me)  # type: ignore[union-attr]
            text = f"{time} in {channel.name} send={perms.send_messages} role={role}"
            await interaction.response.send_message(text, ephemeral=True)

        tree.add_command(reminder)

        bot = self

        class Confirm(discord.ui.View):
            @discord.ui.button(label="Yes", custom_id="confirm:yes")
            async def yes(
                self, interaction: discord.Interaction, button: discord.ui.Button
            ) -> None:
                bot.clicks.append(button.custom_id or "")
                await interaction.response.edit_message(content="Confirmed", view=None)

        class Feedback(discord.ui.Modal, title="Feedback"):
            text = discord.ui.TextInput(label="Your feedback", custom_id="feedback:text")

            async def on_submit(self, interaction: discord.Interaction) -> None:
                await interaction.response.send_message(f"Thanks: {self.text.value}")

        @tree.command(description="Give feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Feedback(custom_id="feedback"))

        @tree.command(description="DM me")
        async def dm(interaction: discord.Interaction) -> None:
            await interaction.user.send("Your plan")
            await interaction.response.send_message("Sent", ephemeral=True)

        @tree.command(description="Ask to confirm")
        async def confirm(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Sure?", view=Confirm())


async def say_hello(world: dict[str, Any], name: str) -> InteractionHandle:
    """The runner invokes /hello name:NAME in #general; the interaction as the fake holds it."""
    fake: FakeDiscord = world["fake"]
    return await fake.invoke(
        world["guild"], world["general"], world["runner"], "hello", {"name": name}
    )


@pytest.fixture
def world(fake_discord: FakeDiscord) -> dict[str, Any]:  # noqa: F811
    fake = fake_discord
    guild = fake.add_guild("Hill Harriers")
    return {
        "fake": fake,
        "guild": guild,
        "general": fake.add_channel(guild, "general"),
        "readonly": fake.add_channel(guild, "announcements", bot_can_send=False),
        "hidden": fake.add_channel(guild, "staff", bot_can_view=False),
        "runner": fake.add_member(guild, "ada"),
    }


async def test_login_ready_and_guild_cache(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        assert bot.events == ["ready"]
        guild = bot.get_guild(world["guild"].id)
        assert guild is not None and guild.me is not None
        general = guild.get_channel(world["general"].id)
        readonly = guild.get_channel(world["readonly"].id)
        assert general.permissions_for(guild.me).send_messages
        assert not readonly.permissions_for(guild.me).send_messages
        assert readonly.permissions_for(guild.me).view_channel
        assert fake.gateway.identify_payloads[0]["intents"] == discord.Intents.default().value


async def test_tree_sync_is_recorded_with_command_json(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        synced = await bot.tree.sync()
        bot.tree.copy_global_to(guild=discord.Object(world["guild"].id))
        await bot.tree.sync(guild=discord.Object(world["guild"].id))
    assert {c.name for c in synced} == {
        "hello",
        "slow",
        "faq",
        "reminder",
        "confirm",
        "feedback",
        "dm",
    }
    assert all(c.id for c in synced)
    scope, payload = fake.command_syncs[0]
    assert scope == "global"
    reminder = next(c for c in payload if c["name"] == "reminder")
    assert reminder["options"][0]["name"] == "add" and reminder["options"][0]["type"] == 1
    assert fake.command_syncs[1][0] == world["guild"].id


async def test_slash_command_response_payload(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        inter = await say_hello(world, "Ada")
        response = await inter.response()
        assert response["type"] == 4
        assert response["data"]["content"] == "Hello Ada"
        assert response["data"]["allowed_mentions"] == {"parse": []}
        assert (await inter.original())["content"] == "Hello Ada"
        # A second initial response is refused like Discord does (40060).
        with pytest.raises(discord.HTTPException) as err:
            await bot.http.request(
                discord.http.Route(
                    "POST", "/interactions/{i}/{t}/callback", i=inter.id, t=inter.token
                ),
                json={"type": 4, "data": {"content": "again"}},
            )
        assert err.value.code == 40060


async def test_defer_followups_and_edit_original(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        inter = await fake.invoke(world["guild"], world["general"], world["runner"], "slow")
        assert (await inter.response())["type"] == 5
        await inter.wait_followups(2)
        await fake.wait_until(lambda: inter.original_edits >= 1, 5, "edit of original")
        original = await inter.original()
        assert original["content"] == "edited"
        assert original["flags"] & 64  # still ephemeral
        assert [m["content"] for m in inter.followups] == ["edited", "second"]


async def test_subcommand_with_resolved_channel_and_role(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    role = fake.add_role(world["guild"], "sprinters")
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        inter = await fake.invoke(
            world["guild"],
            world["general"],
            world["runner"],
            "reminder add",
            {"time": "18:30", "channel": world["readonly"], "role": role},
        )
        response = await inter.response()
    assert response["data"]["content"] == "18:30 in announcements send=False role=sprinters"
    assert response["data"]["flags"] == 64


async def test_autocomplete_choices(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        choices = await fake.autocomplete(
            world["guild"],
            world["general"],
            world["runner"],
            "faq",
            {"question": "hil"},
            focused="question",
        )
    assert [c["name"] for c in choices] == ["hills", "hill sprints"]


async def test_button_click_reaches_view(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        inter = await fake.invoke(world["guild"], world["general"], world["runner"], "confirm")
        message = await inter.original()
        click = await fake.click(message, "confirm:yes", world["runner"])
        response = await click.response()
        assert bot.clicks == ["confirm:yes"]
        assert response["type"] == 7
        assert click.updated_message is not None
        assert click.updated_message["content"] == "Confirmed"
        assert click.updated_message["components"] == []


async def test_nonce_enforced_send_creates_one_message(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        channel = bot.get_channel(world["general"].id)
        first = await channel.send(
            "Weekly hills!", nonce="remind-1"
        )  # discord.py adds enforce_nonce
        second = await channel.send(
            "Weekly hills!", nonce="remind-1"
        )  # discord.py adds enforce_nonce
        other = await channel.send("Other", nonce="remind-2")  # discord.py adds enforce_nonce
    assert first.id == second.id != other.id
    assert [m["content"] for m in fake.messages(world["general"])] == ["Weekly hills!", "Other"]


async def test_missing_permissions_raise_forbidden(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        readonly = bot.get_channel(world["readonly"].id)
        with pytest.raises(discord.Forbidden) as err:
            await readonly.send("hi")
        assert err.value.code == 50013
        hidden = bot.get_partial_messageable(world["hidden"].id)
        with pytest.raises(discord.Forbidden) as err:
            await hidden.send("hi")
        assert err.value.code == 50001
        with pytest.raises(discord.NotFound) as nf:
            await bot.get_partial_messageable(12345).send("hi")
        assert nf.value.code == 10003
    assert fake.messages(world["readonly"]) == []


async def test_schema_violation_is_rejected_and_recorded() -> None:
    async with FakeDiscord() as fake:
        if fake.validator is None:
            pytest.skip(f"no schema validation: {fake.validation_off_reason}")
        guild = fake.add_guild("g")
        channel = fake.add_channel(guild, "general")
        async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
            route = discord.http.Route("POST", "/channels/{c}/messages", c=channel.id)
            with pytest.raises(discord.HTTPException) as err:
                await bot.http.request(route, json={"content": "x" * 2001})
            assert err.value.status == 400 and err.value.code == 50035
            # A violation of the published schema itself (parse values are an enum).
            bad_mentions = {"content": "hi", "allowed_mentions": {"parse": ["bogus"]}}
            with pytest.raises(discord.HTTPException) as err:
                await bot.http.request(route, json=bad_mentions)
            assert err.value.status == 400 and err.value.code == 50035
        assert "content" in fake.schema_errors[0]["errors"]
        assert "allowed_mentions" in fake.schema_errors[1]["errors"]
        assert fake.messages(channel) == []
        with pytest.raises(AssertionError, match="schema error"):
            fake.assert_clean()


async def test_unknown_route_is_recorded() -> None:
    async with FakeDiscord() as fake:
        fake.add_guild("g")
        async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
            with pytest.raises(discord.NotFound):
                await bot.http.request(discord.http.Route("GET", "/not/a/route"))
        assert fake.unknown_routes and "GET /not/a/route" in fake.unknown_routes[0]


async def test_global_429_storm_is_retried_and_delivers_once() -> None:
    # 12 sends against 5 per window: each send can lose at most 2 full windows to the other 11,
    # so it succeeds within discord.py's 5 attempts however the retries interleave.
    limits = RateLimitConfig(global_limit=5, global_window=0.2, message_limit=100)
    async with FakeDiscord(rate_limits=limits) as fake:
        guild = fake.add_guild("g")
        channel = fake.add_channel(guild, "general")
        async with asyncio.timeout(20), running(ProbeBot(), fake) as bot:
            ch = bot.get_channel(channel.id)
            await asyncio.gather(*(ch.send(f"msg {i}") for i in range(12)))
        fake.assert_clean()
    contents = [m["content"] for m in fake.messages(channel)]
    assert sorted(contents) == sorted(f"msg {i}" for i in range(12))
    assert fake.stats["429_global"] > 0


async def test_route_bucket_429_is_retried() -> None:
    limits = RateLimitConfig(message_limit=3, message_window=0.3)
    async with FakeDiscord(rate_limits=limits) as fake:
        guild = fake.add_guild("g")
        channel = fake.add_channel(guild, "general")
        async with asyncio.timeout(20), running(ProbeBot(), fake) as bot:
            fake.fail_next("POST", r"/channels/\d+/messages$", 429)
            ch = bot.get_channel(channel.id)
            for i in range(7):
                await ch.send(f"m{i}")
    assert [m["content"] for m in fake.messages(channel)] == [f"m{i}" for i in range(7)]
    assert fake.stats["injected_429"] == 1


async def test_gateway_drop_resumes_and_keeps_serving(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(15), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        await fake.drop_gateway()
        # Dispatched while the socket is down: must be replayed on RESUME.
        inter = await say_hello(world, "B")
        await asyncio.wait_for(bot.resumed.wait(), 10)
        assert (await inter.response())["data"]["content"] == "Hello B"
        assert fake.gateway.resume_count == 1 and fake.gateway.identify_count == 1
        await fake.request_reconnect()
        await fake.wait_for_resume(2)
        again = await say_hello(world, "C")
        assert (await again.response())["data"]["content"] == "Hello C"


async def test_invalid_session_reidentifies(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(15), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        await fake.invalidate_session()
        await fake.wait_for_identify(2)
        inter = await say_hello(world, "D")
        assert (await inter.response())["data"]["content"] == "Hello D"


async def test_late_initial_response_is_unknown_interaction(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    fake.interaction_window = 0.0  # every callback arrives "too late"
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        errors: list[BaseException] = []

        async def on_error(interaction: discord.Interaction, error: BaseException) -> None:
            errors.append(error)

        bot.tree.on_error = on_error  # type: ignore[method-assign]
        await say_hello(world, "E")
        await fake.wait_until(lambda: bool(errors), 5, "the command error")
    assert isinstance(errors[0].__cause__, discord.NotFound)
    assert errors[0].__cause__.code == 10062


async def test_channel_delete_and_guild_removal_events(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await fake.delete_channel(world["general"])
        await asyncio.wait_for(bot.channel_deleted.wait(), 5)
        await fake.remove_bot_from_guild(world["guild"])
        await asyncio.wait_for(bot.guild_removed.wait(), 5)
        assert bot.get_guild(world["guild"].id) is None
        with pytest.raises(discord.Forbidden):
            await bot.get_partial_messageable(world["readonly"].id).send("hi")


async def test_modal_submit_and_dm(world: dict[str, Any]) -> None:
    fake: FakeDiscord = world["fake"]
    async with asyncio.timeout(10), running(ProbeBot(), fake) as bot:
        await bot.tree.sync()
        inter = await fake.invoke(world["guild"], world["general"], world["runner"], "feedback")
        modal = await inter.response()
        assert modal["type"] == 9 and modal["data"]["custom_id"] == "feedback"
        submit = await fake.submit_modal(
            world["guild"], world["general"], world["runner"], "feedback", {"feedback:text": "ok"}
        )
        assert (await submit.response())["data"]["content"] == "Thanks: ok"
        dm = await fake.invoke(world["guild"], world["general"], world["runner"], "dm")
        await dm.response()
    assert [m["content"] for m in fake.dm_messages(world["runner"])] == ["Your plan"]


async def test_missing_spec_turns_validation_off(tmp_path: Path) -> None:
    fake = FakeDiscord(spec_path=tmp_path / "absent.json")
    assert fake.validator is None
    assert "absent.json" in (fake.validation_off_reason or "")


# -- sharding ----------------------------------------------------------------------------------


class ShardedProbeBot(ProbeBot, commands.AutoShardedBot):
    """ProbeBot over discord.py's AutoShardedBot: asks /gateway/bot how many shards to run."""


def events_on(fake: FakeDiscord, shard: int, event: str) -> list[Any]:
    """The payloads of `event` the fake sent (or holds for replay) on a shard's session."""
    return [data for _, name, data in fake.gateway.sessions[shard].events if name == event]


def guild_ids(payloads: list[Any]) -> set[int]:
    return {int(p.get("guild_id") or p["id"]) for p in payloads}


def test_servers_spread_over_shards_or_go_where_asked() -> None:
    fake = FakeDiscord(shards=3, validate=False)
    in_turn = [fake.add_guild(f"club {i}") for i in range(6)]
    assert [fake.shard_of(g) for g in in_turn] == [0, 1, 2, 0, 1, 2]
    placed = fake.add_guild("placed", shard=1)
    assert fake.shard_of(placed) == (placed.id >> 22) % 3 == 1
    assert len({g.id for g in [*in_turn, placed]}) == 7
    assert fake.shard_of(None) == 0  # DMs
    with pytest.raises(ValueError):
        fake.add_guild("nowhere", shard=3)
    assert FakeDiscord(validate=False).add_guild("one").id >> 22 > 0  # unsharded: as before


async def test_sharded_bot_gets_each_servers_events_on_its_own_shard() -> None:
    async with FakeDiscord(shards=2) as fake:
        g0 = fake.add_guild("Shard Zero RC", shard=0)
        g1 = fake.add_guild("Shard One RC", shard=1)
        c0, c1 = fake.add_channel(g0, "general"), fake.add_channel(g1, "general")
        ada, bo = fake.add_member(g0, "ada"), fake.add_member(g1, "bo")
        async with asyncio.timeout(20), running(ShardedProbeBot(), fake) as bot:
            assert ("GET", "/gateway/bot") in [(r.method, r.path) for r in fake.requests]
            assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
            shards = sorted(p["shard"] for p in fake.gateway.identify_payloads)
            assert shards == [[0, 2], [1, 2]]
            assert {g.id for g in bot.guilds} == {g0.id, g1.id}
            # READY and GUILD_CREATE: each shard's session carries only its own servers.
            assert events_on(fake, 0, "READY")[0]["shard"] == [0, 2]
            assert guild_ids(events_on(fake, 0, "GUILD_CREATE")) == {g0.id}
            assert guild_ids(events_on(fake, 1, "GUILD_CREATE")) == {g1.id}

            await bot.tree.sync()
            hello0 = await fake.invoke(g0, c0, ada, "hello", {"name": "zero"})
            hello1 = await fake.invoke(g1, c1, bo, "hello", {"name": "one"})
            assert (await hello0.response())["data"]["content"] == "Hello zero"
            assert (await hello1.response())["data"]["content"] == "Hello one"
            assert guild_ids(events_on(fake, 0, "INTERACTION_CREATE")) == {g0.id}
            assert guild_ids(events_on(fake, 1, "INTERACTION_CREATE")) == {g1.id}

            # Later events for a server go to its shard too.
            joined = fake.add_guild("Late Joiners", shard=1)
            await fake.wait_until(lambda: bot.get_guild(joined.id) is not None, 5, "the join")
            assert joined.id in guild_ids(events_on(fake, 1, "GUILD_CREATE"))
            await fake.delete_channel(c1)
            await asyncio.wait_for(bot.channel_deleted.wait(), 5)
            await fake.remove_bot_from_guild(g1)
            await asyncio.wait_for(bot.guild_removed.wait(), 5)
            assert guild_ids(events_on(fake, 1, "CHANNEL_DELETE")) == {g1.id}
            assert guild_ids(events_on(fake, 1, "GUILD_DELETE")) == {g1.id}
            assert not events_on(fake, 0, "CHANNEL_DELETE") + events_on(fake, 0, "GUILD_DELETE")
        fake.assert_clean()


async def test_one_shard_drops_and_resumes_while_the_other_serves() -> None:
    async with FakeDiscord(shards=2) as fake:
        g0, g1 = fake.add_guild("zero", shard=0), fake.add_guild("one", shard=1)
        c0, c1 = fake.add_channel(g0, "general"), fake.add_channel(g1, "general")
        ada = fake.add_member(g0, "ada")
        bo = fake.add_member(g1, "bo")
        async with asyncio.timeout(20), running(ShardedProbeBot(), fake) as bot:
            await bot.tree.sync()
            zero_session = fake.gateway.sessions[0]
            await fake.drop_gateway(shard=1)
            # Dispatched while shard 1 is down: replayed on its RESUME.
            late = await fake.invoke(g1, c1, bo, "hello", {"name": "late"})
            on_time = await fake.invoke(g0, c0, ada, "hello", {"name": "on time"})
            assert (await on_time.response())["data"]["content"] == "Hello on time"
            await fake.wait_for_resume(1)
            assert (await late.response())["data"]["content"] == "Hello late"
            assert fake.gateway.identify_count == 2 and fake.gateway.resume_count == 1
            assert fake.gateway.sessions[0] is zero_session  # shard 0 never noticed
            await fake.ready()
        fake.assert_clean()


async def _identify(fake: FakeDiscord, ws: Any, shard: list[int] | None) -> None:
    hello = await ws.receive_json()
    assert hello["op"] == 10
    data: dict[str, Any] = {"token": fake.token, "intents": 1, "properties": {}}
    if shard is not None:
        data["shard"] = shard
    await ws.send_json({"op": 2, "d": data})


@pytest.mark.parametrize(
    ("shard", "problem"),
    [
        ([0, 3], "shard count 3, but /gateway/bot said 2"),
        ([2, 2], "id out of range"),
        (None, "IDENTIFY without `shard`"),
    ],
)
async def test_identify_with_a_wrong_shard_is_a_protocol_problem(
    shard: list[int] | None, problem: str
) -> None:
    async with FakeDiscord(shards=2, validate=False) as fake, aiohttp.ClientSession() as http:
        async with http.ws_connect(fake.gateway_url) as ws:
            await _identify(fake, ws, shard)
            closed = await ws.receive()
            assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010
        assert len(fake.problems) == 1 and problem in fake.problems[0], fake.problems
        assert not fake.gateway.sessions


async def test_two_live_sessions_on_one_shard_is_a_protocol_problem() -> None:
    async with FakeDiscord(shards=2, validate=False) as fake, aiohttp.ClientSession() as http:
        fake.add_guild("zero", shard=0)
        async with http.ws_connect(fake.gateway_url) as first:
            await _identify(fake, first, [0, 2])
            assert (await first.receive_json())["t"] == "READY"
            async with http.ws_connect(fake.gateway_url) as second:
                await _identify(fake, second, [0, 2])
                await fake.wait_for_identify(2)
        assert fake.problems == ["gateway: two live sessions IDENTIFY shard 0 of 2"]


async def test_unsharded_fake_accepts_identify_without_shard_and_ignores_shard_one_of_one(
    fake_discord: FakeDiscord,  # noqa: F811
) -> None:
    fake_discord.add_guild("g")
    async with aiohttp.ClientSession() as http:
        async with http.get(
            fake_discord.api_base + "/gateway/bot",
            headers={"Authorization": f"Bot {fake_discord.token}"},
        ) as response:
            assert (await response.json())["shards"] == 1
        for shard in (None, [0, 1]):
            async with http.ws_connect(fake_discord.gateway_url) as ws:
                await _identify(fake_discord, ws, shard)
                ready = await ws.receive_json()
                assert ready["t"] == "READY" and ("shard" in ready["d"]) == (shard is not None)
                assert (await ws.receive_json())["t"] == "GUILD_CREATE"
    assert fake_discord.gateway.identify_count == 2
