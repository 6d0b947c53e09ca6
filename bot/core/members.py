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
HoldsMember = Callable[[int], Awaitable[bool]]  # user id -> does the feature store anything?


async def _unknown(user_id: int) -> bool:
    return True  # a feature that can't tell: /profile delete always offers to erase


class MemberData:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._forgetters: dict[str, ForgetMember] = {}
        self._holders: dict[str, HoldsMember] = {}

    def register(
        self, feature: str, forget: ForgetMember, holds: HoldsMember | None = None
    ) -> None:
        """`forget` erases the member from the feature; `holds` says whether there is anything
        to erase (so /profile delete can say "nothing stored" without a profile)."""
        if feature in self._forgetters:
            raise ValueError(f"{feature} already registered how to forget a member")
        self._forgetters[feature] = forget
        self._holders[feature] = holds or _unknown

    async def holds(self, user_id: int) -> bool:
        """Whether any feature stores something about the member."""
        for holds in self._holders.values():
            if await holds(user_id):
                return True
        return False

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
