"""The one way instants are stored: whole-second UTC ISO-8601 text ending in Z.

Sortable as text, stable as part of a key (the reminder ledger's), and the same in every table.
"""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_iso(instant: datetime) -> str:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}")
    return instant.astimezone(UTC).strftime(_FORMAT)


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
