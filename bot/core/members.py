"""Forgetting a member: each feature registers what it stores about members, the core runs them.

`/profile delete` must erase everything, and no central list should know every feature's tables
(a new feature would silently be missed). Each feature registers a `forget_member(user_id)` when
it is built; `forget` runs them all in one transaction, so a member is forgotten entirely or not
at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.db import Database

ForgetMember = Callable[[int], Awaitable[int]]  # user id -> rows removed or unlinked


class MemberData:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._forgetters: dict[str, ForgetMember] = {}

    def register(self, feature: str, forget: ForgetMember) -> None:
        if feature in self._forgetters:
            raise ValueError(f"{feature} already registered how to forget a member")
        self._forgetters[feature] = forget

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(self._forgetters)

    async def forget(self, user_id: int) -> int:
        """Erase the member from every feature; how many rows were removed or unlinked."""
        removed = 0
        async with self._db.transaction():
            for forget in self._forgetters.values():
                removed += await forget(user_id)
        return removed
