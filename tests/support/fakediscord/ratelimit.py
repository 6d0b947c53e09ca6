"""Discord-style rate limits: per-route buckets with X-RateLimit-* headers and a global limit."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field


@dataclass
class RateLimitConfig:
    enabled: bool = True
    global_limit: int = 50
    global_window: float = 1.0
    message_limit: int = 5  # POST channels/{id}/messages, per channel
    message_window: float = 5.0
    default_limit: int = 1000  # every other bucketed route; generous so tests don't trip it
    default_window: float = 1.0


@dataclass
class _Bucket:
    limit: int
    window: float
    used: int = 0
    reset_at: float = 0.0


@dataclass
class Verdict:
    """Outcome of a rate-limit check: headers to attach, and whether to answer 429."""

    headers: dict[str, str] = field(default_factory=dict)
    limited: bool = False
    is_global: bool = False
    retry_after: float = 0.0


class RateLimiter:
    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._global_window_start = 0.0
        self._global_used = 0

    def check(self, method: str, template: str, major: str, *, counts_global: bool) -> Verdict:
        if not self.config.enabled:
            return Verdict()
        now = time.monotonic()
        if counts_global:
            if now - self._global_window_start >= self.config.global_window:
                self._global_window_start = now
                self._global_used = 0
            if self._global_used >= self.config.global_limit:
                retry = max(self._global_window_start + self.config.global_window - now, 0.001)
                return Verdict(
                    headers={
                        "X-RateLimit-Global": "true",
                        "X-RateLimit-Scope": "global",
                        "Retry-After": str(max(int(retry + 0.999), 1)),
                    },
                    limited=True,
                    is_global=True,
                    retry_after=round(retry, 3),
                )
            self._global_used += 1

        is_message_post = method == "POST" and template == "/channels/{channel_id}/messages"
        limit = self.config.message_limit if is_message_post else self.config.default_limit
        window = self.config.message_window if is_message_post else self.config.default_window
        route_key = f"{method} {template}"
        bucket = self._buckets.setdefault((route_key, major), _Bucket(limit, window))
        if now >= bucket.reset_at:
            bucket.used = 0
            bucket.reset_at = now + bucket.window
        reset_after = max(bucket.reset_at - now, 0.001)
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(route_key.encode()).hexdigest()[:16],
        }
        if bucket.used >= bucket.limit:
            headers.update(
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(max(int(reset_after + 0.999), 1)),
                }
            )
            return Verdict(headers=headers, limited=True, retry_after=round(reset_after, 3))
        bucket.used += 1
        headers["X-RateLimit-Remaining"] = str(bucket.limit - bucket.used)
        return Verdict(headers=headers)
