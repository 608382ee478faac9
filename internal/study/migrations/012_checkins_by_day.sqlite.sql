-- Check-ins keyed by (day, person_id), the order in which they are written
-- (issue 8). Keyed (person_id, day), every check-in of the morning burst
-- landed on a random leaf of an index that holds a year of check-ins
-- (36.5 M entries for 100,000 members), one more page in the log per
-- check-in; keyed by day first, a day's check-ins fill that day's end of
-- the index, a few hundred hot pages. The separate (day, person_id) index
-- becomes the key itself. Readers of one member's days name the days
-- (a list of days, one seek each) instead of a range of them.
--
-- SQLite cannot drop a table's UNIQUE constraint: the table is rebuilt,
-- keeping every id (the ledger points at check-ins by id), and the key is
-- built once the rows are in, as one sort.
CREATE TABLE study_checkins_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	person_id BIGINT NOT NULL REFERENCES people (id),
	day TEXT NOT NULL REFERENCES study_sentences (day),
	mode TEXT NOT NULL CHECK (mode IN ('read', 'recite')),
	created_at TIMESTAMP NOT NULL,
	recited_at TIMESTAMP,
	streak INTEGER
);
INSERT INTO study_checkins_new (id, person_id, day, mode, created_at, recited_at, streak)
	SELECT id, person_id, day, mode, created_at, recited_at, streak FROM study_checkins ORDER BY id;
DROP TABLE study_checkins;
ALTER TABLE study_checkins_new RENAME TO study_checkins;
CREATE UNIQUE INDEX study_checkins_key ON study_checkins (day, person_id);
