"""The curated knowledge base: typed entries, topics and source articles (pure data)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Article:
    """One of the two source articles every entry draws on."""

    id: str
    file: str
    title: str
    cite: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where an answer comes from: the article, the expert or study if any, a verbatim quote.

    `speech` is true only when the quote is `who`'s own words (inside quotation marks in the
    article); otherwise it is the article's words: its account of `who`'s view or of a study, or
    (without `who`) simply its own."""

    article: str
    quote: str
    who: str | None = None
    speech: bool = False


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    aliases: tuple[str, ...]
    topic: str
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    body: str
    action: str | None = None
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """An immutable snapshot; `/kb reload` swaps in a new one rather than mutating this."""

    entries: Mapping[str, Entry]
    topics: tuple[Topic, ...]
    articles: Mapping[str, Article]
    source_dir: Path | None = field(default=None)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def people(self) -> tuple[str, ...]:
        """The persons whose own words the entries quote: the name part of a speech source's
        `who`, without abbreviated titles ("Dr. Pat Davidson, exercise physiologist" -> "Pat
        Davidson"), each once, in file order."""
        names = (
            " ".join(w for w in s.who.split(",")[0].split() if not w.endswith("."))
            for e in self
            for s in e.sources
            if s.speech and s.who
        )
        return tuple(dict.fromkeys(names))

    def by_topic(self) -> list[tuple[Topic, list[Entry]]]:
        """Topics in their declared order, each with its entries sorted by title."""
        grouped: list[tuple[Topic, list[Entry]]] = []
        for topic in self.topics:
            members = sorted((e for e in self if e.topic == topic.id), key=lambda e: e.title)
            if members:
                grouped.append((topic, members))
        return grouped
