"""/about: what the bot does, its version and uptime, every command, and its two sources.

- `cog.py`: the slash command.
- `handlers.py`: the transport-free handler and its context (the catalog comes from the core,
  the articles from the FAQ feature's knowledge).
Templates: `templates/about/`.
"""

from bot.features.about.cog import AboutCog
from bot.features.about.handlers import AboutContext

__all__ = ["AboutCog", "AboutContext"]
