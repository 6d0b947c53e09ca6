"""Route matching and request-body validation against Discord's published OpenAPI spec."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

DEFAULT_SPEC_PATH = (
    Path(__file__).resolve().parents[4] / "shared" / "discord-api-spec" / "openapi.json"
)
_PARAM = re.compile(r"\{[^/}]+\}")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str


def _template_regex(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    names = _PARAM.findall(template)
    pattern = re.escape(parts[0])
    for name, tail in zip(names, parts[1:], strict=True):
        pattern += f"(?P<{name[1:-1]}>[^/]+)" + re.escape(tail)
    return re.compile(pattern + "$")


class RouteTable:
    """Maps a concrete path to the spec's path template; literal segments win over params."""

    def __init__(self, templates: list[str]) -> None:
        # More literal characters first, so /users/@me beats /users/{user_id}.
        ordered = sorted(templates, key=lambda t: -len(_PARAM.sub("", t)))
        self._routes = [(t, _template_regex(t)) for t in ordered]

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        for template, regex in self._routes:
            m = regex.match(path)
            if m:
                return template, m.groupdict()
        return None


def _errors_tree(errors: list[Any]) -> dict[str, Any]:
    """Discord's nested 50035 shape: {"field": {"0": {"_errors": [{code, message}]}}}."""
    tree: dict[str, Any] = {}
    for err in errors:
        node = tree
        for part in err.absolute_path:
            node = node.setdefault(str(part), {})
        message = err.message if len(err.message) <= 200 else err.message[:200] + "..."
        node.setdefault("_errors", []).append(
            {"code": f"SCHEMA_{err.validator.upper()}", "message": message}
        )
    return tree


# Discord enforces 2000 characters of content for bots although the spec allows 4000 (Nitro users).
BOT_CONTENT_LIMIT = 2000


def bot_limit_errors(body: Any) -> dict[str, Any] | None:
    """Limits Discord applies to bots beyond the published schema."""
    if not isinstance(body, dict):
        return None
    inner = body.get("data")
    for path, holder in ((["content"], body), (["data", "content"], inner)):
        content = holder.get("content") if isinstance(holder, dict) else None
        if isinstance(content, str) and len(content) > BOT_CONTENT_LIMIT:
            tree: dict[str, Any] = {}
            node = tree
            for part in path:
                node = node.setdefault(part, {})
            node["_errors"] = [
                {
                    "code": "BASE_TYPE_MAX_LENGTH",
                    "message": f"Must be {BOT_CONTENT_LIMIT} or fewer in length.",
                }
            ]
            return tree
    return None


class SpecValidator:
    def __init__(self, spec_path: Path) -> None:
        self.spec: dict[str, Any] = json.loads(spec_path.read_text(encoding="utf-8"))
        # Discord accepts snowflakes as JSON integers too (discord.py sends some that way);
        # the spec only lists the string form.
        schemas = self.spec["components"]["schemas"]
        schemas["SnowflakeType"] = {
            "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
        }
        self.routes = RouteTable(list(self.spec["paths"]))
        self._validators: dict[Operation, Draft202012Validator | None] = {}

    def has_operation(self, method: str, template: str) -> bool:
        return method.lower() in self.spec["paths"].get(template, {})

    def _validator(self, op: Operation) -> Draft202012Validator | None:
        if op not in self._validators:
            operation = self.spec["paths"].get(op.template, {}).get(op.method.lower(), {})
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            self._validators[op] = (
                None
                if schema is None
                else Draft202012Validator({**schema, "components": self.spec["components"]})
            )
        return self._validators[op]

    def validate(self, method: str, template: str, body: Any) -> dict[str, Any] | None:
        """Return Discord-style error tree, or None when the body is valid."""
        validator = self._validator(Operation(method.upper(), template))
        if validator is None:
            return None
        errors = list(validator.iter_errors(body))
        return _errors_tree(errors) if errors else None
