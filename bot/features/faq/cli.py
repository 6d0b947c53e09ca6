"""`coach ask`: answer a question (or a file of them) from the command line, as /faq would
(`--guild ID`: in that server, its club entries included); `coach model`; and the `coach kb`
commands (kb_cli.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.core.commandline import CliError
from bot.core.db import Database
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.core.terminal import reply_text
from bot.features.faq import club, kb_cli
from bot.features.faq.club import ClubEntry, ClubIndex, Verdict
from bot.features.faq.club_repository import ClubRepository
from bot.features.faq.embedding import Encoder, open_encoder
from bot.features.faq.handlers import verdict_reply
from bot.features.faq.insights_cli import register_gaps
from bot.features.faq.matching import Matcher
from bot.features.faq.store import KnowledgeStore


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ask = sub.add_parser("ask", help="answer a question as /faq would")
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--batch",
        type=Path,
        metavar="FILE",
        help="read one question per line from FILE ('-' for stdin)",
    )
    kb_cli.add_guild_option(
        ask,
        "answer as in this server: its club entries too (from the configured database)",
        required=False,
    )
    ask.set_defaults(handler=cmd_ask)
    model = sub.add_parser("model", help="install the FAQ's embedding model (once; make does it)")
    model.set_defaults(handler=cmd_model)
    register_gaps(kb_cli.register(sub), club_titles=club_titles)


async def club_titles(db: Database, guild_id: int) -> dict[str, str]:
    """`coach kb gaps`: the server's club entries' titles by ref."""
    entries = await ClubRepository(db).list_guild(guild_id)
    return {f"{club.CHOICE_PREFIX}{e.id}": e.question for e in entries}


def cmd_model(args: argparse.Namespace, settings: Settings) -> int:
    """Install (or verify) the model in EMBEDDING_DIR and embed the knowledge's labels."""
    encoder = open_encoder(settings.embedding_dir)
    KnowledgeStore.load(settings.knowledge_dir, settings.resolved_sources_dir, encoder)
    print(f"embedding model ready in {settings.embedding_dir} (sha256 {encoder.model_sha256[:12]})")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.question is None) == (args.batch is None):
        raise CliError("coach ask: give either a QUESTION or --batch FILE (not both)")
    renderer = Renderer(settings.templates_dir)
    encoder = open_encoder(settings.embedding_dir)
    store = KnowledgeStore.load(settings.knowledge_dir, settings.resolved_sources_dir, encoder)
    questions = [args.question] if args.batch is None else _read_batch(args.batch)
    index = (
        None if args.guild is None else _club_index(settings, args.guild, encoder, store.matcher)
    )
    out = sys.stdout
    for question in questions:
        if args.json:
            found = answer_json(renderer, store, question, index)
            out.write(json.dumps(found, ensure_ascii=False) + "\n")
        else:
            out.write(answer_text(renderer, store, question, index) + "\n")
            if len(questions) > 1:
                out.write("\n")
    return 0


def _club_index(settings: Settings, guild_id: int, encoder: Encoder, matcher: Matcher) -> ClubIndex:
    """The server's club entries as the bot would match them."""
    if not settings.database_path.is_file():
        raise CliError(f"--guild: no database at {settings.database_path} (check DATABASE_PATH)")

    async def read(repository: ClubRepository) -> list[ClubEntry]:
        return await repository.list_guild(guild_id)

    entries = kb_cli.with_repository(settings, read)
    return ClubIndex.build(entries, encoder, matcher.stop_words)


def _read_batch(path: Path) -> list[str]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"--batch: cannot read {path}: {exc.strerror}") from None
    return text.splitlines()


def _verdict(knowledge: KnowledgeStore, question: str, club_index: ClubIndex | None) -> Verdict:
    return club.answer(knowledge.matcher, club_index, question, knowledge.club_tuning)


def answer_text(
    renderer: Renderer,
    knowledge: KnowledgeStore,
    question: str,
    club_index: ClubIndex | None = None,
) -> str:
    verdict = _verdict(knowledge, question, club_index)
    return reply_text(renderer, verdict_reply(renderer, knowledge.kb, question, verdict))


def answer_json(
    renderer: Renderer,
    knowledge: KnowledgeStore,
    question: str,
    club_index: ClubIndex | None = None,
) -> dict[str, Any]:
    """/faq's answer as data. A club entry's answer (`"club": true`, only with --guild) has
    `entry_id` "club:<id>" (what /faq's suggestions send for it), its question as `title`, no
    sources, suggestions, close call or second part, and its matching score."""
    kb = knowledge.kb
    verdict = _verdict(knowledge, question, club_index)
    text = reply_text(renderer, verdict_reply(renderer, kb, question, verdict))
    if verdict.club is not None:
        found = verdict.club.entry
        return {
            "question": question,
            "answered": True,
            "entry_id": f"{club.CHOICE_PREFIX}{found.id}",
            "title": found.question,
            "text": text,
            "sources": [],
            "score": verdict.club.score,
            "suggestions": [],
            "close": None,
            "also": None,
            "club": True,
        }
    match = verdict.match
    entry = match.entry
    return {
        "question": question,
        "answered": entry is not None,
        "entry_id": entry.id if entry else None,
        "title": entry.title if entry else None,
        "text": text,
        "sources": [
            {
                "article": s.article,
                "cite": kb.articles[s.article].cite,
                "who": s.who,
                "quote": s.quote,
                # True only when the quote is `who`'s own words (a named person's speech).
                "speech": s.speech,
            }
            for s in (
                *(entry.sources if entry else ()),
                *(match.also.sources if match.also else ()),
            )
        ],
        "score": round(match.score, 4),
        "suggestions": [e.id for e in match.suggestions],
        # A close call's runner-up (the "Did you mean" button), or null.
        "close": match.close.id if match.close else None,
        # The other part of a two-part post, answered below the first, or null.
        "also": match.also.id if match.also else None,
        # True when one of the server's club entries answered (--guild), not the articles.
        "club": False,
    }
