"""A protocol-level fake Discord (REST + gateway on 127.0.0.1) for end-to-end bot tests."""

from .interactions import FakeDiscordError, InteractionHandle
from .model import Channel, Guild, Overwrite, Role, User
from .ratelimit import RateLimitConfig
from .runner import running
from .server import FakeDiscord, RecordedRequest

__all__ = [
    "Channel",
    "FakeDiscord",
    "FakeDiscordError",
    "Guild",
    "InteractionHandle",
    "Overwrite",
    "RateLimitConfig",
    "RecordedRequest",
    "Role",
    "User",
    "running",
]
