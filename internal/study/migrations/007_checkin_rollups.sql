-- Check-in rollups (issue 8): dashboards read these instead of counting a
-- year of check-ins (36.5 M rows for 100,000 members). One row per zone day
-- and shard (person_id % 16), kept by the check-in's own transaction, so
-- the figures always equal a direct count. Sixteen shards keep concurrent
-- writers (several serve replicas on PostgreSQL) from queueing on one row
-- per day; a reader sums at most 16 rows a day.
CREATE TABLE study_checkin_rollups (
	day TEXT NOT NULL,
	shard INTEGER NOT NULL,
	checkins INTEGER NOT NULL DEFAULT 0,
	recites INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, shard)
);
INSERT INTO study_checkin_rollups (day, shard, checkins, recites)
	SELECT day, person_id % 16, COUNT(*), SUM(CASE WHEN mode = 'recite' THEN 1 ELSE 0 END)
	FROM study_checkins GROUP BY day, person_id % 16;
