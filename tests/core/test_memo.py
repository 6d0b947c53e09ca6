"""bot.core.memo.Recent: the least recently used value goes first."""

from __future__ import annotations

from bot.core.memo import Recent


def test_the_least_recently_used_goes_first() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "b" is now the least recently used
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, None, 3)
    assert len(recent) == 2
    recent.put("a", 4)  # a new value for a key: replaced, nothing else goes
    assert (recent.get("a"), recent.get("c"), len(recent)) == (4, 3, 2)
    recent.clear()
    assert len(recent) == 0 and recent.get("a") is None
