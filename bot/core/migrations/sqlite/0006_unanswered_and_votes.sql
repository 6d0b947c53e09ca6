-- Issue 12: what /faq could not answer, and members' votes on its answers.
-- Instants are UTC ISO-8601 strings ending in Z. Entry refs are an article entry's id (its slug)
-- or `club:<n>` for a club entry. AUTOINCREMENT: an id is never reused, so a button carrying one
-- never reaches a later row after its own was deleted.

-- A question /faq abstained on, for the server it was asked in: the text as typed, the nearest
-- entries (a JSON list of entry refs) and when. Never who asked, nor in which channel.
-- Deleted after UNANSWERED_RETENTION_DAYS (bot/features/faq/retention.py).
CREATE TABLE unanswered (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    nearest  TEXT NOT NULL DEFAULT '[]',
    asked_at TEXT NOT NULL
);
CREATE INDEX unanswered_by_guild ON unanswered (guild_id, asked_at);
CREATE INDEX unanswered_by_time ON unanswered (asked_at);

-- One row per public /faq answer: its id is in the answer's vote buttons, so a vote knows the
-- entry and the question that led to it. Never who asked. Same retention as `unanswered`.
CREATE TABLE answers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    entry_ref   TEXT NOT NULL,
    question    TEXT NOT NULL,
    answered_at TEXT NOT NULL
);
CREATE INDEX answers_by_guild ON answers (guild_id, entry_ref);
CREATE INDEX answers_by_time ON answers (answered_at);

-- A member's "Helpful" / "Not helpful" on one answer: one per member per answer, changeable.
-- Member data: /profile delete erases a member's votes; they go with their answer at retention.
CREATE TABLE votes (
    answer_id INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    helpful   INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    voted_at  TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
CREATE INDEX votes_by_user ON votes (user_id);
CREATE INDEX votes_by_time ON votes (voted_at);
