-- Issue 11: a member's own training days, their next race and how long a returning member was
-- off. All three are optional (NULL: not given), so existing profiles carry on unchanged.
-- weekdays: `tue,thu,sat` (profile.weekdays_text: three-letter names, comma-separated), as
--   many as the profile's `days`.
-- race_date: an ISO date (YYYY-MM-DD) that exists on the calendar.
-- break_length: a BreakLength value, only on a returning member.
ALTER TABLE profiles ADD COLUMN weekdays TEXT CHECK (weekdays IS NULL OR (
    length(weekdays) = 4 * days - 1
    AND replace(replace(replace(replace(replace(replace(replace(replace(weekdays, 'mon', ''),
        'tue', ''), 'wed', ''), 'thu', ''), 'fri', ''), 'sat', ''), 'sun', ''), ',', '') = ''
));
ALTER TABLE profiles ADD COLUMN race_date TEXT CHECK (
    race_date IS NULL OR date(race_date, '+0 days') IS race_date
);
ALTER TABLE profiles ADD COLUMN break_length TEXT CHECK (
    break_length IS NULL OR (break_length IN ('2w', '1m', '3m', '6m', '1y') AND is_returning = 1)
);
