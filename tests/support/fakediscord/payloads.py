"""Serialise the in-memory state to the JSON shapes Discord sends (and discord.py parses)."""

from __future__ import annotations

import datetime
from typing import Any

from .model import Channel, Guild, Member, Role, User, channel_permissions


def iso_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.username,
        "global_name": None if user.bot else user.username,
        "discriminator": "0",
        "avatar": None,
        "bot": user.bot,
        "public_flags": 0,
        "flags": 0,
    }


def role_json(role: Role) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": False,
        "flags": 0,
    }


def channel_json(channel: Channel) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(channel.id), "type": channel.type, "flags": 0}
    if channel.guild_id is None:
        data["recipients"] = []
        data["last_message_id"] = None
        return data
    data.update(
        {
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [
                {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
                for o in channel.overwrites
            ],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
    )
    return data


def member_json(member: Member, *, with_user: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(r) for r in member.role_ids],
        "nick": None,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_json(member.user)
    return data


def guild_json(guild: Guild) -> dict[str, Any]:
    """A REST guild object (no members or channels)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "region": "europe",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_json(r) for r in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "max_members": 500000,
        "max_video_channel_users": 25,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
    }


def guild_create_json(guild: Guild) -> dict[str, Any]:
    """The full GUILD_CREATE gateway payload discord.py builds its cache from."""
    data = guild_json(guild)
    data.update(
        {
            "unavailable": False,
            "large": False,
            "joined_at": iso_now(),
            "member_count": len(guild.members),
            "members": [member_json(m) for m in guild.members.values()],
            "channels": [channel_json(c) for c in guild.channels.values()],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
    )
    return data


def resolved_channel_json(guild: Guild, channel: Channel, user_id: int) -> dict[str, Any]:
    data = channel_json(channel)
    data["permissions"] = str(channel_permissions(guild, channel, user_id))
    return data
