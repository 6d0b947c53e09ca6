"""The benches' set-up-on-one-stack context: a failed set-up undoes what it had done, and
leaving undoes everything, last first."""

from __future__ import annotations

import contextlib

import pytest

from bench.stacked import Stacked


class Steps(Stacked):
    def __init__(self, fail_after: int | None = None) -> None:
        self.log: list[str] = []
        self.fail_after = fail_after

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        for step in ("fake", "bot", "load"):
            self.log.append(f"open {step}")
            stack.callback(self.log.append, f"close {step}")
            if step == self.fail_after:
                raise RuntimeError(f"{step} never became ready")


async def test_leaving_undoes_every_step_last_first() -> None:
    async with Steps() as steps:
        assert steps.log == ["open fake", "open bot", "open load"]
    assert steps.log[3:] == ["close load", "close bot", "close fake"]


async def test_a_failed_set_up_undoes_what_it_did_and_raises() -> None:
    steps = Steps(fail_after="bot")
    with pytest.raises(RuntimeError, match="bot never became ready"):
        async with steps:
            pytest.fail("the body must not run")
    assert steps.log == ["open fake", "open bot", "close bot", "close fake"]
