"""The core every feature builds on: settings, services, the bot and its command tree, the router
and its error policy, Discord I/O, templates and replies, the clock, and the database.

The core never imports a feature (checked by `make lint`); `bot/app.py` wires features to it.
"""
