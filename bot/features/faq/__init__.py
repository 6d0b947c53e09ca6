"""The FAQ: curated answers from the knowledge base, matched to members' own wording.

- `knowledge.py` (the typed entries), `loader.py` (Markdown files validated with file and
  line), `store.py` (the live snapshot, swapped whole by `/kb reload`).
- `text.py`, `analyzer.py`, `matching.py`, `decision.py`, `semantic.py`, `ranker.py`: the pure
  matcher (no Discord, no database) that picks one entry or abstains honestly; `tuning.py` reads
  its generated weight files; `embedding.py` runs the sentence-embedding model that
  `model_build.py` makes from an installed package.
- `handlers.py`: /faq, /topics, /kb reload and their buttons, transport-free; `cog.py` declares
  them for Discord; `cli.py`: `coach ask`.
Templates: `templates/faq/`. Other features use the knowledge through the names below.
"""

from bot.features.faq.cog import FaqCog
from bot.features.faq.cooldown import RepeatCooldown
from bot.features.faq.embedding import Encoder, open_encoder
from bot.features.faq.handlers import FaqContext, entry_button
from bot.features.faq.knowledge import Entry, KnowledgeBase
from bot.features.faq.loader import KnowledgeError, validate_knowledge
from bot.features.faq.model_build import ModelBuildError
from bot.features.faq.store import KnowledgeStore

__all__ = [
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
    "open_encoder",
    "validate_knowledge",
]
