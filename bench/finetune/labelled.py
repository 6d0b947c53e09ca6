"""The fit's texts: every committed set's questions, the aliases, and the entry titles.

The rows come in bench.faq_fit.Data's order (sets as FIT_FILES lists them, then each entry's
aliases), so fold numbers agree between the tuning and the ranker's cross-fitting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bench.faq import FIT_FILES, KNOWLEDGE, ROOT
from bench.faq_fit import ALIASES
from bot.features.faq.loader import load_folder


@dataclass(frozen=True)
class Labelled:
    group: str
    question: str
    right: tuple[int, ...]
    in_scope: bool


def labelled(without: frozenset[str] = frozenset()) -> tuple[list[str], list[Labelled], list[str]]:
    """(entry titles, rows in bench.faq_fit.Data's order, groups), leaving out the sets named."""
    sources = ROOT.parent / "shared" / "sources"
    kb = load_folder(KNOWLEDGE, sources if sources.is_dir() else None, with_ranker=False).kb
    entries = list(kb)
    ids = [e.id for e in entries]
    rows = []
    files = [p for p in FIT_FILES if p.name not in without]
    for path in files:
        for line in path.read_text().splitlines():
            if line.strip():
                raw = json.loads(line)
                right = tuple(ids.index(x) for x in (raw["id"], *raw.get("alt", ())) if x in ids)
                in_scope = bool(raw.get("answerable", raw["id"] is not None))
                rows.append(Labelled(path.name, raw["q"], right, in_scope))
    for i, entry in enumerate(entries):
        rows.extend(Labelled(ALIASES, alias, (i,), True) for alias in entry.aliases)
    return [e.title for e in entries], rows, [p.name for p in files] + [ALIASES]
