-- Check-ins keyed by (day, person_id), the order in which they are written
-- (issue 8). Keyed (person_id, day), every check-in of the morning burst
-- landed on a random leaf of an index that holds a year of check-ins
-- (36.5 M entries for 100,000 members), one more page in the log per
-- check-in; keyed by day first, a day's check-ins fill that day's end of
-- the index, a few hundred hot pages. The separate (day, person_id) index
-- becomes the key itself. Readers of one member's days name the days
-- (an array of days, one descent each) instead of a range of them.
CREATE UNIQUE INDEX study_checkins_key ON study_checkins (day, person_id);
ALTER TABLE study_checkins DROP CONSTRAINT study_checkins_person_id_day_key;
DROP INDEX study_checkins_day;
