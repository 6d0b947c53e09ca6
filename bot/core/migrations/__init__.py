"""Numbered SQL migrations (NNNN_name.sql), applied once each in order by bot.core.db."""
