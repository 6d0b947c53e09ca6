"""Translate between discord.py objects and the transport-free command layer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.core.caller import Caller, ChannelRef, RoleRef
from bot.core.replies import ButtonStyle, Modal, Reply, TextStyle

log = logging.getLogger(__name__)

# Discord drops an interaction not acknowledged within 3 s; past this we defer and edit later.
DEFER_AFTER_SECONDS = 1.5

_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


def caller_from(interaction: discord.Interaction) -> Caller:
    perms = interaction.permissions
    return Caller(
        user_id=interaction.user.id,
        display_name=interaction.user.display_name,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        can_manage_guild=bool(interaction.guild_id and perms.manage_guild),
    )


def channel_ref(channel: Any, me: discord.Member | None) -> ChannelRef:
    """The bot's own permissions in `channel`, from the cached guild when we have it."""
    resolved = channel
    if isinstance(channel, discord.app_commands.AppCommandChannel) and me is not None:
        resolved = me.guild.get_channel(channel.id) or channel
    if me is not None and hasattr(resolved, "permissions_for"):
        perms = resolved.permissions_for(me)
        return ChannelRef(
            channel.id, channel.name, perms.view_channel, perms.send_messages, perms.embed_links
        )
    # Without a cache we can't know; the send itself will tell and the reminder gets paused.
    return ChannelRef(channel.id, getattr(channel, "name", str(channel.id)))


def role_ref(role: discord.Role, me: discord.Member | None = None) -> RoleRef:
    may_mention_all = me is not None and me.guild_permissions.mention_everyone
    return RoleRef(role.id, role.name, role.is_default(), role.mentionable or may_mention_all)


def command_options(interaction: discord.Interaction, options: dict[str, Any]) -> dict[str, Any]:
    """Slash-command options as the command layer takes them: roles and channels become refs
    (with the bot's own permissions), options the member left out are dropped."""
    me = interaction.guild.me if interaction.guild is not None else None
    converted: dict[str, Any] = {}
    for key, value in options.items():
        if value is None:
            continue
        if isinstance(value, discord.Role):
            value = role_ref(value, me)
        elif isinstance(value, discord.abc.GuildChannel | discord.app_commands.AppCommandChannel):
            value = channel_ref(value, me)
        converted[key] = value
    return converted


def modal_values(interaction: discord.Interaction) -> dict[str, str]:
    """The text a member submitted in a modal, by text-input custom_id (rows flattened)."""
    values: dict[str, str] = {}
    rows = (interaction.data or {}).get("components") or []
    for row in rows:
        items = row.get("components") or [row] if isinstance(row, dict) else []
        for item in items:
            if isinstance(item, dict) and "custom_id" in item:
                values[str(item["custom_id"])] = str(item.get("value") or "")
    return values


def discord_modal(modal: Modal) -> discord.ui.Modal:
    """A stateless discord.py modal: the submit is routed by custom_id in on_interaction."""
    form = discord.ui.Modal(title=modal.title, custom_id=modal.custom_id, timeout=None)
    for box in modal.inputs:
        form.add_item(
            discord.ui.TextInput(
                label=box.label,
                custom_id=box.custom_id,
                style=(
                    discord.TextStyle.paragraph
                    if box.style is TextStyle.PARAGRAPH
                    else discord.TextStyle.short
                ),
                default=box.value or None,
                required=box.required,
                min_length=box.min_length,
                max_length=box.max_length,
                placeholder=box.placeholder or None,
            )
        )
    form.stop()  # nothing kept in memory: the submit comes back through the router
    return form


def allowed_mentions(reply: Reply) -> discord.AllowedMentions:
    roles: list[discord.Object] | bool = [discord.Object(r) for r in reply.mention_roles]
    return discord.AllowedMentions(
        everyone=False, users=False, replied_user=False, roles=roles or False
    )


