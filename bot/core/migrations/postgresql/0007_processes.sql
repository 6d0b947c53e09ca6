-- PostgreSQL twin of sqlite/0007_processes.sql: claim holders, live processes (heartbeats) and
-- the shared send pacing that keeps every process together under Discord's global limit.
ALTER TABLE reminder_occurrences ADD COLUMN claimed_by TEXT;

CREATE TABLE processes (
    id          TEXT PRIMARY KEY,
    shards      TEXT NOT NULL,
    shard_count INTEGER NOT NULL CHECK (shard_count >= 1),
    started_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);

CREATE TABLE send_pacing (
    name    TEXT PRIMARY KEY,
    next_at DOUBLE PRECISION NOT NULL
);
INSERT INTO send_pacing (name, next_at) VALUES ('global', 0);
