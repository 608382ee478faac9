-- The member's streak as of each check-in: consecutive days with a check-in
-- ending on this row's day (issue 8: every check-in answers with its
-- streak; with it on the row, yesterday's row gives today's in the batch
-- that writes the check-in, instead of a read of up to the whole streak per
-- request). NULL on rows written before it existed and on generated
-- history: the first check-in after such a row counts the streak once
-- (dailyStreakOf) and records it.
ALTER TABLE study_checkins ADD COLUMN streak INTEGER;