def message_kwargs(reply: Reply) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "content": reply.content or None,
        "allowed_mentions": allowed_mentions(reply),
    }
    if reply.embed is not None:
        embed = discord.Embed(
            title=reply.embed.title or None,
            description=reply.embed.description or None,
            colour=reply.embed.color,
        )
        for field in reply.embed.fields:
            embed.add_field(name=field.name, value=field.value, inline=field.inline)
        if reply.embed.footer:
            embed.set_footer(text=reply.embed.footer)
        kwargs["embed"] = embed
    if reply.buttons:
        view = discord.ui.View(timeout=None)
        for button in reply.buttons:
            view.add_item(
                discord.ui.Button(
                    custom_id=button.custom_id,
                    label=button.label,
                    style=_STYLES[button.style],
                    disabled=button.disabled,
                    row=button.row,
                )
            )
        # Stateless buttons: routed by custom_id in on_interaction, so nothing to keep in memory
        # and they keep working after a restart.
        view.stop()
        kwargs["view"] = view
    else:
        kwargs["view"] = discord.ui.View(timeout=None) if reply.edit_original else None
    return kwargs


async def respond(
    interaction: discord.Interaction,
    work: Awaitable[Reply],
    *,
    likely_ephemeral: bool = False,
    modal_late: Callable[[], Reply] | None = None,
) -> None:
    """Answer with the reply, deferring first if the work is slow.

    Handler errors are the router's to turn into replies; a reply Discord refuses is logged,
    not raised. A form (modal) can only open as the first answer: `modal_late` is sent instead
    when the work took so long that the interaction had to be deferred (`modal_late()` makes
    it then, so the common case renders nothing extra).

    The work runs in the caller's own task; a timer starts the defer beside it when the work
    passes DEFER_AFTER_SECONDS (no second task, shield or timeout per interaction: most
    answers take a few milliseconds and never need one).
    """
    loop = asyncio.get_running_loop()
    deferring: asyncio.Task[bool] | None = None

    def defer() -> None:
        nonlocal deferring
        deferring = loop.create_task(_defer(interaction, likely_ephemeral))

    timer = loop.call_later(DEFER_AFTER_SECONDS, defer)
    try:
        reply = await work
    finally:
        timer.cancel()
    deferred: bool | None = None  # None: not deferred; else the ephemerality of the defer
    if deferring is not None and await deferring:
        deferred = likely_ephemeral
    if reply.modal is not None and deferred is not None and modal_late is not None:
        log.warning("modal %s for interaction %s was ready too late", reply.modal.custom_id,
                    interaction.id)  # fmt: skip
        reply = modal_late()
    await send_reply(interaction, reply, deferred=deferred)


async def _defer(interaction: discord.Interaction, ephemeral: bool) -> bool:
    try:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return True
    except discord.HTTPException as exc:
        log.warning("could not defer interaction %s: %s", interaction.id, exc)
        return False


async def send_reply(
    interaction: discord.Interaction, reply: Reply, *, deferred: bool | None = None
) -> None:
    """Send `reply` as the interaction's answer, whatever state the interaction is in."""
    is_component = interaction.type is discord.InteractionType.component
    answered = deferred is not None or interaction.response.is_done()
    if reply.modal is not None:
        await _open_modal(interaction, reply.modal, answered=answered)
        return
    kwargs = message_kwargs(reply)
    try:
        if reply.edit_original and is_component:
            if answered:
                await interaction.edit_original_response(**kwargs)
            else:
                await interaction.response.edit_message(**kwargs)
            return
        if kwargs.get("view") is None:
            kwargs.pop("view")
        if not answered:
            await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)
        elif deferred is not None and not is_component and deferred == reply.ephemeral:
            await interaction.edit_original_response(**kwargs)  # fills in "thinking..."
        else:
            if deferred is not None and not is_component:
                # The defer guessed the wrong visibility: replace it rather than leak or hide.
                await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
    except discord.NotFound as exc:
        # 10062: the 3-second window passed (or the interaction was already answered elsewhere).
        log.warning("interaction %s expired before we answered: %s", interaction.id, exc)
    except discord.HTTPException as exc:
        log.error(
            "could not answer interaction %s (user %s): %s",
            interaction.id,
            interaction.user.id,
            exc,
        )


async def _open_modal(interaction: discord.Interaction, modal: Modal, *, answered: bool) -> None:
    """Open a form; Discord only allows it as the first answer (see `respond`)."""
    if answered:
        log.error("modal %s for interaction %s: already answered", modal.custom_id, interaction.id)
        return
    try:
        await interaction.response.send_modal(discord_modal(modal))
    except discord.HTTPException as exc:
        log.error("could not open modal %s for interaction %s: %s", modal.custom_id,
                  interaction.id, exc)  # fmt: skip
