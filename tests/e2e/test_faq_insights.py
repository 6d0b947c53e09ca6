"""Issue 12 through the fake Discord: vote buttons on public answers (ephemeral replies to the
press, one vote per member, changeable), an abstained question in /kb gaps, and its "Add as club
entry" button opening the pre-filled form."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Club

EPHEMERAL = 1 << 6
MODAL = 9


def buttons(data: dict[str, Any]) -> dict[str, str]:
    """label -> custom_id of a message's buttons."""
    return {c["label"]: c["custom_id"] for row in data["components"] for c in row["components"]}


async def test_votes_on_a_public_answer(club: Club) -> None:
    handle = await club.run("faq", {"question": "will hill sprints make my quads bigger"})
    data = (await handle.response())["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    found = buttons(data)
    assert found["Helpful"].startswith("rc:vote:up:")
    assert found["Not helpful"].startswith("rc:vote:down:")
    message = await handle.original()

    async def press(label: str, user: Any) -> str:
        body = await (await club.fake.click(message, found[label], user)).response()
        assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
        return body["data"]["content"]

    assert (await press("Not helpful", club.member)).startswith("Thanks!")
    assert "already marked" in await press("Not helpful", club.member)
    assert "Changed your vote" in await press("Helpful", club.member)
    assert (await press("Not helpful", club.admin)).startswith("Thanks!")
    db = club.runner.app.services.db
    votes = await db.fetchall("SELECT user_id, helpful FROM votes")
    assert sorted((r["user_id"], r["helpful"]) for r in votes) == sorted(
        [(club.member.id, 1), (club.admin.id, 0)]
    )

    gaps = (await (await club.run("kb gaps", {}, user=club.admin)).response())["data"]
    assert gaps["flags"] & EPHEMERAL
    field = gaps["embeds"][0]["fields"][0]
    assert field["name"] == "👎 #1: 1 not helpful, 1 helpful"
    assert "Will running make my quads bigger?" in field["value"]
    assert "will hill sprints make my quads bigger" in field["value"]


async def test_an_abstained_question_in_kb_gaps_and_add_as_club_entry(club: Club) -> None:
    question = "what shoes should i buy for a marathon"
    for user in (club.member, club.admin):
        data = (await (await club.run("faq", {"question": question}, user=user)).response())["data"]
        assert data["flags"] & EPHEMERAL
    db = club.runner.app.services.db
    rows = [dict(r) for r in await db.fetchall("SELECT * FROM unanswered")]
    assert [r["question"] for r in rows] == [question, question]
    assert all(club.member.id not in r.values() and club.admin.id not in r.values() for r in rows)

    handle = await club.run("kb gaps", {"days": 7}, user=club.admin)
    data = (await handle.response())["data"]
    assert data["flags"] & EPHEMERAL
    assert f'**1.** "{question}" ×2' in data["embeds"][0]["description"]
    add = buttons(data)["Add #1 as club entry"]

    # A member can't run it (Discord hides it; the handler refuses too).
    refused = (await (await club.run("kb gaps", {}, user=club.member)).response())["data"]
    assert refused["content"].startswith("Only server admins")

    press = await club.fake.click(await handle.original(), add, club.admin)
    body = await press.response()
    assert body["type"] == MODAL
    boxes = [c for row in body["data"]["components"] for c in row["components"]]
    assert boxes[0]["value"] == question


async def test_profile_delete_erases_votes_even_without_a_profile(club: Club) -> None:
    """Votes are member data: a member who only ever voted can still have it all erased."""
    handle = await club.run("faq", {"question": "will hill sprints make my quads bigger"})
    data = (await handle.response())["data"]
    message = await handle.original()
    await (await club.fake.click(message, buttons(data)["Not helpful"], club.member)).response()
    await (await club.fake.click(message, buttons(data)["Helpful"], club.admin)).response()
    db = club.runner.app.services.db
    assert len(await db.fetchall("SELECT 1 FROM votes")) == 2

    asked = await club.run("profile delete", {})
    confirm = (await asked.response())["data"]
    assert "votes" in confirm["content"]
    press = await club.fake.click(
        await asked.original(), buttons(confirm)["Delete my data"], club.member
    )
    done = (await press.response())["data"]
    assert "deleted everything" in done["content"]
    left = await db.fetchall("SELECT user_id FROM votes")
    assert [r["user_id"] for r in left] == [club.admin.id]  # only the other member's vote
    # Asked again, there is nothing left to delete.
    again = (await (await club.run("profile delete", {})).response())["data"]
    assert "don't store anything" in again["content"]
