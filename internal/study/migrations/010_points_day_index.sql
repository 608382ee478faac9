-- study_points_day (day) had no reader: every query of the ledger is by
-- member (study_points_person_day, study_points_once) or by id. Each check-in
-- writes two ledger rows, and each index is one more B-tree insert on the
-- single writer in the morning burst (issue 8).
DROP INDEX IF EXISTS study_points_day;
