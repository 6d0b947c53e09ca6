-- PostgreSQL twin of sqlite/0004_profile_days_race.sql: a member's own days, next race and
-- how long a returning member was off (all optional).
ALTER TABLE profiles ADD COLUMN weekdays TEXT CHECK (weekdays IS NULL OR (
    length(weekdays) = 4 * days - 1
    AND replace(replace(replace(replace(replace(replace(replace(replace(weekdays, 'mon', ''),
        'tue', ''), 'wed', ''), 'thu', ''), 'fri', ''), 'sat', ''), 'sun', ''), ',', '') = ''
));
ALTER TABLE profiles ADD COLUMN race_date TEXT CHECK (
    race_date IS NULL OR race_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
);
ALTER TABLE profiles ADD COLUMN break_length TEXT CHECK (
    break_length IS NULL OR (break_length IN ('2w', '1m', '3m', '6m', '1y') AND is_returning = 1)
);
