"""REST route handlers. Each returns (status, json body or None); errors mirror Discord's codes."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from .interactions import EPHEMERAL, LOADING, InteractionHandle
from .model import (
    DM_CHANNEL,
    EMBED_LINKS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    channel_permissions,
)
from .payloads import channel_json, guild_json, iso_now, member_json, user_json

if TYPE_CHECKING:
    from .server import FakeDiscord

Result = tuple[int, Any]


class _Target(NamedTuple):
    """An interaction's webhook message, found."""

    handle: InteractionHandle
    msg: dict[str, Any]


INTERACTION_WINDOW_FOLLOWUP = 15 * 60.0
# Message fields a create/edit may set; everything else in the stored message is server-owned.
EDITABLE = ("content", "embeds", "components", "allowed_mentions", "flags", "attachments", "poll")


def error(status: int, code: int, message: str) -> Result:
    return status, {"message": message, "code": code}


@dataclass
class Call:
    method: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any


class Rest:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.handlers: dict[tuple[str, str], Callable[[Call], Awaitable[Result]]] = {
            ("GET", "/users/@me"): self.get_me,
            ("GET", "/users/{user_id}"): self.get_user,
            ("GET", "/oauth2/applications/@me"): self.get_application,
            ("GET", "/applications/@me"): self.get_application,
            ("GET", "/gateway"): self.get_gateway,
            ("GET", "/gateway/bot"): self.get_gateway_bot,
            ("PUT", "/applications/{application_id}/commands"): self.put_commands,
            ("GET", "/applications/{application_id}/commands"): self.get_commands,
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"): self.put_commands,
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands"): self.get_commands,
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"): self.callback,
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): self.wh_get,
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): self.wh_edit,
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): self.wh_delete,
            ("POST", "/webhooks/{webhook_id}/{webhook_token}"): self.wh_followup,
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): self.wh_get,
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): self.wh_edit,
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): (
                self.wh_delete
            ),
            ("GET", "/channels/{channel_id}"): self.get_channel,
            ("POST", "/channels/{channel_id}/messages"): self.create_message,
            ("GET", "/channels/{channel_id}/messages"): self.list_messages,
            ("GET", "/channels/{channel_id}/messages/{message_id}"): self.get_message,
            ("PATCH", "/channels/{channel_id}/messages/{message_id}"): self.edit_message,
            ("DELETE", "/channels/{channel_id}/messages/{message_id}"): self.delete_message,
            ("GET", "/guilds/{guild_id}"): self.get_guild,
            ("GET", "/guilds/{guild_id}/channels"): self.get_guild_channels,
            ("GET", "/guilds/{guild_id}/members/{user_id}"): self.get_member,
            ("POST", "/users/@me/channels"): self.open_dm,
        }

    # -- users, application, gateway -------------------------------------------------------

    async def get_me(self, call: Call) -> Result:
        return 200, {**user_json(self.fake.bot_user), "verified": True, "mfa_enabled": False}

    async def get_user(self, call: Call) -> Result:
        user = self.fake.users.get(int(call.params["user_id"]))
        return (200, user_json(user)) if user else error(404, 10013, "Unknown User")

    async def get_application(self, call: Call) -> Result:
        return 200, self.fake.application_json()

    async def get_gateway(self, call: Call) -> Result:
        return 200, {"url": self.fake.gateway_url.rstrip("/")}

    async def get_gateway_bot(self, call: Call) -> Result:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {
            "url": self.fake.gateway_url.rstrip("/"),
            "shards": self.fake.shards,
            "session_start_limit": limit,
        }

    # -- application commands ----------------------------------------------------------------

    def _check_app(self, call: Call) -> Result | None:
        if call.params["application_id"] != str(self.fake.application_id):
            return error(403, 50001, "Missing Access")
        if "guild_id" in call.params and self.fake._bot_guild(call.params["guild_id"]) is None:
            return error(403, 50001, "Missing Access")
        return None

    async def put_commands(self, call: Call) -> Result:
        if (denied := self._check_app(call)) is not None:
            return denied
        scope: int | str = int(call.params["guild_id"]) if "guild_id" in call.params else "global"
        self.fake.command_syncs.append((scope, call.body))
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.fake.commands[scope]}
        stored = []
        for cmd in call.body:
            data = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **cmd,
            }
            key = (data["name"], data["type"])
            data["id"] = previous.get(key) or str(self.fake.ids.next())
            data["application_id"] = str(self.fake.application_id)
            data["version"] = str(self.fake.ids.next())
            if scope != "global":
                data["guild_id"] = str(scope)
            stored.append(data)
        self.fake.commands[scope] = stored
        self.fake._changed()
        return 200, stored

    async def get_commands(self, call: Call) -> Result:
        if (denied := self._check_app(call)) is not None:
            return denied
        scope: int | str = int(call.params["guild_id"]) if "guild_id" in call.params else "global"
        return 200, self.fake.commands[scope]

    # -- interactions and their webhooks ------------------------------------------------------

    async def callback(self, call: Call) -> Result:
        handle = self.fake.interactions.get(int(call.params["interaction_id"]))
        if handle is None or handle.token != call.params["interaction_token"]:
            return error(404, 10062, "Unknown interaction")
        if handle.responded:
            return error(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - handle.dispatched_at > self.fake.interaction_window:
            return error(404, 10062, "Unknown interaction")
        kind = call.body.get("type")
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[handle.type]
        if kind not in allowed:
            return 400, {
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"type": {"_errors": [{"code": "INTERACTION_TYPE_INVALID"}]}},
            }
        handle.callbacks.append(call.body)
        handle.answered.set()
        data = call.body.get("data") or {}
        info: dict[str, Any] = {"id": str(handle.id), "type": handle.type}
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            flags = int(data.get("flags", 0)) & EPHEMERAL
            msg = self.fake._new_message(
                handle.payload["channel_id"],
                {} if kind == 5 else data,
                flags=flags | (LOADING if kind == 5 else 0),
                via="interaction",
                interaction=handle,
            )
            handle.original_message = msg
            info.update(
                response_message_id=msg["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(flags),
            )
            resource["message"] = self.fake.public(msg)
        elif kind in (6, 7):
            target = self.fake._find_message(handle.payload["message"]["id"])
            target = target if target is not None else dict(handle.payload["message"])
            if kind == 7:
                self.fake._apply_edit(target, data)
                handle.updated_message = target
                resource["message"] = self.fake.public(target)
            handle.original_message = target
        self.fake._changed()
        return 200, {"interaction": info, "resource": resource}

    def _webhook_handle(self, call: Call) -> InteractionHandle | Result:
        handle = self.fake.interactions_by_token.get(call.params["webhook_token"])
        if call.params["webhook_id"] != str(self.fake.application_id) or handle is None:
            return error(404, 10015, "Unknown Webhook")
        if time.monotonic() - handle.dispatched_at > INTERACTION_WINDOW_FOLLOWUP:
            return error(401, 50027, "Invalid Webhook Token")
        return handle

    def _webhook_message(self, handle: InteractionHandle, call: Call) -> dict[str, Any] | None:
        message_id = call.params.get("message_id")
        if message_id is None:
            return None if handle.original_deleted else handle.original_message
        if handle.original_message and handle.original_message["id"] == message_id:
            return handle.original_message
        return next((m for m in handle.followups if m["id"] == message_id), None)

    def _webhook_target(self, call: Call) -> _Target | Result:
        """The interaction and the message a webhook-message route names, or its error."""
        handle = self._webhook_handle(call)
        if not isinstance(handle, InteractionHandle):
            return handle
        msg = self._webhook_message(handle, call)
        if msg is None:
            return error(404, 10008, "Unknown Message")
        return _Target(handle, msg)

    async def wh_get(self, call: Call) -> Result:
        target = self._webhook_target(call)
        return (200, self.fake.public(target.msg)) if isinstance(target, _Target) else target

    async def wh_edit(self, call: Call) -> Result:
        target = self._webhook_target(call)
        if not isinstance(target, _Target):
            return target
        handle, msg = target
        self.fake._apply_edit(msg, call.body)
        if msg is handle.original_message:
            handle.original_edits += 1
        self.fake._changed()
        return 200, self.fake.public(msg)

    async def wh_delete(self, call: Call) -> Result:
        target = self._webhook_target(call)
        if not isinstance(target, _Target):
            return target
        handle, msg = target
        msg["_deleted"] = True
        if msg is handle.original_message:
            handle.original_deleted = True
        self.fake._changed()
        return 204, None

    async def wh_followup(self, call: Call) -> Result:
        handle = self._webhook_handle(call)
        if not isinstance(handle, InteractionHandle):
            return handle
        if not handle.responded:
            return error(404, 10015, "Unknown Webhook")
        original = handle.original_message
        if original is not None and original.get("flags", 0) & LOADING:
            # Like Discord: the first followup after a defer fills in the deferred response.
            self.fake._apply_edit(original, call.body)
            original["flags"] = original.get("flags", 0) & ~LOADING
            msg = original
        else:
            flags = int(call.body.get("flags", 0)) & EPHEMERAL
            msg = self.fake._new_message(
                handle.payload["channel_id"], call.body, flags=flags, via="followup"
            )
        handle.followups.append(msg)
        self.fake._changed()
        wait = call.query.get("wait", "").lower() in ("1", "true")
        return (200, self.fake.public(msg)) if wait else (204, None)

    # -- channels and messages ----------------------------------------------------------------

    def _channel(self, call: Call) -> Channel | Result:
        channel = self.fake.channels.get(int(call.params["channel_id"]))
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        if channel.guild_id is not None:
            guild = self.fake._bot_guild(channel.guild_id)
            if guild is None:
                return error(403, 50001, "Missing Access")
            perms = channel_permissions(guild, channel, self.fake.bot_user_id)
            if not perms & VIEW_CHANNEL:
                return error(403, 50001, "Missing Access")
        return channel

    def _perms(self, channel: Channel) -> int:
        if channel.guild_id is None:
            return VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
        guild = self.fake.guilds[channel.guild_id]
        return channel_permissions(guild, channel, self.fake.bot_user_id)

    async def get_channel(self, call: Call) -> Result:
        channel = self._channel(call)
        return (200, channel_json(channel)) if isinstance(channel, Channel) else channel

    async def create_message(self, call: Call) -> Result:
        channel = self._channel(call)
        if not isinstance(channel, Channel):
            return channel
        body = call.body or {}
        perms = self._perms(channel)
        if not perms & SEND_MESSAGES or (body.get("embeds") and not perms & EMBED_LINKS):
            return error(403, 50013, "Missing Permissions")
        if not any(body.get(k) for k in ("content", "embeds", "components", "sticker_ids")):
            return error(400, 50006, "Cannot send an empty message")
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            seen = self.fake._nonces.get((self.fake.bot_user_id, str(nonce)))
            if seen is not None and time.monotonic() - seen[0] < self.fake.nonce_window:
                return 200, self.fake.public(seen[1])
        msg = self.fake._new_message(channel.id, body, flags=0, via="rest")
        if nonce is not None:
            msg["nonce"] = nonce
            if body.get("enforce_nonce"):
                self.fake._nonces[(self.fake.bot_user_id, str(nonce))] = (time.monotonic(), msg)
        self.fake._changed()
        return 200, self.fake.public(msg)

    async def list_messages(self, call: Call) -> Result:
        channel = self._channel(call)
        if not isinstance(channel, Channel):
            return channel
        limit = int(call.query.get("limit", 50))
        msgs = [m for m in self.fake._channel_messages(channel.id) if not m.get("flags", 0) & 64]
        return 200, [self.fake.public(m) for m in reversed(msgs)][:limit]

    def _message(self, call: Call) -> dict[str, Any] | Result:
        channel = self._channel(call)
        if not isinstance(channel, Channel):
            return channel
        msg = self.fake._find_message(call.params["message_id"])
        if msg is None or msg["channel_id"] != str(channel.id) or msg["flags"] & EPHEMERAL:
            return error(404, 10008, "Unknown Message")
        return msg

    async def get_message(self, call: Call) -> Result:
        msg = self._message(call)
        return (200, self.fake.public(msg)) if isinstance(msg, dict) else msg

    async def edit_message(self, call: Call) -> Result:
        msg = self._message(call)
        if not isinstance(msg, dict):
            return msg
        if msg["author"]["id"] != str(self.fake.bot_user_id):
            return error(403, 50005, "Cannot edit a message authored by another user")
        self.fake._apply_edit(msg, call.body or {})
        self.fake._changed()
        return 200, self.fake.public(msg)

    async def delete_message(self, call: Call) -> Result:
        msg = self._message(call)
        if not isinstance(msg, dict):
            return msg
        msg["_deleted"] = True
        self.fake._changed()
        return 204, None

    async def open_dm(self, call: Call) -> Result:
        user = self.fake.users.get(int(call.body["recipient_id"]))
        if user is None:
            return error(400, 50033, "Invalid Recipients")
        channel = self.fake._dm_channel(user)
        data = channel_json(channel)
        data["recipients"] = [user_json(user)]
        return 200, data

    # -- guilds --------------------------------------------------------------------------------

    async def get_guild(self, call: Call) -> Result:
        guild = self.fake._bot_guild(call.params["guild_id"])
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        data = guild_json(guild)
        if call.query.get("with_counts", "").lower() in ("1", "true"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return 200, data

    async def get_guild_channels(self, call: Call) -> Result:
        guild = self.fake._bot_guild(call.params["guild_id"])
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return 200, [channel_json(c) for c in guild.channels.values()]

    async def get_member(self, call: Call) -> Result:
        guild = self.fake._bot_guild(call.params["guild_id"])
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        member = guild.members.get(int(call.params["user_id"]))
        return (200, member_json(member)) if member else error(404, 10007, "Unknown Member")


def new_message_json(
    fake: FakeDiscord, channel_id: int | str, body: dict[str, Any], flags: int
) -> dict[str, Any]:
    channel = fake.channels.get(int(channel_id))
    data: dict[str, Any] = {
        "id": str(fake.ids.next()),
        "channel_id": str(channel_id),
        "author": user_json(fake.bot_user),
        "content": "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": flags,
    }
    if channel is not None and channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
    elif channel is not None and channel.type == DM_CHANNEL:
        data.pop("guild_id", None)
    for key in EDITABLE:
        if key in body and key != "flags" and body[key] is not None:
            data[key] = body[key]
    return data
