"""The reminder post itself: custom message, the week's focus and tip, the "My version" button."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.core.render import Renderer
from bot.core.replies import Reply
from bot.features.faq import KnowledgeBase
from bot.features.planner import my_week_button
from bot.features.reminders.focus import weekly_focus
from bot.features.reminders.repository import Reminder

NONCE_LIMIT = 25  # Discord's maximum nonce length
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_MENTION = re.compile(r"<@(&?)(!?[0-9]+)>")
_ZERO_WIDTH_SPACE = "\u200b"


def organiser_text(text: str | None, role_id: int | None = None) -> str | None:
    """An admin's own message as they wrote it: Discord formatting (bold, italics, links, line
    breaks) kept, unlike a member's text. @everyone, @here and every mention but the reminder's
    own role are broken with a zero-width space, so they show but never resolve (nor ping:
    allowed_mentions holds only the chosen role as well)."""
    if text is None:
        return None

    def mention(match: re.Match[str]) -> str:
        if match[1] and role_id is not None and match[2] == str(role_id):
            return match[0]
        return "<@" + _ZERO_WIDTH_SPACE + match[1] + match[2] + ">"

    text = _MENTION.sub(mention, text)
    return _MASS_MENTION.sub("@" + _ZERO_WIDTH_SPACE + r"\1", text)


def occurrence_nonce(reminder_id: int, scheduled: datetime) -> str:
    """Same occurrence, same nonce, in every process: a resend dedupes against the first send."""
    nonce = f"r{reminder_id}t{int(scheduled.timestamp())}"
    if len(nonce) > NONCE_LIMIT:  # pragma: no cover - ids would need 13+ digits
        raise ValueError(f"nonce too long: {nonce}")
    return nonce


def test_nonce(reminder_id: int, now: datetime) -> str:
    # Distinct from every occurrence nonce ("x" not "t"), so a test post never swallows a real one.
    return f"r{reminder_id}x{int(now.timestamp())}"


def render_post(
    renderer: Renderer,
    kb: KnowledgeBase,
    reminder: Reminder,
    due: datetime,
    *,
    late: bool = False,
    test: bool = False,
    ephemeral: bool = False,
) -> Reply:
    """The post for the occurrence due at `due` (its focus is the club's local week of `due`)."""
    local = due.astimezone(reminder.schedule.zone)
    focus = weekly_focus(local.date(), kb)
    source = focus.tip.sources[0] if focus.tip.sources else None
    article = kb.articles.get(source.article) if source is not None else None
    return renderer.reply(
        "reminders/post.j2",
        ephemeral=ephemeral,
        buttons=(my_week_button(),),
        # The only mention a reminder may make, and only if the admin picked a role.
        mention_roles=(reminder.role_id,) if reminder.role_id and not ephemeral else (),
        reminder=reminder,
        message=organiser_text(reminder.message, reminder.role_id),
        focus=focus,
        source=source,
        article=article,
        due=due.astimezone(UTC),
        local=local,
        late=late,
        test=test,
    )
