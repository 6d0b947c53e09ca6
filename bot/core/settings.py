"""Configuration from the environment and `.env`, validated once at start-up.

Nothing here runs at import time: `load_settings()` builds the one Settings object that the bot,
console and CLI pass around.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.shards import Sharding

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # bot/
PROJECT_ROOT = PACKAGE_ROOT.parent
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """Bad or missing configuration: one line per problem, each naming the variable."""

    def __init__(self, problems: list[str], fields: tuple[str, ...] = ()) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.fields = fields  # the Settings fields at fault, so `coach check` can go on


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    discord_token: SecretStr | None = None
    database_path: Path = Path("data/coach.db")
    # PostgreSQL for several processes sharing one database (docs/scaling.md); when set it is
    # used instead of DATABASE_PATH. It may hold a password: kept secret like the token.
    database_url: SecretStr | None = None
    database_pool_size: int = Field(default=10, ge=1, le=100)  # connections per process
    database_statement_timeout: float = Field(default=10.0, gt=0, le=300)  # seconds
    dev_guild_id: int | None = Field(default=None, gt=0)
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    templates_dir: Path = PROJECT_ROOT / "templates"
    sources_dir: Path | None = None
    # Where the FAQ's embedding model is built from its package, with the label vectors it keeps:
    # beside the checkout (like knowledge/), so every command finds the one build wherever it runs.
    embedding_dir: Path = PROJECT_ROOT / "data" / "models"
    reminder_grace_hours: float = Field(default=6.0, ge=0, le=168)
    # How long /faq keeps the questions it could not answer, and its answers with their votes.
    unanswered_retention_days: int = Field(default=90, ge=1, le=3650)
    # Sharding (both unset: one process, one gateway connection). SHARD_COUNT is the total number
    # of shards; SHARD_IDS (text such as `0,1`) the ones this process runs, by default all.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_missing(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgres_url(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not value.strip().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError(
                "must be a postgresql:// URL, e.g. postgresql://coach@db.internal/coach"
            )
        return value.strip() if isinstance(value, str) else value

    @field_validator(
        "dev_guild_id",
        "sources_dir",
        "discord_api_base",
        "discord_gateway_url",
        "shard_count",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"'{value}' is not an IANA timezone name (e.g. Europe/London)"
            ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"'{value}' is not one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("discord_api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(
                f"'{value}' must be an http(s) URL such as http://127.0.0.1:8080/api/v10"
            )
        return value.rstrip("/") if value else value

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("ws://", "wss://")):
            raise ValueError(f"'{value}' must be a ws(s) URL such as ws://127.0.0.1:8080/")
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: Any) -> Any:
        """`0,1`, `0, 1` or a single `1` (from the environment, always text) to numbers."""
        if not isinstance(value, str):
            return (value,) if isinstance(value, int) else value
        if not value.strip():
            return None  # blank: unset (this runs before the shared blank check)
        parts = [part.strip() for part in value.split(",")]
        if not all(re.fullmatch(r"-?[0-9]+", part) for part in parts):
            raise ValueError(f"'{value}' must be shard numbers separated by commas, e.g. 0,1")
        return tuple(int(part) for part in parts)

    @field_validator("shard_ids")
    @classmethod
    def _shards_within_count(
        cls, value: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        if value is None or "shard_count" not in info.data:
            return value  # unset, or SHARD_COUNT is wrong and already reported
        count = info.data["shard_count"]
        if count is None:
            raise ValueError(
                "set SHARD_COUNT too: the total number of shards (e.g. SHARD_COUNT=2 with "
                "SHARD_IDS=0 in one process and SHARD_IDS=1 in the other)"
            )
        problems = [
            f"shard {shard} is not one of 0 to {count - 1} (SHARD_COUNT={count})"
            for shard in value
            if not 0 <= shard < count
        ]
        twice = sorted({shard for shard in value if value.count(shard) > 1})
        if twice:
            many = len(twice) > 1
            listed = ", ".join(map(str, twice))
            problems.append(
                f"shard{'s' if many else ''} {listed} {'are' if many else 'is'} listed twice"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @property
    def sharding(self) -> Sharding | None:
        """None for one unsharded process; else the shard count and the shards this process
        runs (all of them when SHARD_IDS is unset)."""
        if self.shard_count is None:
            return None
        return Sharding(self.shard_count, self.shard_ids or tuple(range(self.shard_count)))

    @property
    def token(self) -> str:
        """The bot token; only `coach run` and `coach sync` ask for it."""
        if self.discord_token is None:
            raise ConfigError(
                ["DISCORD_TOKEN is not set: put your bot token in .env (see .env.example)"]
            )
        return self.discord_token.get_secret_value()

    @property
    def resolved_sources_dir(self) -> Path | None:
        """The source articles, if this checkout has them (../shared/sources by default)."""
        candidate = self.sources_dir or PROJECT_ROOT.parent / "shared" / "sources"
        return candidate if candidate.is_dir() else None

    @property
    def grace_seconds(self) -> float:
        return self.reminder_grace_hours * 3600

    @property
    def unanswered_retention(self) -> timedelta:
        return timedelta(days=self.unanswered_retention_days)


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning pydantic's errors into one readable line per variable."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        errors = exc.errors()
        fields = tuple(str(err["loc"][0]) for err in errors if err.get("loc"))
        raise ConfigError([_describe(err) for err in errors], fields) from None
    except OSError as exc:  # e.g. .env owned by root, mode 600, and the bot runs as runclub
        where = exc.filename or ".env"
        raise ConfigError(
            [
                f"cannot read {where}: {exc.strerror or exc} (it must be readable by the user that "
                "runs the bot; see README step 2)"
            ],
            (),
        ) from None
    return settings


_BOUNDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _describe(error: Any) -> str:
    name = str(error["loc"][0]).upper() if error.get("loc") else "CONFIG"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if name == "DISCORD_TOKEN":  # never echo anything derived from the secret
        return "DISCORD_TOKEN: invalid value (see .env.example)"
    if name == "DATABASE_URL" and error.get("type") != "value_error":
        return "DATABASE_URL: invalid value (see .env.example)"  # it may hold a password
    if error.get("type", "").endswith("_parsing") or error.get("type") in _BOUNDS:
        message = f"{message} (got {error.get('input')!r})"
    return f"{name}: {message}"


class _NoVoiceNoise(logging.Filter):
    """discord.py warns about missing voice libraries at start-up; this bot never uses voice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    logging.getLogger("discord.client").addFilter(_NoVoiceNoise())
    logging.getLogger("discord.http").setLevel(max(logging.INFO, logging.getLevelName(level)))
