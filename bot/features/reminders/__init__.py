"""Weekly reminders: admins schedule club posts by weekday, time and timezone; server settings.

- `schedule.py`, `timezones.py`, `focus.py`: pure (weekly occurrences across DST, timezone
  names, the week's focus). `repository.py`: reminders and the exactly-once ledger of their
  posts; `guild_settings.py`: per-server timezone and admin channel.
- `dispatcher.py`: the one task that posts, with `pacing.py`, `ports.py` (what it needs from a
  transport) and `sender.py` (Discord's REST API); `post.py` renders a post.
- `handlers.py` (/reminder ...), `settings_handlers.py` (/settings ...), transport-free;
  `cog.py` declares them and starts/stops the dispatcher; `cli.py`: `coach reminders preview`.
Templates: `templates/reminders/`.
"""

from bot.features.reminders.cog import RemindersCog
from bot.features.reminders.handlers import RemindersContext
from bot.features.reminders.timezones import not_a_place

__all__ = ["RemindersCog", "RemindersContext", "default_timezone_problem"]


def default_timezone_problem(zone: str) -> str | None:
    """DEFAULT_TIMEZONE must be a place (or UTC), like a reminder's: one line why not, or None."""
    why = not_a_place(zone)
    return None if why is None else f"DEFAULT_TIMEZONE: {why}"
