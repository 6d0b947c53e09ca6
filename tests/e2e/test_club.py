"""Club entries end to end through the fake Discord: the /kb add form (a modal: callback type 9,
then a MODAL_SUBMIT interaction), /faq in that server and in another, refusals, edit, remove with
its confirm button, and a restart."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Club

EPHEMERAL = 1 << 6
SATURDAY = {
    "question": "What time is the Saturday run?",
    "aliases": "When does the Saturday club run start?\nsaturday morning run time",
    "answer": "8:30am sharp from the park gates. Tell @everyone! **Bring water.**",
}
ASKED = "when do we meet for the saturday run"


async def _faq(club: Club, question: str, user: Any = None, **where: Any) -> dict[str, Any]:
    if "guild" in where:
        handle = await club.fake.invoke(
            where["guild"], where["channel"], user, "faq", {"question": question}
        )
        return (await handle.response(timeout=10))["data"]
    handle = await club.run("faq", {"question": question}, user=user or club.member)
    return (await handle.response())["data"]


def _is_club_answer(data: dict[str, Any], title: str) -> bool:
    embeds = data.get("embeds") or []
    return (
        bool(embeds) and embeds[0]["title"] == title and "organisers" in embeds[0]["footer"]["text"]
    )


async def test_an_admin_adds_edits_and_removes_a_club_entry(club: Club) -> None:
    fake = club.fake
    other = fake.add_guild("Valley Striders")
    other_channel = fake.add_channel(other, "chat")
    stranger = fake.add_member(other, "runner-kim")

    # /kb add opens the form; submitting it saves the entry.
    opened = await club.run("kb add", user=club.admin)
    form = (await opened.response())["data"]
    assert form["custom_id"] == "rc:club:add" and form["title"] == "Add a club answer"
    saved = await club.submit_form(opened, SATURDAY)
    body = await saved.response()
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    assert "Club answer **#1** added" in body["data"]["content"]

    # A member of this server gets it from /faq at once, publicly, pinging nobody.
    data = await _faq(club, ASKED)
    assert _is_club_answer(data, SATURDAY["question"])
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["allowed_mentions"]["parse"] == []
    embed = data["embeds"][0]
    assert "@\u200beveryone" in embed["description"] and "**Bring" not in embed["description"]
    assert not embed.get("fields")
    buttons = [c for row in data["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Helpful", "Not helpful"]  # only the votes
    # A member of another server doesn't, nor do the suggestions there show it.
    elsewhere = await _faq(club, ASKED, stranger, guild=other, channel=other_channel)
    assert not _is_club_answer(elsewhere, SATURDAY["question"])
    here = await fake.autocomplete(
        club.guild, club.general, club.member, "faq", {"question": "saturday"}, focused="question"
    )
    there = await fake.autocomplete(
        other, other_channel, stranger, "faq", {"question": "saturday"}, focused="question"
    )
    assert here[0]["value"] == "club:1"
    assert all(not c["value"].startswith("club:") for c in there)

    # A member without Manage Server is refused, and gets no form.
    refused = await (await club.run("kb add", user=club.member)).response()
    assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL
    assert "Manage Server" in refused["data"]["content"]

    # /kb edit opens the form filled in; the change is live at once.
    opened = await club.run("kb edit", {"id": 1}, user=club.admin)
    boxes = {
        c["custom_id"]: c.get("value")
        for row in (await opened.response())["data"]["components"]
        for c in row["components"]
    }
    assert boxes == SATURDAY
    await club.submit_form(opened, {"answer": "9am this month, from the leisure centre."})
    data = await _faq(club, ASKED)
    assert "leisure centre" in data["embeds"][0]["description"]

    # It survives a restart.
    await club.runner.restart()
    data = await _faq(club, "saturday run start time?")
    assert _is_club_answer(data, SATURDAY["question"])

    # /kb remove asks first; the button removes it.
    confirm = await club.run("kb remove", {"id": 1}, user=club.admin)
    message = await confirm.original()
    remove = message["components"][0]["components"][0]
    assert remove["label"] == "Remove it"
    pressed = await fake.click(message, remove["custom_id"], club.admin)
    update = await pressed.response()
    assert update["type"] == 7 and "removed" in update["data"]["content"]
    data = await _faq(club, ASKED)
    assert not _is_club_answer(data, SATURDAY["question"])
