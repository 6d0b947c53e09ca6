-- Issue 12: each server's own questions and answers ("club entries"), written by its organisers
-- in Discord (/kb add) or imported from a file (coach kb import). Club data, not member data: no
-- user ids are stored. `question_key` is the question's folded words (faq/club.py question_key):
-- one entry per question per server, and what an import matches existing entries on. `aliases`
-- is a JSON array of strings: the other ways members ask it. Limits as in faq/club.py.
CREATE TABLE club_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    question     TEXT NOT NULL CHECK (length(question) BETWEEN 1 AND 120),
    question_key TEXT NOT NULL CHECK (question_key <> ''),
    aliases      TEXT NOT NULL DEFAULT '[]' CHECK (
        json_valid(aliases) AND json_type(aliases) = 'array' AND json_array_length(aliases) <= 20
    ),
    answer       TEXT NOT NULL CHECK (length(answer) BETWEEN 1 AND 1500),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (guild_id, question_key)
);

-- A counter per server that every change to its entries moves (by trigger, so a change made by
-- another process, e.g. `coach kb import` while the bot runs, counts too): the bot rebuilds a
-- server's club matcher when its counter has moved.
CREATE TABLE club_revisions (
    guild_id INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL
);
CREATE TRIGGER club_entry_added AFTER INSERT ON club_entries BEGIN
    INSERT OR IGNORE INTO club_revisions (guild_id, revision) VALUES (NEW.guild_id, 0);
    UPDATE club_revisions SET revision = revision + 1 WHERE guild_id = NEW.guild_id;
END;
CREATE TRIGGER club_entry_changed AFTER UPDATE ON club_entries BEGIN
    INSERT OR IGNORE INTO club_revisions (guild_id, revision) VALUES (NEW.guild_id, 0);
    UPDATE club_revisions SET revision = revision + 1 WHERE guild_id IN (OLD.guild_id, NEW.guild_id);
END;
CREATE TRIGGER club_entry_removed AFTER DELETE ON club_entries BEGIN
    INSERT OR IGNORE INTO club_revisions (guild_id, revision) VALUES (OLD.guild_id, 0);
    UPDATE club_revisions SET revision = revision + 1 WHERE guild_id = OLD.guild_id;
END;
