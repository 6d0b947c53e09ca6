"""The live knowledge base, its matcher and the club matching tuning, swapped together on
`/kb reload`.

The matcher is built from the whole folder (entries, vocabulary, decision and ranker weights)
and the embedding model, loaded once per process; a reload re-reads and validates every file,
and a problem in any of them keeps the old snapshot (knowledge, ranker and club tuning) live.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.features.faq.club_tuning import ClubTuning
from bot.features.faq.embedding import Encoder
from bot.features.faq.knowledge import KnowledgeBase
from bot.features.faq.loader import KnowledgeError, Problem, load_folder
from bot.features.faq.matching import Matcher

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Snapshot:
    kb: KnowledgeBase
    matcher: Matcher
    club_tuning: ClubTuning


class KnowledgeStore:
    def __init__(
        self,
        knowledge_dir: Path,
        source_dir: Path | None,
        snapshot: Snapshot,
        encoder: Encoder | None = None,
    ) -> None:
        self.knowledge_dir = knowledge_dir
        self.source_dir = source_dir
        self.encoder = encoder
        self._snapshot = snapshot

    @classmethod
    def load(
        cls, knowledge_dir: Path, source_dir: Path | None, encoder: Encoder | None = None
    ) -> KnowledgeStore:
        """Raises KnowledgeError naming every broken file, so start-up stops with a clear list.
        Without an encoder the matcher is lexical only (tests of the lexical part, tools)."""
        snapshot = _build(knowledge_dir, source_dir, encoder)
        return cls(knowledge_dir, source_dir, snapshot, encoder)

    @property
    def kb(self) -> KnowledgeBase:
        return self._snapshot.kb

    @property
    def matcher(self) -> Matcher:
        return self._snapshot.matcher

    @property
    def club_tuning(self) -> ClubTuning:
        """When a server's club entry answers instead (knowledge/club.yaml; club.py)."""
        return self._snapshot.club_tuning

    def reload(self) -> list[Problem]:
        """Re-read the folder; on any problem the old knowledge stays live."""
        try:
            snapshot = _build(self.knowledge_dir, self.source_dir, self.encoder)
        except KnowledgeError as exc:
            log.warning("knowledge reload rejected: %s", exc)
            return list(exc.problems)
        self._snapshot = snapshot
        log.info("knowledge reloaded: %d entries", len(snapshot.kb))
        return []


def _build(knowledge_dir: Path, source_dir: Path | None, encoder: Encoder | None) -> Snapshot:
    knowledge = load_folder(knowledge_dir, source_dir)
    ranker = knowledge.ranker
    semantic = (encoder, ranker) if encoder is not None and ranker is not None else None
    matcher = Matcher(knowledge.kb, knowledge.vocabulary, knowledge.decision, semantic)
    return Snapshot(knowledge.kb, matcher, knowledge.club_tuning)
