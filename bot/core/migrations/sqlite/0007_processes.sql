-- Issue 14: several bot processes sharing one database (sharded, docs/scaling.md).
-- Which process holds a claimed post: a claim whose process stopped beating is taken over by
-- a live one (resent under the same nonce, so Discord keeps one message).
ALTER TABLE reminder_occurrences ADD COLUMN claimed_by TEXT;

-- One row per running bot process: the shards it serves ("0,1"), of how many, and when it last
-- said it was alive. A process whose heartbeat is stale has its servers' posts delivered by
-- the others (failover); a process deletes its row when it stops cleanly.
CREATE TABLE processes (
    id          TEXT PRIMARY KEY,
    shards      TEXT NOT NULL,
    shard_count INTEGER NOT NULL CHECK (shard_count >= 1),
    started_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);

-- Discord's global rate limit is per bot token, across every process: each send reserves the
-- next slot here (`next_at`, seconds since the epoch), spacing all processes' sends evenly.
CREATE TABLE send_pacing (
    name    TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);
INSERT INTO send_pacing (name, next_at) VALUES ('global', 0);
