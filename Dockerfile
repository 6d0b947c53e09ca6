# RunClub Coach in a container. Build and run (see docs/operations.md):
#   docker build -t runclub-coach .
#   docker run -d --name runclub-coach --restart unless-stopped --env-file .env \
#       --stop-timeout 30 -v runclub-data:/app/data runclub-coach
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin coach

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY templates ./templates
# Editable, as `make` installs it: the templates, knowledge files and SQL migrations are read from
# /app, where the settings' defaults point (a plain wheel would not carry them).
RUN pip install -e . \
    && mkdir -p /app/data \
    && chown coach:coach /app/data

USER coach
# The SQLite database (profiles, reminders): keep it on a volume so upgrades don't lose it.
VOLUME ["/app/data"]
# SIGTERM: in-flight replies finish, the reminder dispatcher stops, the database closes.
STOPSIGNAL SIGTERM
CMD ["coach", "run"]
