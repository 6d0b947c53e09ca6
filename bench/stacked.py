"""An async context set up on one exit stack: what a failed set-up did is undone, and leaving
undoes everything in reverse. The benches' bot sessions (load.py, scale.py) are built on it."""

from __future__ import annotations

import contextlib
from typing import Self


class Stacked:
    """Subclasses do their set-up in `_open`, registering each clean-up on `stack`."""

    _stack: contextlib.AsyncExitStack

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._stack = contextlib.AsyncExitStack()
        await self._stack.__aenter__()
        try:
            await self._open(self._stack)
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()
