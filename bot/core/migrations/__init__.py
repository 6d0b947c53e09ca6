"""Numbered SQL migrations, one folder per backend (`sqlite/`, `postgresql/`): NNNN_name.sql,
the same numbers and tables in both, applied once each in order by bot.core.db."""
