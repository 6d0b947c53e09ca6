"""RunClub Coach: a self-hosted Discord bot for running clubs."""

__version__ = "0.1.0"
