-- PostgreSQL twin of sqlite/0002_profiles.sql: one training profile per Discord user.
-- Discord ids are BIGINT (snowflakes pass 2^31); instants are UTC ISO-8601 text ending in Z,
-- as in SQLite, so both stores hold and compare the same values.
CREATE TABLE profiles (
    user_id    BIGINT PRIMARY KEY,
    level      TEXT NOT NULL CHECK (level IN ('new', 'regular', 'trained')),
    goal       TEXT NOT NULL CHECK (goal IN ('muscle', 'endurance', 'both')),
    hills      TEXT NOT NULL CHECK (hills IN ('steep', 'gentle', 'stairs', 'treadmill', 'flat')),
    days       INTEGER NOT NULL CHECK (days BETWEEN 2 AND 7),
    lifts      INTEGER NOT NULL DEFAULT 0 CHECK (lifts IN (0, 1)),
    age        TEXT CHECK (age IS NULL OR age IN ('under-40', '40-59', '60+')),
    is_returning INTEGER NOT NULL DEFAULT 0 CHECK (is_returning IN (0, 1)),
    units      TEXT NOT NULL DEFAULT 'km' CHECK (units IN ('km', 'mi')),
    started_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
