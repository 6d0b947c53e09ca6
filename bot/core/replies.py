"""Transport-free reply models: what a command answers, before Discord or the console shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    """A button whose custom_id routes back to a command handler (see bot.core.router)."""

    custom_id: str
    label: str
    style: ButtonStyle = ButtonStyle.SECONDARY
    disabled: bool = False
    row: int | None = None  # Discord's action row (0-4); None: placed in order, five a row


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Embed:
    title: str = ""
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""
    color: int | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete suggestion: `name` is shown, `value` is what the option receives."""

    name: str
    value: str


class TextStyle(StrEnum):
    SHORT = "short"  # one line
    PARAGRAPH = "paragraph"


@dataclass(frozen=True, slots=True)
class TextInput:
    """One text box of a modal; its `custom_id` keys the submitted value."""

    custom_id: str
    label: str
    style: TextStyle = TextStyle.SHORT
    value: str = ""  # pre-filled text
    required: bool = True
    min_length: int | None = None
    max_length: int | None = None
    placeholder: str = ""


@dataclass(frozen=True, slots=True)
class Modal:
    """A form Discord shows over the chat (at most 5 text boxes); submitting it is routed by
    `custom_id` like a button press (see bot.core.router.ModalRoute)."""

    custom_id: str
    title: str
    inputs: tuple[TextInput, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    content: str = ""
    embed: Embed | None = None
    ephemeral: bool = False
    buttons: tuple[Button, ...] = ()
    # Role ids this reply may ping. Empty for every reply except an opted-in reminder post.
    mention_roles: tuple[int, ...] = field(default=())
    # For component interactions: replace the message the button was on instead of answering anew.
    edit_original: bool = False
    # Open this form instead of sending a message (only as the first answer to a command or a
    # button press; the rest of the reply is then unused).
    modal: Modal | None = None
