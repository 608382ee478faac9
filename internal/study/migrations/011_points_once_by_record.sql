-- One award per record, keyed by the record first (issue 8). The members of
-- a morning burst arrive in no order, so an index that begins with the
-- person takes each batch's entries on as many random leaf pages as the
-- batch has members, and every such page is one more frame in the log and
-- one more page for the checkpoint. Keyed (ref_type, ref_id, …), a
-- check-in's awards follow the check-in's id, which grows, so they land on
-- the index's last page. The rule is the same: the same four columns, and
-- every lookup of it names all four.
DROP INDEX study_points_once;
CREATE UNIQUE INDEX study_points_once ON study_points (ref_type, ref_id, activity, person_id) WHERE reverses IS NULL;
