"""/faq, autocomplete, /topics paging and the repeat cooldown through the fake Discord."""

from __future__ import annotations

from bot.core.limits import BUTTON_LABEL, truncate
from tests.support.harness import Club

EPHEMERAL = 1 << 6


async def test_faq_answer_payload(club: Club) -> None:
    handle = await club.run("faq", {"question": "will hill sprints make my quads bigger"})
    body = await handle.response()
    assert body["type"] == 4
    data = body["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["allowed_mentions"]["parse"] == []
    embed = data["embeds"][0]
    assert embed["title"] == "Will running make my quads bigger?"
    sources = next(f["value"] for f in embed["fields"] if f["name"] == "Sources")
    assert "magazine article" in sources and "2017 study" in sources
    rows = [[c["custom_id"] for c in row["components"]] for row in data["components"]]
    # The related entries on the first row, "Helpful" / "Not helpful" on a row of their own.
    assert rows[0] and all(i.startswith("rc:faq:") for i in rows[0])
    assert len(rows) == 2 and [i.split(":")[2] for i in rows[1]] == ["up", "down"]
    buttons = [c for c in data["components"][0]["components"]]

    # A related-entry button answers that entry, just for the presser.
    message = await handle.original()
    press = await club.fake.click(message, buttons[0]["custom_id"], club.admin)
    pressed = await press.response()
    assert pressed["type"] == 4 and pressed["data"]["flags"] & EPHEMERAL
    entry_id = buttons[0]["custom_id"].split(":")[2]
    assert (
        pressed["data"]["embeds"][0]["title"]
        == club.runner.app.faq.knowledge.kb.get(entry_id).title
    )


async def test_faq_no_match_is_ephemeral_with_pointer(club: Club) -> None:
    handle = await club.run("faq", {"question": "what shoes should i buy for a marathon"})
    data = (await handle.response())["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("I don't have an answer for that")
    assert "/topics" in data["content"]
    assert "embeds" not in data or not data["embeds"]


async def test_autocomplete_choices_resolve(club: Club) -> None:
    choices = await club.fake.autocomplete(
        club.guild, club.general, club.member, "faq", {"question": "protien"}, focused="question"
    )
    assert 1 <= len(choices) <= 25
    assert choices[0]["value"] == "protein"
    handle = await club.run("faq", {"question": choices[0]["value"]})
    data = (await handle.response())["data"]
    assert data["embeds"][0]["title"] == "Do runners need protein?"


async def test_topics_paging_edits_the_message(club: Club) -> None:
    handle = await club.run("topics")
    data = (await handle.response())["data"]
    assert data["flags"] & EPHEMERAL
    first_title = data["embeds"][0]["title"]
    assert "(1/" in first_title
    message = await handle.original()
    buttons = [c for row in data["components"] for c in row["components"]]
    nxt = next(c for c in buttons if c["label"] == "Next ▶")
    press = await club.fake.click(message, nxt["custom_id"], club.member)
    body = await press.response()
    assert body["type"] == 7  # UPDATE_MESSAGE: the same message turns the page
    assert "(2/" in body["data"]["embeds"][0]["title"]


async def test_topics_questions_open_their_answers(club: Club) -> None:
    """Issue 13: each question on a /topics page is a button; Discord accepts the rows (at most
    five buttons each, the page turns on the last) and pressing one answers just the presser,
    leaving the page in place."""
    handle = await club.run("topics")
    data = (await handle.response())["data"]
    rows = data["components"]
    assert len(rows) <= 5 and all(len(row["components"]) <= 5 for row in rows)
    assert [c["label"] for c in rows[-1]["components"]] == ["◀ Previous", "Next ▶"]
    questions = [c for row in rows[:-1] for c in row["components"]]
    listed = [
        line.removeprefix("• ")
        for field in data["embeds"][0]["fields"]
        for line in field["value"].splitlines()
    ]
    assert [c["label"] for c in questions] == [truncate(t, BUTTON_LABEL) for t in listed]
    assert len(questions) > 5
    message = await handle.original()
    press = await club.fake.click(message, questions[-1]["custom_id"], club.member)
    body = await press.response()
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL  # a new, private message
    assert body["data"]["embeds"][0]["title"] == listed[-1]


async def test_same_entry_twice_in_a_minute_goes_ephemeral(club: Club) -> None:
    first = (await (await club.run("faq", {"question": "do calves grow from running"})).response())[
        "data"
    ]
    second = (
        await (await club.run("faq", {"question": "bigger calfs?"}, user=club.admin)).response()
    )["data"]
    assert not first.get("flags", 0) & EPHEMERAL
    assert second["flags"] & EPHEMERAL
    assert second["embeds"][0]["title"] == first["embeds"][0]["title"]
    public = [
        m
        for m in club.fake.messages(club.general, include_interaction_responses=True)
        if not m.get("flags", 0) & EPHEMERAL
    ]
    assert len(public) == 1


async def test_kb_reload_refused_for_members(club: Club) -> None:
    data = (await (await club.run("kb reload")).response())["data"]
    assert data["flags"] & EPHEMERAL and "Manage Server" in data["content"]
    synced = {c["name"]: c for c in club.fake.command_syncs[-1][1]}
    assert int(synced["kb"]["default_member_permissions"]) == 1 << 5  # Manage Server
