"""`coach check`: validate configuration, knowledge, content and templates, each problem with
its file and line."""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from bot.core.db import StorageError, prepare_folder
from bot.core.render import Renderer
from bot.core.settings import ConfigError, Settings, load_settings
from bot.features.faq import ModelBuildError, open_encoder, validate_knowledge
from bot.features.planner import check_content
from bot.features.reminders import default_timezone_problem


def cmd_check(args: argparse.Namespace, settings: Settings | None) -> int:
    """Every problem with the set-up at once: configuration, knowledge (entries, vocabulary,
    decision and ranker weights), the embedding model, the planner's content and the templates.
    Loads the settings itself, since a bad setting is one of the problems it reports."""
    problems: list[str] = []
    try:
        settings = load_settings()
    except ConfigError as exc:
        problems.extend(exc.problems)
        settings = _settings_without(exc.fields)
    if why := default_timezone_problem(settings.default_timezone):
        problems.append(why)
    try:
        prepare_folder(settings.database_path)
    except StorageError as exc:
        problems.append(str(exc))
    sources = settings.resolved_sources_dir
    kb, kb_problems = validate_knowledge(settings.knowledge_dir, sources)
    problems.extend(str(p) for p in kb_problems)
    problems.extend(check_content())
    try:
        open_encoder(settings.embedding_dir)  # built once if missing; verified either way
    except ModelBuildError as exc:
        problems.append(f"{settings.embedding_dir}: the FAQ's embedding model: {exc}")
    renderer = Renderer(settings.templates_dir)
    template_problems = renderer.check()
    problems.extend(template_problems)
    if problems:
        print(renderer.text("cli/check.j2", problems=problems), file=sys.stderr)
        return 1
    print(
        renderer.text(
            "cli/check.j2",
            problems=[],
            entries=len(kb) if kb else 0,
            quotes_checked=sources is not None,
            templates=len(list(settings.templates_dir.rglob("*.j2"))),
        )
    )
    return 0


def _settings_without(bad: tuple[str, ...]) -> Settings:
    """The configuration with only the bad fields reset to defaults, so `check` still checks the
    configured KNOWLEDGE_DIR/TEMPLATES_DIR when, say, DEFAULT_TIMEZONE is wrong."""
    defaults = {name: Settings.model_fields[name].default for name in bad}
    try:
        return Settings(**defaults)
    except ValidationError:
        return Settings.model_construct()
