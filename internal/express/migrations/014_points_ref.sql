-- Who earned for raising a demand is looked up by the demand when it is
-- resolved (demandPoints): without an index on the reference that was a
-- scan of the whole ledger, on the writer, for every resolution (issue 8).
CREATE INDEX express_points_ref ON express_points (ref_type, ref_id);
