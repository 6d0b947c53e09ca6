"""`coach ask`: answer a question (or a file of them) from the command line, as /faq would."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.core.commandline import CliError
from bot.core.render import Renderer
from bot.core.settings import Settings
from bot.core.terminal import reply_text
from bot.features.faq.embedding import open_encoder
from bot.features.faq.handlers import reply_for
from bot.features.faq.knowledge import KnowledgeBase
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
    ask.set_defaults(handler=cmd_ask)
    model = sub.add_parser("model", help="build the FAQ's embedding model (once; make does it)")
    model.set_defaults(handler=cmd_model)


def cmd_model(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or verify) the model in EMBEDDING_DIR and embed the knowledge's labels."""
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
    kb, matcher = store.kb, store.matcher
    questions = [args.question] if args.batch is None else _read_batch(args.batch)
    out = sys.stdout
    for question in questions:
        if args.json:
            out.write(
                json.dumps(answer_json(renderer, kb, matcher, question), ensure_ascii=False) + "\n"
            )
        else:
            out.write(answer_text(renderer, kb, matcher, question) + "\n")
            if len(questions) > 1:
                out.write("\n")
    return 0


def _read_batch(path: Path) -> list[str]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"--batch: cannot read {path}: {exc.strerror}") from None
    return text.splitlines()


def answer_text(renderer: Renderer, kb: KnowledgeBase, matcher: Matcher, question: str) -> str:
    return reply_text(renderer, reply_for(renderer, kb, question, matcher.match(question)))


def answer_json(
    renderer: Renderer, kb: KnowledgeBase, matcher: Matcher, question: str
) -> dict[str, Any]:
    match = matcher.match(question)
    reply = reply_for(renderer, kb, question, match)
    entry = match.entry
    return {
        "question": question,
        "answered": entry is not None,
        "entry_id": entry.id if entry else None,
        "title": entry.title if entry else None,
        "text": reply_text(renderer, reply),
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
    }
