-- One training profile per Discord user (the planner's input). Values are the slash-command
-- choice values; started_on is the Monday the member's week 1 begins (kept across updates).
-- Instants are UTC ISO-8601 strings ending in Z. (`returning` is an SQL keyword: is_returning.)
CREATE TABLE profiles (
    user_id    INTEGER PRIMARY KEY,
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
