"""The planner: a member's profile and their personalised weekly hill, sprint and strength plan.

- `profile.py` (who the member is as a runner), `planner.py` (which session on which day),
  `sessions.py` (each session's volume), `content.py` + `content.yaml` (every word a member
  reads about a session), `calendar.py` (week numbers): pure, tested directly.
- `repository.py`: profiles in the database, and forgetting a member.
- `handlers.py`: /profile set|show|delete, /plan and their buttons, transport-free;
  `views.py`: how profiles and plans are shown; `cog.py` declares the commands for Discord;
  `cli.py`: `coach plan`.
Templates: `templates/planner/`.
"""

from bot.features.planner.cog import PlannerCog
from bot.features.planner.content import check_content
from bot.features.planner.handlers import PlannerContext, my_week_button
from bot.features.planner.repository import ProfileRepository

__all__ = ["PlannerCog", "PlannerContext", "ProfileRepository", "check_content", "my_week_button"]
