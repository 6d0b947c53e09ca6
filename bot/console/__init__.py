"""`coach console`: chat with the bot offline, through the real command tree and router.

- `session.py`: the console itself (typed lines in, reply text out).
- `parse.py`: a typed slash command parsed the way Discord's client would.
"""

from bot.console.session import Console, build_console_bot, run_console

__all__ = ["Console", "build_console_bot", "run_console"]
