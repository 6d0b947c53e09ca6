"""What every `coach` subcommand shares, in the core so features' CLIs need not import the CLI."""

from __future__ import annotations

EXIT_USAGE = 2  # a set-up mistake: one line, and systemd's RestartPreventExitStatus=2 stops


class CliError(Exception):
    """A problem the user fixes; printed as-is (one line each), exit status 2."""
