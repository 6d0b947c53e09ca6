"""Modals (forms): routed by custom_id like buttons, their text reaching the handler as `values`;
built as stateless discord.py modals; their submitted text read back from the interaction."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord

from bot.core.caller import Caller
from bot.core.discord_io import discord_modal, modal_values
from bot.core.render import Renderer
from bot.core.replies import Modal, Reply, TextInput, TextStyle
from bot.core.router import ModalRoute, Router
from bot.core.settings import PROJECT_ROOT

ADA = Caller(user_id=1, display_name="ada", guild_id=5, channel_id=6, can_manage_guild=True)


async def save(context: dict[str, Any], caller: Caller, values: dict[str, str], item: int) -> Reply:
    context["got"] = (item, values, caller.user_id)
    return Reply(content=f"saved {item}")


async def broken(context: object, caller: Caller, values: dict[str, str]) -> Reply:
    raise RuntimeError("boom")


FORM = ModalRoute("form", r"(?P<item>[0-9]{1,3})", save)
BROKEN = ModalRoute("broken", r"", broken)


def router(context: dict[str, Any]) -> Router:
    renderer = Renderer(PROJECT_ROOT / "templates")
    return Router(renderer, {}, modals=[(FORM, context), (BROKEN, context)])


async def test_a_submitted_modal_reaches_its_handler_with_the_text_and_its_args() -> None:
    context: dict[str, Any] = {}
    reply = await router(context).submit(FORM.custom_id(7), ADA, {"question": "When?"})
    assert reply.content == "saved 7"
    assert context["got"] == (7, {"question": "When?"}, 1)


async def test_an_unknown_or_malformed_modal_id_gets_the_stale_reply_and_never_the_handler() -> (
    None
):
    context: dict[str, Any] = {}
    for custom_id in ("rc:form:abc", "rc:form:1234", "rc:nothing:1", "rc:form"):
        reply = await router(context).submit(custom_id, ADA, {"question": "x"})
        assert reply.ephemeral and "no longer works" in reply.content
    assert "got" not in context


async def test_a_failing_modal_handler_is_an_apology_not_a_crash() -> None:
    reply = await router({}).submit(BROKEN.custom_id(), ADA, {})
    assert reply.ephemeral and reply.content


async def test_a_modal_is_built_stateless_with_each_text_box() -> None:
    modal = Modal(
        "rc:form:7",
        "Add a club entry",
        (
            TextInput("question", "Question", value="When is the run?", max_length=120),
            TextInput("answer", "Answer", TextStyle.PARAGRAPH, required=False, placeholder="..."),
        ),
    )
    form = discord_modal(modal)
    assert form.is_finished()  # nothing kept in memory: the submit comes back by custom_id
    payload = form.to_dict()
    assert payload["custom_id"] == "rc:form:7" and payload["title"] == "Add a club entry"
    boxes = [row["components"][0] for row in payload["components"]]
    assert [b["custom_id"] for b in boxes] == ["question", "answer"]
    assert boxes[0]["value"] == "When is the run?" and boxes[0]["max_length"] == 120
    assert boxes[1]["style"] == discord.TextStyle.paragraph.value and not boxes[1]["required"]


def test_submitted_text_is_read_by_text_box_id_across_rows() -> None:
    data = {
        "custom_id": "rc:form:7",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "question", "value": "When?"}]},
            {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": ""}]},
        ],
    }
    interaction: Any = SimpleNamespace(data=data)
    assert modal_values(interaction) == {"question": "When?", "answer": ""}
    assert modal_values(SimpleNamespace(data=None)) == {}  # type: ignore[arg-type]
