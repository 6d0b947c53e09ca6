"""A small least-recently-used memory for answers that are pure functions of their key."""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` values; the least recently used goes first when a new one comes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}  # least recently used first

    def get(self, key: K) -> V | None:
        value = self._values.pop(key, None)
        if value is not None:
            self._values[key] = value  # now the most recently used
        return value

    def put(self, key: K, value: V) -> V:
        self._values.pop(key, None)
        if len(self._values) >= self.size:
            self._values.pop(next(iter(self._values)))
        self._values[key] = value
        return value

    def clear(self) -> None:
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
