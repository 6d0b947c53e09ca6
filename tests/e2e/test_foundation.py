"""End to end: the real bot through discord.py's HTTP and gateway code against the fake."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import BotRunner, Club

EPHEMERAL = 1 << 6


async def test_ready_sync_and_about(club: Club) -> None:
    fake = club.fake
    assert club.bot.is_ready()
    assert club.bot.get_guild(club.guild.id) is not None  # GUILD_CREATE reached the cache

    # One global sync, with the command JSON Discord would store.
    assert len(fake.command_syncs) == 1
    scope, payload = fake.command_syncs[0]
    assert scope == "global"
    about = next(c for c in payload if c["name"] == "about")
    assert about["description"] == "What RunClub Coach does, its commands and sources"
    assert about.get("options", []) == []

    handle = await club.run("about")
    body = await handle.response()
    assert body["type"] == 4
    data = body["data"]
    assert not data.get("flags", 0) & EPHEMERAL  # public
    assert data["allowed_mentions"]["parse"] == []  # pings nobody
    assert not data["allowed_mentions"].get("roles") and not data["allowed_mentions"].get("users")
    embed = data["embeds"][0]
    assert embed["title"] == "RunClub Coach"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "/about" in fields["Commands"]
    assert "Can running build muscle?" in fields["Sources"]
    assert "Can you build muscle by running?" in fields["Sources"]
    assert fields["Version"] == "0.1.0"


async def test_unchanged_commands_are_not_resynced_and_data_survives(
    coach_db: Path | str, fake_discord, tmp_path: Path
) -> None:
    Club.create(fake_discord)
    db = coach_db
    runner = BotRunner(fake_discord, db)
    bot = await runner.start()
    assert bot.synced is True
    await runner.services.meta.set("marker", "kept")
    await runner.stop()

    bot = await runner.start()
    try:
        assert bot.synced is False
        assert len(fake_discord.command_syncs) == 1
        assert await runner.services.meta.get("marker") == "kept"
        rows = await runner.services.db.fetchall("SELECT version FROM schema_migrations")
        assert len(rows) == len(set(r[0] for r in rows))
    finally:
        await runner.stop()


async def test_dev_guild_sync_goes_to_that_server(
    coach_db: Path | str, fake_discord, tmp_path: Path
) -> None:
    club = Club.create(fake_discord)
    runner = BotRunner(fake_discord, coach_db, overrides={"dev_guild_id": club.guild.id})
    await runner.start()
    try:
        assert [scope for scope, _ in fake_discord.command_syncs] == [club.guild.id]
    finally:
        await runner.stop()


def _options(command: dict) -> dict[str, dict]:
    return {o["name"]: o for o in command.get("options", []) or []}


async def test_synced_command_json_is_the_contract(club: Club) -> None:
    """Names, descriptions, options and permissions exactly as the issues name them (a contract
    organisers' scripts rely on: kept exactly; new commands may be added beside them)."""
    synced = {c["name"]: c for c in club.fake.command_syncs[-1][1]}
    assert set(synced) >= {
        "about",
        "faq",
        "topics",
        "kb",
        "profile",
        "plan",
        "reminder",
        "settings",
    }
    assert all(c["description"] for c in synced.values())

    question = _options(synced["faq"])["question"]
    assert question["type"] == 3 and question["required"] and question["autocomplete"]

    profile_set = _options(_options(synced["profile"])["set"])
    assert list(profile_set) == [
        "level",
        "goal",
        "hills",
        "days",
        "lifts",
        "age",
        "returning",
        "units",
        "weekdays",
        "race_date",
        "break",
    ]
    assert [c["value"] for c in profile_set["hills"]["choices"]] == [
        "steep",
        "gentle",
        "stairs",
        "treadmill",
        "flat",
    ]
    assert (profile_set["days"]["min_value"], profile_set["days"]["max_value"]) == (2, 7)
    assert set(_options(synced["profile"])) >= {"set", "show", "delete"}
    assert _options(synced["plan"])["week"].get("required") in (None, False)

    reminder = _options(synced["reminder"])
    assert set(reminder) >= {"add", "list", "edit", "pause", "resume", "remove", "preview", "test"}
    add = _options(reminder["add"])
    assert list(add) == ["channel", "weekday", "time", "timezone", "message", "role", "ends_on"]
    assert add["timezone"]["autocomplete"] and not add["timezone"].get("required")
    assert set(_options(synced["settings"])) >= {"timezone", "admin_channel"}

    manage_guild = str(1 << 5)
    for admin in ("kb", "reminder", "settings"):
        assert str(synced[admin]["default_member_permissions"]) == manage_guild
    for public in ("about", "faq", "topics", "profile", "plan"):
        assert synced[public].get("default_member_permissions") is None
