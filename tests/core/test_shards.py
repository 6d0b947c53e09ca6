"""Which shard a server is on (Discord's formula), and which this process serves."""

from __future__ import annotations

import pytest

from bot.core.shards import Sharding, shard_of


def test_shard_of_is_discords_formula() -> None:
    # A real server id: its timestamp part (id >> 22) is 46977624770.
    assert shard_of(197038439483310086, 1) == 0
    assert shard_of(197038439483310086, 2) == 0
    assert shard_of(197038439483310086, 4) == 2
    assert [shard_of(n << 22, 3) for n in range(6)] == [0, 1, 2, 0, 1, 2]
    assert shard_of((5 << 22) | 0x3FFFFF, 4) == 1  # the low 22 bits don't matter


def test_shard_of_refuses_no_shards() -> None:
    with pytest.raises(ValueError):
        shard_of(42, 0)


def test_sharding_serves_its_own_servers_and_shard_zero_syncs() -> None:
    mine = Sharding(count=2, ids=(1,))
    assert mine.serves(1 << 22) and not mine.serves(2 << 22)
    assert not mine.syncs_commands
    assert Sharding(2, (0, 1)).syncs_commands
    assert Sharding(2, (0, 1)) == (2, (0, 1))  # also a plain (count, ids) pair
