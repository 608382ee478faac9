-- The dashboards sum a year of rollups (365 days × 16 shards): an index
-- that holds the counts answers that from the index alone, without a
-- table lookup per row (issue 8).
CREATE INDEX study_checkin_rollups_cover ON study_checkin_rollups (day, checkins, recites);
