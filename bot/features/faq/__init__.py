"""The FAQ: curated answers from the knowledge base, matched to members' own wording.

- `knowledge.py` (the typed entries), `loader.py` (Markdown files validated with file and
  line), `store.py` (the live snapshot, swapped whole by `/kb reload`).
- `text.py`, `analyzer.py`, `matching.py`, `decision.py`, `semantic.py`, `ranker.py`: the pure
  matcher (no Discord, no database) that picks one entry or abstains honestly; `tuning.py` reads
  its generated weight files; `embedding.py` runs the sentence-embedding model (fine-tuned
  by bench/finetune, shipped in `model/`) that `model_build.py` installs.
- `handlers.py`: /faq, /topics, /kb reload and their buttons, transport-free; `cog.py` declares
  them for Discord; `cli.py`: `coach ask`.
- Club entries, each server's own questions and answers: `club.py` (pure: the entry, its limits
  and validation, the club file, `ClubIndex` and how it is matched beside the articles),
  `club_tuning.py` (that matching's threshold and weights: knowledge/club.yaml, validated),
  `club_repository.py` (the table), `club_store.py` (each server's live index),
  `club_handlers.py` (/kb add|edit|remove|list and the entry form), `kb_cli.py` (`coach kb`).
Templates: `templates/faq/`. Other features use the knowledge through the names below.
"""

from bot.features.faq.club_handlers import entry_form
from bot.features.faq.club_repository import ClubRepository
from bot.features.faq.club_store import ClubStore
from bot.features.faq.cog import FaqCog
from bot.features.faq.cooldown import RepeatCooldown
from bot.features.faq.embedding import Encoder, open_encoder
from bot.features.faq.handlers import FaqContext, entry_button
from bot.features.faq.knowledge import Entry, KnowledgeBase
from bot.features.faq.loader import KnowledgeError, validate_knowledge
from bot.features.faq.model_build import ModelBuildError
from bot.features.faq.store import KnowledgeStore

__all__ = [
    "ClubRepository",
    "ClubStore",
    "Encoder",
    "Entry",
    "FaqCog",
    "FaqContext",
    "KnowledgeBase",
    "KnowledgeError",
    "KnowledgeStore",
    "ModelBuildError",
    "RepeatCooldown",
    "entry_button",
    "entry_form",
    "open_encoder",
    "validate_knowledge",
]
