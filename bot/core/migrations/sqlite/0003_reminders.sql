-- Per-server settings used by reminders: the default timezone and where failure notices go.
CREATE TABLE guild_settings (
    guild_id         INTEGER PRIMARY KEY,
    timezone         TEXT,
    admin_channel_id INTEGER,
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Weekly posts. Times are stored as the admin typed them (local wall clock + IANA zone) so DST
-- is worked out per occurrence, never baked in. Instants are UTC ISO-8601 strings ending in Z.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    time           TEXT NOT NULL,
    tz             TEXT NOT NULL,
    message        TEXT,
    role_id        INTEGER,
    ends_on        TEXT,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
    pause_reason   TEXT,
    -- 1 while the admins have not been told about an automatic pause (shown atop /reminder list)
    notice_pending INTEGER NOT NULL DEFAULT 0,
    -- Posts strictly after this instant are due: set on create, resume and schedule edits, so
    -- a resumed reminder never replays the weeks it was paused.
    anchor_utc     TEXT NOT NULL,
    created_by     INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX reminders_by_guild ON reminders (guild_id);
CREATE INDEX reminders_by_status ON reminders (status);

-- One row per post attempt of a scheduled occurrence. The UNIQUE key is the exactly-once lock:
-- inserting the 'claimed' row is the claim, and a second insert for the same post fails.
CREATE TABLE reminder_occurrences (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    reminder_id   INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    scheduled_utc TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'late', 'missed', 'failed')),
    nonce         TEXT,
    message_id    INTEGER,
    error         TEXT,
    claimed_at    TEXT NOT NULL,
    finished_at   TEXT,
    UNIQUE (reminder_id, scheduled_utc)
);
CREATE INDEX reminder_occurrences_by_state ON reminder_occurrences (state);
