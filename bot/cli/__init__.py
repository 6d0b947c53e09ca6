"""`coach`: the command line (run, console, check, sync, invite and each feature's subcommands)."""

from bot.cli.main import main

__all__ = ["main"]
